"""A consumer of ravan_client written the natural way, as a new user would (issue 12's yardstick).

It must pass `mypy --strict` unchanged and run against the API (tests/contract runs it against
Prism): iterate sessions, do arithmetic on optional numbers and call `.isoformat()` on optional
timestamps after a `None` check, pass filters as values or as None, and use the per-call escape
hatches and `with_options`. Usage: python natural_consumer.py BASE_URL API_KEY
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Literal

from ravan_client import APIError, RavanClient


def summarize(
    base_url: str, api_key: str, status: str | None = None, order: Literal["asc", "desc"] = "desc"
) -> list[str]:
    lines: list[str] = []
    with RavanClient(api_key=api_key, base_url=base_url) as client:
        patient = client.with_options(timeout=30.0, max_retries=5)
        sessions = patient.call_sessions.list(
            status=status,
            sort_order=order,
            started_after=datetime(2026, 11, 1, tzinfo=UTC),
            started_before=None,
            page_size=None,
            extra_query={"duration_min": 30},
            extra_headers={"X-Request-Source": "natural-consumer"},
            max_items=50,
        )
        for session in sessions:
            minutes = session.duration_sec / 60 if session.duration_sec is not None else 0.0
            started = session.started_at.isoformat() if session.started_at is not None else "not started"
            caller = session.caller_number.upper() if session.caller_number is not None else "unknown"
            credits = session.credit_breakdown.total_credits if session.credit_breakdown is not None else None
            sent_null = "ended_at" in session.model_fields_set and session.ended_at is None
            lines.append(
                f"{session.id} {caller} {minutes:.1f} min from {started}"
                f"{'' if credits is None else f', {credits} credits'}{' (running)' if sent_null else ''}"
            )
    return lines


def main() -> int:
    base_url, api_key = sys.argv[1], sys.argv[2]
    try:
        for line in summarize(base_url, api_key, status="completed"):
            print(line)
    except APIError as error:
        print(f"failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
