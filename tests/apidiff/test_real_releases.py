"""The spec half on two releases each of two real public documents, whose publisher labels the changes.

The documents are excerpts of Twilio's OpenAPI descriptions (tests/data/twilio/README.md says where
from, and which changes Twilio's changelog calls breaking). Every write of those APIs sends a
form-urlencoded body: the changes the publisher calls breaking are in form bodies, or in responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scripts.lib import api_diff
from tests.apidiff.fragments import describe, findings

DATA = Path(__file__).resolve().parents[1] / "data" / "twilio"
FORM = "application/x-www-form-urlencoded"


def release(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return loaded


def verdict(old: dict[str, Any], found: list[api_diff.Finding], new: dict[str, Any]) -> api_diff.Report:
    return api_diff.Report(
        base_label="old",
        base_commit="0" * 40,
        head_label="new",
        old_version=str(old["info"]["version"]),
        new_version=str(new["info"]["version"]),
        diffstat="",
        findings=found,
        warnings=[],
    )


def test_events_2_4_0_removing_a_form_field_breaks_as_twilio_says() -> None:
    """2.4.0: "Remove `SinkSid` parameter when updating subscriptions. (breaking change)"."""
    old, new = release("events_v1-2.3.5"), release("events_v1-2.4.0")

    found = findings(old, new)

    assert [(item.rule.id, item.where) for item in found] == [
        (
            "request-form-field-removed",
            (f"POST /v1/Subscriptions/{{Sid}} (UpdateSubscription), request body ({FORM}): SinkSid",),
        )
    ], describe(found)
    assert found[0].rule.breaking
    assert verdict(old, found, new).fails  # info.version stayed 1.0.0


def test_events_going_back_is_an_addition_and_quiet() -> None:
    found = findings(release("events_v1-2.4.0"), release("events_v1-2.3.5"))

    assert [item.rule.id for item in found] == ["new-optional-request-property"], describe(found)
    assert not found[0].rule.breaking


def test_numbers_1_46_0_finds_both_changes_twilio_calls_breaking_and_nothing_else() -> None:
    """1.46.0: `sms_capability` removed from HostedNumberOrder, and a newly required form field of
    the Authorization document creation; both "(breaking change)" in Twilio's changelog."""
    old, new = release("numbers_v2-1.45.0"), release("numbers_v2-1.46.0")

    found = findings(old, new)

    assert {(item.rule.id, item.where[0]) for item in found} == {
        (
            "new-required-request-property",
            "POST /v2/HostedNumber/AuthorizationDocuments (CreateAuthorizationDocument), "
            f"request body ({FORM}): HostedNumberOrderSids",
        ),
        (
            "response-property-removed",
            "GET /v2/HostedNumber/Orders (ListHostedNumberOrder), response 200: items[].sms_capability",
        ),
    }, describe(found)
    assert all(item.rule.breaking for item in found)
    assert verdict(old, found, new).fails  # 1.45.0 -> 1.46.0 is no major bump


def test_an_unchanged_release_has_no_findings() -> None:
    for name in ("events_v1-2.4.0", "numbers_v2-1.46.0"):
        assert findings(release(name), release(name)) == []
