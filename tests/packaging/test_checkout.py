"""A checkout's .venv, as scripts/bootstrap leaves it, runs the README's examples as written.

The generated packages are installed into .venv editable (scripts/bootstrap), so `import
ravan_client` works from any directory with no PYTHONPATH, and `.venv/bin/ravan-calls` exists and
runs the generated command line.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support.target import REPO_ROOT

VENV_BIN = REPO_ROOT / ".venv" / "bin"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def test_the_venv_imports_both_generated_packages_from_generated(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-c",
            "import json, ravan_client, ravan_models; "
            "print(json.dumps([ravan_client.__file__, ravan_models.__file__]))",
        ],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for location in json.loads(result.stdout):
        assert Path(location).is_relative_to(REPO_ROOT / "generated"), location


def test_the_venv_has_ravan_calls(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "ravan-calls"), "--version"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ravan-calls ")
    provenance = json.loads((REPO_ROOT / "generated" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["spec_sha256"][:12] in result.stdout
