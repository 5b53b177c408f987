"""Report the changes since a git ref that break callers: in the spec, and in the generated Python API.

This is the body of `scripts/api-diff`. It compares the working tree with BASE_REF (by default the
merge base with `main`; HEAD when there is none or when HEAD is on `main`) in two ways:

1. The spec: `spec/openapi.yaml` at the base against the one on disk, in plain language. These
   break callers: a removed operation, response, query parameter, schema or schema property (a
   rename shows as one removed and one added); a changed type or format; a property or parameter
   that became required (or a new required one); a property that stopped being nullable; an enum
   value removed. Additions and relaxations are listed too, as not breaking. Request bodies are
   not compared: the API has none.
2. The public Python API of the generated packages, with griffe: the base's committed
   `generated/ravan-client/ravan_client` (and `ravan_models`), extracted with `git archive`,
   against the working tree's, through `griffe.find_breaking_changes`, each with its explanation.

Policy: the exit code is 1 when anything breaks callers, unless the spec's `info.version` major
number went up since the base (a breaking release is then announced; the report is still
printed). It is 0 otherwise, and 2 on a usage error such as an unknown ref.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import griffe
import yaml

REPO = Path(__file__).resolve().parents[2]
SPEC = "spec/openapi.yaml"
# (project directory, import package) of each generated package, as committed.
GENERATED_PACKAGES = (
    ("generated/ravan-client", "ravan_client"),
    ("generated/ravan-models", "ravan_models"),
)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RENAME_HINT = " (a rename shows as removed + added)"


class ApiDiffError(Exception):
    """The comparison cannot run (unknown ref, unreadable spec); the message says why."""


@dataclass(frozen=True)
class SpecChange:
    """One difference between the two specs, located and worded for a person."""

    where: str
    what: str
    breaking: bool

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class PythonApiReport:
    """griffe's findings for one generated package."""

    package: str
    explanations: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class Report:
    """Everything the comparison found, and the verdict the exit code follows."""

    base_label: str
    base_commit: str
    old_version: str | None
    new_version: str
    diffstat: str
    spec_changes: list[SpecChange]
    python_api: list[PythonApiReport]
    warnings: list[str]

    @property
    def breaking_spec_changes(self) -> list[SpecChange]:
        return [change for change in self.spec_changes if change.breaking]

    @property
    def breaking_count(self) -> int:
        return len(self.breaking_spec_changes) + sum(len(package.explanations) for package in self.python_api)

    @property
    def major_bumped(self) -> bool:
        old_major = major_of(self.old_version)
        new_major = major_of(self.new_version)
        return old_major is not None and new_major is not None and new_major > old_major

    @property
    def fails(self) -> bool:
        return self.breaking_count > 0 and not self.major_bumped

    def verdict(self) -> str:
        versions = f"info.version {self.old_version or '(none)'} -> {self.new_version}"
        if self.breaking_count == 0:
            return f"No breaking changes ({versions})."
        if self.major_bumped:
            return f"{self.breaking_count} breaking change(s), announced by a major version bump ({versions})."
        return (
            f"{self.breaking_count} breaking change(s) without a major version bump ({versions}). Keep the old "
            "field, parameter or response, or bump the major number of info.version if the break is intended."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/api-diff",
        description=__doc__.splitlines()[0],
        epilog=(
            "Exit code: 1 when a change breaks callers and the spec's info.version major number was not "
            "bumped since BASE_REF; 0 when nothing breaks or the major number went up (the report is "
            "still printed); 2 on a usage error."
        ),
    )
    parser.add_argument(
        "base_ref",
        nargs="?",
        metavar="BASE_REF",
        help=(
            "git ref to compare with (default: the merge base with main; HEAD on main or without one). "
            "An empty or all-zero ref (GitHub's 'before' of a new branch) means the default."
        ),
    )
    parser.add_argument(
        "--summary",
        metavar="FILE",
        help="also append the report as Markdown to FILE (CI passes $GITHUB_STEP_SUMMARY)",
    )
    args = parser.parse_args(argv)
    try:
        report = build_report(args.base_ref)
    except ApiDiffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(render_text(report))
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(report))
    return 1 if report.fails else 0


