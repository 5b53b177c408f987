"""Values for an argument, derived from its rule in the plan: one it accepts, several it refuses.

The tables the spec-derived tests use are computed here from each argument's `ValueRule` (its
kind, bounds, choices, format) and the spec's example, so adding a parameter or a body property
of any type to the spec gives it valid and invalid values with no edit under tests/.

A `Valid` value says what is passed to the client and what must arrive: `wire` is the query,
path or header text (a list of texts for an array in the query) or, for a body property, the JSON
value. An `Invalid` value says what the client must refuse before sending (and which exception),
and, where it can travel at all, how it looks on the wire, for the server to refuse too.
"""

from __future__ import annotations

import ast
import datetime
import functools
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

import hypothesis
from hypothesis import strategies as st

from tests.support.spec_plan import ArgumentPlan

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


@dataclass(frozen=True)
class Valid:
    python: Any
    wire: Any


@dataclass(frozen=True)
class Invalid:
    label: str
    python: Any
    error: type[Exception]
    wire: str | None = None
    """The value as query text the server must refuse (None: it cannot be sent raw)."""


def _low(argument: ArgumentPlan) -> float | None:
    rule = argument.rule
    if rule.minimum is not None:
        return rule.minimum
    if rule.exclusive_minimum is not None:
        return rule.exclusive_minimum + (1 if rule.kind == "integer" else 0.5)
    return None


def _high(argument: ArgumentPlan) -> float | None:
    rule = argument.rule
    if rule.maximum is not None:
        return rule.maximum
    if rule.exclusive_maximum is not None:
        return rule.exclusive_maximum - (1 if rule.kind == "integer" else 0.5)
    return None


def _valid_scalar(argument: ArgumentPlan, kind: str, example: Any) -> Valid:
    rule = argument.rule
    if kind == "choice":
        assert rule.choices
        choice = example if example in rule.choices else rule.choices[-1]
        return Valid(choice, choice if argument.location == "body" else str(choice))
    if kind == "integer":
        low, high = _low(argument), _high(argument)
        value = int(example) if isinstance(example, int) and not isinstance(example, bool) else 2
        if low is not None and value < low:
            value = math.ceil(low)
        if high is not None and value > high:
            value = int(high)
        return Valid(value, value if argument.location == "body" else str(value))
    if kind == "number":
        low, high = _low(argument), _high(argument)
        number = 2.5
        if low is not None and number < low:
            number = float(low) + 0.5
        if high is not None and number > high:
            number = float(high)
        return Valid(number, number if argument.location == "body" else repr(number))
    if kind == "boolean":
        return Valid(True, True if argument.location == "body" else "true")
    if kind == "date-time":
        # A positive offset: its "+" must be percent-encoded, or the server reads a space.
        moment = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=IST)
        return Valid(moment, "2026-12-01T09:30:00+05:30")
    if kind == "date":
        return Valid(datetime.date(2026, 12, 1), "2026-12-01")
    if kind == "string":
        text = _valid_text(argument, example)
        return Valid(text, text)
    if kind in ("object", "any"):
        mapping = example if isinstance(example, dict) else {"source": "tests", "rank": 1}
        return Valid(mapping, mapping)
    raise AssertionError(f"no valid value for a {kind} argument {argument.python_name}")


def _string_rule(argument: ArgumentPlan) -> dict[str, Any]:
    """The keyword arguments of the argument's StringRule, read back from the plan's check."""
    check = argument.rule.check
    found: dict[str, Any] = {}
    for name in ("min_length", "max_length"):
        match = re.search(rf"{name}=(\d+)", check)
        if match:
            found[name] = int(match.group(1))
    pattern = re.search(r"pattern=('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", check)
    if pattern:
        found["pattern"] = ast.literal_eval(pattern.group(1))
    found["uuid"] = "format='uuid'" in check
    return found


def _fits(text: str, rule: dict[str, Any]) -> bool:
    if len(text) < rule.get("min_length", 0) or len(text) > rule.get("max_length", len(text)):
        return False
    return "pattern" not in rule or re.search(rule["pattern"], text) is not None


