"""`generate --check` catches every kind of drift between `generated/` and what the spec produces.

Each case breaks its own scratch copy in one way, runs `--check` once and expects: a non-zero
exit, exactly one reported difference naming the path, the fix command, and `generated/` left as
it was (a check never writes). The three checks run concurrently.

The grown spec's golden record (tests/data/grown/golden) is covered by the same check: a template
change regenerated into `generated/` alone fails it, with the change in the record's diff, until
`scripts/generate` regenerates the record too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.generate.scratch import (
    GENERATED,
    GOLDEN,
    SPEC_PATH,
    describe,
    finish,
    make_scratch_repo,
    run_generate,
    scratch_dirs_left,
    start_generate,
    tree_hashes,
)

HAND_EDIT = "# a hand edit that the spec does not produce"
REPORTED_DIFFERENCE = re.compile(r"^\s*(changed|missing|unexpected):\s+(\S+)\s*$", re.MULTILINE)


def append_to_module(repo: Path) -> None:
    module = repo / GENERATED / "ravan-client" / "ravan_client" / "resources.py"
    module.write_text(module.read_text(encoding="utf-8") + HAND_EDIT + "\n", encoding="utf-8")


def add_stray_module(repo: Path) -> None:
    (repo / GENERATED / "ravan-client" / "ravan_client" / "stray.py").write_text('"""Not generated."""\n')


def remove_marker_file(repo: Path) -> None:
    (repo / GENERATED / "ravan-models" / "ravan_models" / "py.typed").unlink()


@dataclass(frozen=True)
class Drift:
    apply: Callable[[Path], None]
    kind: str
    path: str
    # Text the report must show besides the path (the diff of a changed file), if any.
    shown: str | None = None


DRIFTS = {
    "changed-file": Drift(
        # The diff goes from the file on disk to what the spec produces: the hand edit is removed.
        append_to_module,
        "changed",
        "generated/ravan-client/ravan_client/resources.py",
        shown=f"-{HAND_EDIT}",
    ),
    "added-file": Drift(add_stray_module, "unexpected", "generated/ravan-client/ravan_client/stray.py"),
    "removed-file": Drift(remove_marker_file, "missing", "generated/ravan-models/ravan_models/py.typed"),
}


@dataclass(frozen=True)
class DriftCheck:
    repo: Path
    before: dict[str, str]
    result: subprocess.CompletedProcess[str]
    after: dict[str, str]


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DriftCheck]:
    """`--check` on one scratch copy per kind of drift, run side by side to save time."""
    started: dict[str, tuple[Path, dict[str, str], subprocess.Popen[str]]] = {}
    try:
        for name, drift in DRIFTS.items():
            repo = make_scratch_repo(tmp_path_factory.mktemp(name) / "repo")
            drift.apply(repo)
            started[name] = (repo, tree_hashes(repo / GENERATED), start_generate(repo, "--check"))
        return {
            name: DriftCheck(repo, before, finish(process), tree_hashes(repo / GENERATED))
            for name, (repo, before, process) in started.items()
        }
    finally:
        for _, _, process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.mark.parametrize("name", list(DRIFTS))
def test_check_fails_naming_the_drifted_path_and_the_fix(checks: dict[str, DriftCheck], name: str) -> None:
    drift, check = DRIFTS[name], checks[name]
    result = check.result

    assert result.returncode != 0, describe(result)
    assert REPORTED_DIFFERENCE.findall(result.stderr) == [(drift.kind, drift.path)], describe(result)
    assert "scripts/generate" in result.stderr, describe(result)
    if drift.shown is not None:
        assert drift.shown in result.stderr, describe(result)


@pytest.mark.parametrize("name", list(DRIFTS))
def test_check_leaves_the_drifted_tree_as_it_was(checks: dict[str, DriftCheck], name: str) -> None:
    check = checks[name]

    assert check.after == check.before, "--check modified generated/"
    assert scratch_dirs_left(check.repo) == []


TEMPLATE_CHANGE = "# a template change, regenerated into generated/ and not into the golden record"
RESOURCES = "ravan-client/ravan_client/resources.py"


@dataclass(frozen=True)
class GoldenDrift:
    check: DriftCheck
    regenerated: subprocess.CompletedProcess[str]
    fixed: subprocess.CompletedProcess[str]
    fixed_resources: str


@pytest.fixture(scope="module")
def golden_drift(tmp_path_factory: pytest.TempPathFactory) -> GoldenDrift:
    """A template change regenerated into generated/ only, `--check`, then the fix it names."""
    repo = make_scratch_repo(tmp_path_factory.mktemp("golden") / "repo", golden=True)
    template = repo / "spec" / "client" / "templates" / "resources.py.jinja"
    template.write_text(template.read_text(encoding="utf-8") + TEMPLATE_CHANGE + "\n", encoding="utf-8")
    regenerated = run_generate(repo, "--spec", str(SPEC_PATH), "--out", GENERATED)
    before = tree_hashes(repo / GOLDEN)
    result = run_generate(repo, "--check")
    check = DriftCheck(repo, before, result, tree_hashes(repo / GOLDEN))
    fixed = run_generate(repo)
    return GoldenDrift(check, regenerated, fixed, (repo / GOLDEN / RESOURCES).read_text(encoding="utf-8"))


def test_check_fails_when_the_golden_record_is_not_what_the_grown_spec_produces(golden_drift: GoldenDrift) -> None:
    assert golden_drift.regenerated.returncode == 0, describe(golden_drift.regenerated)
    result = golden_drift.check.result

    assert result.returncode != 0, describe(result)
    assert "generated/ is up to date." in result.stdout, describe(result)
    assert f"{GOLDEN}/ is not what tests/data/grown/openapi.yaml produces:" in result.stderr, describe(result)
    reported = REPORTED_DIFFERENCE.findall(result.stderr)
    # Only the record: generated/ has the change. The template's line is in the record's diff.
    assert ("changed", f"{GOLDEN}/{RESOURCES}") in reported, describe(result)
    assert [path for _, path in reported if not path.startswith(f"{GOLDEN}/")] == [], describe(result)
    assert f"+{TEMPLATE_CHANGE}" in result.stderr, describe(result)
    assert "Run `scripts/generate` and commit the result." in result.stderr, describe(result)


def test_check_leaves_the_drifted_golden_record_as_it_was(golden_drift: GoldenDrift) -> None:
    check = golden_drift.check

    assert check.after == check.before, "--check modified the golden record"
    assert scratch_dirs_left(check.repo) == []


def test_the_fix_command_regenerates_the_golden_record(golden_drift: GoldenDrift) -> None:
    assert golden_drift.fixed.returncode == 0, describe(golden_drift.fixed)
    assert f"Generated {GOLDEN}/ from tests/data/grown/openapi.yaml." in golden_drift.fixed.stdout
    assert TEMPLATE_CHANGE in golden_drift.fixed_resources
    assert scratch_dirs_left(golden_drift.check.repo) == []
