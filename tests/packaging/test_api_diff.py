"""`scripts/api-diff`: the breaking-change report, in a scratch git repository.

The scratch repository holds copies of what generation reads and writes (spec/, scripts/,
generated/, pyproject.toml, .spectral.yaml), with the real node_modules symlinked in; its
generated/ is regenerated once so the base commit is consistent whatever state this checkout is
in. It is committed as `main`; each test clones it, branches off, changes the spec, regenerates
with the clone's own scripts/lib/generate.py (the Python tools are this virtualenv's), and runs
the clone's scripts/lib/api_diff.py (`scripts/api-diff` minus its bootstrap).

The rules themselves are also checked one by one on in-memory specs, which needs no git.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib import api_diff as api_diff_module
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
GENERATE = Path("scripts") / "lib" / "generate.py"
API_DIFF = Path("scripts") / "lib" / "api_diff.py"
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


def git(repo: Path, *args: str) -> str:
    result = run(["git", *args], cwd=repo, env=GIT_ENV)
    assert result.returncode == 0, describe(result)
    return result.stdout


def regenerate(repo: Path) -> None:
    result = run([sys.executable, repo / GENERATE], cwd=repo, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, describe(result)


def api_diff(repo: Path, *args: str) -> Any:
    return run([sys.executable, repo / API_DIFF, *args], cwd=repo, env=GIT_ENV)


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
    assert f"schema CallSession: property `{REMOVED_PROPERTY}` was removed" in result.stdout
    # griffe sees the attribute gone from the client's attrs model and the pydantic model.
    assert f"CallSession.{REMOVED_PYTHON_NAME}: Public object was removed" in result.stdout
    assert "ravan_client/models/call_session.py" in result.stdout
    assert "without a major version bump" in result.stdout
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## API diff against the merge base with main")
    assert "spec/openapi.yaml" in markdown  # the diffstat
    assert f"property `{REMOVED_PROPERTY}` was removed" in markdown
    assert f"`CallSession.{REMOVED_PYTHON_NAME}`" in markdown


@pytest.mark.slow
def test_adding_an_optional_field_does_not_break(branch: Path) -> None:
    add_property_before(branch / SPEC, REMOVED_PROPERTY, ADDED_PROPERTY_YAML)
    regenerate(branch)

    result = api_diff(branch)

    assert result.returncode == 0, describe(result)
    assert f"schema CallSession: optional property `{ADDED_PROPERTY}` was added" in result.stdout
    assert "Spec changes that break callers (0)" in result.stdout
    assert "No breaking changes" in result.stdout


@pytest.mark.slow
def test_a_major_version_bump_lets_a_removal_pass_but_still_reports_it(branch: Path) -> None:
    remove_property(branch / SPEC, REMOVED_PROPERTY)
    bumped = bump_major_version(branch / SPEC)
    regenerate(branch)

    result = api_diff(branch)

    assert result.returncode == 0, describe(result)
    assert f"property `{REMOVED_PROPERTY}` was removed" in result.stdout
    assert f"CallSession.{REMOVED_PYTHON_NAME}: Public object was removed" in result.stdout
    assert f"announced by a major version bump (info.version {load_spec()['info']['version']} -> {bumped})" in (
        result.stdout
    )


# --- which base ----------------------------------------------------------------------------------


def test_on_main_the_base_is_head(clone: Path) -> None:
    remove_property(clone / SPEC, REMOVED_PROPERTY)  # spec only: generated/ is left stale

    result = api_diff(clone)

    assert result.returncode == 1, describe(result)
    assert "Comparing the working tree with HEAD (on main)" in result.stdout
    assert "generated/ is stale for the spec" in result.stdout
    assert f"property `{REMOVED_PROPERTY}` was removed" in result.stdout


def test_without_a_main_branch_the_base_is_head(clone: Path) -> None:
    git(clone, "branch", "--quiet", "--move", "main", "trunk")
    git(clone, "remote", "remove", "origin")

    result = api_diff(clone)

    assert result.returncode == 0, describe(result)
    assert "HEAD (no main branch to take a merge base with)" in result.stdout
    assert "No breaking changes" in result.stdout


def test_an_explicit_base_ref_is_used_and_a_bad_one_is_a_usage_error(branch: Path) -> None:
    remove_property(branch / SPEC, REMOVED_PROPERTY)
    git(branch, "commit", "--quiet", "--all", "--message", "remove a field")

    against_main = api_diff(branch, "main")
    against_head = api_diff(branch, "HEAD")
    unknown = api_diff(branch, "no-such-ref")

    assert against_main.returncode == 1, describe(against_main)
    assert "Comparing the working tree with main" in against_main.stdout
    assert against_head.returncode == 0, describe(against_head)
    assert unknown.returncode == 2, describe(unknown)
    assert "'no-such-ref' does not name a commit" in unknown.stderr


# --- the rules, on in-memory specs ---------------------------------------------------------------


LIST = ("paths", "/api/v1/calling/call-sessions", "get")
SCHEMAS = ("components", "schemas")


def node(spec: dict[str, Any], *path: str) -> Any:
    for key in path:
        spec = spec[key]
    return spec


def parameter(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """The list operation's parameter `name`, to change in place."""
    (found,) = [p for p in node(spec, *LIST)["parameters"] if p["name"] == name]
    assert isinstance(found, dict)
    return found


