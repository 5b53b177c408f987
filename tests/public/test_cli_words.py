"""The command-line words the public driver (and the contract tests) write for a value."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from tests.support.calls import cli_text


@pytest.mark.parametrize(
    ("value", "word"),
    [
        # A union's boolean (Qdrant's --with-vector: a boolean or a list of names) is read as JSON.
        (True, "true"),
        (False, "false"),
        (["a", "b"], '["a", "b"]'),
        ({"k": 1}, '{"k": 1}'),
        (datetime.date(2026, 12, 1), "2026-12-01"),
        (7, "7"),
        ("text", "text"),
    ],
)
def test_a_value_becomes_the_word_its_option_reads(value: Any, word: str) -> None:
    assert cli_text(value) == word
    if isinstance(value, bool | list | dict):
        assert json.loads(word) == value