def build_report(base_ref: str | None) -> Report:
    base_commit, base_label = resolve_base(base_ref)
    old_spec = load_spec_at(base_commit)
    new_spec = load_yaml((REPO / SPEC).read_text(encoding="utf-8"), f"{SPEC} (working tree)")
    spec_changes = compare_specs(old_spec, new_spec) if old_spec is not None else []
    warnings = []
    if old_spec is None:
        warnings.append(f"{SPEC} does not exist at {base_label}: everything in it is new.")
    stale = stale_generated_warning()
    if stale:
        warnings.append(stale)
    with tempfile.TemporaryDirectory(prefix="api-diff-base-") as base_tree:
        python_api = [
            compare_python_api(base_commit, project_dir, package, Path(base_tree))
            for project_dir, package in GENERATED_PACKAGES
        ]
    return Report(
        base_label=base_label,
        base_commit=base_commit,
        old_version=str(old_spec["info"]["version"]) if old_spec is not None else None,
        new_version=str(new_spec["info"]["version"]),
        diffstat=git("diff", "--stat", base_commit, "--", "spec/").strip(),
        spec_changes=spec_changes,
        python_api=python_api,
        warnings=warnings,
    )


# --- git -------------------------------------------------------------------------------------


def git(*args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise ApiDiffError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout if result.returncode == 0 else ""


def commit_of(ref: str) -> str | None:
    sha = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip()
    return sha or None


def resolve_base(base_ref: str | None) -> tuple[str, str]:
    """The commit to compare with, and how to name it in the report."""
    if base_ref and set(base_ref) == {"0"}:
        # GitHub's "commit before the push" for a newly created branch: there is none.
        base_ref = None
    if base_ref:
        commit = commit_of(base_ref)
        if commit is None:
            raise ApiDiffError(f"{base_ref!r} does not name a commit in this repository")
        return commit, base_ref
    head = commit_of("HEAD")
    if head is None:
        raise ApiDiffError("the repository has no commit yet: nothing to compare with")
    if git("rev-parse", "--abbrev-ref", "HEAD", check=False).strip() == "main":
        return head, "HEAD (on main)"
    # CI checkouts often have only the remote-tracking branch.
    for main_ref in ("main", "origin/main"):
        if commit_of(main_ref) is not None:
            merge_base = git("merge-base", "HEAD", main_ref, check=False).strip()
            if merge_base:
                return merge_base, f"the merge base with {main_ref}"
    return head, "HEAD (no main branch to take a merge base with)"


def load_spec_at(commit: str) -> dict[str, Any] | None:
    result = subprocess.run(["git", "show", f"{commit}:{SPEC}"], cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    return load_yaml(result.stdout, f"{SPEC} at {commit[:12]}")


def load_yaml(text: str, label: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ApiDiffError(f"{label} is not valid YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise ApiDiffError(f"{label} is not an OpenAPI document")
    return loaded


def stale_generated_warning() -> str | None:
    """The Python API comparison reads generated/ as it is on disk; say so when it lags the spec."""
    try:
        stamp = json.loads((REPO / "generated" / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "generated/provenance.json is missing or unreadable: run scripts/generate."
    actual = hashlib.sha256((REPO / SPEC).read_bytes()).hexdigest()
    if stamp.get("spec_sha256") != actual:
        return (
            "generated/ is stale for the spec: the Python API comparison shows the code on disk, "
            "not what the spec would generate. Run scripts/generate first."
        )
    return None


# --- the spec --------------------------------------------------------------------------------


class SpecComparison:
    """Walks two versions of the spec side by side and collects what changed."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = old
        self.new = new
        self.changes: list[SpecChange] = []

    def add(self, where: str, what: str, *, breaking: bool) -> None:
        self.changes.append(SpecChange(where, what, breaking))

    def run(self) -> list[SpecChange]:
        old_operations = dict(operations(self.old))
        new_operations = dict(operations(self.new))
        for key, old_operation in old_operations.items():
            new_operation = new_operations.get(key)
            if new_operation is None:
                self.add(key, "the operation was removed", breaking=True)
            else:
                self.compare_operation(key, old_operation, new_operation)
        for key in new_operations.keys() - old_operations.keys():
            self.add(key, "the operation was added", breaking=False)

        old_schemas = self.old.get("components", {}).get("schemas", {})
        new_schemas = self.new.get("components", {}).get("schemas", {})
        for name, old_schema in old_schemas.items():
            if name not in new_schemas:
                self.add(f"schema {name}", "the schema was removed" + RENAME_HINT, breaking=True)
            else:
                self.compare_schema(f"schema {name}", old_schema, new_schemas[name])
        for name in new_schemas.keys() - old_schemas.keys():
            self.add(f"schema {name}", "the schema was added", breaking=False)
        return self.changes

    def compare_operation(self, where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_parameters = {key: resolve(self.old, p) for key, p in old["parameters"].items()}
        new_parameters = {key: resolve(self.new, p) for key, p in new["parameters"].items()}
        for (location, name), old_parameter in old_parameters.items():
            label = f"{location} parameter `{name}`"
            new_parameter = new_parameters.get((location, name))
            if new_parameter is None:
                self.add(where, f"{label} was removed" + RENAME_HINT, breaking=True)
                continue
            if new_parameter.get("required", False) and not old_parameter.get("required", False):
                self.add(where, f"{label} became required", breaking=True)
            elif old_parameter.get("required", False) and not new_parameter.get("required", False):
                self.add(where, f"{label} became optional", breaking=False)
            self.compare_schema(
                f"{where} {label}",
                resolve(self.old, old_parameter.get("schema", {})),
                resolve(self.new, new_parameter.get("schema", {})),
                describe_as="its",
            )
        for location, name in new_parameters.keys() - old_parameters.keys():
            required = new_parameters[(location, name)].get("required", False)
            kind = "required" if required else "optional"
            self.add(where, f"{kind} {location} parameter `{name}` was added", breaking=required)

        old_responses = old.get("responses", {})
        new_responses = new.get("responses", {})
        for status, old_response in old_responses.items():
            if status not in new_responses:
                self.add(where, f"response {status} was removed", breaking=True)
                continue
            old_schema = response_schema(self.old, old_response)
            new_schema = response_schema(self.new, new_responses[status])
            if old_schema is not None and new_schema is not None:
                old_type, new_type = type_signature(old_schema), type_signature(new_schema)
                if old_type != new_type:
                    self.add(where, f"response {status}'s body changed type: {old_type} -> {new_type}", breaking=True)
        for status in new_responses.keys() - old_responses.keys():
            self.add(where, f"response {status} was added", breaking=False)

    def compare_schema(
        self, where: str, old: Mapping[str, Any], new: Mapping[str, Any], *, describe_as: str = "the schema's"
    ) -> None:
        old_type, new_type = type_signature(old), type_signature(new)
        if old_type != new_type:
            self.add(where, f"{describe_as} type changed: {old_type} -> {new_type}", breaking=True)
        if is_nullable(old) and not is_nullable(new):
            self.add(where, f"{describe_as} value stopped being nullable", breaking=True)
        elif is_nullable(new) and not is_nullable(old):
            self.add(where, f"{describe_as} value became nullable", breaking=False)
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum is not None and new_enum is not None:
            for value in old_enum:
                if value not in new_enum:
                    self.add(where, f"enum value {value!r} was removed", breaking=True)
            for value in new_enum:
                if value not in old_enum:
                    self.add(where, f"enum value {value!r} was added", breaking=False)
        elif new_enum is not None and old_enum is None:
            self.add(where, f"{describe_as} values are now restricted to {new_enum}", breaking=True)
        self.compare_properties(where, old, new)
        old_items, new_items = old.get("items"), new.get("items")
        # Items that are references changed type or not (compared above); inline ones are compared here.
        if is_inline_schema(old_items) and is_inline_schema(new_items):
            self.compare_schema(f"{where}[]", old_items, new_items, describe_as="the items'")

    def compare_properties(self, where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_properties: Mapping[str, Any] = old.get("properties", {})
        new_properties: Mapping[str, Any] = new.get("properties", {})
        old_required = set(old.get("required", []))
        new_required = set(new.get("required", []))
        for name, old_property in old_properties.items():
            if name not in new_properties:
                self.add(where, f"property `{name}` was removed" + RENAME_HINT, breaking=True)
                continue
            if name in new_required and name not in old_required:
                self.add(where, f"property `{name}` became required", breaking=True)
            elif name in old_required and name not in new_required:
                self.add(where, f"property `{name}` became optional", breaking=False)
            new_property = new_properties[name]
            label = f"{where}.{name}"
            if "$ref" in old_property or "$ref" in new_property:
                # The referenced schemas are compared once each, under their own names.
                old_type, new_type = type_signature(old_property), type_signature(new_property)
                if old_type != new_type:
                    self.add(label, f"the property's type changed: {old_type} -> {new_type}", breaking=True)
            else:
                self.compare_schema(label, old_property, new_property, describe_as="the property's")
        for name in new_properties.keys() - old_properties.keys():
            required = name in new_required
            kind = "required" if required else "optional"
            self.add(where, f"{kind} property `{name}` was added", breaking=required)


def compare_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SpecChange]:
    changes = SpecComparison(old, new).run()
    return sorted(changes, key=lambda change: (not change.breaking, change.where, change.what))


def operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every operation as ("GET /path", {"parameters": {(in, name): parameter}, "responses": ...})."""
    for path, path_item in (spec.get("paths") or {}).items():
        path_item = resolve(spec, path_item)
        shared = [resolve(spec, p) for p in path_item.get("parameters", [])]
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            parameters = {(p["in"], p["name"]): p for p in shared}
            for parameter in operation.get("parameters", []):
                parameter = resolve(spec, parameter)
                parameters[(parameter["in"], parameter["name"])] = parameter
            yield (
                f"{method.upper()} {path}",
                {"parameters": parameters, "responses": operation.get("responses", {})},
            )


def resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s to the node they name."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def response_schema(spec: Mapping[str, Any], response: Any) -> Mapping[str, Any] | None:
    content = resolve(spec, response).get("content") or {}
    media = content.get("application/json")
    if not isinstance(media, Mapping) or "schema" not in media:
        return None
    schema: Mapping[str, Any] = media["schema"]
    return schema


def non_null_types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    return [t for t in types if t != "null"]


def type_signature(schema: Mapping[str, Any]) -> str:
    """A schema's type in words, nullability aside: "string (date-time)", "array of CallSession"."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            members = [type_signature(member) for member in schema[combinator] if not is_null_schema(member)]
            return " | ".join(sorted(members))
    types = non_null_types(schema)
    if not types:
        return "any"
    words = []
    for name in sorted(types):
        if name == "array":
            items = schema.get("items")
            words.append(f"array of {type_signature(items)}" if isinstance(items, Mapping) else "array")
        elif "format" in schema:
            words.append(f"{name} ({schema['format']})")
        else:
            words.append(name)
    return " | ".join(words)


def is_inline_schema(schema: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(schema, Mapping) and "$ref" not in schema


def is_null_schema(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def is_nullable(schema: Mapping[str, Any]) -> bool:
    declared = schema.get("type")
    if declared == "null" or (isinstance(declared, list) and "null" in declared) or schema.get("nullable") is True:
        return True
    return any(is_null_schema(member) for key in ("oneOf", "anyOf") for member in schema.get(key, []))


def major_of(version: str | None) -> int | None:
    match = re.match(r"\s*v?(\d+)", version or "")
    return int(match.group(1)) if match else None


# --- the generated Python API ----------------------------------------------------------------


def compare_python_api(base_commit: str, project_dir: str, package: str, base_tree: Path) -> PythonApiReport:
    report = PythonApiReport(package)
    new_root = REPO / project_dir
    if not (new_root / package).is_dir():
        report.note = f"{project_dir}/{package} is not in the working tree"
        return report
    if not extract_at(base_commit, f"{project_dir}/{package}", base_tree):
        report.note = f"{project_dir}/{package} is not committed at the base: nothing to compare with"
        return report
    # Static analysis only: the base's code is never imported or run.
    old_api = griffe.load(package, search_paths=[base_tree / project_dir], allow_inspection=False)
    new_api = griffe.load(package, search_paths=[new_root], allow_inspection=False)
    for breakage in griffe.find_breaking_changes(old_api, new_api):
        report.explanations.append(explain(breakage, base_tree))
        # griffe's Markdown names the object within its module only ("sync(search)"): add the module.
        markdown = breakage.explain(style=griffe.ExplanationStyle.MARKDOWN).removeprefix("- ")
        report.markdown.append(f"- `{breakage.obj.module.path}`: {markdown}")
    return report


def extract_at(commit: str, path: str, destination: Path) -> bool:
    """Write the tree at `commit:path` under `destination`; False when the commit has no such path."""
    result = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", path], cwd=REPO, capture_output=True, check=False
    )
    if result.returncode != 0:
        return False
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(destination, filter="data")
    return True


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def explain(breakage: griffe.Breakage, base_tree: Path) -> str:
    """griffe's one-line explanation, without colours, with base-tree paths relative to the repo."""
    text = ANSI_ESCAPE.sub("", breakage.explain(style=griffe.ExplanationStyle.ONE_LINE))
    return text.replace(f"{base_tree}/", "")


# --- output ----------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    lines = [f"Comparing the working tree with {report.base_label} ({report.base_commit[:12]})."]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += ["", "What changed in spec/ (git diff --stat):", indent(report.diffstat or "nothing")]
    breaking = report.breaking_spec_changes
    other = [change for change in report.spec_changes if not change.breaking]
    lines += ["", f"Spec changes that break callers ({len(breaking)}):"]
    lines += [f"  - {change}" for change in breaking] or ["  none"]
    if other:
        lines += ["", f"Other spec changes ({len(other)}):"]
        lines += [f"  - {change}" for change in other]
    for package in report.python_api:
        lines += ["", f"Breaking changes to the public Python API of {package.package} (griffe):"]
        if package.note:
            lines.append(f"  ({package.note})")
        lines += [f"  - {explanation}" for explanation in package.explanations] or ["  none"]
    lines += ["", report.verdict()]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    icon = "❌" if report.fails else ("⚠️" if report.breaking_count else "✅")
    lines = [
        f"## API diff against {report.base_label} (`{report.base_commit[:12]}`)",
        "",
        f"{icon} {report.verdict()}",
        "",
    ]
    for warning in report.warnings:
        lines += [f"> warning: {warning}", ""]
    lines += ["### What changed in `spec/`", "", "```text", report.diffstat or "nothing", "```", ""]
    breaking = report.breaking_spec_changes
    other = [change for change in report.spec_changes if not change.breaking]
    lines += [f"### Spec changes that break callers ({len(breaking)})", ""]
    lines += [f"- **{change.where}**: {change.what}" for change in breaking] or ["none"]
    if other:
        lines += ["", f"### Other spec changes ({len(other)})", ""]
        lines += [f"- {change.where}: {change.what}" for change in other]
    for package in report.python_api:
        lines += ["", f"### Breaking changes to the Python API of `{package.package}`", ""]
        if package.note:
            lines.append(f"_{package.note}_")
        lines += package.markdown or ["none"]
    return "\n".join(lines) + "\n\n"


def indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
