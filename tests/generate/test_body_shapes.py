"""Bodies and responses beyond JSON, end to end (issue 18, item 5).

`tests/data/shapes/openapi.yaml` has a form-urlencoded write (camelCase path parameter, operator-
free Twilio-style names), a multipart upload (a file, a list of files, a choice and an object
part), a binary response and a text one. It is generated into a temporary directory, checked with
`mypy --strict`, and driven through an in-process transport from the sync client, the async client
and the command line: each request is what the spec describes, each answer comes back typed.

Its oneOf/anyOf operations (`pets.create`, discriminated; `sessions.start_call`, not) take
a variant's model or a plain mapping, typed as their union (mypy accepts both and refuses anything
else), and answer with the variant's model, or the object as received when no variant takes it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.generate.scratch import REPO_ROOT, describe, generate_document, subprocess_env

SPEC = REPO_ROOT / "tests" / "data" / "shapes" / "openapi.yaml"
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


# Code a user writes against the union operations: mypy --strict must accept all of it.
TYPED_USE = """
from typing import Any, assert_type

from ravan_client import RavanClient
from ravan_client.models.cat import Cat
from ravan_client.models.dog import Dog
from ravan_client.models.outbound_call import OutboundCall
from ravan_client.models.web_call import WebCall


def use(client: RavanClient) -> None:
    pet = client.pets.create(body=Cat(kind="cat", name_="Tom"))
    assert_type(pet, Cat | Dog | dict[str, Any])
    client.pets.create(body={"kind": "dog", "name": "Rex"})
    session = client.sessions.start_call(body=OutboundCall(agent_id="a1", phone_number="+1555"))
    assert_type(session, WebCall | OutboundCall | dict[str, Any])
    if isinstance(session, dict):  # a variant the client does not know, as received
        session.get("agent_id")
"""
# ... and refuse a body of another type.
WRONG_USE = """
from ravan_client import RavanClient
from ravan_client.models.web_call import WebCall


def use(client: RavanClient) -> None:
    client.pets.create(body=WebCall(agent_id="a1"))
    client.pets.create(body=7)
"""


UNION_PROBE = r"""
import asyncio, json
import httpx
from ravan_client import AsyncRavanClient, RavanClient
from ravan_client.models.cat import Cat
from ravan_client.models.dog import Dog
from ravan_client.models.web_call import WebCall

sent = []

def handler(request):
    # Echoes the body it was sent, unless the test names the answer (X-Reply).
    sent.append(json.loads(request.content))
    reply = request.headers.get("x-reply")
    return httpx.Response(201 if request.url.path == "/pets" else 200,
                          content=reply.encode() if reply else request.content,
                          headers={"Content-Type": "application/json"})

def shown(value):
    return [type(value).__name__, value if isinstance(value, dict) else value.to_dict()]

transport = httpx.MockTransport(handler)
result = {}
with RavanClient(api_key="k", transport=transport) as client:
    result["model_body"] = shown(client.pets.create(body=Cat(kind="cat", name_="Tom", meows=True)))
    result["dict_body"] = shown(client.pets.create(body={"kind": "dog", "name": "Rex"}))
    fish = json.dumps({"kind": "fish", "name": "Nemo", "fins": 2})
    result["unknown_tag"] = shown(client.pets.create(body={"kind": "dog", "name": "Rex"},
                                                      extra_headers={"X-Reply": fish}))
    result["web"] = shown(client.sessions.start_call(body=WebCall(agent_id="a1")))
    result["outbound"] = shown(client.sessions.start_call(body={"agent_id": "a1", "phone_number": "+1555"}))
    result["no_fit"] = shown(client.sessions.start_call(body={"agent_id": "a1"},
                                                                extra_headers={"X-Reply": '{"id": 5}'}))
    before = len(sent)
    try:
        client.pets.create(body={"kind": "fish", "name": "Nemo"})
    except ValueError as refused:
        result["refused"] = [str(refused), len(sent) - before]

async def run_async():
    async with AsyncRavanClient(api_key="k", transport=transport) as client:
        return shown(await client.pets.create(body=Dog(kind="dog", name_="Rex", barks=False)))

result["async"] = asyncio.run(run_async())
result["sent"] = sent

import functools, io, sys
from ravan_client._cli import run
from ravan_client.cli import PROGRAM

def cli(transport, *argv):
    class Kept(io.BytesIO):
        def close(self):  # whoever closes stdout, what it holds stays readable
            pass
    out = Kept()
    sys.stdout = io.TextIOWrapper(out)
    try:
        run(PROGRAM, functools.partial(RavanClient, transport=transport), [*argv, "--api-key", "k"])
    except SystemExit as done:
        code = done.code
    sys.stdout.flush()
    sys.stdout = sys.__stdout__
    return [code, json.loads(out.getvalue())]

