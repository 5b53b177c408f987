"""The generator never touches the network nor deletes what it did not make (issue 16, items 5, 6).

- A `$ref` to anything outside the document is refused before any tool (the validator, Spectral,
  openapi-python-client) could follow it: a loopback server named by one receives no request.
- `--out` replaces only a directory the generator made (it writes `.ravan-generated` into each),
  an empty one, or a new one; anything else is refused in one line and left as it was. Relative
  paths given to `scripts/generate` are the caller's, not the repository's.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from tests.generate.scratch import REPO_ROOT, describe, subprocess_env

GENERATE = REPO_ROOT / "scripts" / "lib" / "generate.py"
SPEC = REPO_ROOT / "spec" / "openapi.yaml"
MARKER = ".ravan-generated"
TIMEOUT_SECONDS = 300


def generate(*args: str, cwd: Path = REPO_ROOT, script: Path = GENERATE) -> subprocess.CompletedProcess[str]:
    # generate.py is the module scripts.lib.generate of the repository (run from anywhere with the
    # repository on PYTHONPATH); scripts/generate is a command of its own.
    command = [str(script), *args] if script.suffix == "" else [sys.executable, "-m", "scripts.lib.generate", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        env=subprocess_env(pythonpath=[REPO_ROOT]) if script.suffix else subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, describe(result)
    return errors[0]


# --- remote references ---------------------------------------------------------------------------


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b"type: object\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    handler = type("Handler", (_Counting,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _spec_with_reference(tmp_path: Path, place: str, reference: str) -> Path:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    if place == "schema":
        schemas["CallSession"]["properties"]["remote"] = {"$ref": reference}
    elif place == "example":
        # Spectral resolves references even inside example data: refused there too.
        schemas["CallSession"]["example"] = {"$ref": reference}
    else:
        spec["components"]["parameters"] = {"Remote": {"$ref": reference}}
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("place", ["schema", "example", "parameter"])
def test_a_ref_to_a_loopback_url_is_refused_and_receives_no_request(
    tmp_path: Path, loopback_server: tuple[str, list[str]], place: str
) -> None:
    url, requests = loopback_server
    spec_path = _spec_with_reference(tmp_path, place, f"{url}/schema.yaml")
    result = generate("--spec", str(spec_path), "--out", str(tmp_path / "out"))
    message = one_error_line(result)
    assert f"{url}/schema.yaml" in message
    assert "only references inside the document" in message
    assert requests == []
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("reference", ["other.yaml#/components/schemas/X", "file:///etc/passwd", "//host/x"])
def test_a_ref_to_another_file_is_refused_too(tmp_path: Path, reference: str) -> None:
    spec_path = _spec_with_reference(tmp_path, "schema", reference)
    message = one_error_line(generate("--spec", str(spec_path), "--out", str(tmp_path / "out")))
    assert repr(reference) in message
    assert "$.components.schemas.CallSession.properties.remote.$ref" in message


def test_a_ref_inside_a_vendor_extension_is_left_out_without_lint_and_receives_no_request(
    tmp_path: Path, loopback_server: tuple[str, list[str]]
) -> None:
    # Cohere's `x-fern-examples` name code samples in files beside the document: a document written
    # elsewhere (lint off, so no Spectral) generates whole, and no tool follows the reference.
    url, requests = loopback_server
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    first_path = next(iter(spec["paths"]))
    spec["paths"][first_path]["x-code-samples"] = [{"lang": "node", "source": {"$ref": f"{url}/sample.ts"}}]
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = generate(
        "--spec", str(spec_path), "--out", str(tmp_path / "out"), "--lint", "off", "--unsupported", "skip"
    )
    assert result.returncode == 0, describe(result)
    warnings = [line for line in result.stdout.splitlines() if f"{url}/sample.ts" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: ")
    assert "is left out, nothing is fetched" in warnings[0]
    assert requests == []


# --- the output directory ------------------------------------------------------------------------


def test_out_refuses_a_directory_it_did_not_make_and_leaves_it_whole(tmp_path: Path) -> None:
    foreign = tmp_path / "checkout"
    (foreign / ".git").mkdir(parents=True)
    (foreign / "work.txt").write_text("uncommitted work", encoding="utf-8")
    message = one_error_line(generate("--out", str(foreign)))
    assert "was not made by scripts/generate" in message
    assert (foreign / "work.txt").read_text(encoding="utf-8") == "uncommitted work"
    assert sorted(p.name for p in foreign.iterdir()) == [".git", "work.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout"]  # no staging left beside it


def test_out_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert "is not a directory scripts/generate made" in one_error_line(generate("--out", str(target)))
    assert target.read_text(encoding="utf-8") == "mine"


def test_out_makes_a_new_directory_and_replaces_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = generate("--out", str(out))
    assert first.returncode == 0, describe(first)
    assert (out / MARKER).is_file()
    (out / "ravan-client" / "stale.py").write_text("# left over", encoding="utf-8")
    second = generate("--out", str(out))
    assert second.returncode == 0, describe(second)
    assert not (out / "ravan-client" / "stale.py").exists()  # replaced whole: it was the generator's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_out_fills_an_empty_directory(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    result = generate("--out", str(out))
    assert result.returncode == 0, describe(result)
    assert (out / MARKER).is_file()


def test_relative_paths_are_the_callers_and_dot_is_refused(tmp_path: Path) -> None:
    shutil.copy(SPEC, tmp_path / "mine.yaml")
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    # scripts/generate changes to the repository's root: the caller's relative paths still count.
    script = REPO_ROOT / "scripts" / "generate"
    result = generate("--spec", "mine.yaml", "--out", "out", cwd=tmp_path, script=script)
    assert result.returncode == 0, describe(result)
    assert (tmp_path / "out" / MARKER).is_file()
    assert not (REPO_ROOT / "out").exists()
    # `--out .` is the caller's directory: not the generator's, so refused.
    message = one_error_line(generate("--spec", "mine.yaml", "--out", ".", cwd=tmp_path, script=script))
    assert str(tmp_path) in message
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_package_that_would_not_import_is_refused_in_one_line(tmp_path: Path) -> None:
    # An outside review: a maxLength beyond 64 bits generated a models package pydantic refuses
    # when the class is built.
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["CallSession"]["properties"]["huge"] = {"type": "string", "maxLength": 10**30}
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    message = one_error_line(generate("--spec", str(spec_path), "--out", str(tmp_path / "out"), "--lint", "off"))
    assert "the generated packages do not import" in message
    assert not (tmp_path / "out").exists()


def test_an_abbreviated_option_is_refused_not_guessed(tmp_path: Path) -> None:
    # `--ou DIR` would slip past scripts/generate's rewriting of relative paths (an outside review).
    result = generate("--ou", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "unrecognized arguments: --ou" in result.stderr
    assert not (tmp_path / "out").exists()
