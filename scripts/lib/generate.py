"""Regenerate `generated/` from `spec/`, or check that it is up to date.

This is the body of `scripts/generate`. It:

1. validates the spec (openapi-spec-validator) and lints it (Spectral, `spectral:oas`, failing on
   warnings too);
2. generates both packages into a staging directory beside `generated/`:
   - `ravan-client`: openapi-python-client with the templates in `spec/client/templates`, the
     hand-written runtime modules of `spec/client/runtime` copied in, and the extra templates
     (resources, provenance) rendered with the generator's own parsed view of the spec;
   - `ravan-models`: datamodel-code-generator pydantic v2 models, with the package files rendered
     from `spec/models/templates`;
3. formats both with the pinned ruff;
4. either swaps the staging tree in for `generated/` (so an invalid spec or a generator failure
   leaves `generated/` untouched), or, with `--check`, compares it byte for byte with
   `generated/` and reports every changed, added or removed file.

The generator is driven through its Python API rather than its command line so that templates can
read the raw spec too (`x-pagination`, parameter constraints, the security scheme): the generator's
parsed model drops vendor extensions and `minimum`.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import filecmp
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "openapi.yaml"
CLIENT_SPEC_DIR = REPO / "spec" / "client"
MODELS_SPEC_DIR = REPO / "spec" / "models"
GENERATED = REPO / "generated"
STAGING = REPO / ".generated.staging"
VENV_BIN = Path(sys.executable).parent

CLIENT_PROJECT = "ravan-client"
CLIENT_PACKAGE = "ravan_client"
MODELS_PROJECT = "ravan-models"
MODELS_PACKAGE = "ravan_models"

# Tools whose versions shape the output; recorded in the provenance stamp and the version.
GENERATOR_DISTRIBUTIONS = ("openapi-python-client", "datamodel-code-generator", "ruff")

# Files a test run or an editor may leave inside generated/ that are not generator output.
IGNORED_NAMES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build"}


class GenerationError(Exception):
    """The spec is invalid or a generator failed; the message says which and why."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is not what the spec produces")
    args = parser.parse_args(argv)

    # The generators call ruff by name: the pinned one must be first on PATH, and must not leave
    # caches in the output.
    os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["RUFF_NO_CACHE"] = "true"

    try:
        step("validate the spec")
        validate_spec(SPEC)
        step("generate into a staging directory")
        if STAGING.exists():
            shutil.rmtree(STAGING)
        STAGING.mkdir()
        generate_all(STAGING)
    except GenerationError as error:
        shutil.rmtree(STAGING, ignore_errors=True)
        print(f"error: {error}", file=sys.stderr)
        print("generated/ was left untouched.", file=sys.stderr)
        return 1

    if args.check:
        step("compare with generated/")
        differences = compare_trees(STAGING, GENERATED)
        shutil.rmtree(STAGING)
        if differences:
            print("generated/ is not what spec/ produces:", file=sys.stderr)
            for line in differences:
                print(f"  {line}", file=sys.stderr)
            print("Run `scripts/generate` and commit the result.", file=sys.stderr)
            return 1
        print("generated/ is up to date.")
        return 0

    step("swap the new tree in for generated/")
    swap_in(STAGING, GENERATED)
    print(f"Generated {GENERATED.relative_to(REPO)}/ from {SPEC.relative_to(REPO)}.")
    return 0


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


# --- validation ------------------------------------------------------------------------------


