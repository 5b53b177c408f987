# ruff: noqa: E501  (the pins are the generator's messages verbatim, one literal each)
"""The public documents of tests/data/public and what generating each gives today, pinned.

`skipped` is the generator's `skipped:` lines for the document, exactly; `refused` is its error
(the spec's path shown as DOC) for a document it does not generate at all. When the generator
learns to serve more, tests/public/test_documents.py fails on the pin, and the pin moves with the
change that earned it. tests/data/public/README.md says where each document comes from.

`python -m tests.public.documents` prints the figures: operations, served, skipped, refused.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.target import REPO_ROOT

PUBLIC = Path("tests/data/public")
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class PublicDocument:
    name: str
    """The file under tests/data/public."""
    exercises: str
    skipped: tuple[str, ...] = ()
    refused: str | None = None
    call_problems: tuple[str, ...] = ()
    """Operations (as `METHOD /path (operationId)`) that the Prism calls cannot drive yet, and why in
    a comment beside each: pinned, so the day they work the test says so."""
    stubbed: tuple[str, ...] = ()
    """Operations whose response Prism cannot make at all, dynamic or static (an octet-stream
    response whose schema is a JSON object: no serializer): called all three ways against a local
    server answering fixed bytes (tests/public/driver.py, `stub_server`) instead."""
    prism_static: bool = False
    """Prism answers from the document's examples (its static mode) rather than making responses
    from the schemas: for a document whose responses have examples and no schema, which the dynamic
    mode cannot make a body from (500)."""
    elsewhere: tuple[str, ...] = ()
    """Operations that go to another server than their path item or operation names, with no
    base_url given (the generator does not yet read per-path and per-operation `servers`)."""

    @property
    def path(self) -> Path:
        """Relative to the repository (the generator shows it so; every test runs from there)."""
        return PUBLIC / self.name


def expected_destination(spec: dict[str, Any], path: str, method: str) -> str:
    """The URL an operation is sent to by default: its own `servers`, else its path item's, else the
    document's, the first of them with its variables' defaults, and the path after it."""
    item = spec["paths"][path]
    servers = item[method].get("servers") or item.get("servers") or spec.get("servers") or [{"url": "/"}]
    server = servers[0]
    url = str(server["url"])
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable["default"]))
    return url.rstrip("/") + path


def load(document: PublicDocument) -> dict[str, Any]:
    with (REPO_ROOT / document.path).open("rb") as file:
        spec: dict[str, Any] = yaml.safe_load(file)
    return spec


def operation_keys(document: PublicDocument) -> set[str]:
    """`METHOD /path` of every operation the document declares."""
    spec = load(document)
    return {
        f"{method.upper()} {path}"
        for path, item in spec.get("paths", {}).items()
        for method in item
        if method in METHODS
    }


def operation_count(document: PublicDocument) -> int:
    return len(operation_keys(document))


BASELINE_CALL_PROBLEMS = (
    # Prism refuses every correct query of it (422 "must have required property
    # 'string%20with%20num'"): it looks for the parameter `string with num` under its percent-encoded
    # name among the decoded keys, so only `string%2520with%2520num` (the name encoded twice) passes.
    # With that one key so, Prism takes the clients' query objects (model_prop, form, exploded:
    # `a_property=FIRST_VALUE`) and refuses a wrong value in them (checked with curl).
    "POST /defaults (defaults_tests_defaults_post)",
    "POST /bodies/refs (refs)",
    "POST /tests/callback (callback_test)",
    "POST /tests/json_body (json_body_tests_json_body_post)",
    "POST /tests/upload (upload_file_tests_upload_post)",
)
"""openapi-python-client's baseline documents, 3.0 and 3.1: the same calls the set cannot make yet."""

