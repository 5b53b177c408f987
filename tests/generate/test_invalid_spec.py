"""An invalid spec stops generation before anything is written.

Each case breaks the spec of a fresh scratch copy in one way. Generation must exit non-zero with
the validator's (or Spectral's) own description of the problem, and leave `generated/` exactly as
it was, with no staging tree behind. A valid spec that the templates cannot handle must fail the
same way, from inside the generation step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.generate.scratch import (
    GENERATED,
    SPEC_PATH,
    describe,
    replace_once,
    run_generate,
    scratch_dirs_left,
    tree_hashes,
)

STRUCTURAL = "spec/openapi.yaml is not a valid OpenAPI document"
LINT = "Spectral found problems in the spec"


def misspell_a_parameter_type(repo: Path) -> None:
    # The `page` parameter's schema.
    replace_once(
        repo / SPEC_PATH,
        "            type: integer\n            minimum: 1\n            default: 1\n",
        "            type: integr\n            minimum: 1\n            default: 1\n",
    )


def remove_info(repo: Path) -> None:
    spec_path = repo / SPEC_PATH
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    del spec["info"]
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def make_a_response_example_violate_its_schema(repo: Path) -> None:
    # The `empty` example of the 200 response: callSessions must be an array.
    replace_once(repo / SPEC_PATH, "callSessions: []\n", "callSessions: 5\n")


def make_a_parameter_example_violate_its_schema(repo: Path) -> None:
    # The `page` parameter is an integer.
    replace_once(
        repo / SPEC_PATH,
        "            default: 1\n          example: 1\n",
        "            default: 1\n          example: first\n",
    )


def remove_the_contact(repo: Path) -> None:
    # Valid OpenAPI; Spectral's `info-contact` rule only warns, and warnings fail the lint too.
    replace_once(repo / SPEC_PATH, "  contact:\n    name: Ravan AI\n    url: https://ravan.ai\n", "")


@dataclass(frozen=True)
class Breakage:
    apply: Callable[[Path], None]
    # Lines of the expected output: which check refused the spec, and its words for the problem.
    expected: tuple[str, ...]


BREAKAGES = {
    "unknown-schema-type": Breakage(misspell_a_parameter_type, (STRUCTURAL, "'integr' is not valid")),
    "missing-info": Breakage(remove_info, (STRUCTURAL, "'info' is a required property")),
    "response-example-violates-schema": Breakage(
        make_a_response_example_violate_its_schema,
        (LINT, "oas3-valid-media-example", '"callSessions" property type must be array'),
    ),
    "parameter-example-violates-schema": Breakage(
        make_a_parameter_example_violate_its_schema,
        (LINT, "oas3-valid-media-example", "parameters[0].example"),
    ),
    "lint-warning": Breakage(remove_the_contact, (LINT, "info-contact", "1 warning")),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES.values()), ids=list(BREAKAGES))
def test_invalid_spec_stops_generation_and_leaves_generated_untouched(scratch_repo: Path, breakage: Breakage) -> None:
    breakage.apply(scratch_repo)
    before = tree_hashes(scratch_repo / GENERATED)

    result = run_generate(scratch_repo)

    assert result.returncode != 0, describe(result)
    for expected in breakage.expected:
        assert expected in result.stderr, describe(result)
    assert "generated/ was left untouched." in result.stderr, describe(result)
    assert "==> generate into a staging directory" not in result.stdout, "generation started on an invalid spec"
    assert tree_hashes(scratch_repo / GENERATED) == before
    assert scratch_dirs_left(scratch_repo) == []


def test_spec_the_templates_cannot_handle_stops_generation_and_leaves_generated_untouched(scratch_repo: Path) -> None:
    # Valid OpenAPI, but the pager's items path names a property the 200 body does not have.
    replace_once(scratch_repo / SPEC_PATH, "items: [data, callSessions]\n", "items: [data, sessions]\n")
    before = tree_hashes(scratch_repo / GENERATED)

    result = run_generate(scratch_repo)

    assert result.returncode != 0, describe(result)
    assert "x-pagination of GET /api/v1/calling/call-sessions" in result.stderr, describe(result)
    assert "'sessions' must be a required, non-null property" in result.stderr, describe(result)
    assert "generated/ was left untouched." in result.stderr, describe(result)
    assert tree_hashes(scratch_repo / GENERATED) == before
    assert scratch_dirs_left(scratch_repo) == []