fish = httpx.MockTransport(lambda request: httpx.Response(201, json={"kind": "fish", "fins": 2}))
result["cli"] = cli(transport, "pets", "create", "--body", '{"kind": "dog", "name": "Rex"}')
result["cli_unknown"] = cli(fish, "pets", "create", "--body", '{"kind": "cat", "name": "Tom"}')

from ravan_models import models
pet = models.Pet.model_validate({"kind": "dog", "name": "Rex"})
result["ravan_models"] = [type(pet.root).__name__, models.Cat.model_fields["kind"].is_required()]
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("shapes")
    out = root / "out"
    generated = generate_document(SPEC, out, "--lint", "report")
    assert generated.returncode == 0, describe(generated)
    (out / "ravan-client" / "typed_use.py").write_text(TYPED_USE, encoding="utf-8")
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--strict", "--no-incremental", "ravan_client", "typed_use.py"],
        cwd=out / "ravan-client",
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert checked.returncode == 0, describe(checked)
    (out / "ravan-client" / "wrong_use.py").write_text(WRONG_USE, encoding="utf-8")
    wrong = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--strict", "wrong_use.py"],
        cwd=out / "ravan-client",
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    unions = subprocess.run(
        [sys.executable, "-c", UNION_PROBE],
        env=subprocess_env([out / "ravan-client", out / "ravan-models"]),
        cwd=out,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert unions.returncode == 0, describe(unions)
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
    probe["wrong_use"] = wrong.stdout
    probe["unions"] = json.loads(unions.stdout.strip().splitlines()[-1])
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


def test_mypy_accepts_a_variant_model_or_a_mapping_for_a_union_body_and_refuses_anything_else(
    probed: dict[str, Any],
) -> None:
    # typed_use.py (model, dict, the annotated union answer) passed mypy --strict in the fixture.
    errors = [line for line in probed["wrong_use"].splitlines() if ": error:" in line]
    assert len(errors) == 2, probed["wrong_use"]
    assert 'Argument "body" to "create" of "Pets" has incompatible type "WebCall"' in errors[0]
    assert 'incompatible type "int"; expected "Cat | Dog | Mapping[str, Any]"' in errors[1]


def test_a_union_body_is_sent_as_the_model_s_to_dict_or_the_mapping(probed: dict[str, Any]) -> None:
    sent = probed["unions"]["sent"]
    assert sent[0] == {"kind": "cat", "name": "Tom", "meows": True}
    assert sent[1] == {"kind": "dog", "name": "Rex"}
    assert sent[3] == {"agent_id": "a1"}
    assert sent[-2] == {"kind": "dog", "name": "Rex", "barks": False}  # the async client's


def test_a_union_body_that_fits_no_variant_is_refused_before_sending(probed: dict[str, Any]) -> None:
    message, sent_meanwhile = probed["unions"]["refused"]
    assert message == "body['kind'] must be 'cat' or 'dog', got 'fish'"
    assert sent_meanwhile == 0


def test_a_discriminated_union_answer_comes_back_as_the_variant_its_tag_names(probed: dict[str, Any]) -> None:
    unions = probed["unions"]
    assert unions["model_body"] == ["Cat", {"kind": "cat", "name": "Tom", "meows": True}]
    assert unions["dict_body"] == ["Dog", {"kind": "dog", "name": "Rex"}]
    assert unions["async"] == ["Dog", {"kind": "dog", "name": "Rex", "barks": False}]


def test_an_undiscriminated_union_answer_comes_back_as_the_variant_that_fits_best(probed: dict[str, Any]) -> None:
    unions = probed["unions"]
    assert unions["web"] == ["WebCall", {"agent_id": "a1"}]
    # WebCall fits too (phone_number an unknown key): OutboundCall recognises more, as in pydantic.
    assert unions["outbound"] == ["OutboundCall", {"agent_id": "a1", "phone_number": "+1555"}]


def test_an_unknown_variant_is_kept_as_the_dict_received_never_an_error(probed: dict[str, Any]) -> None:
    unions = probed["unions"]
    assert unions["unknown_tag"] == ["dict", {"kind": "fish", "name": "Nemo", "fins": 2}]
    assert unions["no_fit"] == ["dict", {"id": 5}]


def test_the_command_line_sends_a_union_body_and_prints_any_variant_known_or_not(probed: dict[str, Any]) -> None:
    unions = probed["unions"]
    assert unions["cli"] == [0, {"kind": "dog", "name": "Rex"}]
    assert unions["sent"][-1] == {"kind": "dog", "name": "Rex"}
    assert unions["cli_unknown"] == [0, {"kind": "fish", "fins": 2}]


def test_the_models_package_keeps_a_discriminated_union_whose_tags_are_required(probed: dict[str, Any]) -> None:
    # pydantic refuses a discriminator field that may be missing: ravan_models keeps it required
    # (every other required field is `X | None` there), so the package imports at all.
    assert probed["unions"]["ravan_models"] == ["Dog", True]
