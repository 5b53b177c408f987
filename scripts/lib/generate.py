"""Regenerate `generated/` from `spec/`, or check that it is up to date.

This is the body of `scripts/generate`. It:

1. validates the spec (openapi-spec-validator) and lints it (Spectral, `spectral:oas`, failing on
   warnings too);
2. computes the plan of the spec (`plan.py`): every operation, argument, body, response and
   pager, decided once; a shape it does not support stops here, with a message naming the
   operation, and nothing is written;
3. generates both packages into a staging directory beside the output:
   - `ravan-client`: openapi-python-client with the templates in `spec/client/templates`, the
     hand-written runtime modules of `spec/client/ravan_runtime` copied in, and the templates
     it does not know (`_client.py`, `resources.py`, `cli.py`, `_provenance.py`) rendered with
     the plan;
   - `ravan-models`: datamodel-code-generator pydantic v2 models, with the package files rendered
     from `spec/models/templates`;
4. formats both with the pinned ruff;
5. either swaps the staging tree in for the output (so an invalid spec or a generator failure
   leaves it untouched), or, with `--check`, compares it byte for byte and reports every
   changed, added or removed file.

`--spec FILE --out DIR` generates another spec elsewhere (the tests' grown spec, into a temporary
directory); the default is spec/openapi.yaml into generated/.

The generator is driven through its Python API rather than its command line so that the plan can
read both its parsed model (the names of the classes it generates) and the raw spec (extensions,
constraints it drops, the security scheme).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import filecmp
import hashlib
import importlib.metadata
import itertools
import json
import os
import shutil
import subprocess
import sys
import tomllib
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

# Run as `python scripts/lib/generate.py`, Python puts scripts/lib on sys.path, not the repository:
# the plan and the resolver are imported as the package modules every other reader imports.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.lib.openapi_document import OpenAPIDocument, SpecError
from scripts.lib.plan import (
    MODEL_API_NAMES,
    ApiPlan,
    PlanError,
    build_plan,
    checked_fields,
    field_shape,
    pagination_styles,
    plain,
)

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "openapi.yaml"
CLIENT_SPEC_DIR = REPO / "spec" / "client"
RUNTIME_DIR = CLIENT_SPEC_DIR / "ravan_runtime"
MODELS_SPEC_DIR = REPO / "spec" / "models"
GENERATED = REPO / "generated"
VENV_BIN = Path(sys.executable).parent
LIB = Path(__file__).resolve().parent

CLIENT_PROJECT = "ravan-client"
CLIENT_PACKAGE = "ravan_client"
MODELS_PROJECT = "ravan-models"
MODELS_PACKAGE = "ravan_models"

# Tools whose versions shape the output; recorded in the provenance stamp and the versions.
CLIENT_GENERATORS = ("openapi-python-client", "ruff")
MODELS_GENERATORS = ("datamodel-code-generator", "ruff")
GENERATOR_DISTRIBUTIONS = ("openapi-python-client", "datamodel-code-generator", "ruff")
# The scripts that shape each package besides what is under spec/.
CLIENT_SCRIPTS = ("generate.py", "plan.py", "openapi_document.py")
MODELS_SCRIPTS = ("generate.py",)

# Files a test run or an editor may leave inside generated/ that are not generator output.
IGNORED_NAMES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build"}

# Templates the generator does not know by name: rendered here with its environment and the plan.
EXTRA_CLIENT_TEMPLATES = {
    "_client.py.jinja": f"{CLIENT_PACKAGE}/_client.py",
    "resources.py.jinja": f"{CLIENT_PACKAGE}/resources.py",
    "_provenance.py.jinja": f"{CLIENT_PACKAGE}/_provenance.py",
    "cli.py.jinja": f"{CLIENT_PACKAGE}/cli.py",
}


class GenerationError(Exception):
    """The spec is invalid or unsupported, or a generator failed; the message says which and why."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output is not what the spec produces")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI file (default: spec/openapi.yaml)")
    parser.add_argument("--out", type=Path, default=GENERATED, help="the output directory (default: generated/)")
    args = parser.parse_args(argv)
    spec_path: Path = args.spec.resolve()
    out: Path = args.out.resolve()
    staging = out.with_name(f".{out.name}.staging")

    # The generators call ruff by name: the pinned one must be first on PATH, and must not leave
    # caches in the output.
    os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["RUFF_NO_CACHE"] = "true"

    try:
        step(f"validate the spec ({_shown(spec_path)})")
        validate_spec(spec_path)
        step("generate into a staging directory")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        generate_all(spec_path, staging)
    except GenerationError as error:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"error: {error}", file=sys.stderr)
        print(f"{_shown(out)}/ was left untouched.", file=sys.stderr)
        return 1
    except BaseException:
        # A bug of the generate step itself: say so, with the traceback, and still leave nothing behind.
        shutil.rmtree(staging, ignore_errors=True)
        traceback.print_exc()
        print(f"internal error of scripts/generate; {_shown(out)}/ was left untouched.", file=sys.stderr)
        return 1

    if args.check:
        step(f"compare with {_shown(out)}/")
        differences = compare_trees(staging, out)
        shutil.rmtree(staging)
        if differences:
            print(f"{_shown(out)}/ is not what {_shown(spec_path)} produces:", file=sys.stderr)
            for line in differences:
                print(f"  {line}", file=sys.stderr)
            print("Run `scripts/generate` and commit the result.", file=sys.stderr)
            return 1
        print(f"{_shown(out)}/ is up to date.")
        return 0

    step(f"swap the new tree in for {_shown(out)}/")
    swap_in(staging, out)
    print(f"Generated {_shown(out)}/ from {_shown(spec_path)}.")
    return 0


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


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
        raise GenerationError(f"{_shown(spec_path)} is not a valid OpenAPI document:\n{detail}") from error

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


