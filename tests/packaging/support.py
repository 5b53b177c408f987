"""Helpers for the packaging tests: fresh virtualenvs, fresh interpreters, a Prism of the spec.

Everything the packaging tests prove happens in another process: a virtualenv made with
`python -m venv` that holds only what the test installs into it, or a scratch repository. These
helpers run those processes and turn their failures into assertion messages that show the output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "spec" / "openapi.yaml"
GENERATED = REPO_ROOT / "generated"
CLIENT_PROJECT = GENERATED / "ravan-client"
MODELS_PROJECT = GENERATED / "ravan-models"
LIST_PATH = "/api/v1/calling/call-sessions"

PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
PRISM_READY = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
PRISM_START_TIMEOUT = 60.0
# Prism checks that the key header is present, not its value.
API_KEY = "packaging-test-key"

# venv creation, pip's resolution and downloads from PyPI: generous, yet a hung index fails the
# test instead of hanging the suite.
INSTALL_TIMEOUT = 100
RUN_TIMEOUT = 60
# Left by Python, type checkers, linters and test runners; never part of a package.
CACHE_NAMES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """A process's command, exit code and output, for assertion messages."""
    command = " ".join(str(word) for word in result.args)
    return (
        f"$ {command}\nexit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


def clean_env(**overrides: str) -> dict[str, str]:
    """The current environment without anything that would make a child see this repo's packages."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


def run(
    command: list[str | Path], *, cwd: Path, timeout: float = RUN_TIMEOUT, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion and return it (never raises on a non-zero exit)."""
    return subprocess.run(
        [str(word) for word in command],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_ok(command: list[str | Path], *, cwd: Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    result = run(command, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, describe(result)
    return result


# --- fresh virtualenvs ---------------------------------------------------------------------------


def create_venv(path: Path) -> Path:
    """A new virtualenv at `path` (pip and nothing else); returns its python."""
    run_ok([sys.executable, "-m", "venv", path], cwd=path.parent, timeout=INSTALL_TIMEOUT)
    python = path / "bin" / "python"
    assert python.exists(), f"python -m venv made no {python}"
    return python


def pip_install(python: Path, *requirements: str | Path) -> None:
    """Install into the virtualenv of `python`; dependencies come from the package index."""
    run_ok(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", *requirements],
        cwd=python.parent,
        timeout=INSTALL_TIMEOUT,
    )


def run_python_json(python: Path, code: str, *args: str, cwd: Path) -> Any:
    """Run `code` with `python` and return the JSON object it prints on its last line.

    `-E -s` ignore PYTHON* variables and the user's site-packages, so the interpreter sees only its
    own virtualenv and `cwd` (sys.path[0] for `-c`); `-W error` makes any warning a failure.
    """
    result = run([python, "-E", "-s", "-W", "error", "-c", code, *args], cwd=cwd)
    assert result.returncode == 0, describe(result)
    lines = result.stdout.strip().splitlines()
    assert lines, f"the script printed nothing\n{describe(result)}"
    return json.loads(lines[-1])


def cannot_import(python: Path, module: str, *, cwd: Path) -> bool:
    """Whether `import module` fails with ModuleNotFoundError in that interpreter."""
    result = run([python, "-E", "-s", "-c", f"import {module}"], cwd=cwd)
    return result.returncode != 0 and "ModuleNotFoundError" in result.stderr


# --- the spec and the generated projects ---------------------------------------------------------


def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def named_examples() -> dict[str, list[str]]:
    """The ids of the call sessions in each named example of the list operation's 200 response."""
    operation = load_spec()["paths"][LIST_PATH]["get"]
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    return {
        name: [session["id"] for session in example["value"]["data"]["callSessions"]]
        for name, example in examples.items()
    }


def api_key_header() -> str:
    schemes = load_spec()["components"]["securitySchemes"]
    (header,) = [scheme["name"] for scheme in schemes.values() if scheme.get("in") == "header"]
    return str(header)


def read_pyproject(project_dir: Path) -> dict[str, Any]:
    return tomllib.loads((project_dir / "pyproject.toml").read_text(encoding="utf-8"))


def read_provenance() -> dict[str, Any]:
    provenance: dict[str, Any] = json.loads((GENERATED / "provenance.json").read_text(encoding="utf-8"))
    return provenance


def package_files(package_dir: Path) -> set[str]:
    """Every file of an import package, relative to its parent, caches excluded."""
    return {
        path.relative_to(package_dir.parent).as_posix()
        for path in package_dir.rglob("*")
        if path.is_file() and not CACHE_NAMES.intersection(path.relative_to(package_dir).parts)
    }


def copy_without_caches(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*CACHE_NAMES), symlinks=True)


# --- Prism ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrismServer:
    """A running Prism mock of spec/openapi.yaml."""

    base_url: str
    log_path: Path


class PrismOutput(threading.Thread):
    """Copies Prism's output into its log file as it comes, and notes the ready line.

    Reading the pipe continuously means Prism never blocks on a full pipe, and the ready line is
    seen the moment it is written: `settled` is set then, or when the output ends (Prism exited).
    """

    def __init__(self, stream: IO[bytes], log_path: Path) -> None:
        super().__init__(name="prism-output", daemon=True)
        self.stream = stream
        self.log_path = log_path
        self.base_url: str | None = None
        self.settled = threading.Event()

    def run(self) -> None:
        with self.stream, self.log_path.open("wb") as log:
            for line in self.stream:
                log.write(line)
                log.flush()
                if self.base_url is None:
                    ready = PRISM_READY.search(line.decode("utf-8", errors="replace"))
                    if ready:
                        self.base_url = ready.group(1)
                        self.settled.set()
        self.settled.set()


def start_prism(log_path: Path) -> tuple[subprocess.Popen[bytes], PrismOutput]:
    """Start Prism on a port the OS picks (`--port 0`; the ready line names it), in its own session."""
    process = subprocess.Popen(
        [str(PRISM_BIN), "mock", str(SPEC_PATH), "--errors", "--host", "127.0.0.1", "--port", "0"],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    output = PrismOutput(process.stdout, log_path)
    output.start()
    return process, output
