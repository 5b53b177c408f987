"""`scripts/mock`: serves the spec with Prism, and refuses to when generated/ is stale for it.

Runs the real script in a scratch copy of the repository whose tool folders (.tools, .venv,
node_modules) are symlinks to the real ones, so its bootstrap step has nothing to install.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.generate.scratch import REPO_ROOT, SPEC_PATH, make_scratch_repo, replace_once, subprocess_env

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def mock_repo(tmp_path: Path) -> Path:
    repo = make_scratch_repo(tmp_path / "repo")
    for name in ("package.json", "package-lock.json", "uv.lock"):
        shutil.copy2(REPO_ROOT / name, repo / name)
    for name in (".tools", ".venv"):
        (repo / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    return repo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_mock(repo: Path, *arguments: str, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(repo / "scripts" / "mock"), *arguments],
        cwd=repo,
        env=subprocess_env(PORT=str(port)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_mock_refuses_to_start_when_generated_is_stale(mock_repo: Path) -> None:
    replace_once(mock_repo / SPEC_PATH, "summary: List call sessions", "summary: List the call sessions")
    result = run_mock(mock_repo, "--daemon", port=free_port())
    assert result.returncode == 1
    assert "generated/ is stale" in result.stderr
    assert "scripts/generate" in result.stderr
    assert not (mock_repo / ".mock" / "prism.pid").exists()


def test_mock_daemon_serves_the_spec_and_stops(mock_repo: Path) -> None:
    port = free_port()
    started = run_mock(mock_repo, "--daemon", port=port)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert (mock_repo / ".mock" / "prism.pid").exists()
        response = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/calling/call-sessions", headers={"X-Api-Key": "k"}, timeout=10
        )
        assert response.status_code == 200
        assert response.json()["data"]["callSessions"]
        unauthorised = httpx.get(f"http://127.0.0.1:{port}/api/v1/calling/call-sessions", timeout=10)
        assert unauthorised.status_code == 401
    finally:
        stopped = run_mock(mock_repo, "--stop", port=port)
    assert stopped.returncode == 0
    assert not (mock_repo / ".mock" / "prism.pid").exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/calling/call-sessions", timeout=5)


def test_the_freshness_check_sees_a_runtime_change_the_spec_does_not_show(mock_repo: Path) -> None:
    # scripts/mock and scripts/vendor rely on it: an edited runtime module not yet regenerated.
    # A module of the runtime's `_cli` subpackage: the freshness hash covers subpackages too.
    runtime_module = mock_repo / "spec" / "client" / "ravan_runtime" / "_cli" / "_export.py"
    runtime_module.write_text(runtime_module.read_text() + "\n# edited\n")
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "python"),
            "-m",
            "scripts.lib.provenance",
            "--require-fresh",
        ],
        cwd=mock_repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "templates, runtime modules" in result.stderr