DOCUMENTS: tuple[PublicDocument, ...] = (
    PublicDocument(
        "oai/petstore.yaml",
        "OpenAPI 3.0; camelCase path parameter {petId}; no security",
    ),
    PublicDocument(
        "oai/petstore-expanded.yaml",
        "allOf models; an untagged document",
    ),
    PublicDocument(
        "oai/api-with-examples.yaml",
        "named examples; 203 and 300 responses; an untagged document",
        # Its responses have examples but no schema: Prism's dynamic mode answers 500, its static mode
        # the examples.
        prism_static=True,
    ),
    PublicDocument(
        "oai/link-example.yaml",
        "links; an untagged document",
    ),
    PublicDocument(
        "oai/callback-example.yaml",
        "callbacks; an operation without an operationId; an untagged document",
    ),
    PublicDocument(
        "oai/uspto.yaml",
        "a form-urlencoded write; a server variable ({scheme}); OpenAPI 3.0.1",
    ),
    PublicDocument(
        "openapi-python-client/openapi_3.1_enums.yaml",
        "OpenAPI 3.1 enums (null in an enum, const); a multipart upload",
        skipped=(
            "GET /tests/ (getUserList), query parameter 'an_enum_value_with_only_null'[]: an enum that allows only null has nothing to send",
        ),
        # Prism refuses the multipart body the clients send (422). (nested_list_of_enums, a list of
        # lists, is one JSON list per `--nested-list-of-enums` on the CLI.)
        call_problems=("POST /tests/ (postUserList)",),
    ),
    PublicDocument(
        "openapi-python-client/baseline_openapi_3.0.json",
        "openapi-python-client's own 3.0 end-to-end document: multipart uploads, octet-stream and text responses, form bodies, several bodies per operation, cookie and header parameters",
        skipped=(
            "GET /tests/ (getUserList), query parameter 'an_enum_value_with_only_null'[]: an enum that allows only null has nothing to send",
            "POST /config/content-type-override (content_type_override), request body: 'openapi/python/client' is not a media type (RFC 9110: type/subtype; parameters)",
        ),
        # refs, callback_test, json_body: the driver gives the union a_camel_date_time (a date-time or
        # a date) as text, and the clients want a datetime (refused before sending). upload: Prism reads
        # each multipart part as no object it expects ("must be object") and answers 422.
        call_problems=BASELINE_CALL_PROBLEMS,
    ),
    PublicDocument(
        "openapi-python-client/baseline_openapi_3.1.yaml",
        "the same end-to-end document in OpenAPI 3.1",
        skipped=(
            "GET /tests/ (getUserList), query parameter 'an_enum_value_with_only_null'[]: an enum that allows only null has nothing to send",
            "POST /config/content-type-override (content_type_override), request body: 'openapi/python/client' is not a media type (RFC 9110: type/subtype; parameters)",
        ),
        # As in the 3.0 document; and Prism refuses the body the driver derives for duplicate-types (422).
        call_problems=("POST /types/unions/duplicate-types", *BASELINE_CALL_PROBLEMS),
    ),
    PublicDocument(
        "twilio/api_v2010-excerpt.yaml",
        "a telephony API (calls, recordings, numbers): http basic; form-urlencoded writes; PascalCase path parameters {AccountSid}, {Sid}; per-path servers",
        # Prism misreads the form's arrays: the clients and the CLI send `StatusCallbackEvent=x&...` and
        # `RecordingStatusCallbackEvent=x&RecordingStatusCallbackEvent=y` as OpenAPI's form style
        # asks (exploded, no `encoding` in the document), and Prism answers 422 "must be array" for
        # both, even for two distinct items sent by hand with curl (one item alone reads as a text).
        call_problems=("POST /2010-04-01/Accounts/{AccountSid}/Calls.json (CreateCall)",),
    ),
    PublicDocument(
        "vonage/voice.yml",
        "a voice API: http bearer (JWT) per operation; oneOf request bodies (create and update a call)",
    ),
    PublicDocument(
        "vonage/account.yml",
        "http basic per operation beside operations with no security; form-urlencoded writes; per-path servers; JSON and XML responses",
    ),
    PublicDocument(
        "vonage/numbers.yml",
        "two apiKey schemes sent together in the query string (api_key and api_secret); form-urlencoded writes",
    ),
    PublicDocument(
        "vonage/sms.yml",
        "credentials as form fields; a path parameter choosing the response format; an untagged document",
    ),
    PublicDocument(
        "vonage/media.yml",
        "a multipart upload (PUT /:id/info); an untagged document",
    ),
    PublicDocument(
        "vonage/reports.yml",
        "http basic; a oneOf request body; a binary (octet-stream) download",
        # The download's octet-stream response has a JSON object for its schema: Prism finds no
        # serializer for it in either mode (500), so a local server answers it with bytes.
        stubbed=("GET /v3/media/{file_id} (download-report)",),
        # The published oneOf's variants overlap: every product's `product` enum lists (nearly) every
        # product and none forbids other properties, so each variant's minimal body fits most of the
        # others and none fits exactly one; Prism refuses every body the driver can derive (422).
        call_problems=("POST /v2/reports (create-async-report)",),
    ),
    PublicDocument(
        "redocly/museum.yaml",
        "Redocly's museum example, OpenAPI 3.1: http basic; a oneOf response; date and email formats",
    ),
    PublicDocument(
        "swagger-petstore/petstore3.yaml",
        "the Swagger petstore (v3), OpenAPI 3.0.4: oauth2 and an apiKey scheme both named for `api_key`; tags named like models; an octet-stream upload; form and XML bodies; a SNAPSHOT info.version",
    ),
    PublicDocument(
        "resend/resend.yaml",
        "an e-mail API, OpenAPI 3.1.2: http bearer; 64 operations; email formats; an `explode: false` query array (sent comma-separated)",
    ),
    PublicDocument(
        "qdrant/openapi.json",
        "a vector database, OpenAPI 3.0.1: anyOf everywhere (filters, vectors, ids; a point id, an integer or a UUID, in a path); info.version `master`",
    ),
    PublicDocument(
        "ory/kratos.json",
        "an identity server, OpenAPI 3.0.3: optional Cookie headers; deep nesting; an empty info.version; an operation naming an undeclared scheme (served without it, with a warning)",
        # Registration's and settings' bodies, chosen by `method` in a oneOf whose variants overlap:
        # Prism finds the body the driver derives in none or several of them (422: "must have required
        # property 'provider'", "'traits'"). Login, recovery and verification are served.
        call_problems=(
            "POST /self-service/registration (updateRegistrationFlow)",
            "POST /self-service/settings (updateSettingsFlow)",
        ),
    ),
)


