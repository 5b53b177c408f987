"""`generate --check` catches every kind of drift between `generated/` and what the spec produces.

Each case breaks its own scratch copy in one way, runs `--check` once and expects: a non-zero
exit, exactly one reported difference naming the path, the fix command, and `generated/` left as
it was (a check never writes). The three checks run concurrently.
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
    describe,
    finish,
    make_scratch_repo,
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
