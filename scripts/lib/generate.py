"""Regenerate `generated/` from `spec/`, or check that it is up to date.

This is the body of `scripts/generate`. It:

1. validates the spec (openapi-spec-validator) and lints it (Spectral, `spectral:oas`, failing on
   warnings too); with `--lint report|off`, for documents written elsewhere, the validator's
   findings are warnings naming their location and Spectral's are reported;
2. computes the plan of the spec (the package `plan/`): every operation, argument, body, response and
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

`--spec FILE --out DIR` generates another spec elsewhere (any document, into any directory it
made); the default is spec/openapi.yaml into generated/ and the tests' grown spec
(tests/data/grown/openapi.yaml) into its committed golden record, tests/data/grown/golden/.

The generator is driven through its Python API rather than its command line so that the plan can
read both its parsed model (the names of the classes it generates) and the raw spec (extensions,
constraints it drops, the security scheme).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import datetime
import difflib
import filecmp
import hashlib
import importlib.metadata
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
import tomllib
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml
from openapi_spec_validator.readers import read_from_filename

from scripts.lib import literals
from scripts.lib.bundle import Bundled, BundleError, bundle, remote_references
from scripts.lib.openapi_document import (
    JSON_MEDIA_TYPE,
    OpenAPIDocument,
    SpecError,
    media_type_base,
    path_placeholders,
)
from scripts.lib.plan import (
    MODEL_API_NAMES,
    ApiPlan,
    FieldShape,
    OpcModel,
    OpcProperty,
    PlanError,
    build_plan,
    checked_fields,
    model_module_imports,
    opc_model,
    package_metadata,
    pagination_styles,
    plain,
    read_generator_data,
    runtime_module,
    snake_case,
)

if TYPE_CHECKING:
    from openapi_python_client import Project
    from openapi_python_client.config import Config
    from openapi_python_client.parser import GeneratorData

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "openapi.yaml"
CLIENT_SPEC_DIR = REPO / "spec" / "client"
RUNTIME_DIR = CLIENT_SPEC_DIR / "ravan_runtime"
MODELS_SPEC_DIR = REPO / "spec" / "models"
GENERATED = REPO / "generated"
# The golden record: the grown spec's output, committed so that a change to the templates, the plan
# or the runtime shows in a pull request's diff of real generated code. `scripts/generate` (no
# --spec/--out) writes and checks it beside generated/; a copy of the repository without the grown
# spec (the tests' scratch copies) has none to write.
GROWN_SPEC = REPO / "tests" / "data" / "grown" / "openapi.yaml"
GOLDEN = REPO / "tests" / "data" / "grown" / "golden"
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
# The scripts that shape each package besides what is under spec/ (the client's: the plan too, see
# plan_sources).
CLIENT_SCRIPTS = ("generate.py", "bundle.py", "openapi_document.py", "literals.py")
MODELS_SCRIPTS = ("generate.py", "bundle.py", "literals.py")

# Written at the root of every output tree: the generator replaces a directory only when it finds
# this in it, so `--out` can never delete a checkout, a home directory or anything else it did not make.
OUTPUT_MARKER = ".ravan-generated"
OUTPUT_MARKER_TEXT = "Made by scripts/generate, which replaces this directory whole on each run.\n"
LINT_MODES = ("strict", "report", "off")

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
    parser = argparse.ArgumentParser(
        prog="scripts/generate",
        description=__doc__.splitlines()[0],
        # `--ou DIR` must not slip past scripts/generate's rewriting of relative --out/--spec paths.
        allow_abbrev=False,
    )
    parser.add_argument("--check", action="store_true", help="fail if the output is not what the spec produces")
    parser.add_argument(
        "--spec",
        type=Path,
        help="the OpenAPI file (default: spec/openapi.yaml, and the grown spec into its golden record)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="the output directory (default: generated/, and tests/data/grown/golden/); "
        "replaced only if scripts/generate made it",
    )
    parser.add_argument(
        "--unsupported",
        choices=("refuse", "skip"),
        default="refuse",
        help="an operation the generator cannot serve: refuse (the default: generation stops, naming it) "
        "or skip (it is left out and listed, one line each; for documents written elsewhere)",
    )
    parser.add_argument(
        "--lint",
        choices=LINT_MODES,
        default="strict",
        help="Spectral's findings: strict (the default; warnings fail, as spec/openapi.yaml needs), "
        "report (printed, generation goes on: for documents written elsewhere), off (not run)",
    )
    args = parser.parse_args(argv)
    if args.spec is None and args.out is None:
        # Both trees, each checked (or written) even when the other fails, so one run reports all.
        if not (GROWN_SPEC.exists() or GOLDEN.exists()):
            return generate_one(SPEC, GENERATED, args)
        # The golden record in a second process beside this one: the two are independent, and on
        # the project's 2-core machines that halves the wait. Its output is shown after ours, whole.
        golden = subprocess.Popen(
            [sys.executable, "-m", "scripts.lib.generate", "--spec", str(GROWN_SPEC), "--out", str(GOLDEN)]
            + (["--check"] if args.check else [])
            + ["--lint", args.lint, "--unsupported", args.unsupported],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            product = generate_one(SPEC, GENERATED, args)
        finally:
            golden_output, golden_errors = golden.communicate()
        print(golden_output, end="", flush=True)
        print(golden_errors, end="", file=sys.stderr, flush=True)
        return max(product, golden.returncode)
    # Relative paths are the caller's: Path.resolve() reads them against the working directory,
    # which scripts/generate keeps as the caller's for these two options.
    return generate_one((args.spec or SPEC).resolve(), (args.out or GENERATED).resolve(), args)


def generate_one(spec_path: Path, out: Path, args: argparse.Namespace) -> int:
    """Generate `spec_path` into `out`, or with --check compare; 0 on success, 1 after saying why."""
    # The generators call ruff by name: the pinned one must be first on PATH, and must not leave
    # caches in the output.
    os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["RUFF_NO_CACHE"] = "true"

    staging: Path | None = None
    try:
        if not args.check:
            refuse_foreign_output(out)
        step(f"validate the spec ({_shown(spec_path)})")
        bundled = read_spec(spec_path)
        if len(bundled.files) > 1:
            print(f"{_shown(spec_path)} refers to {len(bundled.files) - 1} other files: bundled into one document")
        validate_spec(spec_path, lint=args.lint, bundled=bundled)
        step("generate into a staging directory")
        out.parent.mkdir(parents=True, exist_ok=True)
        # A directory of its own, never one that was there before: only what this run made is removed.
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        # mkdtemp makes it private (0700); the output is an ordinary directory under the umask.
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        generate_all(spec_path, staging, skip_unsupported=args.unsupported == "skip", bundled=bundled)
    except GenerationError as error:
        _remove_own(staging)
        print(f"error: {error}", file=sys.stderr)
        print(f"{_shown(out)}/ was left untouched.", file=sys.stderr)
        return 1
    except BaseException:
        # A bug of the generate step itself: say so, with the traceback, and still leave nothing behind.
        _remove_own(staging)
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


def _remove_own(staging: Path | None) -> None:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)


def refuse_foreign_output(out: Path) -> None:
    """Refuse an output directory that holds anything this generator did not make."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise GenerationError(f"--out {out} is not a directory scripts/generate made: choose another path")
    # generated/ is this generator's by definition (a checkout from before the marker has none).
    if out == GENERATED or (out / OUTPUT_MARKER).is_file() or not any(out.iterdir()):
        return
    raise GenerationError(
        f"--out {out} already exists and was not made by scripts/generate (it has no {OUTPUT_MARKER}): "
        "it would be replaced whole, so choose a new directory or empty it yourself"
    )


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# --- validation ------------------------------------------------------------------------------


