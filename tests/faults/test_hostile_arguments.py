"""Every query parameter of the spec, fuzzed: refused by name before any request, or received exactly.

The parameters and their schemas are read from spec/openapi.yaml, so a parameter added to the spec
is fuzzed without touching this file (and a schema of a kind this file has no oracle for fails
loudly). For each generated value the spec alone decides the expected outcome:

- the spec allows it: the fault server's echo route must receive exactly its wire form (the
  string itself, `str()` of an integer, `.isoformat()` of a datetime);
- None: the parameter is not sent (the pager's own `page` and `page_size` are, with their defaults);
- the spec does not allow it (wrong type, out of range, not an enum member, naive datetime,
  lone surrogate): the client must raise ValueError or TypeError naming the parameter, and the
  server must see no request.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import operator
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import yaml
from anyio.from_thread import BlockingPortal
from hypothesis import HealthCheck, event, given, settings

from ravan_client._validation import MAX_ENCODED_QUERY_VALUE
from ravan_client.resources import AsyncCallSessions, CallSessions
from tests.faults.conftest import ClientUnderTest, Flavor, make_client
from tests.faults.fault_server import FaultServer

pytestmark = [pytest.mark.timeout(60)]

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
OPERATION_ID = "listCallSessions"
ECHO_TOKEN = "hostile-arguments"

# Characters with a meaning in URLs, query strings, HTTP or terminals, and some Unicode oddities.
HOSTILE_CHARACTERS = "&=#%+?/;:@, \\\"'<>[]{}|^`~\x00\t\r\n\x0b\x1b\x7f\x85\u2028\u2029\u200b\ufeff\ufffd"


def _operation() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict) and operation.get("operationId") == OPERATION_ID:
                return operation
    raise AssertionError(f"{OPERATION_ID} is not in {SPEC}")


QUERY_PARAMETERS: list[dict[str, Any]] = [p for p in _operation()["parameters"] if p["in"] == "query"]
# What the pager sends for the page parameters when the caller leaves them out (None).
SENT_WHEN_NONE = {"page": "1", "page_size": "20"}


def python_name(parameter: dict[str, Any]) -> str:
    """The keyword argument the generator makes of a query parameter (snake_case)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", parameter["name"]).replace("-", "_").lower()


class _NoOffset(datetime.tzinfo):
    """A tzinfo that knows no offset: the datetime looks aware but is naive by definition."""

    def utcoffset(self, moment: datetime.datetime | None) -> datetime.timedelta | None:
        return None

    def dst(self, moment: datetime.datetime | None) -> datetime.timedelta | None:
        return None

    def tzname(self, moment: datetime.datetime | None) -> str | None:
        return None


# --- what to send -----------------------------------------------------------------------------------


