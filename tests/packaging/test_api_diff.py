"""`scripts/api-diff`: the breaking-change report, in a scratch git repository.

The scratch repository holds copies of what generation reads and writes (spec/, scripts/,
generated/, pyproject.toml, .spectral.yaml), with the real node_modules symlinked in; its
generated/ is regenerated once so the base commit is consistent whatever state this checkout is
in. It is committed as `main`; each test clones it, branches off, changes the spec, regenerates
with the clone's own scripts/lib/generate.py (the Python tools are this virtualenv's), and runs
the clone's scripts/lib/api_diff.py (`scripts/api-diff` minus its bootstrap).

A few tests leave generated/ stale on purpose: the gate then generates both sides afresh (seconds
each), or says that it cannot and lets the spec half decide. They are marked slow and given room.

The rules themselves are checked one by one on in-memory fragments in tests/apidiff, with no git.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.packaging.support import (
    INSTALL_TIMEOUT,
    REPO_ROOT,
    clean_env,
    copy_without_caches,
    describe,
    load_spec,
    run,
)

COPIED_DIRS = ("spec", "scripts", "generated")
COPIED_FILES = ("pyproject.toml", ".spectral.yaml", ".gitignore")
SPEC = Path("spec") / "openapi.yaml"
GROWN_SPEC = REPO_ROOT / "tests" / "data" / "grown" / "openapi.yaml"
TWILIO = REPO_ROOT / "tests" / "data" / "twilio"
# api-diff generating both sides (about ten seconds each when the machine is quiet).
GENERATING_TIMEOUT = 600
# Run as modules of the clone (its working directory), as scripts/generate and scripts/api-diff do.
GENERATE = "scripts.lib.generate"
API_DIFF = "scripts.lib.api_diff"
# Commits made here must not depend on (or be signed by) the user's own git configuration.
GIT_ENV = clean_env(
    GIT_AUTHOR_NAME="api-diff test",
    GIT_AUTHOR_EMAIL="api-diff-test@example.invalid",
    GIT_COMMITTER_NAME="api-diff test",
    GIT_COMMITTER_EMAIL="api-diff-test@example.invalid",
    GIT_CONFIG_GLOBAL="/dev/null",
    GIT_CONFIG_NOSYSTEM="1",
)

# A property of CallSession that nothing else (pagination, item key) depends on.
REMOVED_PROPERTY = "callerEmail"
REMOVED_PYTHON_NAME = "caller_email"
ADDED_PROPERTY = "callerLocale"
ADDED_PROPERTY_YAML = f"""\
        {ADDED_PROPERTY}:
          type:
            - string
            - "null"
          description: The caller's locale, when known.
"""


LIST_RESPONSE = "GET /api/v1/calling/call-sessions (listCallSessions), response 200"
ID_PROPERTY_YAML = """\
        id:
          type: string
"""
NULLABLE_ID_PROPERTY_YAML = """\
        id:
          type:
            - string
            - "null"
"""
STATUS_TYPE_YAML = """\
        status:
          type:
            - string
            - "null"
"""
STATUS_ENUM_YAML = """\
          enum: [completed, in_progress, ringing, failed, pending, transfer, timeout, error, null]
"""


def git(repo: Path, *args: str) -> str:
    result = run(["git", *args], cwd=repo, env=GIT_ENV)
    assert result.returncode == 0, describe(result)
    return result.stdout


def regenerate(repo: Path) -> None:
    result = run([sys.executable, "-m", GENERATE], cwd=repo, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, describe(result)


def api_diff(repo: Path, *args: str, timeout: float = INSTALL_TIMEOUT) -> Any:
    return run([sys.executable, "-m", API_DIFF, *args], cwd=repo, env=GIT_ENV, timeout=timeout)


def schema_property_line(name: str) -> str:
    """The line that opens a property of a component schema (examples are indented deeper)."""
    return f"        {name}:\n"


def remove_property(spec_path: Path, name: str) -> None:
    """Delete a schema property's block: its line and every more indented line after it."""
    lines = spec_path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line == schema_property_line(name)]
    assert len(starts) == 1, f"expected one property {name!r} in {spec_path}, found {len(starts)}"
    end = starts[0] + 1
    while end < len(lines) and (lines[end].startswith(" " * 9) or not lines[end].strip()):
        end += 1
    spec_path.write_text("".join(lines[: starts[0]] + lines[end:]), encoding="utf-8")


def add_property_before(spec_path: Path, anchor: str, block: str) -> None:
    text = spec_path.read_text(encoding="utf-8")
    line = schema_property_line(anchor)
    assert text.count(line) == 1, f"expected one property {anchor!r} in {spec_path}"
    spec_path.write_text(text.replace(line, block + line), encoding="utf-8")


def replace_once(spec_path: Path, old: str, new: str) -> None:
    text = spec_path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected one {old!r} in {spec_path}"
    spec_path.write_text(text.replace(old, new), encoding="utf-8")


