"""Every way of authenticating the generator serves, end to end (issue 18: auth, OpenAPI 3.0, servers).

`tests/data/security/openapi.yaml` (OpenAPI 3.0, no license, a server with a variable, camelCase
path parameters) declares http bearer, http basic, an apiKey header and an apiKey in a query
string, a top-level requirement of bearer *or* basic, an operation open to all (`security: []`)
and one that needs two schemes at once. It is generated into a temporary directory, type-checked,
and driven through an in-process transport: each request carries exactly the credentials its
operation asks for, and nothing when it asks for none.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.generate.fragments import plan_error, plan_of_spec, spec_with
from tests.generate.scratch import REPO_ROOT, describe, generate_document, subprocess_env

SPEC = REPO_ROOT / "tests" / "data" / "security" / "openapi.yaml"
TIMEOUT_SECONDS = 300

PROBE = """
import base64, json, pickle
import httpx
from ravan_client import DEFAULT_BASE_URL, RavanClient
from ravan_client._exceptions import MissingAPIKeyError

seen = []

def handler(request):
    headers = {k.lower(): v for k, v in request.headers.items() if k.lower() in ("authorization", "x-partner-key")}
    seen.append({"path": request.url.path, "host": request.url.host, "headers": headers})
    if request.url.path.endswith("/health"):
        return httpx.Response(204)
    if request.url.path.endswith("/search"):
        seen[-1]["query"] = str(request.url.query.decode())
        if request.url.params.get("q") == "down":
            raise httpx.ConnectError("refused", request=request)
        if request.url.params.get("q") == "fail":
            return httpx.Response(401, json={"message": "bad key " + request.url.params["key"]})
        return httpx.Response(200, json=[{"id": 2}])
    if "partner" in request.url.path:
        return httpx.Response(200, json=[{"id": 1}])
    return httpx.Response(401, json={"message": "echo " + request.headers.get("authorization", "")})

result = {"default_base_url": DEFAULT_BASE_URL}
transport = httpx.MockTransport(handler)
bearer = RavanClient(api_key="tok-SECRET-1", transport=transport, max_retries=0)
try:
    bearer.pets.get(7)
except Exception as error:
    result["bearer_error"] = [type(error).__name__, str(error), repr(error)]
bearer.health.get()
try:
    bearer.pets.list_partner()
except MissingAPIKeyError as error:
    result["missing"] = str(error)
both = RavanClient(api_key="tok-SECRET-1", partner_key="pk-SECRET-2", transport=transport)
both.pets.list_partner()
basic = RavanClient(username="ada", password="pass SECRET 3", transport=transport, max_retries=0)
try:
    basic.pets.get(1)
except Exception as error:
    result["basic_error"] = [str(error), repr(error), repr(pickle.loads(pickle.dumps(error)))]
try:
    RavanClient(transport=transport)
except MissingAPIKeyError as error:
    result["construction"] = str(error)
query = RavanClient(api_key="tok-SECRET-1", query_key="qk-SECRET-4", transport=transport, max_retries=0)
result["search"] = [pet.id for pet in query.pets.search(q="cat")]
try:
    query.pets.search(q="fail")
except Exception as error:
    result["query_error"] = [type(error).__name__, str(error), repr(error), repr(error.request),
                             str(error.request.url), repr(pickle.loads(pickle.dumps(error)).request)]
try:
    query.pets.search(q="down")
except Exception as error:
    result["query_cause"] = [type(error).__name__, repr(error.__cause__), repr(error.__cause__.request)]
result["repr"] = repr(basic) + repr(both)
result["seen"] = seen
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("security") / "out"
    generated = generate_document(SPEC, out, "--lint", "report")
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
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
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


def test_the_default_base_url_is_the_first_server_with_its_variables_at_their_defaults(
    probed: dict[str, Any],
) -> None:
    assert probed["default_base_url"] == "https://eu.pets.example/v1"
    assert {request["host"] for request in probed["seen"]} == {"eu.pets.example"}


def test_each_request_carries_exactly_the_credentials_its_operation_asks_for(probed: dict[str, Any]) -> None:
    basic_token = base64.b64encode(b"ada:pass SECRET 3").decode()
    assert [(r["path"], r["headers"]) for r in probed["seen"] if r["path"] != "/v1/search"] == [
        ("/v1/pets/7", {"authorization": "Bearer tok-SECRET-1"}),  # the first alternative held
        ("/v1/health", {}),  # security: [] sends nothing
        ("/v1/partner/pets", {"x-partner-key": "pk-SECRET-2", "authorization": "Bearer tok-SECRET-1"}),
        ("/v1/pets/1", {"authorization": f"Basic {basic_token}"}),  # the second alternative
    ]


