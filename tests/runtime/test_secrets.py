"""Credentials out of everything printable (`_secrets.py`, `MaskingHeaders`)."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
from ravan_runtime._base_client import MaskingHeaders
from ravan_runtime._secrets import (
    HTTP_LOGGERS,
    MASK,
    SENSITIVE_HEADERS,
    Redactor,
    Secret,
    _http_log_redaction,
    display_url,
    masked_header_items,
)

from tests.runtime.demo import API_KEY, DemoClient, Harness, json_response, session

# A credential with every character that has another spelling in JSON or in a URL.
AWKWARD = 'pa/ss"wo\\rd é+&='


def test_a_secret_never_shows_itself() -> None:
    secret = Secret(API_KEY)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret]), "%s" % secret):  # noqa: UP031
        assert text in ("<redacted>", "[<redacted>]")
    assert secret.reveal() == API_KEY
    with pytest.raises(TypeError, match="a credential cannot be pickled"):
        pickle.dumps(secret)


@pytest.mark.parametrize(
    "spelling",
    [
        AWKWARD,
        json.dumps(AWKWARD, ensure_ascii=False)[1:-1],  # JSON-escaped
        json.dumps(AWKWARD, ensure_ascii=False)[1:-1].replace("/", "\\/"),  # JSON with \/
        json.dumps(AWKWARD)[1:-1],  # JSON-escaped, ASCII only
        json.dumps(AWKWARD)[1:-1].replace("/", "\\/"),  # ASCII only, with \/
        quote(AWKWARD, safe=""),  # percent-encoded
        quote_plus(AWKWARD, safe=""),  # form-encoded
    ],
    ids=["raw", "json", "json-slash", "json-ascii", "json-ascii-slash", "percent", "plus"],
)
def test_the_redactor_replaces_every_spelling_a_server_might_echo(spelling: str) -> None:
    redact = Redactor([AWKWARD])
    assert redact(f"before {spelling} after {spelling}") == f"before {MASK} after {MASK}"


def test_the_redactor_handles_several_secrets_and_leaves_short_ones() -> None:
    redact = Redactor([API_KEY, "pw", "hunter22"])
    assert redact(f"{API_KEY}|hunter22|pw") == f"{MASK}|{MASK}|pw"
    assert Redactor([])("nothing to hide") == "nothing to hide"


def test_a_secret_that_contains_another_is_replaced_whole() -> None:
    redact = Redactor(["abcd", "abcdefgh"])
    assert redact("xabcdefghx") == f"x{MASK}x"


def test_an_excerpt_is_redacted_before_it_is_cut() -> None:
    redact = Redactor([API_KEY])
    text = "x" * 10 + API_KEY + "y" * 50
    excerpt = redact.excerpt(text, 14)
    assert excerpt == "x" * 10 + MASK[:4]
    assert API_KEY[:4] not in excerpt  # cutting first would have left the key's start


def test_the_redactor_shows_nothing_and_does_not_pickle() -> None:
    redact = Redactor([API_KEY])
    assert API_KEY not in repr(redact)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(redact)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa55word@api.example.com/v1?x=1", "https://user:[secure]@api.example.com/v1?x=1"),
        ("https://:pa55word@api.example.com", "https://:[secure]@api.example.com"),
        ("https://us%40er:p%40ss@api.example.com/", "https://us%40er:[secure]@api.example.com/"),
        ("https://user@api.example.com/", "https://user@api.example.com/"),
        ("https://api.example.com:8443/v1", "https://api.example.com:8443/v1"),
    ],
)
def test_display_url_masks_the_password_only(url: str, shown: str) -> None:
    assert display_url(url) == shown
    assert display_url(httpx.URL(url)) == shown


def test_masking_headers_mask_every_credential_in_their_repr() -> None:
    raw = httpx.Headers(
        {
            "X-Api-Key": API_KEY,
            "Authorization": "Bearer token-123",
            "Proxy-Authorization": "Basic cHJveHk=",
            "Cookie": "sid=cookie-456",
            "Accept": "application/json",
        }
    )
    headers = MaskingHeaders(raw, sensitive=SENSITIVE_HEADERS | {"x-api-key"})
    text = repr(headers)
    for value in (API_KEY, "token-123", "cHJveHk=", "cookie-456"):
        assert value not in text
    assert text.count(MASK) == 4
    assert "application/json" in text
    assert headers["X-Api-Key"] == API_KEY  # only the repr masks: the request still carries the key
    assert masked_header_items(raw, ["X-API-KEY"])[0] == ("x-api-key", MASK)


def test_the_requests_the_client_sends_mask_their_headers(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, session("s1"))
    harness.client.sessions.retrieve("s1", extra_headers={"Cookie": "sid=cookie-456"})
    sent = harness.server.requests[0]
    assert sent.headers["X-Api-Key"] == API_KEY
    assert isinstance(sent.headers, MaskingHeaders)
    assert API_KEY not in repr(sent.headers)
    assert "cookie-456" not in repr(sent.headers)


def test_importing_the_runtime_puts_no_filter_on_httpxs_loggers() -> None:
    """Importing a module changes no logger: the redaction filter comes with the first client."""
    check = (
        "import logging, ravan_runtime._secrets, ravan_runtime._base_client\n"
        "from ravan_runtime._secrets import HTTP_LOGGERS\n"
        "assert all(not logging.getLogger(name).filters for name in HTTP_LOGGERS), 'a filter at import'\n"
        "print('clean')\n"
    )
    spec_client = Path(__file__).resolve().parents[2] / "spec" / "client"
    done = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "PYTHONPATH": str(spec_client)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "clean"), done.stderr


def test_each_client_puts_the_redaction_filter_on_httpxs_loggers_once() -> None:
    for name in HTTP_LOGGERS:  # as if no client had been made in this process yet
        logging.getLogger(name).removeFilter(_http_log_redaction)
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    with (
        DemoClient(api_key="first-key-0001", transport=transport),
        DemoClient(api_key="second-key-02", transport=transport),
    ):
        for name in HTTP_LOGGERS:
            assert logging.getLogger(name).filters.count(_http_log_redaction) == 1, name
        record = logging.LogRecord(
            "httpx", logging.DEBUG, __file__, 1, "echo %s %s", ("first-key-0001", "second-key-02"), None
        )
        assert logging.getLogger("httpx").filter(record)
        assert record.getMessage() == f"echo {MASK} {MASK}"