def bump_major_version(spec_path: Path) -> str:
    text = spec_path.read_text(encoding="utf-8")
    version = str(yaml.safe_load(text)["info"]["version"])
    bumped = f"{int(version.split('.')[0]) + 1}.0.0"
    line = f"  version: {version}\n"
    assert text.count(line) == 1, f"expected one line {line!r} in {spec_path}"
    spec_path.write_text(text.replace(line, f"  version: {bumped}\n"), encoding="utf-8")
    return bumped


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("api-diff") / "base"
    for name in COPIED_DIRS:
        copy_without_caches(REPO_ROOT / name, repo / name)
    for name in COPIED_FILES:
        (repo / name).write_bytes((REPO_ROOT / name).read_bytes())
    (repo / "node_modules").symlink_to(REPO_ROOT / "node_modules", target_is_directory=True)
    regenerate(repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", *COPIED_DIRS, *COPIED_FILES)
    git(repo, "commit", "--quiet", "--message", "base")
    return repo


@pytest.fixture
def clone(base_repo: Path, tmp_path: Path) -> Path:
    """A clone of the base repository, on `main`, with node_modules linked in."""
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "--quiet", str(base_repo), str(repo))
    (repo / "node_modules").symlink_to(REPO_ROOT / "node_modules", target_is_directory=True)
    return repo


@pytest.fixture
def branch(clone: Path) -> Path:
    """The clone, on a new branch off `main`: api-diff's default base is then `main`."""
    git(clone, "checkout", "--quiet", "-b", "change")
    return clone


# --- end to end: spec change, regeneration, report -----------------------------------------------


@pytest.mark.slow
def test_removing_a_field_breaks_and_fails(branch: Path, tmp_path: Path) -> None:
    remove_property(branch / SPEC, REMOVED_PROPERTY)
    regenerate(branch)
    summary = tmp_path / "summary.md"

    result = api_diff(branch, "--summary", str(summary))

    assert result.returncode == 1, describe(result)
    assert "the merge base with main" in result.stdout
    assert f"[response-property-removed] {LIST_RESPONSE}: data.callSessions[].{REMOVED_PROPERTY}" in result.stdout
    assert f"`{REMOVED_PROPERTY}` was removed" in result.stdout
    # griffe sees the attribute gone from the client's attrs model and the pydantic model.
    assert f"CallSession.{REMOVED_PYTHON_NAME}: Public object was removed" in result.stdout
    assert "[python-object-removed]" in result.stdout
    assert "ravan_client/models/call_session.py" in result.stdout
    assert "without a major version bump" in result.stdout
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## API diff against the merge base with main")
    assert "spec/openapi.yaml" in markdown  # the diffstat
    assert "| `response-property-removed` |" in markdown
    assert f"`{REMOVED_PROPERTY}` was removed" in markdown
    assert f"CallSession.{REMOVED_PYTHON_NAME}: Public object was removed" in markdown


@pytest.mark.slow
def test_adding_an_optional_field_does_not_break(branch: Path) -> None:
    add_property_before(branch / SPEC, REMOVED_PROPERTY, ADDED_PROPERTY_YAML)
    regenerate(branch)

    result = api_diff(branch)

    assert result.returncode == 0, describe(result)
    assert f"[response-property-added] {LIST_RESPONSE}: data.callSessions[].{ADDED_PROPERTY}" in result.stdout
    assert "Breaking changes (0)" in result.stdout
    assert "No breaking changes" in result.stdout


@pytest.mark.slow
def test_the_item_key_becoming_nullable_breaks_in_the_spec_half(branch: Path) -> None:
    replace_once(branch / SPEC, ID_PROPERTY_YAML, NULLABLE_ID_PROPERTY_YAML)
    regenerate(branch)

    result = api_diff(branch, "--format", "json")

    assert result.returncode == 1, describe(result)
    report = json.loads(result.stdout)
    found = {(item["rule"], item["severity"]) for item in report["findings"]}
    assert ("response-property-became-nullable", "breaking") in found
    # Both packages type a required field `X | None` already (issue 19: a record whose id is
    # missing or unfit is kept, with id None), so the Python half sees no change: the spec half
    # carries the verdict.
    widened = [item for item in report["findings"] if item["rule"] == "python-model-field-type-widened"]
    assert widened == []
    assert report["fails"] is True


@pytest.mark.slow
def test_an_open_status_becoming_an_enum_does_not_break(branch: Path) -> None:
    replace_once(branch / SPEC, STATUS_TYPE_YAML, STATUS_TYPE_YAML + STATUS_ENUM_YAML)
    regenerate(branch)

    result = api_diff(branch)

    assert result.returncode == 0, describe(result)
    assert f"[response-property-became-enum] {LIST_RESPONSE}: data.callSessions[].status" in result.stdout
    # The Python type narrows (str -> a Literal of the values): readers are unaffected.
    assert "[python-model-field-type-narrowed]" in result.stdout
    assert "Breaking changes (0)" in result.stdout