def _valid_text(argument: ArgumentPlan, example: Any) -> str:
    """The spec's example if it fits the rule, else a text made to fit (length, pattern, uuid)."""
    rule = _string_rule(argument)
    if rule["uuid"]:
        if isinstance(example, str) and _is_uuid(example):
            return example
        return "123e4567-e89b-12d3-a456-426614174000"
    candidate: str = example if isinstance(example, str) else "agt_7f3c2a"
    if _fits(candidate, rule):
        return candidate
    if "pattern" in rule:
        return _simplest_match(rule["pattern"], rule.get("min_length"), rule.get("max_length"))
    minimum: int = rule.get("min_length", 1)
    maximum: int = rule.get("max_length", len(candidate))
    length = max(minimum, min(len(candidate), maximum))
    return (candidate * (length // max(len(candidate), 1) + 1))[:length]


@functools.cache
def _simplest_match(pattern: str, min_length: int | None, max_length: int | None) -> str:
    """The simplest text the pattern matches (hypothesis shrinks to it), within the lengths.

    Cached: shrinking takes a second or more, and a published document repeats its patterns (every
    Twilio operation has the same `^AC[0-9a-fA-F]{32}$` account id)."""
    rule: dict[str, Any] = {"pattern": pattern}
    if min_length is not None:
        rule["min_length"] = min_length
    if max_length is not None:
        rule["max_length"] = max_length
    found: str = hypothesis.find(
        st.from_regex(pattern).filter(lambda text: _fits(text, rule)),
        lambda text: True,
        settings=hypothesis.settings(database=None, max_examples=2000),
    )
    return found


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def valid(argument: ArgumentPlan) -> Valid:
    """A value the spec accepts for the argument (its example where the spec gives one)."""
    rule = argument.rule
    if rule.kind == "array":
        assert rule.item is not None
        item_argument = ArgumentPlan(
            wire_name=argument.wire_name,
            python_name=argument.python_name,
            location=argument.location,
            required=True,
            rule=rule.item,
            description="",
        )
        item = _valid_scalar(item_argument, rule.item.kind, None)
        count = max(_array_bound(argument, "min_items") or 1, 1)
        return Valid([item.python] * count, [item.wire] * count)
    return _valid_scalar(argument, rule.kind, argument.example)


def _array_bound(argument: ArgumentPlan, name: str) -> int | None:
    match = re.search(rf", {name}=(\d+)", argument.rule.check)
    return int(match.group(1)) if match else None


def invalid(argument: ArgumentPlan) -> list[Invalid]:
    """Values the client must refuse before sending, each with the exception it raises."""
    rule = argument.rule
    cases: list[Invalid] = []
    if rule.kind == "integer":
        cases.append(Invalid("not-an-integer", "abc", TypeError, "abc"))
        cases.append(Invalid("a-float", 1.5, TypeError, "1.5"))
        cases.append(Invalid("a-bool", True, TypeError, "true"))
        low, high = _low(argument), _high(argument)
        if low is not None:
            below = math.ceil(low) - 1
            cases.append(Invalid("below-minimum", below, ValueError, str(below)))
        if high is not None:
            above = int(high) + 1
            cases.append(Invalid("above-maximum", above, ValueError, str(above)))
        cases.append(Invalid("wider-than-64-bits", 2**70, ValueError))
    elif rule.kind == "number":
        cases.append(Invalid("not-a-number", "abc", TypeError, "abc"))
        cases.append(Invalid("nan", math.nan, ValueError))
        cases.append(Invalid("infinity", math.inf, ValueError))
        low, high = _low(argument), _high(argument)
        if low is not None:
            cases.append(Invalid("below-minimum", float(low) - 1, ValueError, repr(float(low) - 1)))
        if high is not None:
            cases.append(Invalid("above-maximum", float(high) + 1, ValueError, repr(float(high) + 1)))
    elif rule.kind == "boolean":
        cases.append(Invalid("a-string", "true", TypeError, "maybe"))
        cases.append(Invalid("an-integer", 1, TypeError))
    elif rule.kind == "choice":
        cases.append(Invalid("not-a-choice", "not-one-of-them", ValueError, "not-one-of-them"))
    elif rule.kind == "date-time":
        cases.append(Invalid("a-string", "2026-11-01T00:00:00Z", TypeError, "not-a-date"))
        cases.append(Invalid("naive", datetime.datetime(2026, 12, 1), ValueError, "2026-12-01T00:00:00"))
    elif rule.kind == "date":
        cases.append(Invalid("a-string", "2026-11-01", TypeError, "not-a-date"))
        cases.append(Invalid("a-datetime", datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), TypeError))
    elif rule.kind == "string":
        cases.append(Invalid("not-a-string", 5, TypeError))
        cases.append(Invalid("lone-surrogate", "a\ud83d", ValueError))
        string_rule = _string_rule(argument)
        if string_rule.get("min_length", 0) > 0:
            short = "x" * (string_rule["min_length"] - 1)
            cases.append(Invalid("too-short", short, ValueError, short if short else None))
        if "max_length" in string_rule:
            long = "x" * (string_rule["max_length"] + 1)
            cases.append(Invalid("too-long", long, ValueError, long))
        if "pattern" in string_rule and not re.search(string_rule["pattern"], "\x01"):
            cases.append(Invalid("not-matching-the-pattern", "\x01", ValueError))
        if string_rule["uuid"]:
            cases.append(Invalid("not-a-uuid", "not-a-uuid", ValueError, "not-a-uuid"))
    elif rule.kind == "array":
        cases.append(Invalid("a-string", "abc", TypeError))
        minimum = _array_bound(argument, "min_items")
        if minimum:
            cases.append(Invalid("too-few-items", [], ValueError))
    elif rule.kind == "object":
        cases.append(Invalid("not-a-mapping", ["a"], TypeError))
        cases.append(Invalid("not-json", {"a": object()}, TypeError))
    # None is "not sent" for an optional argument, and null for a nullable one: refused only where
    # the argument is required and cannot be null.
    if argument.required and not rule.nullable:
        cases.append(Invalid("none", None, TypeError))
    return cases