def generate_all(spec_path: Path, out: Path) -> None:
    spec_bytes = spec_path.read_bytes()
    raw_spec = yaml.safe_load(spec_bytes)
    provenance = build_provenance(spec_bytes, raw_spec, spec_path)

    client_dir = out / CLIENT_PROJECT
    plan = generate_client(spec_path, client_dir, raw_spec, provenance)
    models_dir = out / MODELS_PROJECT
    generate_models(
        spec_path,
        models_dir,
        raw_spec,
        provenance,
        envelope=plan.envelope_fields,
        envelope_paths=tuple(op.pagination.envelope_fields for op in plan.operations if op.pagination is not None),
    )
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for project_dir in (client_dir, models_dir):
        ruff(project_dir, "check", "--fix-only", "--quiet", ".")
        ruff(project_dir, "format", "--quiet", ".")
        # What is left must lint clean (the project's own rules: pyflakes, imports, pyupgrade):
        # an undefined name or a syntax error stops generation instead of shipping.
        ruff(project_dir, "check", "--quiet", ".")


def _inputs_hash(spec_bytes: bytes, shaping: list[Path], extra: list[Any]) -> str:
    inputs = hashlib.sha256()
    inputs.update(spec_bytes)
    for path in sorted(shaping):
        inputs.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    for item in extra:
        inputs.update(json.dumps(item, sort_keys=True).encode())
    return inputs.hexdigest()


