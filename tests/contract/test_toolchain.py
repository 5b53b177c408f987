"""The pinned property-testing toolchain works as the contract tests use it.

hypothesis-jsonschema 0.23.1 (its latest release) calls Hypothesis' private `many.more()`, which
Hypothesis 6.170.10 removed: with a newer Hypothesis `from_schema` of any object schema fails
with AttributeError. pyproject.toml pins 6.170.9; this test fails first if the pin moves.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis_jsonschema import from_schema

pytestmark = pytest.mark.contract

SMALL_OBJECT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}


@settings(max_examples=5, deadline=None)
@given(from_schema(SMALL_OBJECT_SCHEMA))
def test_hypothesis_jsonschema_generates_objects_with_the_pinned_hypothesis(instance: dict[str, Any]) -> None:
    assert isinstance(instance["id"], str)
