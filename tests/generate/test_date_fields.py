"""A `format: date` field reads the same in both packages, through the client's fast path too.

No spec under test has a date field, so one scratch copy of the repository gains one on
`CreditBreakdown` (`day`) and is probed in a fresh interpreter: a record with every key takes the
generated from_dict's fast path, whose date step once read whatever Python 3.11's
`date.fromisoformat` reads (a week date `2026-W47-1`, `20261124xx`), which the general parser and
pydantic refuse.
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
DAY = """\
      properties:
        day:
          type: [string, "null"]
          format: date
        channel:
"""


@pytest.fixture(scope="module")
def dated_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_scratch_repo(tmp_path_factory.mktemp("date-fields") / "repo")
    replace_once(repo / SPEC_PATH, ANCHOR, DAY)
    result = run_generate(repo)
    assert result.returncode == 0, describe(result)
    return repo


PROBE = """
import json, ravan_client.models, ravan_models
result = []
for day in %(days)r:
    # Every key there (null where not given): what takes the fast path.
    fields = ravan_client.models.CreditBreakdown._wire_fields
    record = {wire: None for wire, _, _ in fields} | {"day": day, "channel": "voice"}
    client = ravan_client.models.CreditBreakdown.from_dict(dict(record))
    general = ravan_client.models.CreditBreakdown._parse_checked(dict(record))
    pydantic = ravan_models.CreditBreakdown.model_validate_json(json.dumps(record))
    result.append([str(client.day), str(general.day), str(pydantic.day), "day" in client.model_invalid_fields])
print(json.dumps(result))
"""
DAYS = ("2026-11-24", "2026-W47-1", "20261124xx", "2026-02-30")


def test_a_date_field_reads_alike_in_the_fast_path_the_general_parser_and_pydantic(dated_repo: Path) -> None:
    result = run_python(PROBE % {"days": DAYS}, pythonpath=package_paths(dated_repo), cwd=dated_repo)
    assert result[0] == ["2026-11-24", "2026-11-24", "2026-11-24", False]
    for day, (client, general, pydantic, invalid) in zip(DAYS[1:], result[1:], strict=True):
        assert (client, general, pydantic, invalid) == ("None", "None", "None", True), day