def build_provenance(spec_bytes: bytes, raw_spec: Mapping[str, Any], spec_path: Path = SPEC) -> dict[str, Any]:
    """What the generated code was made from; readable at run time and by scripts/mock.

    Each package's version is the spec's `info.version` plus a local label hashed over what shapes
    that package only: the client's over spec/client/** and the plan, the models' over
    spec/models/** and the models generator's options. A change to the client's runtime leaves
    the models' version alone."""
    generators = {name: importlib.metadata.version(name) for name in GENERATOR_DISTRIBUTIONS}
    spec_version = str(raw_spec["info"]["version"])
    codegen_options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["datamodel-codegen"]
    client_inputs = _inputs_hash(
        spec_bytes,
        [*iter_files(CLIENT_SPEC_DIR), *(LIB / name for name in CLIENT_SCRIPTS)],
        [{name: generators[name] for name in CLIENT_GENERATORS}],
    )
    models_inputs = _inputs_hash(
        spec_bytes,
        [*iter_files(MODELS_SPEC_DIR), *(LIB / name for name in MODELS_SCRIPTS)],
        [codegen_options, {name: generators[name] for name in MODELS_GENERATORS}],
    )
    combined = hashlib.sha256(f"{client_inputs}{models_inputs}".encode()).hexdigest()
    packages = {
        CLIENT_PROJECT: {"inputs_sha256": client_inputs, "version": f"{spec_version}+g{client_inputs[:12]}"},
        MODELS_PROJECT: {"inputs_sha256": models_inputs, "version": f"{spec_version}+g{models_inputs[:12]}"},
    }
    return {
        "spec_path": _shown(spec_path),
        "spec_sha256": hashlib.sha256(spec_bytes).hexdigest(),
        "spec_version": spec_version,
        # Over both packages' inputs: scripts/mock and scripts/vendor refuse a stale generated/.
        "inputs_sha256": combined,
        "package_version": packages[CLIENT_PROJECT]["version"],
        "packages": packages,
        "generators": generators,
    }


def _package_provenance(provenance: Mapping[str, Any], project: str) -> dict[str, Any]:
    package = provenance["packages"][project]
    return {**provenance, "inputs_sha256": package["inputs_sha256"], "package_version": package["version"]}


def load_generator_data(spec_path: Path, raw_spec: Mapping[str, Any], output_path: Path) -> tuple[Any, Any]:
    """openapi-python-client's config and parsed view of the spec (or a GenerationError)."""
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.parser.errors import GeneratorError

    config_file = ConfigFile.load_from_path(CLIENT_SPEC_DIR / "config.yaml")
    config = Config.from_sources(
        config_file,
        MetaType.UV,
        document_source=spec_path,
        file_encoding="utf-8",
        overwrite=False,
        output_path=output_path,
    )
    openapi = GeneratorData.from_dict(dict(raw_spec), config=config)
    if isinstance(openapi, GeneratorError):
        raise GenerationError(f"openapi-python-client could not read the spec: {openapi.header}\n{openapi.detail}")
    return config, openapi


def plan_of(spec_path: Path, raw_spec: Mapping[str, Any], openapi: Any) -> ApiPlan:
    try:
        return build_plan(OpenAPIDocument(raw_spec, source=_shown(spec_path)), openapi)
    except (PlanError, SpecError) as error:
        raise GenerationError(f"the spec has a shape the generator does not support: {error}") from None


def _checked_fields(model: Any, models: Mapping[str, Any], envelope: frozenset[tuple[str, str]]) -> Any:
    try:
        return checked_fields(model, models, envelope)
    except PlanError as error:  # raised while a template renders: one line, not a traceback
        raise GenerationError(f"the spec has a shape the generator does not support: {error}") from None