def read_spec(spec_path: Path) -> Bundled:
    """The document at `spec_path`, with what its references to files beside it name bundled in
    (scripts/lib/bundle.py): the one document every tool is given; read with a YAML parser that
    fetches nothing. A reference that is not followed, or a file that cannot be read, is a
    GenerationError naming the file and JSON path of the `$ref` and its value."""
    try:
        return bundle(spec_path, shown=_shown(spec_path))
    except BundleError as error:
        raise GenerationError(str(error)) from None


def refuse_remote_references(spec_path: Path, document: Any, *, lint: str = "strict") -> None:
    """Refuse a `$ref` to anything but this (bundled) document, before any tool could follow it.

    The validator and Spectral both fetch what a `$ref` names; a document from elsewhere (a pull
    request, say) could make the machine that generates request internal addresses. Once bundled,
    a document refers only to itself except inside vendor extensions, which are not bundled: every
    reference key counts, even inside examples, since the tools do not tell the two apart. With
    `lint` off (no Spectral), a reference inside a vendor extension (Cohere's `x-fern-examples`
    code samples name files beside the document) is one warning line, and every tool is given the
    document without that extension (`without_referencing_extensions`), so nothing follows it."""
    for where, value, extension in remote_references(document):
        message = f"{_shown(spec_path)}: {where} is {value!r}; only references inside the document (#/...) are followed"
        if extension is None or lint != "off":
            raise GenerationError(f"{message}, nothing is fetched")
        print(f"warning: {message}: the extension {extension} that holds it is left out, nothing is fetched")


def without_referencing_extensions(document: Any) -> Any:
    """`document` without each vendor extension that holds a reference to anything outside it (a
    copy; `document` itself when there is none): what refuse_remote_references let through with a
    warning reaches no tool that might follow it."""
    extensions = {extension for _, _, extension in remote_references(document) if extension is not None}
    if not extensions:
        return document

    def prune(node: Any, where: str) -> Any:
        if isinstance(node, Mapping):
            return {
                key: prune(value, f"{where}.{key}") for key, value in node.items() if f"{where}.{key}" not in extensions
            }
        if isinstance(node, list):
            return [prune(item, f"{where}[{index}]") for index, item in enumerate(node)]
        return node

    return prune(document, "$")