@pytest.mark.slow
def test_a_major_version_bump_lets_a_removal_pass_but_still_reports_it(branch: Path) -> None:
    remove_property(branch / SPEC, REMOVED_PROPERTY)
    bumped = bump_major_version(branch / SPEC)
    regenerate(branch)

    result = api_diff(branch)

    assert result.returncode == 0, describe(result)
    assert f"`{REMOVED_PROPERTY}` was removed" in result.stdout
    assert f"CallSession.{REMOVED_PYTHON_NAME}: Public object was removed" in result.stdout
    assert f"announced by a major version bump (info.version {load_spec()['info']['version']} -> {bumped})" in (
        result.stdout
    )


# --- which base ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(GENERATING_TIMEOUT)
def test_on_main_a_json_body_property_removed_without_regenerating_fails_through_the_python_half(
    clone: Path,
) -> None:
    """The spec alone rates a removed JSON body property a warning; the method's keyword argument
    goes with it, which breaks callers: generated/ is stale on both sides here, so the gate
    generates both and the Python half gives the verdict."""
    (clone / SPEC).write_bytes(GROWN_SPEC.read_bytes())
    git(clone, "commit", "--quiet", "--all", "--message", "another spec, generated/ not regenerated")
    remove_property(clone / SPEC, "recordingEnabled")  # a property of createCall's JSON body

    result = api_diff(clone, timeout=GENERATING_TIMEOUT)

    assert result.returncode == 1, describe(result)
    assert "Comparing the working tree with HEAD (on main)" in result.stdout
    assert (
        "note: generated/ is not what the spec produces at HEAD (on main) (made from another spec/openapi.yaml) "
        "and at the working tree (made from another spec/openapi.yaml)"
    ) in result.stdout
    assert "compared between both sides generated afresh" in result.stdout
    assert (
        "[request-property-removed] POST /api/v1/calling/create-call (createCall), request body: recordingEnabled"
        in (result.stdout)
    )
    assert "[python-parameter-removed]" in result.stdout
    assert "recording_enabled" in result.stdout
    assert "without a major version bump" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(GENERATING_TIMEOUT)
def test_a_real_form_body_release_that_cannot_be_generated_is_judged_by_the_spec_half(clone: Path) -> None:
    """Twilio events 2.3.5 -> 2.4.0 (tests/data/twilio): a form field removed, which Twilio calls
    breaking. The generate step cannot serve that document, so the Python half says it is skipped."""
    (clone / SPEC).write_bytes((TWILIO / "events_v1-2.3.5.yaml").read_bytes())
    git(clone, "commit", "--quiet", "--all", "--message", "Twilio events 2.3.5")
    git(clone, "checkout", "--quiet", "-b", "change")
    (clone / SPEC).write_bytes((TWILIO / "events_v1-2.4.0.yaml").read_bytes())

    result = api_diff(clone, timeout=GENERATING_TIMEOUT)

    assert result.returncode == 1, describe(result)
    assert "could not be generated (the spec has a shape the generator does not support" in result.stdout
    assert "the Python API is not compared, the spec half alone gives the verdict" in result.stdout
    assert (
        "[request-form-field-removed] POST /v1/Subscriptions/{Sid} (UpdateSubscription), "
        "request body (application/x-www-form-urlencoded): SinkSid"
    ) in result.stdout
    assert "Breaking changes (1)" in result.stdout
    assert "[python-" not in result.stdout


def test_on_main_the_base_is_head(clone: Path) -> None:
    result = api_diff(clone)

    assert result.returncode == 0, describe(result)
    assert "Comparing the working tree with HEAD (on main)" in result.stdout
    assert "No breaking changes" in result.stdout


def test_without_a_main_branch_the_base_is_head(clone: Path) -> None:
    git(clone, "branch", "--quiet", "--move", "main", "trunk")
    git(clone, "remote", "remove", "origin")

    result = api_diff(clone)

    assert result.returncode == 0, describe(result)
    assert "HEAD (no main branch to take a merge base with)" in result.stdout
    assert "No breaking changes" in result.stdout


@pytest.mark.slow
def test_an_explicit_base_ref_is_used_and_a_bad_one_is_a_usage_error(branch: Path) -> None:
    remove_property(branch / SPEC, REMOVED_PROPERTY)
    regenerate(branch)  # both sides fresh: nothing to generate afresh, whichever the base
    git(branch, "commit", "--quiet", "--all", "--message", "remove a field")

    against_main = api_diff(branch, "main")
    against_head = api_diff(branch, "HEAD")
    head_against_main = api_diff(branch, "--head", "HEAD", "main")
    unknown = api_diff(branch, "no-such-ref")
    bad_format = api_diff(branch, "--format", "yaml")

    assert against_main.returncode == 1, describe(against_main)
    assert "Comparing the working tree with main" in against_main.stdout
    assert against_head.returncode == 0, describe(against_head)
    assert head_against_main.returncode == 1, describe(head_against_main)
    assert "Comparing HEAD (" in head_against_main.stdout
    assert unknown.returncode == 2, describe(unknown)
    assert "'no-such-ref' does not name a commit" in unknown.stderr
    assert bad_format.returncode == 2, describe(bad_format)
