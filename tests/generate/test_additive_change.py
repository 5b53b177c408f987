"""An additive change to the product spec passes scripts/test with no edit under tests/.

A scratch copy of the repository (every file git would commit, with this checkout's .venv, .tools
and node_modules linked in) gets an optional response field and one new query parameter of each
type (string, integer with bounds, number, boolean, enum, date-time), most with a default, on
the list operation; then
`scripts/generate` and `scripts/test` run in it, lint, mypy --strict and the spec-derived suites
(client and contract) included. The spec is the truth: the suites must carry the change by
themselves, which the collected test ids prove, and nothing under tests/ may change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.generate.scratch import CACHE_NAMES, SPEC_PATH, describe, replace_once, subprocess_env
from tests.support.target import REPO_ROOT

# It runs a whole scripts/test (lint, mypy, two suites against Prism) in the scratch copy: minutes on a
# busy machine, not the per-test default.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

LINKED = (".venv", ".tools", "node_modules")
NEW_FIELD = """\
        callerLocale:
          type:
            - string
            - "null"
          description: The caller's locale, when known.
"""
NEW_PARAMETERS = """\
        - name: tag
          in: query
          description: Calls with this tag.
          schema:
            type: string
            default: 'any "quoted" tag'
        - name: min_duration
          in: query
          description: Calls at least this many seconds long.
          schema:
            type: integer
            minimum: 0
            maximum: 86400
            default: 0
        - name: min_cost
          in: query
          description: Calls that cost at least this much.
          schema:
            type: number
            minimum: 0
            default: 0.5
        - name: has_recording
          in: query
          description: Calls with (or without) a recording.
          schema:
            type: boolean
            default: false
        - name: direction
          in: query
          description: Inbound or outbound calls.
          schema:
            type: string
            enum:
              - inbound
              - outbound
            default: inbound
        - name: ended_after
          in: query
          description: Calls that ended after this timestamp.
          schema:
            type: string
            format: date-time
"""
OPERATION_RESPONSES = '      responses:\n        "200":\n'
LAST_FIELD = '        creditBreakdown:\n          $ref: "#/components/schemas/CreditBreakdown"\n'
GIT_ENV = {
    "GIT_AUTHOR_NAME": "additive change",
    "GIT_AUTHOR_EMAIL": "additive@example.invalid",
    "GIT_COMMITTER_NAME": "additive change",
    "GIT_COMMITTER_EMAIL": "additive@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}
TIMEOUT = 1200


def _copy_checkout(destination: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if not source.is_file():
            continue  # deleted in the working tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for name in LINKED:
        (destination / name).symlink_to(REPO_ROOT / name, target_is_directory=True)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    # Caches the tools leave (ruff keeps one beside each golden package's own ruff settings) are
    # not edits.
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not CACHE_NAMES.intersection(p.parts)):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _run(repo: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        cwd=repo,
        env=subprocess_env((), **GIT_ENV, **env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_an_additive_change_passes_scripts_test_with_no_edit_under_tests(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _copy_checkout(repo)
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "scratch"]):
        assert _run(repo, *command).returncode == 0
    tests_before = _tree_digest(repo / "tests")

    replace_once(repo / SPEC_PATH, LAST_FIELD, LAST_FIELD + NEW_FIELD)
    replace_once(repo / SPEC_PATH, OPERATION_RESPONSES, NEW_PARAMETERS + OPERATION_RESPONSES)
    generated = _run(repo, "scripts/generate")
    assert generated.returncode == 0, describe(generated)
    assert _run(repo, "git", "add", "-A").returncode == 0  # scripts/test lints what git tracks

    tested = _run(
        repo,
        "scripts/test",
        "-p",
        "no:cacheprovider",
        "-q",
        "tests/client",
        "tests/contract",
        RAVAN_TEST_GROWN="0",
        PYTEST_WORKERS="0",
        PATH=os.environ["PATH"],
    )
    assert tested.returncode == 0, describe(tested)
    assert _tree_digest(repo / "tests") == tests_before, "scripts/test passed only after editing tests/"

    collected = _run(
        repo, ".venv/bin/pytest", "-p", "no:cacheprovider", "--collect-only", "-q", "tests/client", "tests/contract"
    )
    assert collected.returncode == 0, describe(collected)
    for name in ("tag", "min_duration", "min_cost", "has_recording", "direction", "ended_after"):
        assert f"call_sessions.list-{name}" in collected.stdout, f"no test derived for the new parameter {name}"
