"""A spec is data: no string of it runs as code, whatever it holds (issue 16, items 1-3).

Each spec under test (the product's and the grown one) is rewritten so that every free-text field
(titles, summaries, descriptions, tag descriptions) and every name that reaches generated code
(tags, operationIds, parameter names, property names, enum values, string defaults) carries an
injection payload: quotes, triple quotes, backslashes, newlines, `{{ }}` and `{% %}`, `#`, TOML
brackets and a line of Python that would leave a mark on disk if it ever ran. The rewritten spec
is generated, and:

- in every generated Python file, the payload's marker occurs only inside string tokens (never
  in a name, an operator or a comment): whatever a template does, the text stays a literal;
- both pyproject.toml files parse, with exactly the entry points the generator declares;
- every module of both packages imports, and the CLI prints its help, without running the
  payload's code;
- the wire names the client sends are exactly the spec's, payload included.

Fields that cannot be made safe by escaping are refused at generation in one line instead: the
apiKey header name, info.version and info.license.identifier (tests at the end).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tokenize
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generate.scratch import REPO_ROOT, describe, generate_document, subprocess_env

SPECS = {
    "product": REPO_ROOT / "spec" / "openapi.yaml",
    "grown": REPO_ROOT / "tests" / "data" / "grown" / "openapi.yaml",
}
MARKER = "INJECTED"
TIMEOUT_SECONDS = 300


def free_text_payload(canary: Path) -> str:
    """Text that breaks out of any string, docstring, comment or TOML value it is pasted into raw."""
    code = f"__import__('pathlib').Path({str(canary)!r}).write_text('{MARKER}')"
    return (
        f' {MARKER} """ \'\'\' " \' \\ \\" \\\n'
        f"# {{{{ {MARKER} }}}} {{% raw %}} {{# #}}\n"
        f']]\n[tool.{MARKER}]\nentry = 1\n[project.scripts]\nx = "os:system"\n'
        f'"""\n{code}\n"""\n'
        f"'''\n{code}\n'''\n"
        f"{code} #\n"
    )


# Names keep to one line (a header or query name with a newline could not travel anyway).
NAME_PAYLOAD = f"{MARKER}\"'\\#{{{{x}}}}[t]"
# What of the payloads may appear outside a string token: nothing raw. (A name made from a
# payload, such as the class `ListCallSessionsInjectedXt`, holds the marker but none of these.)
RAW_FRAGMENTS = (f'{MARKER}"', f"{MARKER} ", "__import__", "write_text(")


