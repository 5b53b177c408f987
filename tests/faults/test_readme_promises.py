"""The client README's table of faults names, for every row, tests that exist: in this suite, or in
tests/runtime for the topics whose one home is there (redirects, secrets). File names are unique
across the two folders, so a citation names a file by its name alone.

The README is the target's (`RAVAN_TEST_TARGET`, else generated/): the one generated with the
runtime under test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support.target import current_target

FAULTS = Path(__file__).resolve().parent
RUNTIME = FAULTS.parent / "runtime"
README = current_target().client_dir / "README.md"


def test_every_test_the_readme_cites_exists() -> None:
    table = README.read_text(encoding="utf-8").split("## Faults, and what the client does about them")[1]
    table = table.split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`test_" in line]
    assert len(rows) >= 15
    files = [*FAULTS.glob("test_*.py"), *RUNTIME.glob("test_*.py")]
    assert len({path.name for path in files}) == len(files), "a test file name is in both folders"
    defined = {
        (path.name, node.name)
        for path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    for row in rows:
        cited = re.findall(r"`(test_\w+\.py)?::(test_\w+)`", row)
        assert cited, f"a row cites no test: {row}"
        current_file = ""
        for file_name, test_name in cited:
            current_file = file_name or current_file
            assert (current_file, test_name) in defined, f"{current_file}::{test_name} is cited but does not exist"
