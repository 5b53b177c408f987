"""README.md's "The layout" section against the tree: every path it names exists, and every module
of the runtime, the plan and the scripts, and every test suite, is named in it.

The section is where a newcomer starts; a module added or moved without a line there would leave
them a map of a house that is no longer there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.target import REPO_ROOT

INDENT = 2
# A line whose text starts this far in continues the description of the line above it.
CONTINUATION_COLUMN = 30


def _layout_block() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The layout\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```text\n(.*?)\n```", section, re.DOTALL)
    assert block is not None, "README's layout section has no ```text block"
    return block.group(1).splitlines()


def named_paths() -> list[Path]:
    """Each name of the block resolved against its parent folder (the nearest line above it, less
    indented, that names one folder)."""
    parents: list[tuple[int, Path]] = [(-1, Path("."))]
    paths = []
    for line in _layout_block():
        column = len(line) - len(line.lstrip(" "))
        if not line.strip() or column >= CONTINUATION_COLUMN:
            continue
        names = re.split(r" {2,}", line.strip(), maxsplit=1)[0].split(" ")
        while parents[-1][0] >= column:
            parents.pop()
        base = parents[-1][1]
        resolved = [base / name.rstrip("/") for name in names]
        paths.extend(resolved)
        if len(names) == 1 and names[0].endswith("/"):
            assert column % INDENT == 0, f"layout line indented by {column}: {line!r}"
            parents.append((column, resolved[0]))
    return paths


def _tracked(*patterns: str) -> set[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *(":(glob)" + pattern for pattern in patterns)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {Path(name) for name in listed}


def test_every_path_the_layout_names_exists() -> None:
    missing = [str(path) for path in named_paths() if not (REPO_ROOT / path).exists()]
    assert missing == []


def test_every_module_and_test_suite_is_in_the_layout() -> None:
    named = set(named_paths())
    modules = {
        path
        for path in _tracked("spec/client/ravan_runtime/*.py", "scripts/lib/*.py", "scripts/lib/plan/*.py")
        if path.name != "__init__.py"
    }
    suites = {path.parents[len(path.parts) - 3] for path in _tracked("tests/*/*") if len(path.parts) > 2}
    unnamed = sorted(str(path) for path in modules | suites if path not in named)
    assert unnamed == []
    assert len(named) > len(modules)  # the block was read at all