def test_an_operation_needing_a_credential_the_client_lacks_is_refused_before_sending(
    probed: dict[str, Any],
) -> None:
    assert probed["missing"] == (
        "No credentials for this request: pass partner_key= (or RAVAN_PARTNER_KEY) "
        "and api_key= (or RAVAN_API_KEY / AGNI_API_KEY)."
    )
    assert "/v1/partner/pets" not in [r["path"] for r in probed["seen"][:2]]
    assert probed["construction"].startswith("No API key: pass api_key=... or set the RAVAN_API_KEY")


def test_no_credential_is_in_a_repr_a_message_or_a_pickle(probed: dict[str, Any]) -> None:
    basic_token = base64.b64encode(b"ada:pass SECRET 3").decode()
    shown = json.dumps([probed["bearer_error"], probed["basic_error"], probed["repr"]])
    for secret in ("tok-SECRET-1", "pk-SECRET-2", "pass SECRET 3", basic_token):
        assert secret not in shown
    assert probed["bearer_error"][0] == "AuthenticationError"


def test_a_key_in_the_query_string_is_sent_there_and_masked_in_every_error(probed: dict[str, Any]) -> None:
    assert probed["search"] == [2]
    queries = [request.get("query") for request in probed["seen"] if request["path"] == "/v1/search"]
    assert queries == ["q=cat&key=qk-SECRET-4", "q=fail&key=qk-SECRET-4", "q=down&key=qk-SECRET-4"]
    name, message, *reprs = probed["query_error"]
    assert name == "AuthenticationError"
    for text in (message, *reprs):
        assert "qk-SECRET-4" not in text
    assert "key=%5Bsecure%5D" in reprs[2] or "key=[secure]" in reprs[2]
    # The chained cause of a connection failure carries a masked request too (an outside review).
    assert probed["query_cause"][0] == "APIConnectionError"
    assert "qk-SECRET-4" not in "".join(probed["query_cause"])


# --- the plan's reading of security schemes -----------------------------------------------------


def _secured(schemes: dict[str, Any], security: list[dict[str, Any]] | None, operation_security: Any = None) -> Any:
    operation: dict[str, Any] = {"operationId": "getThings"}
    if operation_security is not None:
        operation["security"] = operation_security
    spec = spec_with({"/things": {"get": operation}})
    spec["components"]["securitySchemes"] = schemes
    if security is None:
        spec.pop("security", None)
    else:
        spec["security"] = security
    return spec


def test_the_first_token_scheme_is_api_key_and_basic_is_username_and_password() -> None:
    schemes = {
        "oauth": {"type": "oauth2", "flows": {}},
        "basic": {"type": "http", "scheme": "basic"},
        "admin": {"type": "apiKey", "in": "header", "name": "X-Admin"},
    }
    identity = plan_of_spec(_secured(schemes, [{"oauth": []}])).identity
    assert [(s.name, s.kind, [c.argument for c in s.credentials]) for s in identity.schemes] == [
        ("oauth", "bearer", ["api_key"]),
        ("basic", "basic", ["username", "password"]),
        ("admin", "api-key-header", ["admin"]),
    ]
    assert identity.credentials[1].env_vars == ("RAVAN_USERNAME",)


def test_a_scheme_whose_own_name_is_taken_gets_a_number_in_document_order() -> None:
    # The Swagger petstore (v3): its oauth2 scheme takes `api_key`, then its apiKey scheme is named
    # `api_key`; the document was refused whole (issue 18). A constructor argument's name too.
    schemes = {
        "petstore_auth": {"type": "oauth2", "flows": {}},
        "api_key": {"type": "apiKey", "in": "header", "name": "api_key"},
        "timeout": {"type": "apiKey", "in": "query", "name": "t"},
        "other": {"type": "http", "scheme": "basic"},
        "more": {"type": "http", "scheme": "basic"},
    }
    identity = plan_of_spec(_secured(schemes, [{"api_key": []}])).identity
    assert [[c.argument for c in s.credentials] for s in identity.schemes] == [
        ["api_key"],
        ["api_key_2"],
        ["timeout_2"],
        ["username", "password"],
        ["more_username", "more_password"],
    ]
    assert identity.credentials[1].env_vars == ("RAVAN_API_KEY_2",)