def hostile(spec: dict[str, Any], canary: Path) -> dict[str, Any]:
    """The spec with a payload in every free-text field and every name that reaches code."""
    text = free_text_payload(canary)
    renamed_properties: dict[str, str] = {}
    renamed_parameters: dict[str, str] = {}

    def rename_property(name: str) -> str:
        return renamed_properties.setdefault(name, name + NAME_PAYLOAD)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("description", "summary", "title"):
                if isinstance(node.get(key), str):
                    node[key] = node[key] + text
            if isinstance(node.get("properties"), dict):
                node["properties"] = {rename_property(k): v for k, v in node["properties"].items()}
                if isinstance(node.get("required"), list):
                    node["required"] = [rename_property(k) for k in node["required"]]
            if isinstance(node.get("enum"), list):
                node["enum"] = [v + NAME_PAYLOAD if isinstance(v, str) else v for v in node["enum"]]
                if isinstance(node.get("default"), str):
                    node["default"] += NAME_PAYLOAD
            elif isinstance(node.get("default"), str):
                node["default"] += NAME_PAYLOAD
            if isinstance(node.get("x-cli-columns"), list):
                node["x-cli-columns"] = [rename_property(k) for k in node["x-cli-columns"]]
            for key, value in node.items():
                if key not in ("example", "examples"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path_item in spec["paths"].values():
        for key, operation in path_item.items():
            parameters = operation if key == "parameters" else operation.get("parameters", [])
            for parameter in parameters:
                if "$ref" not in parameter and parameter["in"] != "path":
                    renamed_parameters[parameter["name"]] = parameter["name"] + NAME_PAYLOAD
                    parameter["name"] += NAME_PAYLOAD
            if key == "parameters":
                continue
            operation["operationId"] += NAME_PAYLOAD
            operation["tags"] = [tag + NAME_PAYLOAD for tag in operation["tags"]]
            pagination = operation.get("x-pagination")
            if pagination:
                for option in ("page-parameter", "size-parameter"):
                    pagination[option] = renamed_parameters[pagination[option]]
                for option in ("items", "total"):
                    if option in pagination:
                        pagination[option] = [rename_property(k) for k in pagination[option]]
                pagination["item-key"] = rename_property(pagination["item-key"])
            incremental = operation.get("x-incremental")
            if incremental:
                for option in ("cursor", "key"):
                    if option in incremental:
                        incremental[option] = rename_property(incremental[option])
                for option in ("lower-bound", "upper-bound"):
                    incremental[option] = renamed_parameters[incremental[option]]
                enums = {p["name"] for p in parameters if "enum" in p.get("schema", {})}  # their values get it too
                incremental["order"] = {
                    renamed_parameters[k]: v + NAME_PAYLOAD if renamed_parameters[k] in enums else v
                    for k, v in incremental.get("order", {}).items()
                }
    for tag in spec.get("tags", []):
        tag["name"] += NAME_PAYLOAD
    if "x-cli" in spec:
        spec["x-cli"]["top-level-commands"] += NAME_PAYLOAD
    # Examples would no longer match the renamed properties; they are documentation, not code.
    strip_examples(spec)
    walk(spec)
    spec["info"]["title"] = spec["info"]["title"] + text
    return spec


def strip_examples(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("example", None)
        node.pop("examples", None)
        for value in node.values():
            strip_examples(value)
    elif isinstance(node, list):
        for item in node:
            strip_examples(item)


class Generated:
    def __init__(self, spec: dict[str, Any], out: Path, canary: Path) -> None:
        self.spec = spec
        self.out = out
        self.canary = canary

    def python_files(self) -> Iterator[Path]:
        yield from sorted(self.out.rglob("*.py"))


@pytest.fixture(scope="module", params=sorted(SPECS))
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp(f"injection-{request.param}")
    canary = root / "canary"
    spec = hostile(yaml.safe_load(SPECS[request.param].read_text(encoding="utf-8")), canary)
    spec_path = root / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = root / "out"
    # Spectral's findings (examples gone, odd names) are reported, not fatal: what is tested here is
    # the code the generator writes, not the lint.
    result = generate_document(spec_path, out, "--lint", "report")
    assert result.returncode == 0, describe(result)
    assert not canary.exists(), "generating ran the payload"
    return Generated(spec, out, canary)


def test_the_payload_lands_only_inside_string_tokens(generated: Generated) -> None:
    outside: list[str] = []
    carried = 0
    for path in generated.python_files():
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING:
                carried += MARKER in token.string
            elif any(fragment in token.string for fragment in RAW_FRAGMENTS):
                where = f"{path.relative_to(generated.out)}:{token.start[0]}"
                outside.append(f"{where}: {tokenize.tok_name[token.type]} {token.string!r}")
    assert outside == []
    # The payload did reach the code (as text): a spec rewrite that missed every field proves nothing.
    assert carried > 20


def test_both_pyproject_files_parse_with_only_the_declared_entry_points(generated: Generated) -> None:
    client = tomllib.loads((generated.out / "ravan-client" / "pyproject.toml").read_text(encoding="utf-8"))
    models = tomllib.loads((generated.out / "ravan-models" / "pyproject.toml").read_text(encoding="utf-8"))
    assert client["project"]["scripts"] == {"ravan-calls": "ravan_client.cli:main"}
    assert "scripts" not in models["project"]
    assert "entry-points" not in client["project"]
    assert "entry-points" not in models["project"]
    assert MARKER not in client.get("tool", {})
    assert MARKER not in models.get("tool", {})
    # The title travelled into the description as text.
    assert MARKER in client["project"]["description"]


IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import ravan_client, ravan_models
names = []
for package in (ravan_client, ravan_models):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
        names.append(module.name)
from ravan_client._operations import OperationSpec
import ravan_client.resources as resources
wire = sorted(
    p.wire_name for spec in vars(resources).values() if isinstance(spec, OperationSpec) for p in spec.parameters
)
print(json.dumps({"modules": names, "wire_names": wire, "doc": ravan_client.RavanClient.__doc__}))
"""


def test_every_module_imports_without_running_the_payload(generated: Generated) -> None:
    paths = [generated.out / "ravan-client", generated.out / "ravan-models"]
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", IMPORT_EVERYTHING],
        env=subprocess_env(paths),
        cwd=generated.out,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, describe(result)
    assert not generated.canary.exists(), "importing the packages ran the payload"
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert "ravan_client.cli" in found["modules"]
    assert "ravan_models.models" in found["modules"]
    components = generated.spec.get("components", {}).get("parameters", {})
    parameters = [
        components[parameter["$ref"].rsplit("/", 1)[-1]] if "$ref" in parameter else parameter
        for path_item in generated.spec["paths"].values()
        for key, operation in path_item.items()
        for parameter in (operation if key == "parameters" else operation.get("parameters", []))
    ]
    declared = sorted(p["name"] for p in parameters if p["in"] not in ("header", "cookie"))
    # Every name the spec declares is sent exactly as written: the literal means the text. A header
    # (or cookie) name the payload made no HTTP token (quotes, a backslash, braces) is never sent:
    # the optional one is left out by name (a required one would stop generation).
    assert sorted(set(found["wire_names"])) == sorted(set(declared))
    assert MARKER in found["doc"]


HELP = "import sys; sys.argv = ['ravan-calls', '--help']; import ravan_client.cli as c; c.main()"


def test_the_command_line_help_shows_the_payload_as_text(generated: Generated) -> None:
    paths = [generated.out / "ravan-client", generated.out / "ravan-models"]
    result = subprocess.run(
        [sys.executable, "-c", HELP],
        env=subprocess_env(paths, COLUMNS="200"),
        cwd=generated.out,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, describe(result)
    assert MARKER in result.stdout
    assert not generated.canary.exists(), "the CLI ran the payload"


# --- what escaping cannot make safe is refused -------------------------------------------------


def _refused(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    spec = yaml.safe_load(SPECS["product"].read_text(encoding="utf-8"))
    change(spec)
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = generate_document(spec_path, out, "--lint", "off")
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr
    assert not out.exists()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, describe(result)
    return errors[0]


def _set_header_name(value: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        spec["components"]["securitySchemes"]["ApiKeyAuth"]["name"] = value

    return change


@pytest.mark.parametrize(
    "header",
    ['X-Api-Key"\nimport os  #', "X Api Key", "X-Api-Key:", "", "Ключ"],
    ids=["code", "space", "colon", "empty", "non-ascii"],
)
def test_an_api_key_header_that_is_not_an_http_token_is_refused(tmp_path: Path, header: str) -> None:
    assert "is not an HTTP header name" in _refused(tmp_path, _set_header_name(header))


@pytest.mark.parametrize(
    "version",
    ['1.0.0"\nimport os  #', "1.0.0+local", "one", " 1.0.0", '1.0.0"""'],
    ids=["code", "local-label", "not-a-version", "padded", "quotes"],
)
def test_an_info_version_that_is_not_a_pep_440_public_version_is_refused(tmp_path: Path, version: str) -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["info"]["version"] = version

    assert "is not a PEP 440 public version" in _refused(tmp_path, change)


def test_a_license_identifier_that_is_not_spdx_is_refused(tmp_path: Path) -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["info"]["license"]["identifier"] = 'MIT"\n[project.scripts]\nx = "os:system"\n#'

    assert "is not an SPDX license expression" in _refused(tmp_path, change)


def test_markdown_text_shows_the_text_and_links_nothing() -> None:
    from scripts.lib.literals import markdown_text

    shown = markdown_text("API <img src=https://evil.example/x> [click](javascript:alert(1)) | # heading\n- item")
    assert "<" not in shown
    assert "](" not in shown
    assert "\n" not in shown
    assert shown.startswith("API &lt;img src=https://evil\\.example/x&gt; \\[click\\]\\(javascript:alert\\(1\\)\\)")


def test_a_template_that_prints_spec_text_unescaped_stops_generation() -> None:
    """The template environment's finalize refuses openapi-python-client's UntrustedString (how
    every text of the spec reaches a template) printed without a filter of literals.py."""
    import jinja2
    from openapi_python_client.schema import UntrustedString

    from scripts.lib import literals
    from scripts.lib.generate import GenerationError, _refuse_unescaped

    env = jinja2.Environment(autoescape=False)
    literals.install(env)
    env.finalize = _refuse_unescaped
    text = UntrustedString('"""; import os #')

    with pytest.raises(GenerationError, match="without escaping it"):
        env.from_string("{{ text }}").render(text=text)
    assert env.from_string("{{ text | pyrepr }}").render(text=text) == repr('"""; import os #')
