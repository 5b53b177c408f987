"""The one way text from a spec reaches generated code: as a literal made here.

A spec is data written by other people; whatever it says must never run as code. Every string
of the spec that a template prints goes through one of these functions, each of which makes a
token that means exactly the text and nothing more, whatever the text holds (quotes, triple
quotes, backslashes, newlines, control characters, `{{ }}`, `#`, TOML brackets):

- `python_literal`: a Python literal (str, int, float, bool, None, and tuples/lists/dicts of them);
- `docstring_body`: the inside of a `\"\"\"...\"\"\"` docstring, wrapped and indented here, so no later
  filter can split an escape;
- `toml_string`: a TOML basic string, quotes included;
- `markdown_text`: one line of Markdown that shows the text and links nothing (the package README).

The templates reach them as the filters `pyrepr`, `docstring`, `toml` and `markdown` (see `install`).
`tests/generate/test_injection.py` generates specs whose every free-text and name field carries
an injection payload and proves that each payload lands only inside string tokens.

Names are not escaped but made: the plan turns spec names into identifiers (`snake_case`,
`python_identifier`) whose characters are `[A-Za-z0-9_]` only.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from typing import Any

import jinja2

# Characters that may not appear raw in a docstring's source: all but tab and newline of the C0
# and C1 controls, DEL, and the line and paragraph separators (Python reads them as text, editors
# and some tools as line ends).
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


class LiteralError(ValueError):
    """A value that has no literal form here (a NaN, an object, a lone surrogate in TOML)."""


def _unwrapped(value: Any) -> Any:
    """openapi-python-client hands spec text over wrapped (UntrustedString); this is its text."""
    getter = getattr(value, "get_untrusted_value", None)
    return getter() if getter is not None else value


def python_literal(value: Any) -> str:
    """A Python expression that evaluates to `value` and does nothing else."""
    value = _unwrapped(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LiteralError(f"{value!r} has no Python literal")
        return repr(float(value))
    if isinstance(value, str):
        # repr of a str is a str literal for any text, lone surrogates included.
        return repr(str(value))
    if isinstance(value, tuple):
        items = ", ".join(python_literal(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()) + "}"
    raise LiteralError(f"a {type(value).__name__} has no Python literal here")


def _escape_docstring_char(char: str, following: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == '"' and following in ('"', ""):
        # Only a quote that could start or extend a run of three, or meet the closing quotes, is
        # escaped: the source stays readable and no run of three can form.
        return '\\"'
    if char in "\n\t":
        return char
    if char in _LINE_SEPARATORS or unicodedata.category(char) in {"Cc", "Cs"}:
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def docstring_body(text: Any, width: int | None = None, indent: int = 0) -> str:
    """The text, safe between `\"\"\"` and `\"\"\"`: backslashes and risky quotes escaped, controls as escapes.

    Wrapped to `width` (never inside a word, so never inside an escape) and indented by `indent`
    spaces from the second line on, as jinja's `wordwrap | indent` would; the escaping comes last.
    """
    # Trailing blank lines and spaces mean nothing in a docstring; the template places what follows.
    text = str(_unwrapped(text)).rstrip()
    if width is not None:
        paragraphs = text.split("\n")
        text = "\n".join(
            textwrap.fill(p, width=width, break_long_words=False, break_on_hyphens=False) if p.strip() else ""
            for p in paragraphs
        )
    escaped = "".join(_escape_docstring_char(char, text[i + 1 : i + 2]) for i, char in enumerate(text))
    if indent:
        escaped = escaped.replace("\n", "\n" + " " * indent)
    return escaped


def toml_string(text: Any) -> str:
    """A TOML basic string (quotes included) whose value is `text`."""
    out = ['"']
    for char in str(_unwrapped(text)):
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif 0xD800 <= code <= 0xDFFF:
            raise LiteralError("a lone surrogate has no TOML form")
        elif code < 0x20 or code == 0x7F or unicodedata.category(char) == "Cc" or char in _LINE_SEPARATORS:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~")


def markdown_text(text: Any) -> str:
    """Text for one line of Markdown (a heading, a table cell): every character Markdown gives a
    meaning to escaped, `<` and `>` and `&` as entities (no HTML, no links, no images), line ends
    as spaces. The client README is the package's published description."""
    out = []
    for char in " ".join(str(_unwrapped(text)).split()):
        if char in _MARKDOWN_SPECIAL:
            out.append("\\" + char)
        elif char in "<>&":
            out.append({"<": "&lt;", ">": "&gt;", "&": "&amp;"}[char])
        else:
            out.append(char)
    return "".join(out)


def install(env: jinja2.Environment) -> None:
    """Make these the filters and globals of a template environment."""
    env.filters["pyrepr"] = python_literal
    env.filters["docstring"] = docstring_body
    env.filters["toml"] = toml_string
    env.filters["markdown"] = markdown_text
    env.globals["pyrepr"] = python_literal