def validate_spec(spec_path: Path, *, lint: str = "strict", bundled: Bundled | None = None) -> None:
    """Refuse remote references, then validate the spec structurally and lint it.

    With `lint` strict (spec/openapi.yaml's mode) the validator's first finding fails, naming its
    location. With report or off (documents written elsewhere, which are often slightly invalid: a
    keyword where none is allowed, a `default` of the wrong type) each finding is one `warning:`
    line naming its location as a JSON path, and generation goes on, as openapi-python-client's
    would: what the generator then cannot serve it refuses or skips by itself, naming the operation.
    A document that is not OpenAPI 3.x at all is refused in every mode. Then Spectral (`lint`:
    strict fails on warnings, report prints the findings, off skips it). A document split over
    several files is given to both as the one document `read_spec` bundled (`bundled`, read here
    when not given), so neither follows a reference to a file by itself."""
    if bundled is None:
        bundled = read_spec(spec_path)
    refuse_remote_references(spec_path, bundled.document, lint=lint)
    split = len(bundled.files) > 1
    try:
        if split:
            spec_dict = json_data(bundled.document)
        else:
            try:
                # JSON as JSON: the validator's YAML reader refuses characters JSON allows in strings
                # (a U+009F in SendGrid's document), as parse_document would otherwise.
                spec_dict = json.loads(spec_path.read_bytes())
            except ValueError:
                # YAML as the validator reads it (a date stays a string, as JSON Schema expects).
                spec_dict, _ = read_from_filename(str(spec_path))
        findings = validation_findings(without_referencing_extensions(spec_dict))
    except Exception as error:  # the validator raises several unrelated types
        if isinstance(error, KeyError):
            # The validator reads a malformed section (`responses: null`, `parameters: "x"`) with a
            # lookup that fails: its message alone was the key's repr (`'responses'`).
            detail = f"a {error.args[0]!r} the validator could not read: missing, null or not of the type OpenAPI needs"
        else:
            detail = _one_line(getattr(error, "message", None) or str(error))
        raise GenerationError(f"{_shown(spec_path)} is not a valid OpenAPI document:\n{detail}") from None
    if findings and lint == "strict":
        raise GenerationError(f"{_shown(spec_path)} is not a valid OpenAPI document:\n{findings[0]}")
    for finding in findings:
        print(f"warning: {_shown(spec_path)} is not valid OpenAPI here, generation goes on: {finding}")

    if lint == "off":
        return
    spectral = REPO / "node_modules" / ".bin" / "spectral"
    if not spectral.exists():
        raise GenerationError("Spectral is not installed: run scripts/bootstrap (scripts/generate does it for you)")
    with tempfile.TemporaryDirectory(prefix="ravan-bundled-") as scratch:
        linted = spec_path
        if split:
            # The bundled document, in a private directory that is always removed: Spectral reads
            # it and follows no reference to a file, since it holds none.
            linted = Path(scratch) / "openapi.json"
            linted.write_text(json.dumps(json_data(bundled.document)), encoding="utf-8")
        result = subprocess.run(
            [
                str(spectral),
                "lint",
                "--fail-severity",
                "warn" if lint == "strict" else "error",
                "--ruleset",
                str(REPO / ".spectral.yaml"),
                str(linted),
            ],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    if split:
        # Its findings name the user's root file, not the private copy.
        shown = f"{_shown(spec_path)} (bundled)"
        result.stdout, result.stderr = (text.replace(str(linted), shown) for text in (result.stdout, result.stderr))
    if result.returncode != 0 and lint == "strict":
        raise GenerationError(f"Spectral found problems in the spec:\n{result.stdout}{result.stderr}")
    if result.returncode != 0 or "warning" in result.stdout:
        # Reported, not fatal: the structural validation above has passed, and what the
        # generator cannot serve it refuses by itself, naming the operation.
        print(f"Spectral's findings (--lint {lint}: reported, generation goes on):\n{result.stdout.strip()}")


def json_data(document: Any) -> Any:
    """`document` as JSON data: a YAML timestamp (`parse_document` reads `2024-01-01` as a date)
    is the ISO string it spells, as the validator's own YAML reader leaves it."""
    if isinstance(document, Mapping):
        return {key: json_data(value) for key, value in document.items()}
    if isinstance(document, list):
        return [json_data(item) for item in document]
    if isinstance(document, datetime.date):
        return document.isoformat()
    return document


def validation_findings(spec: Mapping[str, Any]) -> list[str]:
    """Every finding of openapi-spec-validator, one line each: its message and where (a JSON path).

    A document whose version it cannot tell (Swagger 2.0, no `openapi` key) raises: nothing of it
    can be generated."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import ValidatorDetectError

    try:
        validator_class = get_validator_cls(spec)
    except ValidatorDetectError:
        raise ValueError(
            f"openapi is {spec.get('openapi', spec.get('swagger'))!r}: only OpenAPI 3.0 and 3.1 documents are read"
        ) from None
    if not str(spec.get("openapi", "")).startswith(("3.0", "3.1")):
        raise ValueError(f"openapi is {spec.get('openapi', spec.get('swagger'))!r}: only OpenAPI 3.0 and 3.1 are read")
    findings = []
    for error in validator_class(SchemaPath.from_dict(spec)).iter_errors():
        # jsonschema-style errors carry a short message and a path; their str() appends the whole
        # meta-schema, which buries the one useful line.
        message = str(getattr(error, "message", None) or error)
        instance = repr(getattr(error, "instance", None))
        if len(instance) > 80 and message.startswith(instance):
            # `{...the whole response...} is not valid under any of the given schemas`: the location
            # below names the value better than its text.
            message = "the value" + message[len(instance) :]
        message = _one_line(message)
        where = getattr(error, "json_path", None) or "$"
        if where == "$" and isinstance(getattr(error, "schema", None), Mapping):
            # The validator's checks of `default` and `enum` values report the schema, not where it
            # is: found again in the document, by equality.
            where = locate(spec, error.schema) or where
        findings.append(f"{message} (at {where})")
    return findings


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def locate(document: Any, wanted: Mapping[str, Any]) -> str | None:
    """The JSON path of the first node of `document` equal to `wanted` (breadth first), if any."""
    queue: list[tuple[Any, str]] = [(document, "$")]
    while queue:
        node, where = queue.pop(0)
        if isinstance(node, Mapping):
            if node == wanted:
                return where
            queue.extend((value, _json_path_step(where, key)) for key, value in node.items())
        elif isinstance(node, list):
            queue.extend((item, f"{where}[{index}]") for index, item in enumerate(node))
    return None


def _json_path_step(where: str, key: Any) -> str:
    text = str(key)
    return f"{where}.{text}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) else f"{where}[{text!r}]"


# --- generation ------------------------------------------------------------------------------


def generate_all(spec_path: Path, out: Path, *, skip_unsupported: bool = False, bundled: Bundled | None = None) -> None:
    if bundled is None:
        bundled = read_spec(spec_path)
    # What provenance hashes: the root's bytes, or (split over files) every file read.
    spec_bytes = bundled.source_bytes
    as_written = bundled.document
    raw_spec = without_referencing_extensions(as_written)
    extensions_left_out = raw_spec is not as_written
    if skip_unsupported:
        raw_spec = with_package_version(raw_spec)
    try:
        provenance = build_provenance(spec_bytes, raw_spec, spec_path)
    except PlanError as error:
        raise GenerationError(f"the spec cannot describe a package: {error}") from None

    client_dir = out / CLIENT_PROJECT
    plan = generate_client(spec_path, client_dir, raw_spec, provenance, skip_unsupported=skip_unsupported)
    models_dir = out / MODELS_PROJECT
    generate_models(
        spec_path,
        models_dir,
        raw_spec,
        provenance,
        envelope=plan.envelope_fields,
        envelope_paths=tuple(op.pagination.envelope_fields for op in plan.operations if op.pagination is not None),
        spec_as_written=not extensions_left_out and len(bundled.files) == 1,
    )
    (out / OUTPUT_MARKER).write_text(OUTPUT_MARKER_TEXT, encoding="utf-8")
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for project_dir in (client_dir, models_dir):
        ruff(project_dir, "check", "--fix-only", "--quiet", ".")
        ruff(project_dir, "format", "--quiet", ".")
        # What is left must lint clean (the project's own rules: pyflakes, imports, pyupgrade):
        # an undefined name or a syntax error stops generation instead of shipping.
        ruff(project_dir, "check", "--quiet", ".")
    check_imports(client_dir, models_dir)


def with_package_version(raw_spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The spec, with an `info.version` that is not a PEP 440 public version (`1.0.27-SNAPSHOT`,
    `master`, empty: published documents have all three) replaced for the packages' version by the
    release it starts with (`1.0.27`), else 0.0.0, said in one warning line. For documents written
    elsewhere (--unsupported skip); spec/openapi.yaml's must be right, and is refused otherwise."""
    from packaging.version import InvalidVersion, Version

    info = raw_spec.get("info")
    if not isinstance(info, Mapping):
        return raw_spec
    version = info.get("version")
    try:
        parsed = Version(version) if isinstance(version, str) and version == version.strip() else None
    except InvalidVersion:
        parsed = None
    if parsed is not None and parsed.local is None:
        return raw_spec
    if parsed is not None:
        derived = parsed.public
    else:
        release = re.match(r"v?(\d+(?:\.\d+)*)", str(version or "").strip())
        derived = release.group(1) if release else "0.0.0"
    print(f"warning: info.version {version!r} is not a PEP 440 public version: the packages are version {derived}")
    return {**raw_spec, "info": {**info, "version": derived}}


IMPORT_CHECK = "import ravan_client, ravan_client.cli, ravan_client.resources, ravan_models"


def check_imports(client_dir: Path, models_dir: Path) -> None:
    """Both packages must import: a schema the models' library refuses only when the class is
    built (a `maxLength` beyond 64 bits, say) stops generation here, not in a user's import."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(client_dir), str(models_dir)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK],
        cwd=client_dir.parent,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise GenerationError(f"the generated packages do not import: {lines[-1] if lines else 'no detail'}")


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
    spec_version = package_metadata(raw_spec).version
    codegen_options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["datamodel-codegen"]
    client_inputs = _inputs_hash(
        spec_bytes,
        [*iter_files(CLIENT_SPEC_DIR), *(LIB / name for name in CLIENT_SCRIPTS), *plan_sources()],
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


def plan_sources() -> list[Path]:
    """The plan's source files: every module of the package scripts/lib/plan/."""
    return sorted(path for path in iter_files(LIB / "plan") if path.suffix == ".py")


def _package_provenance(provenance: Mapping[str, Any], project: str) -> dict[str, Any]:
    package = provenance["packages"][project]
    return {**provenance, "inputs_sha256": package["inputs_sha256"], "package_version": package["version"]}


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def models_view(raw_spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec as openapi-python-client is given it: without query, header or cookie parameters,
    request bodies and callbacks, and with each path placeholder a plain string parameter.

    It writes the response models only (the plan reads arguments and bodies from the spec
    itself), so what it would make of parameters cannot stop an operation: names that collide in
    its snake_case (`StartTime<`, `StartTime>`), styles or locations it refuses, media types it
    does not know; nor can a callback, which the client does not serve (Bandwidth's
    `callbacks: {statusCallback: {$ref: ...}}`, a reference its reader refused, stopped the whole
    document)."""
    view = copy.deepcopy(dict(raw_spec))
    components = view.get("components")
    if isinstance(components, dict):
        components.pop("parameters", None)
        components.pop("requestBodies", None)
        components.pop("callbacks", None)
    for path, path_item in (view.get("paths") or {}).items():
        if not isinstance(path_item, dict):
            continue
        path_item.pop("parameters", None)
        placeholders = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in path_placeholders(str(path))
        ]
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if isinstance(operation, dict):
                operation["parameters"] = copy.deepcopy(placeholders)
                operation.pop("requestBody", None)
                operation.pop("callbacks", None)
                for response in (operation.get("responses") or {}).values():
                    # Only JSON makes models; a binary or text response is the plan's alone.
                    if isinstance(response, dict) and isinstance(response.get("content"), dict):
                        response["content"] = {
                            media_type: media
                            for media_type, media in response["content"].items()
                            if media_type_base(str(media_type)) == JSON_MEDIA_TYPE
                        }
                        if not response["content"]:
                            del response["content"]
    return _schemas_openapi_python_client_reads(view)


# Keywords whose value is one schema, a list of schemas, or a map of names to schemas (JSON Schema
# 2020-12, as OpenAPI 3.1 uses it).
_ONE_SCHEMA = ("items", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def _schemas_openapi_python_client_reads(view: dict[str, Any]) -> dict[str, Any]:
    """`view` with every boolean schema (OpenAPI 3.1: `true` allows anything, `false` nothing;
    Meilisearch's `items: false`) written as the object that means the same, `{}` or `{"not": {}}`:
    openapi-python-client reads a schema only as an object and refused the whole document. Changed
    in place (the view is a copy); `additionalProperties`, which it reads as a boolean, is kept.
    An empty `enum` (Vapi's voice presets, `enum: []`: no value at all) is left out, which its
    reader also refused: the view makes response models only, and a model that reads the value
    its type allows is the lenient reading (the plan still sends nothing for it)."""

    def schema(node: Any) -> Any:
        if node is True:
            return {}
        if node is False:
            return {"not": {}}
        if isinstance(node, dict):
            if node.get("enum") == []:
                del node["enum"]
            for key in _ONE_SCHEMA:
                if key in node:
                    node[key] = schema(node[key])
            for key in _SCHEMA_LISTS:
                if isinstance(node.get(key), list):
                    node[key] = [schema(member) for member in node[key]]
            for key in _SCHEMA_MAPS:
                if isinstance(node.get(key), dict):
                    node[key] = {name: schema(member) for name, member in node[key].items()}
            if isinstance(node.get("additionalProperties"), dict):
                schema(node["additionalProperties"])
        return node

    def walk(node: Any) -> None:
        # Every `schema` of a media type, header or parameter; examples are data, not schemas.
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema":
                    node[key] = schema(value)
                elif key not in ("example", "examples"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(view)
    components = view.get("components")
    if isinstance(components, dict) and isinstance(components.get("schemas"), dict):
        components["schemas"] = {name: schema(node) for name, node in components["schemas"].items()}
    return view


def load_generator_data(
    spec_path: Path, raw_spec: Mapping[str, Any], output_path: Path
) -> tuple[Config, GeneratorData]:
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
    config.class_overrides = {
        **class_overrides_off_imports(raw_spec, config.field_prefix),
        **config.class_overrides,
    }
    openapi = GeneratorData.from_dict(models_view(raw_spec), config=config)
    if isinstance(openapi, GeneratorError):
        raise GenerationError(f"openapi-python-client could not read the spec: {openapi.header}\n{openapi.detail}")
    return config, openapi


def class_overrides_off_imports(raw_spec: Mapping[str, Any], field_prefix: str) -> dict[str, Any]:
    """openapi-python-client's `class_overrides` for the document's schemas whose model class would
    break its module: a class named like what every model module imports under its own name (a
    schema `Any` is `AnyModel`, in `any_model.py`) would shadow the import, and ruff refuse the
    package; a class whose name starts with `ClassVar` (`ClassVar`, `ClassVariable`) makes attrs
    read every field of that type as a class variable (it tells them by the annotation's spelling),
    so it is `SchemaClassVariable`. The spec's own overrides win."""
    from openapi_python_client.config import ClassOverride
    from openapi_python_client.strings import ClassName

    components = raw_spec.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    overrides: dict[str, Any] = {}
    for schema_name in sorted(str(name) for name in schemas or {}) if isinstance(schemas, Mapping) else ():
        class_name = str(ClassName(schema_name, field_prefix))
        if class_name.startswith("ClassVar"):
            renamed = f"Schema{class_name}"
        elif class_name in model_module_imports():
            renamed = f"{class_name}Model"
        else:
            continue
        overrides[class_name] = ClassOverride(class_name=renamed, module_name=snake_case(renamed))
    return overrides


def client_settings() -> Mapping[str, Any]:
    """`client:` of spec/client/config.yaml: the names the client carries (see plan.client_identity)."""
    config = yaml.safe_load((CLIENT_SPEC_DIR / "config.yaml").read_text(encoding="utf-8")) or {}
    settings = config.get("client") or {}
    if not isinstance(settings, Mapping):
        raise GenerationError("spec/client/config.yaml: `client:` must be a mapping")
    return settings


def plan_of(
    spec_path: Path, raw_spec: Mapping[str, Any], openapi: GeneratorData, *, skip_unsupported: bool = False
) -> ApiPlan:
    try:
        return build_plan(
            OpenAPIDocument(raw_spec, source=_shown(spec_path)),
            openapi,
            client_settings(),
            skip_unsupported=skip_unsupported,
        )
    except (PlanError, SpecError) as error:
        raise GenerationError(f"the spec has a shape the generator does not support: {error}") from None


def _checked_fields(
    model: OpcModel, models: Mapping[str, OpcModel], envelope: frozenset[tuple[str, str]]
) -> list[tuple[OpcProperty, FieldShape]]:
    try:
        return checked_fields(model, models, envelope)
    except PlanError as error:  # raised while a template renders: one line, not a traceback
        raise GenerationError(f"the spec has a shape the generator does not support: {error}") from None


def template_globals(plan: ApiPlan, openapi: GeneratorData, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """What every template may read: the plan, and the helpers that apply its decisions."""
    # openapi-python-client renders its models with our model.py.jinja, handing it its own model
    # objects: read through the plan's one adapter of its parse.
    models = read_generator_data(openapi).models
    styles = pagination_styles()
    return {
        "plan": plan,
        "provenance": provenance,
        "api_key_header": plan.api_key_header,
        "checked_fields": lambda model: _checked_fields(opc_model(model), models, plan.envelope_fields),
        "error_class": error_class_name,
        "pagination_style_class": lambda name: styles[name].__name__,
        "fail": template_failure,
        # Text from the spec reaches templates wrapped (UntrustedString): unwrapped by this, then
        # printed only through the filters of literals.py (pyrepr, docstring, toml).
        "plain": plain,
    }


def generate_client(
    spec_path: Path,
    project_dir: Path,
    raw_spec: Mapping[str, Any],
    provenance: Mapping[str, Any],
    *,
    skip_unsupported: bool = False,
) -> ApiPlan:
    client_provenance = _package_provenance(provenance, CLIENT_PROJECT)
    config, openapi = load_generator_data(spec_path, raw_spec, project_dir)
    config.package_version_override = client_provenance["package_version"]
    plan = plan_of(spec_path, raw_spec, openapi, skip_unsupported=skip_unsupported)
    for reason in plan.skipped:
        print(f"skipped: {reason}")
    for operation in plan.operations:
        for reason in operation.left_out:
            # Each reason says why (optional with nothing to send, or a header the client sets itself,
            # which may be required): the operation is served without it either way.
            print(f"left out: {reason} (the operation is served without it)")
        for warning in operation.warnings:
            print(f"warning: {warning}")
    project = models_only_project(openapi, config)
    prepare_client_templates(project.env, plan, openapi, client_provenance, raw_spec)

    # Any generator message, warnings included, fails the run: a skipped post hook would let
    # unformatted code through.
    problems = project.build()
    if skip_unsupported:
        # A document written elsewhere: what openapi-python-client only warns about while reading it
        # (a response it leaves untyped, a schema it leaves out) is reported, one line each, as it
        # reports it; the plan serves such a response as untyped JSON. Its errors still fail.
        parse_warnings = [p for p in problems if p.level.value == "WARNING" and p not in project.errors]
        for problem in parse_warnings:
            print(f"warning: openapi-python-client: {_generator_message(problem)}")
        problems = [p for p in problems if p not in parse_warnings]
    if problems:
        text = "\n".join(f"{p.level.value}: {p.header}\n{p.detail or ''}" for p in problems)
        raise GenerationError(f"openapi-python-client reported problems:\n{text}")

    package_dir = project_dir / CLIENT_PACKAGE
    # The runtime's modules, its subpackages (`_cli/`) included; its top `__init__.py` is not the
    # package's (openapi-python-client writes that one from our template).
    for module in sorted(iter_files(RUNTIME_DIR)):
        relative = module.relative_to(RUNTIME_DIR)
        if module.suffix == ".py" and relative != Path("__init__.py"):
            (package_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(module, package_dir / relative)
    for template_name, target in EXTRA_CLIENT_TEMPLATES.items():
        rendered = project.env.get_template(template_name).render()
        (project_dir / target).write_text(rendered, encoding="utf-8")
    return plan


def _generator_message(problem: Any) -> str:
    """One of openapi-python-client's messages on one line (its names from the document print as
    object reprs, with an address that changes every run: shown as `...`)."""
    text = f"{problem.header or ''}: {problem.detail or ''}".strip(": ")
    text = re.sub(r"<openapi_python_client\.[\w.]*UntrustedString object at 0x[0-9a-f]+>", "...", text)
    return _one_line(text)


def models_only_project(openapi: GeneratorData, config: Config) -> Project:
    """openapi-python-client as this project uses it: the generator of the client package's attrs
    models (and its README, pyproject.toml and package `__init__`, from our templates), not of a
    client. Its low-level layer (`client.py`, `api/`, `errors.py`, `types.py` with `UNSET`) is not
    written: the package has one client, the one the plan's templates write (`_client.py`)."""
    from openapi_python_client import Project

    class ModelsOnlyProject(Project):
        def _create_package(self) -> None:
            self.package_dir.mkdir(exist_ok=True)
            init = self.env.get_template("package_init.py.jinja").render()
            (self.package_dir / "__init__.py").write_text(init, encoding=self.config.file_encoding)
            (self.package_dir / "py.typed").write_text("# Marker file for PEP 561", encoding=self.config.file_encoding)

        def _build_api(self) -> None:
            """Nothing: the plan's templates write the client."""

    return ModelsOnlyProject(openapi=openapi, config=config, custom_template_path=CLIENT_SPEC_DIR / "templates")


def prepare_client_templates(
    env: jinja2.Environment,
    plan: ApiPlan,
    openapi: GeneratorData,
    provenance: Mapping[str, Any],
    raw_spec: Mapping[str, Any],
) -> None:
    """openapi-python-client's template environment, made ready for the client's templates."""
    env.globals.update(template_globals(plan, openapi, provenance))
    env.globals["license"] = package_metadata(raw_spec).license
    literals.install(env)
    # openapi-python-client wraps every string of the spec in UntrustedString: one printed raw by a
    # template (ours or its own) stops generation instead of reaching the code unescaped.
    env.finalize = _refuse_unescaped


def _refuse_unescaped(value: Any) -> Any:
    from openapi_python_client.schema import UntrustedString

    if isinstance(value, UntrustedString):
        raise GenerationError(
            "a template printed text of the spec without escaping it (use the pyrepr, docstring or toml filter)"
        )
    return value


def error_class_name(status: int) -> str:
    """The exception a documented error status raises: the runtime's own table, by name."""
    return str(runtime_module("_exceptions").error_class_for_status(status).__name__)


def generate_models(
    spec_path: Path,
    project_dir: Path,
    raw_spec: Mapping[str, Any],
    provenance: Mapping[str, Any],
    *,
    envelope: frozenset[tuple[str, str]] = frozenset(),
    envelope_paths: tuple[tuple[tuple[str, str], ...], ...] = (),
    spec_as_written: bool = True,
) -> None:
    """The models package; datamodel-code-generator reads `spec_path` itself when `spec_as_written`
    (`raw_spec` is its document unchanged) and nothing needs rewriting for it, else a copy."""
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
    literals.install(env)
    context: dict[str, Any] = {
        "provenance": models_provenance,
        "package_name": MODELS_PACKAGE,
        "project_name": MODELS_PROJECT,
        "license": package_metadata(raw_spec).license,
    }
    # The package's pyproject.toml (with its ruff settings) must exist before the generator runs:
    # its formatter follows the ruff config nearest the output.
    (project_dir / "pyproject.toml").write_text(
        env.get_template("pyproject.toml.jinja").render(context), encoding="utf-8"
    )
    (package_dir / "_base.py").write_text(env.get_template("_base.py.jinja").render(context), encoding="utf-8")

    models_module = package_dir / "models.py"
    schemas = (raw_spec.get("components") or {}).get("schemas") or {}
    if not schemas:
        # datamodel-code-generator stops on a document without schemas ("Models not found"): a
        # document whose responses are all untyped still makes a (modelless) package.
        models_module.write_text(
            f'"""No models: {_shown(spec_path)} declares no component schemas. Generated by scripts/generate."""\n',
            encoding="utf-8",
        )
    else:
        with tempfile.TemporaryDirectory() as scratch:
            input_path = spec_path
            models_spec = models_input(raw_spec)
            if models_spec is not raw_spec or not spec_as_written:
                input_path = Path(scratch) / spec_path.name
                input_path.write_text(yaml.safe_dump(models_spec, sort_keys=False), encoding="utf-8")
            # A field named like the models' API takes a trailing underscore, as in the client (the
            # plan's MODEL_API_NAMES): datamodel-code-generator's --aliases maps wire names to Python names.
            aliases_file = Path(scratch) / "aliases.json"
            aliases_file.write_text(json.dumps(reserved_field_aliases(models_spec)), encoding="utf-8")
            # The parts of a page's envelope (the plan's), which the model template keeps typed `X`.
            template_data_file = Path(scratch) / "template-data.json"
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
            # The tag of each variant of a discriminated union: pydantic needs it typed `Literal[...]`,
            # not `Literal[...] | None` (discriminator-needs-literal), so it stays required as the
            # envelope's parts do; a record without it is an error of the union, which the record
            # above keeps as an invalid field.
            for class_name, wire in discriminator_tags(models_spec):
                names = by_class.setdefault(class_name, [])
                if wire not in names:
                    names.append(wire)
            template_data = {name: {"ravan_envelope": wires} for name, wires in by_class.items()}
            template_data_file.write_text(json.dumps(template_data), encoding="utf-8")
            result = subprocess.run(
                [
                    str(VENV_BIN / "datamodel-codegen"),
                    "--input",
                    str(input_path),
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
        if result.returncode != 0:
            raise GenerationError(f"datamodel-code-generator failed:\n{result.stdout}{result.stderr}")
        check_model_field_names(models_module)
        type_bare_containers(models_module)
        rename_builtin_classes(models_module)
        union_operator_in_bases(models_module)

    context["model_names"] = public_class_names(models_module)
    context["enum_names"] = enum_class_names(models_module)
    for name in ("README.md", f"{MODELS_PACKAGE}/__init__.py", f"{MODELS_PACKAGE}/_provenance.py"):
        template = env.get_template(Path(name).name + ".jinja")
        (project_dir / name).write_text(template.render(context), encoding="utf-8")
    (package_dir / "py.typed").write_text("", encoding="utf-8")


def discriminator_tags(raw_spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(class name, wire name) of the tag property of each component schema that a discriminator
    (with or without a mapping) names as a variant, as datamodel-code-generator names the class."""
    from datamodel_code_generator.reference import ModelResolver

    resolver = ModelResolver()
    prefix = "#/components/schemas/"
    found: list[tuple[str, str]] = []
    stack: list[Any] = [raw_spec.get("components") or {}, raw_spec.get("paths") or {}]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            discriminator = node.get("discriminator")
            if isinstance(discriminator, Mapping) and isinstance(discriminator.get("propertyName"), str):
                mapping = discriminator.get("mapping")
                targets = list(mapping.values()) if isinstance(mapping, Mapping) else []
                for key in ("oneOf", "anyOf"):
                    members = node.get(key)
                    targets += [m.get("$ref") for m in members or [] if isinstance(m, Mapping)]
                for target in targets:
                    if isinstance(target, str) and target.startswith(prefix):
                        name = target.removeprefix(prefix).replace(".", "_")
                        pair = (resolver.get_class_name(name, unique=False).name, discriminator["propertyName"])
                        if pair not in found:
                            found.append(pair)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def models_input(raw_spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The spec as datamodel-code-generator is given it: `raw_spec` itself, or a copy with what it
    cannot read as written rewritten (`flat_schema_names`; `plain_unions_where_untagged`)."""
    schemas = (raw_spec.get("components") or {}).get("schemas") or {}
    view = raw_spec
    if any("." in str(name) for name in schemas):
        view = flat_schema_names(view)
    return plain_unions_where_untagged(view)


def plain_unions_where_untagged(raw_spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The spec with the `discriminator` dropped from a union that has a member other than a
    reference to a component schema (OpenAI's filters: an inline `$recursiveRef`): pydantic needs
    every member's tag typed `Literal[...]`, which only a component's class gets
    (`discriminator_tags`); the union is then an ordinary one, its members tried in order.
    `raw_spec` itself when there is none."""
    prefix = "#/components/schemas/"

    def untagged(node: Mapping[str, Any]) -> bool:
        if "discriminator" not in node:
            return False
        members = [m for key in ("oneOf", "anyOf") for m in node.get(key) or []]
        return any(
            not (isinstance(m, Mapping) and isinstance(m.get("$ref"), str) and m["$ref"].startswith(prefix))
            for m in members
        )

    def rewrite(node: Any) -> Any:
        if isinstance(node, Mapping):
            return {k: rewrite(v) for k, v in node.items() if not (k == "discriminator" and untagged(node))}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    def any_untagged(node: Any) -> bool:
        if isinstance(node, Mapping):
            return untagged(node) or any(any_untagged(v) for v in node.values())
        if isinstance(node, list):
            return any(any_untagged(item) for item in node)
        return False

    return rewrite(raw_spec) if any_untagged(raw_spec) else raw_spec


def flat_schema_names(raw_spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with every dot in a component schema's name (and in the references to it) an
    underscore: datamodel-code-generator reads `pets.Pet` as the class Pet of a module `pets` and
    then needs a directory to write to (`pets_Pet`, the class PetsPet, as openapi-python-client
    names it too)."""
    schemas = raw_spec["components"]["schemas"]
    renamed = {str(name): str(name).replace(".", "_") for name in schemas}
    taken = set(renamed.values())
    if len(taken) != len(renamed):
        raise GenerationError("two component schemas differ only by '.' and '_' in their names")

    def rewrite(node: Any) -> Any:
        if isinstance(node, Mapping):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                    name = value.removeprefix("#/components/schemas/")
                    value = "#/components/schemas/" + renamed.get(name, name)
                out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    view: dict[str, Any] = rewrite(raw_spec)
    view["components"]["schemas"] = {renamed[str(k)]: v for k, v in view["components"]["schemas"].items()}
    return view


def reserved_field_aliases(raw_spec: Mapping[str, Any]) -> dict[str, str]:
    """Wire name -> Python name for every property whose Python name would be one of the models'
    own (MODEL_API_NAMES): the name with a trailing underscore."""
    from datamodel_code_generator.reference import camel_to_snake  # type: ignore[attr-defined]

    aliases: dict[str, str] = {}
    # Every schema's properties, inline ones too (a request body's object, an item's): the models
    # generator makes a class of each, and its --aliases apply by wire name to all of them. A
    # `properties` that is itself a property's name is counted too, which costs nothing.
    stack: list[Any] = [raw_spec.get("components") or {}, raw_spec.get("paths") or {}]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            properties = node.get("properties")
            for wire in properties if isinstance(properties, Mapping) else {}:
                python = camel_to_snake(str(wire))
                if python in MODEL_API_NAMES:
                    aliases[str(wire)] = f"{python}_"
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
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


def type_bare_containers(module: Path) -> None:
    """Give `Any` to the bare `list`/`dict` datamodel-code-generator writes for an array whose items
    refer back to it (`RootModel[list]`, `root: list`; openapi-python-client's own document has
    one), which `mypy --strict` refuses (type-arg)."""
    text = module.read_text(encoding="utf-8")
    fixed = re.sub(
        r"RootModel\[(list|dict)\]", lambda m: f"RootModel[{m[1]}[{'Any' if m[1] == 'list' else 'str, Any'}]]", text
    )
    fixed = re.sub(
        r"^(    root: )(list|dict)$",
        lambda m: f"{m[1]}{m[2]}[{'Any' if m[2] == 'list' else 'str, Any'}]",
        fixed,
        flags=re.MULTILINE,
    )
    if fixed != text:
        if not re.search(r"^from typing import .*\bAny\b", fixed, flags=re.MULTILINE):
            fixed = fixed.replace(
                "from __future__ import annotations\n",
                "from __future__ import annotations\n\nfrom typing import Any\n",
                1,
            )
        module.write_text(fixed, encoding="utf-8")


def union_operator_in_bases(module: Path) -> None:
    """Write `Union[A, B]` in a class's bases as `A | B`, as ruff's pyupgrade rule (UP007) wants of
    the package: datamodel-code-generator keeps `Union` there when a member holds a quoted forward
    reference (Discord's `RootModel[Union[dict[str, "ErrorDetails"], InnerErrors]]`), which ruff
    cannot rewrite by itself, and the package failed its lint. Left as it is when a member is
    itself a quoted name (`"A" | B` fails at run time)."""
    text = module.read_text(encoding="utf-8")
    tree = ast.parse(text)
    spans: list[tuple[int, int, str]] = []
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        # ast columns count UTF-8 bytes: a line's prefix is re-read as bytes.
        return starts[line - 1] + len(text[starts[line - 1] : starts[line]].encode()[:column].decode())

    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            for sub in ast.walk(base):
                if not (isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id == "Union"):
                    continue
                members = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
                if any(isinstance(m, ast.Constant) for m in members) or sub.end_lineno is None:
                    continue
                parts = [ast.get_source_segment(text, m) for m in members]
                if None in parts:
                    continue
                start = offset(sub.lineno, sub.col_offset)
                end = offset(sub.end_lineno, sub.end_col_offset or 0)
                spans.append((start, end, " | ".join(str(p) for p in parts)))
    # Outermost first, then none inside it: a nested Union goes with its outer one's text.
    kept: list[tuple[int, int, str]] = []
    for start, end, replacement in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, replacement))
    for start, end, replacement in reversed(kept):
        text = text[:start] + replacement + text[end:]
    if kept:
        module.write_text(text, encoding="utf-8")


def rename_builtin_classes(module: Path) -> None:
    """Give a model class named like a builtin (`Warning`, PagerDuty's inline item of `warnings`)
    a `Model` suffix, wherever the module names it: a field that refers to it above its definition
    is resolved by pydantic to the builtin, which it refuses as a field's type, and the package did
    not import. Only names in code change (tokens), never a docstring or a wire name."""
    text = module.read_text(encoding="utf-8")
    tree = ast.parse(text)
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    renamed = {}
    for name in sorted(defined & set(vars(builtins))):
        new = f"{name}Model"
        while new in defined:
            new += "_"
        renamed[name] = new
    if not renamed:
        return
    lines = text.splitlines(keepends=True)
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    places = [t for t in tokens if t.type == tokenize.NAME and t.string in renamed]
    for token in reversed(places):  # right to left: earlier columns stay where they are
        row, col = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:col] + renamed[token.string] + line[col + len(token.string) :]
    module.write_text("".join(lines), encoding="utf-8")


def public_class_names(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return sorted(node.name for node in tree.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_"))


def enum_class_names(module: Path) -> list[str]:
    """The classes of `module` that are Enums, not pydantic models: datamodel-code-generator writes
    one for an `enum` beside `type: array` (Vapi's `clientMessages`), which has no model_rebuild."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return sorted(
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id in ("Enum", "IntEnum", "StrEnum") for base in node.bases)
    )


def ruff(cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "ruff"), *args], cwd=cwd, capture_output=True, encoding="utf-8", errors="replace", check=False
    )
    if result.returncode != 0:
        # `ruff format --quiet` says nothing of why: ruff's own diagnostics (file, line, rule)
        # come from a check of the same tree.
        diagnostics = subprocess.run(
            [str(VENV_BIN / "ruff"), "check", "--no-fix", "--output-format", "concise", "."],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        detail = "\n".join(part.strip() for part in (result.stdout, result.stderr, diagnostics.stdout) if part.strip())
        raise GenerationError(f"ruff {' '.join(args)} failed in {cwd.name}:\n{detail}")


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
    """Put `new` where `target` is; the old tree (one this generator made: see refuse_foreign_output)
    is moved into a directory of this run's own and removed from there."""
    refuse_foreign_output(target)
    if not target.exists():
        new.rename(target)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    target.rename(holder / target.name)
    new.rename(target)
    shutil.rmtree(holder)


if __name__ == "__main__":
    sys.exit(main())