def schema_property(spec: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    found = node(spec, *SCHEMAS, schema, "properties", name)
    assert isinstance(found, dict)
    return found


def remove_parameter(spec: dict[str, Any], name: str) -> None:
    operation = node(spec, *LIST)
    operation["parameters"] = [p for p in operation["parameters"] if p["name"] != name]


def add_query_parameter(spec: dict[str, Any], name: str, *, required: bool) -> None:
    node(spec, *LIST)["parameters"].append(
        {"name": name, "in": "query", "required": required, "schema": {"type": "string"}}
    )


Mutation = Callable[[dict[str, Any]], None]

# (what happens, the change, words the report must contain, whether it breaks callers)
RULES: list[tuple[str, Mutation, str, bool]] = [
    (
        "query parameter removed",
        lambda spec: remove_parameter(spec, "search"),
        "query parameter `search` was removed (a rename shows as removed + added)",
        True,
    ),
    (
        "query parameter renamed",
        lambda spec: parameter(spec, "search").update(name="query"),
        "query parameter `search` was removed",
        True,
    ),
    (
        "query parameter became required",
        lambda spec: parameter(spec, "agent_id").update(required=True),
        "query parameter `agent_id` became required",
        True,
    ),
    (
        "new required query parameter",
        lambda spec: add_query_parameter(spec, "org", required=True),
        "required query parameter `org` was added",
        True,
    ),
    (
        "new optional query parameter",
        lambda spec: add_query_parameter(spec, "org", required=False),
        "optional query parameter `org` was added",
        False,
    ),
    (
        "enum value removed",
        lambda spec: parameter(spec, "sort_order")["schema"].update(enum=["desc"]),
        "enum value 'asc' was removed",
        True,
    ),
    (
        "parameter type changed",
        lambda spec: parameter(spec, "page")["schema"].update(type="string"),
        "its type changed: integer -> string",
        True,
    ),
    (
        "response removed",
        lambda spec: node(spec, *LIST)["responses"].pop("429"),
        "response 429 was removed",
        True,
    ),
    (
        "property type changed",
        lambda spec: schema_property(spec, "CallSession", "durationSec").update(type=["string", "null"]),
        "the property's type changed: integer -> string",
        True,
    ),
    (
        "property format dropped",
        lambda spec: schema_property(spec, "CallSession", "startedAt").pop("format"),
        "the property's type changed: string (date-time) -> string",
        True,
    ),
    (
        "property stopped being nullable",
        lambda spec: schema_property(spec, "CallSession", "status").update(type="string"),
        "the property's value stopped being nullable",
        True,
    ),
    (
        "property became required",
        lambda spec: node(spec, *SCHEMAS, "CallSession", "required").append("status"),
        "property `status` became required",
        True,
    ),
    (
        "schema stopped being nullable",
        lambda spec: node(spec, *SCHEMAS, "CreditBreakdown").update(type="object"),
        "the schema's value stopped being nullable",
        True,
    ),
    (
        "schema removed",
        lambda spec: node(spec, *SCHEMAS).pop("ErrorResponse"),
        "schema ErrorResponse: the schema was removed",
        True,
    ),
    (
        "property became nullable",
        lambda spec: schema_property(spec, "CallSession", "id").update(type=["string", "null"]),
        "the property's value became nullable",
        False,
    ),
]


@pytest.mark.parametrize(("mutate", "expected", "breaking"), [rule[1:] for rule in RULES], ids=[r[0] for r in RULES])
def test_each_rule_reports_what_changed(mutate: Mutation, expected: str, breaking: bool) -> None:
    old = load_spec()
    new = copy.deepcopy(old)
    mutate(new)

    changes = api_diff_module.compare_specs(old, new)

    matching = [change for change in changes if expected in str(change)]
    assert matching, [str(change) for change in changes]
    assert all(change.breaking is breaking for change in matching), [str(change) for change in changes]


def test_an_unchanged_spec_reports_nothing() -> None:
    spec = load_spec()
    assert api_diff_module.compare_specs(spec, copy.deepcopy(spec)) == []
