"""The catalogue of rules (`api_diff.RULES`), what reads it, and the verdict built on it.

Every rule in the catalogue has a test (derived from the catalogue, so a new rule without one
fails here), every mirror is tested both ways, and the three output formats carry the same
findings and the version rule's verdict.
"""

from __future__ import annotations

import json
import re

import pytest

from scripts.lib import api_diff
from tests.apidiff.test_body_media_types import MEDIA_CASES
from tests.apidiff.test_python_rules import PYTHON_CASES
from tests.apidiff.test_spec_rules import ALL_CASES, RESPONSE_MIRRORS

KEBAB_CASE = re.compile(r"^[a-z]+(-[a-z]+)*$")


def test_every_rule_has_a_test() -> None:
    tested = {case.rule for case in ALL_CASES} | {case.rule for case in PYTHON_CASES}
    tested |= {case.rule for case in MEDIA_CASES} | {case.reverse for case in MEDIA_CASES}

    assert sorted(api_diff.RULES_BY_ID.keys() - tested) == []
    assert sorted(tested - api_diff.RULES_BY_ID.keys()) == []


def test_every_mirror_is_tested_from_both_sides() -> None:
    mirrored = {rule.id for rule in api_diff.RULES if rule.mirror is not None}

    assert mirrored == RESPONSE_MIRRORS.keys()


@pytest.mark.parametrize("rule", api_diff.RULES, ids=[rule.id for rule in api_diff.RULES])
def test_each_rule_is_well_formed(rule: api_diff.Rule) -> None:
    assert KEBAB_CASE.match(rule.id), rule.id
    assert rule.description.endswith(".")
    assert "\n" not in rule.description
    if rule.mirror is not None:
        mirror = api_diff.RULES_BY_ID[rule.mirror]
        assert rule.side is api_diff.Side.REQUEST
        assert mirror.side is api_diff.Side.RESPONSE
        assert mirror.breaking is not rule.breaking


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in api_diff.RULES]
    assert len(ids) == len(set(ids))


def test_list_rules_prints_the_catalogue_as_a_markdown_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert api_diff.main(["--list-rules", "--format", "markdown"]) == 0

    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "| Rule id | Severity | Side | What it means |"
    assert [row.split("|")[1].strip(" `") for row in rows[2:]] == [rule.id for rule in api_diff.RULES]


def test_list_rules_as_json_has_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert api_diff.main(["--list-rules", "--format", "json"]) == 0

    listed = json.loads(capsys.readouterr().out)
    assert [entry["id"] for entry in listed] == [rule.id for rule in api_diff.RULES]
    assert set(listed[0]) == {"id", "severity", "side", "description"}


# --- the report and the version rule -------------------------------------------------------------


def report(*rule_ids: str, old_version: str = "1.2.0", new_version: str = "1.3.0") -> api_diff.Report:
    findings = [
        api_diff.finding(rule_id, f"GET /things (listThings): field {index}", f"it changed ({index}).", "#/x")
        for index, rule_id in enumerate(rule_ids)
    ]
    return api_diff.Report(
        base_label="main",
        base_commit="0123456789abcdef",
        head_label="the working tree",
        old_version=old_version,
        new_version=new_version,
        diffstat=" spec/openapi.yaml | 2 +-",
        findings=api_diff.merge_findings(findings),
        warnings=[],
    )


def test_a_breaking_change_fails_without_a_major_bump_and_says_so() -> None:
    result = report("response-property-became-nullable", "response-property-added")

    assert result.fails
    assert "without a major version bump (info.version 1.2.0 -> 1.3.0): this fails" in result.verdict()


def test_a_major_bump_announces_the_break_and_passes() -> None:
    result = report("response-property-removed", new_version="2.0.0")

    assert not result.fails
    assert "announced by a major version bump (info.version 1.2.0 -> 2.0.0)" in result.verdict()


def test_warnings_and_info_do_not_fail() -> None:
    result = report("request-parameter-default-changed", "operation-added")

    assert not result.fails
    assert result.verdict().startswith("No breaking changes")


def test_the_three_formats_carry_the_same_findings() -> None:
    result = report("response-property-became-nullable", "request-parameter-default-changed", "operation-added")

    text = api_diff.render_text(result)
    markdown = api_diff.render_markdown(result)
    as_json = json.loads(api_diff.render_json(result))

    for rule_id in ("response-property-became-nullable", "request-parameter-default-changed", "operation-added"):
        assert f"[{rule_id}]" in text
        assert f"| `{rule_id}` |" in markdown
    assert [item["rule"] for item in as_json["findings"]] == [
        "response-property-became-nullable",
        "request-parameter-default-changed",
        "operation-added",
    ]
    assert as_json["fails"] is True
    assert as_json["counts"] == {"breaking": 1, "warning": 1, "info": 1}
    assert markdown.startswith("## API diff against main (`0123456789ab`)")
    assert "❌" in markdown


def test_markdown_cells_cannot_break_the_table() -> None:
    result = api_diff.Report(
        base_label="main",
        base_commit="0" * 40,
        head_label="the working tree",
        old_version="1.0.0",
        new_version="1.0.0",
        diffstat="",
        findings=[api_diff.finding("response-property-removed", "GET /a (x), response 200: a", "str | None went.")],
        warnings=[],
    )

    row = next(line for line in api_diff.render_markdown(result).splitlines() if "response-property-removed" in line)

    assert "str \\| None" in row
    assert row.count(" | ") == 3


def test_the_readme_lists_every_rule_as_the_catalogue_prints_it() -> None:
    """The README's table is `scripts/api-diff --list-rules --format markdown`, kept in step."""
    readme = (api_diff.REPO / "README.md").read_text(encoding="utf-8")
    begin, end = "<!-- api-diff rules: begin -->\n", "\n<!-- api-diff rules: end -->"
    table = readme[readme.index(begin) + len(begin) : readme.index(end)]
    for rule in api_diff.RULES:
        assert f"`{rule.id}`" in table, f"the README does not list {rule.id}"
    assert table.count("\n| `") == len(api_diff.RULES)
