"""Scratch copies of the repository, so `scripts/lib/generate.py` can run without touching the real one.

The generator finds the repository from its own path (`Path(__file__).parents[2]`), so running the
copy of it inside a scratch directory generates into that directory's `generated/`. Spectral is
reached through a symlink to the real `node_modules`; the Python tools are the ones beside
`sys.executable` (the project's virtualenv when the tests run under `.venv/bin/pytest`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATE_SCRIPT = Path("scripts") / "lib" / "generate.py"
# How it is run: as a module of the copy (its working directory), as scripts/generate runs it.
GENERATE_MODULE = "scripts.lib.generate"
SPEC_PATH = Path("spec") / "openapi.yaml"
GENERATED = "generated"
CLIENT_PROJECT_DIR = Path(GENERATED) / "ravan-client"
MODELS_PROJECT_DIR = Path(GENERATED) / "ravan-models"
# The grown spec and its golden record, which the default generation writes and checks too when
# they are there (copied only on request: they double the time of every generation).
GROWN_DIR = Path("tests") / "data" / "grown"
GOLDEN = (GROWN_DIR / "golden").as_posix()
# Where generate.py stages its output and parks the old tree while swapping (each run's own).
SCRATCH_DIR_PATTERNS = (
    ".generated.staging-*",
    ".generated.old-*",
    f"{GROWN_DIR.as_posix()}/.golden.staging-*",
    f"{GROWN_DIR.as_posix()}/.golden.old-*",
)
# Left by Python, ruff, mypy and pytest; never part of what the generator writes.
CACHE_NAMES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})

COPIED_DIRS = ("spec", "scripts", GENERATED)
COPIED_FILES = ("pyproject.toml", ".spectral.yaml")
GENERATION_TIMEOUT_SECONDS = 120


def scratch_dirs_left(repo: Path) -> list[str]:
    """The staging or swap directories a generation left in `repo` (none, when it cleaned up)."""
    return sorted(path.name for pattern in SCRATCH_DIR_PATTERNS for path in repo.glob(pattern))


def make_scratch_repo(destination: Path, *, golden: bool = False) -> Path:
    """Copy what the generator reads and writes into `destination`; return it. With `golden`, the
    grown spec and its golden record come too (without them generation leaves the record alone)."""
    destination.mkdir(parents=True, exist_ok=True)
    # Not a generation's staging or swap tree, should one be running in the checkout.
    ignored = shutil.ignore_patterns(*CACHE_NAMES, ".*.staging-*", ".*.old-*")
    copied: list[str | Path] = [*COPIED_DIRS, *([GROWN_DIR] if golden else [])]
    for name in copied:
        shutil.copytree(REPO_ROOT / name, destination / name, ignore=ignored)
    for name in COPIED_FILES:
        shutil.copy2(REPO_ROOT / name, destination / name)
    (destination / "node_modules").symlink_to(REPO_ROOT / "node_modules", target_is_directory=True)
    return destination


def subprocess_env(pythonpath: Iterable[Path] = (), **overrides: str) -> dict[str, str]:
    """The current environment without a stray PYTHONPATH, writing no bytecode into the trees."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    paths = [str(path) for path in pythonpath]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(overrides)
    return env


def start_generate(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start the repository copy's generate.py (`scripts/generate` minus the bootstrap)."""
    return subprocess.Popen(
        [sys.executable, "-m", GENERATE_MODULE, *args],
        cwd=repo,
        env=dict(env) if env is not None else subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a started generation and collect its output."""
    try:
        stdout, stderr = process.communicate(timeout=GENERATION_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_generate(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the repository copy's generate.py and wait for it."""
    return finish(start_generate(repo, *args, env=env))


DOCUMENT_GENERATION_TIMEOUT_SECONDS = 300  # not a limit on a healthy run: a hung generator still ends


def generate_document(spec_path: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run this checkout's generator on the document `spec_path` into `out` (as a user runs
    `scripts/generate --spec ... --out ...` on a document written elsewhere) and wait for it."""
    command = [sys.executable, "-m", "scripts.lib.generate", "--spec", str(spec_path), "--out", str(out), *options]
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=DOCUMENT_GENERATION_TIMEOUT_SECONDS,
        check=False,
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """A process's exit code and output, for assertion messages."""
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` by relative path (directories too), caches excluded.

    Comparing two of these compares the whole tree byte for byte, and a failing comparison names
    the files that differ.
    """
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if CACHE_NAMES.intersection(relative.parts):
            continue
        if path.is_dir():
            hashes[f"{relative.as_posix()}/"] = "directory"
        else:
            hashes[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace text that must occur exactly once in `path` (the spec is hand-formatted)."""
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"expected exactly one occurrence of {old!r} in {path}, found {count}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def read_provenance(repo: Path) -> dict[str, Any]:
    provenance: dict[str, Any] = json.loads((repo / GENERATED / "provenance.json").read_text(encoding="utf-8"))
    return provenance


def package_paths(repo: Path) -> list[Path]:
    """The directories to put on PYTHONPATH to import both generated packages of `repo`."""
    return [repo / CLIENT_PROJECT_DIR, repo / MODELS_PROJECT_DIR]


def run_python(code: str, *, pythonpath: Iterable[Path], cwd: Path) -> Any:
    """Run `code` in a fresh interpreter (warnings are errors) and return the JSON it prints last.

    A fresh interpreter is the only way to import a scratch copy's packages: the test process has
    the real ones imported already.
    """
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=cwd,
        env=subprocess_env(pythonpath),
        capture_output=True,
        text=True,
        check=False,
        timeout=GENERATION_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, describe(result)
    lines = result.stdout.strip().splitlines()
    assert lines, f"the script printed nothing\n{describe(result)}"
    return json.loads(lines[-1])
