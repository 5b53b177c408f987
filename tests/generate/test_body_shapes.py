"""Bodies and responses beyond JSON, end to end (issue 18, item 5).

`tests/data/shapes/openapi.yaml` has a form-urlencoded write (camelCase path parameter, operator-
free Twilio-style names), a multipart upload (a file, a list of files, a choice and an object
part), a binary response and a text one. It is generated into a temporary directory, checked with
`mypy --strict`, and driven through an in-process transport from the sync client, the async client
and the command line: each request is what the spec describes, each answer comes back typed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.generate.scratch import REPO_ROOT, describe, subprocess_env

SPEC = REPO_ROOT / "tests" / "data" / "shapes" / "openapi.yaml"
GENERATE = "scripts.lib.generate"  # run from REPO_ROOT, as scripts/generate runs it
TIMEOUT_SECONDS = 300
AUDIO = bytes(range(256))

PROBE = r"""
import asyncio, email.parser, email.policy, functools, io, json, pathlib, sys
import httpx
from ravan_client import AsyncRavanClient, RavanClient

AUDIO = bytes(range(256))
seen = []

def parts(request):
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    return sorted(
        [part.get_param("name", header="content-disposition"), part.get_filename(),
         part.get_payload(decode=True).decode("latin-1")]
        for part in message.iter_parts()
    )

def handler(request):
    entry = {"method": request.method, "path": request.url.path, "accept": request.headers.get("accept"),
             "type": request.headers.get("content-type", "").split(";")[0]}
    if entry["type"] == "multipart/form-data":
        entry["parts"] = parts(request)
    elif request.content:
        entry["body"] = request.content.decode()
    seen.append(entry)
    if request.url.path.startswith("/Recordings/"):
        return httpx.Response(200, content=AUDIO, headers={"Content-Type": "audio/mpeg"})
    if request.url.path.endswith(".csv"):
        return httpx.Response(200, text="sid,to\nCA1,+1555\n", headers={"Content-Type": "text/csv"})
    if request.url.path == "/files":
        return httpx.Response(200, json={"id": "F1", "bytes": 3})
    return httpx.Response(201, json={"sid": "CA1", "to": "+1555"})

transport = httpx.MockTransport(handler)
recording = pathlib.Path(sys.argv[1])
result = {}
with RavanClient(api_key="k", transport=transport) as client:
    call = client.calls.create("AC1", to="+1555", from_="+1666", record=True, status_callback_event=["a", "b"])
    upload = client.files.upload(file=recording, attachments=[b"x", ("n.txt", io.BytesIO(b"y"), "text/plain")],
                                 purpose="voice", meta={"k": [1]})
    audio = client.recordings.get("RE1")
    csv = client.recordings.export_calls()
    result["sync"] = [call.sid, upload.id, audio == AUDIO, csv]

async def run_async():
    async with AsyncRavanClient(api_key="k", transport=transport) as client:
        audio = await client.recordings.get("RE2")
        upload = await client.files.upload(file=b"abc")
        return [audio == AUDIO, upload.bytes_]

result["async"] = asyncio.run(run_async())

from ravan_client._cli import run
from ravan_client.cli import PROGRAM
class Kept(io.BytesIO):
    def close(self):  # whoever closes stdout, what it holds stays readable
        pass

out = Kept()
sys.stdout = io.TextIOWrapper(out)
try:
    run(PROGRAM, functools.partial(RavanClient, transport=transport),
        ["files", "upload", "--file", str(recording), "--purpose", "knowledge", "--api-key", "k"])
except SystemExit as done:
    result["cli_exit"] = done.code
sys.stdout = sys.__stdout__
result["cli_out"] = json.loads(out.getvalue())
result["seen"] = seen
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("shapes")
    out = root / "out"
    generated = subprocess.run(
        [sys.executable, "-m", GENERATE, "--spec", str(SPEC), "--out", str(out), "--lint", "report"],
        cwd=REPO_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert generated.returncode == 0, describe(generated)
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--strict", "--no-incremental", "ravan_client"],
        cwd=out / "ravan-client",
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert checked.returncode == 0, describe(checked)
    recording = root / "call.wav"
    recording.write_bytes(b"RIFF")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(recording)],
        env=subprocess_env([out / "ravan-client", out / "ravan-models"]),
        cwd=out,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, describe(result)
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return probe


def test_every_shape_answers_typed_from_both_clients(probed: dict[str, Any]) -> None:
    assert probed["sync"] == ["CA1", "F1", True, "sid,to\nCA1,+1555\n"]
    assert probed["async"] == [True, 3]


def test_the_form_write_sends_form_fields_under_their_wire_names(probed: dict[str, Any]) -> None:
    form = probed["seen"][0]
    assert (form["method"], form["path"], form["type"]) == (
        "POST",
        "/Accounts/AC1/Calls",
        "application/x-www-form-urlencoded",
    )
    assert form["body"] == "To=%2B1555&From=%2B1666&Record=true&StatusCallbackEvent=a&StatusCallbackEvent=b"


def test_the_upload_sends_each_file_and_value_as_its_own_part(probed: dict[str, Any]) -> None:
    upload = probed["seen"][1]
    assert upload["type"] == "multipart/form-data"
    assert upload["parts"] == [
        ["attachments", "attachments", "x"],
        ["attachments", "n.txt", "y"],
        ["file", "call.wav", "RIFF"],
        ["meta", None, '{"k":[1]}'],
        ["purpose", None, "voice"],
    ]


def test_binary_and_text_answers_are_asked_for_by_their_media_type(probed: dict[str, Any]) -> None:
    accepts = [(entry["path"], entry["accept"]) for entry in probed["seen"][2:4]]
    assert accepts == [("/Recordings/RE1", "audio/mpeg"), ("/exports/calls.csv", "text/csv")]


def test_the_command_line_uploads_a_file_by_its_path(probed: dict[str, Any]) -> None:
    assert probed["cli_exit"] == 0
    assert probed["cli_out"] == {"id": "F1", "bytes": 3}
    upload = probed["seen"][-1]
    assert upload["parts"] == [["file", "call.wav", "RIFF"], ["purpose", None, "knowledge"]]