def half_and_half(first: st.SearchStrategy[object], second: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Values of either strategy, about as often (`st.one_of` favours its first branches)."""
    return st.booleans().flatmap(lambda pick_first: first if pick_first else second)


hostile_text = st.one_of(
    # Any code point at all: controls, unassigned, private use, astral, lone surrogates.
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aZ9é€😀"), max_size=40),
    # Very long values: hundreds of repeats of a hostile unit, 0.5 to 54 KB once percent-encoded
    # (longer ones are the business of test_a_value_too_long_for_a_url_is_refused_naming_it).
    st.builds(
        operator.mul,
        st.text(st.sampled_from(HOSTILE_CHARACTERS + "x€😀"), min_size=1, max_size=3),
        st.integers(500, 1_500),
    ),
)

wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dates(),
    st.just(object()),
)

aware_datetimes = st.datetimes(
    timezones=st.one_of(
        st.timezones(),
        # Odd fixed offsets: seconds and microseconds, up to a minute short of a day either way.
        st.builds(
            datetime.timezone,
            st.timedeltas(
                min_value=-datetime.timedelta(hours=23, minutes=59, seconds=59),
                max_value=datetime.timedelta(hours=23, minutes=59, seconds=59),
            ),
        ),
    )
)


def values_for(schema: dict[str, Any]) -> st.SearchStrategy[object]:
    """Valid and invalid values for a parameter with this schema."""
    if "enum" in schema:
        members = [str(member) for member in schema["enum"]]
        near_misses = [variant for member in members for variant in (member.upper(), f" {member}", f"{member}\x00")]
        return half_and_half(
            st.sampled_from(members), st.one_of(st.sampled_from(near_misses), hostile_text, wrong_types)
        )
    kind = (schema.get("type"), schema.get("format"))
    if kind[0] == "integer":
        integers = st.one_of(
            st.integers(-3, 3),
            st.integers(),
            st.integers(2**63 - 2, 2**64 + 2),
            st.builds(operator.pow, st.just(10), st.integers(19, 4_000)),  # huge, but printable
            st.builds(operator.neg, st.builds(operator.pow, st.just(10), st.integers(19, 400))),
        )
        return half_and_half(integers, st.one_of(st.text("0123456789-+ ", min_size=1, max_size=5), wrong_types))
    if kind == ("string", "date-time"):
        not_aware_datetimes = st.one_of(
            st.datetimes(),  # naive
            st.datetimes(timezones=st.just(_NoOffset())),
            st.text(max_size=30),
            st.just("2026-11-01T00:00:00Z"),
            wrong_types,
        )
        return half_and_half(aware_datetimes, not_aware_datetimes)
    if kind[0] == "string":
        return half_and_half(hostile_text, wrong_types)
    raise AssertionError(f"no strategy for a parameter of schema {schema}: teach this test the new kind")


# The spec sets no maxLength, but URLs have practical limits (8 KB is common in servers and
# proxies): a string longer than the client's limit once percent-encoded (as httpx encodes it) may
# be refused too, if the refusal names it.
LONGEST_STRING_THAT_MUST_BE_SENT = MAX_ENCODED_QUERY_VALUE


def expected_on_the_wire(schema: dict[str, Any], value: object) -> str | None:
    """What the server must receive for `value`, or None when the spec does not allow it."""
    if "enum" in schema:
        return value if isinstance(value, str) and value in schema["enum"] else None
    kind = (schema.get("type"), schema.get("format"))
    if kind[0] == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            return None
        if value.bit_length() > 63:
            return None  # query integers are 64-bit on any server: the client refuses wider ones
        return str(value)
    if kind == ("string", "date-time"):
        offset = value.utcoffset() if isinstance(value, datetime.datetime) else None
        if offset is None or offset.seconds % 60 or offset.microseconds:
            return None  # naive, or an offset with seconds that ISO 8601 cannot write
        assert isinstance(value, datetime.datetime)
        return value.isoformat()
    if kind[0] == "string":
        if not isinstance(value, str):
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None  # a lone surrogate is not text a URL can carry
        return value
    raise AssertionError(f"no oracle for a parameter of schema {schema}")


# --- the check --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def echo_clients(fault_server: FaultServer, portal: BlockingPortal) -> Iterator[dict[Flavor, ClientUnderTest]]:
    """One client of each flavor on the echo route, shared by every example of the module (a
    client per example would spend most of the time building TLS contexts)."""
    base_url = fault_server.base_url("echo", ECHO_TOKEN)
    clients: dict[Flavor, ClientUnderTest] = {
        "sync": make_client("sync", base_url, timeout=10.0),
        "async": make_client("async", base_url, timeout=10.0),
    }
    yield clients
    for under_test in clients.values():
        portal.call(under_test.close)


async def check_refused_by_name_or_received_exactly(
    under_test: ClientUnderTest, fault_server: FaultServer, parameter: dict[str, Any], value: object
) -> str:
    """Send `value` as `parameter`; assert the outcome the spec calls for; say which it was."""
    name, keyword = parameter["name"], python_name(parameter)
    if value is None:
        return await check_none_is_not_sent(under_test, fault_server, name, keyword)
    expected = expected_on_the_wire(parameter["schema"], value)
    may_refuse = expected is None or len(urllib.parse.quote(expected, safe="")) > LONGEST_STRING_THAT_MUST_BE_SENT
    attempts_before = fault_server.attempts(ECHO_TOKEN)
    refusal: ValueError | TypeError | None = None
    try:
        page = await under_test.first_page(**{keyword: value})
    except (ValueError, TypeError) as error:
        refusal = error
    if refusal is not None:
        assert may_refuse, f"{keyword}={value!r} is valid by the spec but was refused: {refusal}"
        assert keyword in str(refusal), f"the error does not name {keyword}: {refusal}"
        assert fault_server.attempts(ECHO_TOKEN) == attempts_before, "refused, yet a request was sent"
        return "refused by name"
    assert expected is not None, f"{keyword}={value!r} is invalid by the spec but was sent"
    assert fault_server.attempts(ECHO_TOKEN) == attempts_before + 1
    [echo] = page.items
    assert isinstance(echo.metadata, dict)
    assert echo.metadata[name] == [expected]
    return "received exactly"


async def check_none_is_not_sent(
    under_test: ClientUnderTest, fault_server: FaultServer, name: str, keyword: str
) -> str:
    """None means "not sent": the request goes out without the parameter (or with the pager's default)."""
    attempts_before = fault_server.attempts(ECHO_TOKEN)
    page = await under_test.first_page(**{keyword: None})
    assert fault_server.attempts(ECHO_TOKEN) == attempts_before + 1
    [echo] = page.items
    assert isinstance(echo.metadata, dict)
    expected = [SENT_WHEN_NONE[name]] if name in SENT_WHEN_NONE else None
    assert echo.metadata.get(name) == expected
    return "None: not sent"


@pytest.mark.parametrize("parameter", QUERY_PARAMETERS, ids=[p["name"] for p in QUERY_PARAMETERS])
@pytest.mark.parametrize("flavor", ["sync", "async"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_query_parameter_is_refused_by_name_or_received_exactly(
    echo_clients: dict[Flavor, ClientUnderTest],
    fault_server: FaultServer,
    portal: BlockingPortal,
    flavor: Flavor,
    parameter: dict[str, Any],
    data: st.DataObject,
) -> None:
    value = data.draw(values_for(parameter["schema"]), label=parameter["name"])
    outcome = portal.call(
        check_refused_by_name_or_received_exactly, echo_clients[flavor], fault_server, parameter, value
    )
    event(outcome)  # --hypothesis-show-statistics shows that both outcomes are exercised


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_an_integer_too_long_to_print_is_refused_naming_the_parameter(
    echo_clients: dict[Flavor, ClientUnderTest], fault_server: FaultServer, portal: BlockingPortal, flavor: Flavor
) -> None:
    """The spec sets no maximum, but Python will not print an int of more than 4300 digits:
    the refusal must still be the client's own, naming the parameter."""
    attempts_before = fault_server.attempts(ECHO_TOKEN)
    with pytest.raises((ValueError, TypeError), match="page_size"):
        portal.call(functools.partial(echo_clients[flavor].first_page, page_size=10**5000))
    assert fault_server.attempts(ECHO_TOKEN) == attempts_before


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_a_value_too_long_for_a_url_is_refused_naming_it_or_sent_whole(
    echo_clients: dict[Flavor, ClientUnderTest], fault_server: FaultServer, portal: BlockingPortal, flavor: Flavor
) -> None:
    """100,000 characters: more than httpx puts in one URL (64 KB). The client may refuse it (a
    ValueError naming the parameter, nothing sent) or send it whole; not fail inside httpx."""
    [search] = [parameter for parameter in QUERY_PARAMETERS if parameter["name"] == "search"]
    portal.call(check_refused_by_name_or_received_exactly, echo_clients[flavor], fault_server, search, "x" * 100_000)


def test_every_query_parameter_of_the_spec_is_an_argument_of_both_clients() -> None:
    keywords = {python_name(parameter) for parameter in QUERY_PARAMETERS}
    assert len(QUERY_PARAMETERS) >= 11
    for resource in (CallSessions, AsyncCallSessions):
        assert keywords <= set(inspect.signature(resource.list).parameters)