def main() -> int:
    """The figures of the set, as pinned (the tests prove the pins): per document and in total."""
    rows = []
    for document in DOCUMENTS:
        total = operation_count(document)
        served = 0 if document.refused else total - len(document.skipped)
        rows.append((document, total, served))
    width = max(len(document.name) for document, _, _ in rows)
    print(f"{'document':<{width}}  ops  served  skipped  refused")
    for document, total, served in rows:
        refused = "yes" if document.refused else ""
        print(f"{document.name:<{width}}  {total:>3}  {served:>6}  {len(document.skipped):>7}  {refused}")
    documents_served = sum(1 for document, _, _ in rows if document.refused is None)
    print(
        f"{len(rows)} documents ({documents_served} generated, {len(rows) - documents_served} refused whole), "
        f"{sum(total for _, total, _ in rows)} operations, {sum(served for _, _, served in rows)} served, "
        f"{sum(len(document.skipped) for document, _, _ in rows)} skipped"
    )
    print("\nwhy:")
    for document, _, _ in rows:
        for reason in document.skipped:
            print(f"  {document.name}: skipped: {reason}")
        if document.refused:
            print(f"  {document.name}: refused: {document.refused.replace(chr(10), ' ')[:300]}")
        for label in document.elsewhere:
            print(f"  {document.name}: served, but sent to the document's default server: {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