def validate_spec(spec_path: Path) -> None:
    """Fail with the validator's own message on a structurally invalid spec, then lint it."""
    try:
        spec_dict, _ = read_from_filename(str(spec_path))
        validate(spec_dict)
    except Exception as error:  # the validator raises several unrelated types
        # jsonschema-style errors carry a short message and a path; their str() appends the whole
        # meta-schema, which buries the one useful line.
        message = getattr(error, "message", None) or str(error)
        where = getattr(error, "json_path", None)
        detail = f"{message} (at {where})" if where else message
        raise GenerationError(f"{spec_path.relative_to(REPO)} is not a valid OpenAPI document:\n{detail}") from error

    spectral = REPO / "node_modules" / ".bin" / "spectral"
    if not spectral.exists():
        raise GenerationError("Spectral is not installed: run scripts/bootstrap (scripts/generate does it for you)")
    result = subprocess.run(
        [str(spectral), "lint", "--fail-severity", "warn", "--ruleset", str(REPO / ".spectral.yaml"), str(spec_path)],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(f"Spectral found problems in the spec:\n{result.stdout}{result.stderr}")


# --- generation ------------------------------------------------------------------------------


def generate_all(out: Path) -> None:
    spec_bytes = SPEC.read_bytes()
    raw_spec = yaml.safe_load(spec_bytes)
    provenance = build_provenance(spec_bytes, raw_spec)

    client_dir = out / CLIENT_PROJECT
    generate_client(client_dir, raw_spec, provenance)
    models_dir = out / MODELS_PROJECT
    generate_models(models_dir, raw_spec, provenance)
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for project_dir in (client_dir, models_dir):
        ruff(project_dir, "check", "--fix-only", "--quiet", ".")
        ruff(project_dir, "format", "--quiet", ".")


def build_provenance(spec_bytes: bytes, raw_spec: Mapping[str, Any]) -> dict[str, Any]:
    """What the generated code was made from; readable at run time and by scripts/mock."""
    generators = {name: importlib.metadata.version(name) for name in GENERATOR_DISTRIBUTIONS}
    spec_version = str(raw_spec["info"]["version"])
    inputs = hashlib.sha256()
    inputs.update(spec_bytes)
    # Everything else that shapes the output: templates, runtime modules and configs under spec/,
    # this script (it renders templates and reads the spec for them), and the models generator's
    # options in the repo's pyproject.toml.
    shaping = [path for path in iter_files(REPO / "spec") if path != SPEC] + [Path(__file__).resolve()]
    for path in sorted(shaping):
        inputs.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    codegen_options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["datamodel-codegen"]
    inputs.update(json.dumps(codegen_options, sort_keys=True).encode())
    inputs.update(json.dumps(generators, sort_keys=True).encode())
    inputs_sha256 = inputs.hexdigest()
    return {
        "spec_path": str(SPEC.relative_to(REPO)),
        "spec_sha256": hashlib.sha256(spec_bytes).hexdigest(),
        "spec_version": spec_version,
        # PEP 440: the spec's version, plus a local label that changes whenever anything that
        # shapes the generated code changes (spec, templates, runtime modules, generator versions).
        "package_version": f"{spec_version}+g{inputs_sha256[:12]}",
        "inputs_sha256": inputs_sha256,
        "generators": generators,
    }


def generate_client(project_dir: Path, raw_spec: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.parser.errors import GeneratorError

    config_file = ConfigFile.load_from_path(CLIENT_SPEC_DIR / "config.yaml")
    config_file.package_version_override = provenance["package_version"]
    config = Config.from_sources(
        config_file,
        MetaType.UV,
        document_source=SPEC,
        file_encoding="utf-8",
        overwrite=False,
        output_path=project_dir,
    )
    openapi = GeneratorData.from_dict(dict(raw_spec), config=config)
    if isinstance(openapi, GeneratorError):
        raise GenerationError(f"openapi-python-client could not read the spec: {openapi.header}\n{openapi.detail}")
    project = Project(openapi=openapi, config=config, custom_template_path=CLIENT_SPEC_DIR / "templates")
    spec_view = SpecView(raw_spec)
    project.env.globals.update(
        spec=spec_view,
        provenance=provenance,
        api_key_header=spec_view.api_key_header(),
        pagination=lambda endpoint: pagination_of(spec_view, endpoint, openapi.models),
        export_columns=lambda endpoint: export_columns_of(spec_view, endpoint),
        fail=template_failure,
    )

    # Any generator message, warnings included, fails the run: a skipped post hook would let
    # unformatted code through.
    problems = project.build()
    if problems:
        text = "\n".join(f"{p.level.value}: {p.header}\n{p.detail or ''}" for p in problems)
        raise GenerationError(f"openapi-python-client reported problems:\n{text}")

    package_dir = project_dir / CLIENT_PACKAGE
    for module in sorted((CLIENT_SPEC_DIR / "runtime").glob("*.py")):
        shutil.copyfile(module, package_dir / module.name)
    for template_name, target in EXTRA_CLIENT_TEMPLATES.items():
        rendered = project.env.get_template(template_name).render()
        (project_dir / target).write_text(rendered, encoding="utf-8")


# Templates the generator does not know by name: rendered here with its environment, so they see
# the same parsed spec (endpoint_collections_by_tag, class_name, ...) as its own templates.
EXTRA_CLIENT_TEMPLATES = {
    "resources.py.jinja": f"{CLIENT_PACKAGE}/resources.py",
    "_provenance.py.jinja": f"{CLIENT_PACKAGE}/_provenance.py",
    "cli.py.jinja": f"{CLIENT_PACKAGE}/cli.py",
}


def generate_models(project_dir: Path, raw_spec: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    package_dir = project_dir / MODELS_PACKAGE
    package_dir.mkdir(parents=True)
    env = jinja2.Environment(
        # The provenance template is shared with the client package.
        loader=jinja2.FileSystemLoader([MODELS_SPEC_DIR / "templates", CLIENT_SPEC_DIR / "templates"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    context: dict[str, Any] = {
        "provenance": provenance,
        "package_name": MODELS_PACKAGE,
        "project_name": MODELS_PROJECT,
        "license": raw_spec["info"]["license"]["identifier"],
    }
    # The package's pyproject.toml (with its ruff settings) must exist before the generator runs:
    # its formatter follows the ruff config nearest the output.
    (project_dir / "pyproject.toml").write_text(
        env.get_template("pyproject.toml.jinja").render(context), encoding="utf-8"
    )

    models_module = package_dir / "models.py"
    result = subprocess.run(
        [str(VENV_BIN / "datamodel-codegen"), "--input", str(SPEC), "--output", str(models_module)],
        cwd=REPO,  # its options are in [tool.datamodel-codegen] of the repo's pyproject.toml
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(f"datamodel-code-generator failed:\n{result.stdout}{result.stderr}")

    context["model_names"] = public_class_names(models_module)
    for name in ("README.md", f"{MODELS_PACKAGE}/__init__.py", f"{MODELS_PACKAGE}/_provenance.py"):
        template = env.get_template(Path(name).name + ".jinja")
        (project_dir / name).write_text(template.render(context), encoding="utf-8")
    (package_dir / "py.typed").write_text("", encoding="utf-8")


def public_class_names(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return sorted(node.name for node in tree.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_"))


def ruff(cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "ruff"), *args], cwd=cwd, capture_output=True, encoding="utf-8", errors="replace", check=False
    )
    if result.returncode != 0:
        raise GenerationError(f"ruff {' '.join(args)} failed in {cwd.name}:\n{result.stdout}{result.stderr}")


def template_failure(message: str) -> None:
    """Called by a template that meets a spec it cannot handle: stop rather than emit wrong code."""
    raise GenerationError(message)


def pagination_of(spec: SpecView, endpoint: Any, models: list[Any]) -> dict[str, Any] | None:
    """What the pager needs to know about an operation, from its `x-pagination` and the
    generator's parsed models: the Python names along the items path, the item and body classes."""
    extension = spec.operation(endpoint.path, endpoint.method).get("x-pagination")
    if extension is None:
        return None
    where = f"x-pagination of {plain(endpoint.method).upper()} {plain(endpoint.path)}"
    success = [r for r in endpoint.responses.patterns if r.status_code.range == (200, 200)]
    if not success:
        raise GenerationError(f"{where}: the operation has no 200 response to page through")
    # A property that refers to a model may be a shallow copy: read the fields off the model itself.
    models_by_class = {plain(model.class_info.name): model for model in models}

    def fields_of(prop: Any) -> list[Any]:
        class_info = getattr(prop, "class_info", None)
        model = models_by_class.get(plain(class_info.name)) if class_info is not None else None
        return list(getattr(model, "required_properties", None) or [])

    body = success[0].prop
    node = body
    python_path = []
    for wire_name in extension["items"]:
        found = [p for p in fields_of(node) if plain(p.name) == wire_name]
        if not found:
            raise GenerationError(f"{where}: {wire_name!r} must be a required, non-null property on the items path")
        node = found[0]
        python_path.append(plain(node.python_name))
    item = getattr(node, "inner_property", None)
    if item is None or not hasattr(item, "class_info"):
        raise GenerationError(f"{where}: the items path must end at an array of objects")
    key = [p for p in fields_of(item) if plain(p.name) == extension["item-key"]]
    if not key:
        raise GenerationError(f"{where}: item-key {extension['item-key']!r} must be a required property of the items")
    parameters = {plain(p.name): p for p in endpoint.query_parameters}
    page_parameter = parameters.get(extension["page-parameter"])
    size_parameter = parameters.get(extension["size-parameter"])
    if page_parameter is None or size_parameter is None:
        raise GenerationError(f"{where}: page-parameter and size-parameter must be query parameters")
    size_schema = spec.parameter_schema(endpoint.path, endpoint.method, size_parameter.name)
    if "default" not in size_schema:
        raise GenerationError(f"{where}: the size parameter needs a default (the server's page size)")
    return {
        "body_class": plain(body.class_info.name),
        "body_module": plain(body.class_info.module_name),
        "item_class": plain(item.class_info.name),
        "item_module": plain(item.class_info.module_name),
        "items_path": python_path,
        "items_wire_path": list(extension["items"]),
        "item_key": plain(key[0].python_name),
        "page_parameter": plain(page_parameter.python_name),
        "size_parameter": plain(size_parameter.python_name),
        "default_page_size": int(size_schema["default"]),
        "first_page": int(spec.parameter_schema(endpoint.path, endpoint.method, page_parameter.name).get("default", 1)),
    }


def plain(value: Any) -> str:
    """The text of a generator string: it wraps text from the spec in UntrustedString."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)


def export_columns_of(spec: SpecView, endpoint: Any) -> list[dict[str, Any]]:
    """Flat columns for exporting an operation's items (CSV), in the order of the spec: nested
    objects with declared properties become `parent.child` columns; free-form objects and arrays
    become one JSON-encoded column."""
    operation = spec.operation(endpoint.path, endpoint.method)
    extension = operation["x-pagination"]
    schema = spec.resolve(operation["responses"]["200"]["content"]["application/json"]["schema"])
    for key in extension["items"]:
        schema = spec.resolve(schema["properties"][key])
    item = spec.resolve(schema["items"])
    columns: list[dict[str, Any]] = []
    for name, child in item.get("properties", {}).items():
        child = spec.resolve(child)
        types = child.get("type", [])
        types = [types] if isinstance(types, str) else types
        if child.get("properties"):
            columns.extend(
                {"header": f"{name}.{sub}", "path": [name, sub], "json": False} for sub in child["properties"]
            )
        else:
            columns.append({"header": name, "path": [name], "json": "object" in types or "array" in types})
    return columns


class SpecView:
    """Read-only helpers over the raw spec for templates (local `$ref`s resolved)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def resolve(self, node: Any) -> Any:
        while isinstance(node, Mapping) and "$ref" in node:
            target: Any = self.raw
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def operation(self, path: Any, method: Any) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self.resolve(self.raw["paths"][plain(path)][plain(method)])
        return result

    def parameter(self, path: Any, method: Any, name: Any) -> Mapping[str, Any]:
        for parameter in self.operation(path, method).get("parameters", []):
            parameter = self.resolve(parameter)
            if parameter["name"] == plain(name):
                found: Mapping[str, Any] = parameter
                return found
        raise KeyError(f"{plain(method).upper()} {plain(path)} has no parameter {plain(name)!r}")

    def parameter_schema(self, path: Any, method: Any, name: Any) -> Mapping[str, Any]:
        schema: Mapping[str, Any] = self.resolve(self.parameter(path, method, name).get("schema", {}))
        return schema

    def api_key_header(self) -> str:
        schemes = self.raw.get("components", {}).get("securitySchemes", {})
        for scheme in schemes.values():
            scheme = self.resolve(scheme)
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return str(scheme["name"])
        raise GenerationError("the spec has no apiKey security scheme in a header")


# --- comparison and swap ---------------------------------------------------------------------


def iter_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and not IGNORED_NAMES.intersection(path.relative_to(root).parts):
            yield path


def compare_trees(expected_root: Path, actual_root: Path) -> list[str]:
    """Every difference between two trees, as lines a person can act on."""
    expected = {p.relative_to(expected_root) for p in iter_files(expected_root)}
    actual = {p.relative_to(actual_root) for p in iter_files(actual_root)} if actual_root.exists() else set()
    lines: list[str] = []
    for rel in sorted(expected - actual):
        lines.append(f"missing:    generated/{rel}")
    for rel in sorted(actual - expected):
        lines.append(f"unexpected: generated/{rel}")
    for rel in sorted(expected & actual):
        if not filecmp.cmp(expected_root / rel, actual_root / rel, shallow=False):
            lines.append(f"changed:    generated/{rel}")
            lines.extend(short_diff(actual_root / rel, expected_root / rel, rel))
    return lines


def short_diff(old: Path, new: Path, rel: Path, limit: int = 40) -> list[str]:
    try:
        diff = list(
            difflib.unified_diff(
                old.read_text(encoding="utf-8").splitlines(),
                new.read_text(encoding="utf-8").splitlines(),
                f"generated/{rel} (on disk)",
                f"generated/{rel} (from spec)",
                lineterm="",
                n=1,
            )
        )
    except UnicodeDecodeError:
        return ["    (binary file differs)"]
    shown = [f"    {line}" for line in diff[:limit]]
    if len(diff) > limit:
        shown.append(f"    ... {len(diff) - limit} more diff lines")
    return shown


def swap_in(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


if __name__ == "__main__":
    sys.exit(main())