def template_globals(plan: ApiPlan, openapi: Any, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """What every template may read: the plan, and the helpers that apply its decisions."""
    models = {plain(model.class_info.name): model for model in openapi.models}
    styles = pagination_styles()
    return {
        "plan": plan,
        "provenance": provenance,
        "api_key_header": plan.api_key_header,
        "field_shape": lambda prop: field_shape(prop, models),
        "checked_fields": lambda model: _checked_fields(model, models, plan.envelope_fields),
        "error_class": error_class_name,
        "pagination_style_class": lambda name: styles[name].__name__,
        "fail": template_failure,
        # Text from the spec reaches templates wrapped (UntrustedString): printed through this.
        "plain": plain,
        # Every Python literal made of spec text (strings, tuples, numbers, booleans, None) is
        # printed by repr: whatever the text holds, the literal means it (JSON is not Python).
        "pyrepr": repr,
    }


def generate_client(
    spec_path: Path, project_dir: Path, raw_spec: Mapping[str, Any], provenance: Mapping[str, Any]
) -> ApiPlan:
    from openapi_python_client import Project

    client_provenance = _package_provenance(provenance, CLIENT_PROJECT)
    config, openapi = load_generator_data(spec_path, raw_spec, project_dir)
    config.package_version_override = client_provenance["package_version"]
    plan = plan_of(spec_path, raw_spec, openapi)
    project = Project(openapi=openapi, config=config, custom_template_path=CLIENT_SPEC_DIR / "templates")
    project.env.globals.update(template_globals(plan, openapi, client_provenance))
    project.env.globals["spec"] = _SpecInfo(raw_spec)

    # Any generator message, warnings included, fails the run: a skipped post hook would let
    # unformatted code through.
    problems = project.build()
    if problems:
        text = "\n".join(f"{p.level.value}: {p.header}\n{p.detail or ''}" for p in problems)
        raise GenerationError(f"openapi-python-client reported problems:\n{text}")

    package_dir = project_dir / CLIENT_PACKAGE
    for module in sorted(RUNTIME_DIR.glob("*.py")):
        if module.name != "__init__.py":
            shutil.copyfile(module, package_dir / module.name)
    for template_name, target in EXTRA_CLIENT_TEMPLATES.items():
        rendered = project.env.get_template(template_name).render()
        (project_dir / target).write_text(rendered, encoding="utf-8")
    return plan


class _SpecInfo:
    """The few raw-spec facts the package files print (license); everything else is the plan's."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw


def error_class_name(status: int) -> str:
    """The exception a documented error status raises (the runtime's table, by name)."""
    names = {
        400: "BadRequestError",
        401: "AuthenticationError",
        403: "PermissionDeniedError",
        404: "NotFoundError",
        409: "ConflictError",
        422: "UnprocessableEntityError",
        429: "RateLimitError",
    }
    return names.get(status, "InternalServerError" if status >= 500 else "APIStatusError")


def generate_models(
    spec_path: Path,
    project_dir: Path,
    raw_spec: Mapping[str, Any],
    provenance: Mapping[str, Any],
    *,
    envelope: frozenset[tuple[str, str]] = frozenset(),
    envelope_paths: tuple[tuple[tuple[str, str], ...], ...] = (),
) -> None:
    models_provenance = _package_provenance(provenance, MODELS_PROJECT)
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
        "provenance": models_provenance,
        "package_name": MODELS_PACKAGE,
        "project_name": MODELS_PROJECT,
        "license": raw_spec["info"]["license"]["identifier"],
        "title": raw_spec["info"]["title"],
    }
    # The package's pyproject.toml (with its ruff settings) must exist before the generator runs:
    # its formatter follows the ruff config nearest the output.
    (project_dir / "pyproject.toml").write_text(
        env.get_template("pyproject.toml.jinja").render(context), encoding="utf-8"
    )
    (package_dir / "_base.py").write_text(env.get_template("_base.py.jinja").render(context), encoding="utf-8")

    models_module = package_dir / "models.py"
    # A field named like the models' API takes a trailing underscore, as in the client (the plan's
    # MODEL_API_NAMES): datamodel-code-generator's --aliases maps wire names to Python names.
    aliases_file = project_dir.parent / f".{MODELS_PACKAGE}-aliases.json"
    aliases_file.write_text(json.dumps(reserved_field_aliases(raw_spec)), encoding="utf-8")
    # The parts of a page's envelope (the plan's), which the model template keeps typed `X`.
    template_data_file = project_dir.parent / f".{MODELS_PACKAGE}-template-data.json"
    by_class: dict[str, list[str]] = {}
    for class_name, wire in sorted(envelope):
        by_class.setdefault(class_name, []).append(wire)
    # An inline object on the path is named by datamodel-code-generator after its property
    # (`data` -> `Data`), by openapi-python-client after its parent (`CallSessionListResponseData`).
    from datamodel_code_generator.reference import snake_to_upper_camel

    for steps in envelope_paths:
        for (_, parent_wire), (_, wire) in itertools.pairwise(steps):
            names = by_class.setdefault(snake_to_upper_camel(parent_wire), [])
            if wire not in names:
                names.append(wire)
    template_data = {name: {"ravan_envelope": wires} for name, wires in by_class.items()}
    template_data_file.write_text(json.dumps(template_data), encoding="utf-8")
    result = subprocess.run(
        [
            str(VENV_BIN / "datamodel-codegen"),
            "--input",
            str(spec_path),
            "--output",
            str(models_module),
            "--aliases",
            str(aliases_file),
            "--extra-template-data",
            str(template_data_file),
        ],
        cwd=REPO,  # its options are in [tool.datamodel-codegen] of the repo's pyproject.toml
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    aliases_file.unlink()
    template_data_file.unlink()
    if result.returncode != 0:
        raise GenerationError(f"datamodel-code-generator failed:\n{result.stdout}{result.stderr}")
    check_model_field_names(models_module)

    context["model_names"] = public_class_names(models_module)
    for name in ("README.md", f"{MODELS_PACKAGE}/__init__.py", f"{MODELS_PACKAGE}/_provenance.py"):
        template = env.get_template(Path(name).name + ".jinja")
        (project_dir / name).write_text(template.render(context), encoding="utf-8")
    (package_dir / "py.typed").write_text("", encoding="utf-8")


def reserved_field_aliases(raw_spec: Mapping[str, Any]) -> dict[str, str]:
    """Wire name -> Python name for every property whose Python name would be one of the models'
    own (MODEL_API_NAMES): the name with a trailing underscore."""
    from datamodel_code_generator.reference import camel_to_snake  # type: ignore[attr-defined]

    aliases: dict[str, str] = {}
    for schema in (raw_spec.get("components") or {}).get("schemas", {}).values():
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        for wire in properties or {}:
            python = camel_to_snake(str(wire))
            if python in MODEL_API_NAMES:
                aliases[str(wire)] = f"{python}_"
    return aliases


def check_model_field_names(module: Path) -> None:
    """Refuse a pydantic model whose field would shadow the models' API (a spelling the aliases
    did not foresee): one line naming the schema and the field."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and statement.target.id in MODEL_API_NAMES
                ):
                    raise GenerationError(
                        "the spec has a shape the generator does not support: "
                        f"schema {node.name}: field {statement.target.id!r} would shadow the models' own API "
                        "(to_dict, model_dump, ...); rename the property"
                    )


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


# --- comparison and swap ---------------------------------------------------------------------


def iter_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and not IGNORED_NAMES.intersection(path.relative_to(root).parts):
            yield path


def compare_trees(expected_root: Path, actual_root: Path) -> list[str]:
    """Every difference between two trees, as lines a person can act on."""
    name = _shown(actual_root)
    expected = {p.relative_to(expected_root) for p in iter_files(expected_root)}
    actual = {p.relative_to(actual_root) for p in iter_files(actual_root)} if actual_root.exists() else set()
    lines: list[str] = []
    for rel in sorted(expected - actual):
        lines.append(f"missing:    {name}/{rel}")
    for rel in sorted(actual - expected):
        lines.append(f"unexpected: {name}/{rel}")
    for rel in sorted(expected & actual):
        if not filecmp.cmp(expected_root / rel, actual_root / rel, shallow=False):
            lines.append(f"changed:    {name}/{rel}")
            lines.extend(short_diff(actual_root / rel, expected_root / rel, f"{name}/{rel}"))
    return lines


def short_diff(old: Path, new: Path, shown: str, limit: int = 40) -> list[str]:
    try:
        diff = list(
            difflib.unified_diff(
                old.read_text(encoding="utf-8").splitlines(),
                new.read_text(encoding="utf-8").splitlines(),
                f"{shown} (on disk)",
                f"{shown} (from spec)",
                lineterm="",
                n=1,
            )
        )
    except UnicodeDecodeError:
        return ["    (binary file differs)"]
    lines = [f"    {line}" for line in diff[:limit]]
    if len(diff) > limit:
        lines.append(f"    ... {len(diff) - limit} more diff lines")
    return lines


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
