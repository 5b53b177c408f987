"""A response field named like the models' own API never shadows it, in either package.

`to_dict`, `model_dump`, `additional_properties`, `model_invalid_fields`, ... (the plan's
MODEL_API_NAMES) take a trailing underscore as attribute names in both packages, the wire key
unchanged; two fields that would end up with one name stop generation with a one-line message
naming the schema and the fields. One scratch copy of the repository, regenerated with such
properties on `CreditBreakdown`, is probed in a fresh interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generate.scratch import (
    SPEC_PATH,
    describe,
    make_scratch_repo,
    package_paths,
    replace_once,
    run_generate,
    run_python,
)

ANCHOR = """\
      properties:
        channel:
"""
RESERVED = ("to_dict", "from_dict", "additional_properties", "model_invalid_fields", "model_dump", "json")
# The local names of the client's from_dict: a field of one of these names was read over by them
# (an outside review: `cls` broke every parse, `item` took a child record's dict).
FROM_DICT_LOCALS = ("cls", "src_dict", "values", "types", "text", "item", "obj", "names", "get", "name")


def _with_properties(names: tuple[str, ...]) -> str:
    added = "".join(f'        {name}:\n          type: [string, "null"]\n' for name in names)
    return ANCHOR.replace("      properties:\n", "      properties:\n" + added)


@pytest.fixture(scope="module")
def reserved_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_scratch_repo(tmp_path_factory.mktemp("reserved-names") / "repo")
    replace_once(repo / SPEC_PATH, ANCHOR, _with_properties(RESERVED + FROM_DICT_LOCALS))
    result = run_generate(repo)
    assert result.returncode == 0, describe(result)
    return repo


PROBE = """
import ravan_client.models, ravan_models
wire = {name: name.upper() for name in %(names)r}
record = {"channel": "voice", **wire}
client = ravan_client.models.CreditBreakdown.from_dict(dict(record))
pydantic = ravan_models.CreditBreakdown.model_validate_json(__import__("json").dumps(record))
result = {
    "client": {name + "_": getattr(client, name + "_") for name in wire},
    "pydantic": {name + "_": getattr(pydantic, name + "_") for name in wire},
    "client_to_dict": client.to_dict(),
    "pydantic_to_dict": pydantic.to_dict(),
    "pydantic_dump": pydantic.model_dump(by_alias=True, exclude_unset=True),
    "client_invalid": client.model_invalid_fields,
    "pydantic_invalid": pydantic.model_invalid_fields,
    "client_extra": client.additional_properties,
    "pydantic_extra": pydantic.model_extra,
}
print(__import__("json").dumps(result))
"""


def test_fields_named_like_the_models_api_take_a_trailing_underscore_in_both_packages(reserved_repo: Path) -> None:
    names = RESERVED + FROM_DICT_LOCALS
    result = run_python(PROBE % {"names": names}, pythonpath=package_paths(reserved_repo), cwd=reserved_repo)
    expected = {f"{name}_": name.upper() for name in names}
    assert result["client"] == expected
    assert result["pydantic"] == expected
    record = {"channel": "voice", **{name: name.upper() for name in names}}
    # The methods still work: to_dict gives the record back, nothing is shadowed or left unknown.
    assert result["client_to_dict"] == record
    assert result["pydantic_to_dict"] == record
    assert result["pydantic_dump"] == record
    assert result["client_invalid"] == {}
    assert result["pydantic_invalid"] == {}
    assert result["client_extra"] == {}
    assert result["pydantic_extra"] == {}


def test_two_fields_that_would_share_a_name_stop_generation_naming_the_schema(tmp_path: Path) -> None:
    repo = make_scratch_repo(tmp_path / "repo")
    replace_once(repo / SPEC_PATH, ANCHOR, _with_properties(("to_dict", "to_dict_")))
    result = run_generate(repo)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "CreditBreakdown" in message
    assert "'to_dict'" in message
    assert "'to_dict_'" in message
    assert "Traceback" not in message