def test_without_a_top_level_security_the_first_held_credential_is_sent_and_none_is_required() -> None:
    schemes = {"bearer": {"type": "http", "scheme": "bearer"}}
    assert plan_of_spec(_secured(schemes, None)).identity.default_security == (("bearer",), ())


def test_an_operation_that_only_a_cookie_key_can_open_is_refused_naming_it_and_the_scheme() -> None:
    schemes = {"cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"}}
    message = plan_error(_secured(schemes, None, [{"cookieKey": []}]))
    assert "GET /things (getThings)" in message
    assert "'cookieKey'" in message


def test_a_requirement_naming_an_unknown_scheme_is_refused() -> None:
    schemes = {"bearer": {"type": "http", "scheme": "bearer"}}
    assert "'missing'" in plan_error(_secured(schemes, [{"missing": []}]))


def test_an_operation_naming_an_undeclared_scheme_is_served_without_it_with_a_located_warning() -> None:
    # Ory Kratos' updateSettingsFlow names `sessionToken`, which it never declares; openapi-python-
    # client generates it (it reads no security at all). Served without that scheme: the client
    # sends no credential for it, and says so once, naming the operation and the scheme.
    schemes = {"bearer": {"type": "http", "scheme": "bearer"}}
    spec = _secured(schemes, [{"bearer": []}], [{"sessionToken": []}, {"bearer": [], "other": []}])
    operation = plan_of_spec(spec).operations[0]
    assert operation.security == (("bearer",), ())
    assert operation.warnings == (
        "GET /things (getThings): security names the scheme 'sessionToken', which components.securitySchemes "
        "lacks: served without it",
        "GET /things (getThings): security names the scheme 'other', which components.securitySchemes lacks: "
        "served without it",
    )


def test_an_alternative_left_empty_by_an_undeclared_scheme_comes_after_those_that_send_a_credential() -> None:
    # The client sends the first alternative it holds every credential of, and an empty one needs
    # none: first, it would send nothing even to a client holding the bearer token the other
    # alternative takes, and the server would answer 401. Last, it serves a client that has none.
    schemes = {"bearer": {"type": "http", "scheme": "bearer"}}
    spec = _secured(schemes, [{"bearer": []}], [{"sessionToken": []}, {"bearer": []}])
    assert plan_of_spec(spec).operations[0].security == (("bearer",), ())
    # An empty requirement the document itself writes first (the credential is optional) stays first.
    spec = _secured(schemes, [{"bearer": []}], [{}, {"bearer": []}])
    assert plan_of_spec(spec).operations[0].security == ((), ("bearer",))


def test_an_open_operation_has_an_empty_requirement() -> None:
    schemes = {"bearer": {"type": "http", "scheme": "bearer"}}
    operation = plan_of_spec(_secured(schemes, [{"bearer": []}], [])).operations[0]
    assert operation.security == ((),)


def test_with_unsupported_skip_an_operation_the_client_cannot_open_is_left_out_and_listed(
    tmp_path: Path,
) -> None:
    import yaml

    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["paths"]["/query-only"] = {
        "get": {
            "operationId": "queryOnly",
            "tags": ["health"],
            "security": [{"cookieKey": []}],
            "responses": {"204": {"description": "ok"}},
        }
    }
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    refused = generate_document(spec_path, tmp_path / "refused", "--lint", "off")
    assert refused.returncode == 1, describe(refused)
    assert "GET /query-only (queryOnly)" in refused.stderr
    skipped = generate_document(spec_path, tmp_path / "out", "--lint", "off", "--unsupported", "skip")
    assert skipped.returncode == 0, describe(skipped)
    lines = [line for line in skipped.stdout.splitlines() if line.startswith("skipped: ")]
    assert len(lines) == 1
    assert "GET /query-only (queryOnly)" in lines[0]
    assert "'cookieKey'" in lines[0]
    readme = (tmp_path / "out" / "ravan-client" / "README.md").read_text(encoding="utf-8")
    assert "GET /query\\-only \\(queryOnly\\)" in readme  # as Markdown text
    resources = (tmp_path / "out" / "ravan-client" / "ravan_client" / "resources.py").read_text(encoding="utf-8")
    assert "query_only" not in resources
