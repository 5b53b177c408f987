"""The Python half of the gate: the public Python API of the generated packages, compared.

`generated/ravan-client/ravan_client` and `generated/ravan-models/ravan_models` are loaded by
griffe (static analysis only: the base's code is never imported or run); griffe's breaking changes
(signatures, removed objects) become findings, and the annotations of class attributes (model
fields), which griffe does not compare, are compared here member by member of their unions.

When the `generated/` of a side is not what that side's spec produces (its provenance stamp says
so), both sides are generated afresh from their own inputs into a temporary directory (`Tree`,
`staleness`, `generate`) and those are compared; `GenerationFailed` says when a side cannot be,
and the spec half alone decides. The entry (`scripts/lib/api_diff.py`) chooses which.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import griffe
import yaml

from scripts.lib.apidiff.repository import GENERATED_PACKAGES, REPO, SPEC, extract_at
from scripts.lib.apidiff.rules import ApiDiffError, Finding, finding

# griffe's kinds of breakage, each with its rule of `rules.RULES`; another kind is python-api-breakage.
GRIFFE_RULES = {
    griffe.BreakageKind.OBJECT_REMOVED: "python-object-removed",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: "python-object-changed-kind",
    griffe.BreakageKind.PARAMETER_REMOVED: "python-parameter-removed",
    griffe.BreakageKind.PARAMETER_MOVED: "python-parameter-moved",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "python-parameter-changed-kind",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "python-parameter-changed-required",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "python-parameter-added-required",
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: "python-parameter-changed-default",
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "python-return-changed-type",
    griffe.BreakageKind.CLASS_REMOVED_BASE: "python-class-removed-base",
}

TYPING_ALIASES = {
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Tuple": "tuple",
    "Type": "type",
    "NoneType": "None",
}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class PythonTypes:
    """What annotations of one package version mean: its type aliases (`X = Literal[...]`) and
    each class's bases, so that `Literal['a']` or a str enum counts as narrower than `str`."""

    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    bases: dict[str, frozenset[str]] = field(default_factory=dict)

    def members(self, annotation: str) -> frozenset[str]:
        """The members of an annotation's top-level union, each normalized: `Optional[X]`,
        `Union[X, None]` and `X | None` are alike, `Annotated` metadata is dropped, aliases expanded."""
        try:
            tree = ast.parse(annotation, mode="eval").body
        except SyntaxError:
            return frozenset({annotation})
        return frozenset(self._members(tree))

    def _members(self, node: ast.expr) -> Iterator[str]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            yield from self._members(node.left)
            yield from self._members(node.right)
        elif isinstance(node, ast.Subscript):
            base = _last_name(node.value)
            arguments = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base == "Union":
                for argument in arguments:
                    yield from self._members(argument)
            elif base == "Optional":
                yield from self._members(arguments[0])
                yield "None"
            elif base == "Annotated":
                # Its metadata (pydantic's Field: alias, description, bounds) is not the type.
                yield from self._members(arguments[0])
            elif base == "Literal":
                # One member per value, so that a Literal that gains a value is a wider type.
                yield from (f"Literal[{ast.unparse(argument)}]" for argument in arguments)
            else:
                inner = ", ".join(" | ".join(sorted(self._members(argument))) for argument in arguments)
                yield f"{TYPING_ALIASES.get(base, base)}[{inner}]"
        elif isinstance(node, ast.Constant) and node.value is None:
            yield "None"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from self.members(node.value)  # a forward reference
        elif isinstance(node, ast.Name | ast.Attribute):
            name = TYPING_ALIASES.get(_last_name(node), _last_name(node))
            # Aliases hold members already expanded when they were read: no recursion here.
            yield from self.aliases.get(name, {name})
        else:
            yield ast.unparse(node)

    def is_subtype(self, narrow: str, wide: str, depth: int = 0) -> bool:
        if narrow == wide or wide in {"Any", "object"}:
            return True
        if narrow.startswith("Literal["):
            try:
                value = ast.literal_eval(narrow.removeprefix("Literal[").removesuffix("]"))
            except (ValueError, SyntaxError):
                return False
            return self.is_subtype(type(value).__name__, wide, depth + 1)
        if (narrow, wide) in {("int", "float"), ("bool", "int"), ("bool", "float")}:
            return True
        return depth < 8 and any(self.is_subtype(base, wide, depth + 1) for base in self.bases.get(narrow, ()))

    def covered(self, members: frozenset[str], by: frozenset[str]) -> bool:
        return all(any(self.is_subtype(member, wide) for wide in by) for member in members)


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ast.unparse(node)


def python_types(package: griffe.Module) -> PythonTypes:
    types = PythonTypes()
    for module in walk_modules(package):
        for name, member in module.members.items():
            if member.is_alias or not isinstance(member, griffe.Attribute) or member.value is None:
                continue
            value = str(member.value)
            if is_type_alias(value):
                types.aliases[name] = types.members(value)
    for cls in public_classes(package).values():
        types.bases[cls.name] = frozenset(_last_name(ast.parse(str(base), mode="eval").body) for base in cls.bases)
    return types


def is_type_alias(value: str) -> bool:
    """Whether a module attribute's value is a union or a Literal: `Status = Literal["a", "b"]`
    (how the generated client spells an enum) names a type that annotations then use."""
    try:
        tree = ast.parse(value, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(tree, ast.Subscript):
        return _last_name(tree.value) in {"Literal", "Union", "Optional"}
    return isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.BitOr)


def walk_modules(module: griffe.Module) -> Iterator[griffe.Module]:
    yield module
    for member in module.members.values():
        if not member.is_alias and isinstance(member, griffe.Module):
            yield from walk_modules(member)


def public_classes(package: griffe.Module) -> dict[str, griffe.Class]:
    """Every class with a public name, by path, private modules included (their public classes
    are re-exported: `_client.RavanClient`)."""
    found: dict[str, griffe.Class] = {}

    def visit(container: griffe.Module | griffe.Class) -> None:
        for name, member in container.members.items():
            if member.is_alias or not isinstance(member, griffe.Class) or name.startswith("_"):
                continue
            found[member.path] = member
            visit(member)

    for module in walk_modules(package):
        visit(module)
    return found


def model_field_findings(old_api: griffe.Module, new_api: griffe.Module, relative: RelativePaths) -> list[Finding]:
    """The annotations of public class attributes (attrs and pydantic model fields above all),
    compared member by member of their unions: what griffe leaves out."""
    old_types, new_types = python_types(old_api), python_types(new_api)
    combined = PythonTypes(
        aliases={**old_types.aliases, **new_types.aliases}, bases={**old_types.bases, **new_types.bases}
    )
    old_classes, new_classes = public_classes(old_api), public_classes(new_api)
    findings = []
    for old_class, new_class in matched_classes(old_classes, new_classes):
        for name, old_attribute in old_class.members.items():
            new_attribute = new_class.members.get(name)
            if (
                name.startswith("_")
                or new_attribute is None
                or old_attribute.is_alias
                or new_attribute.is_alias
                or not isinstance(old_attribute, griffe.Attribute)
                or not isinstance(new_attribute, griffe.Attribute)
                or old_attribute.annotation is None
                or new_attribute.annotation is None
            ):
                continue
            old_text, new_text = str(old_attribute.annotation), str(new_attribute.annotation)
            old_members, new_members = old_types.members(old_text), new_types.members(new_text)
            if old_members == new_members:
                continue
            widened = combined.covered(old_members, new_members)
            narrowed = combined.covered(new_members, old_members)
            if widened and narrowed:
                continue  # the same values spelled otherwise
            shown = f"`{old_class.name}.{name}`: {union_text(old_members)} -> {union_text(new_members)}"
            if widened:
                gained = sorted(m for m in new_members if not any(combined.is_subtype(m, o) for o in old_members))
                rule_id = "python-model-field-type-widened"
                message = f"{shown}; it may now hold {', '.join(gained)}, which code reading it does not expect."
            elif narrowed:
                lost = sorted(m for m in old_members if not any(combined.is_subtype(m, n) for n in new_members))
                rule_id = "python-model-field-type-narrowed"
                message = f"{shown}; it no longer holds {', '.join(lost) or 'some values'}."
            else:
                rule_id = "python-model-field-type-changed"
                message = f"{shown}; the new type is neither wider nor narrower."
            source = f"{relative.path(new_attribute.filepath)}:{new_attribute.lineno or 0}"
            findings.append(finding(rule_id, new_attribute.path, message, source))
    return findings


def union_text(members: frozenset[str]) -> str:
    return " | ".join(sorted(members))


def matched_classes(
    old: Mapping[str, griffe.Class], new: Mapping[str, griffe.Class]
) -> Iterator[tuple[griffe.Class, griffe.Class]]:
    """Pairs of the same class in both versions: by path, else by a name unique on both sides
    (a class that moved module, such as a client moved into `_client.py`)."""
    new_by_name: dict[str, list[griffe.Class]] = {}
    for path, cls in new.items():
        if path not in old:
            new_by_name.setdefault(cls.name, []).append(cls)
    old_names = Counter(cls.name for cls in old.values())
    for path, old_class in old.items():
        if path in new:
            yield old_class, new[path]
        elif len(new_by_name.get(old_class.name, [])) == 1 and old_names[old_class.name] == 1:
            yield old_class, new_by_name[old_class.name][0]


class RelativePaths:
    """Shows file paths relative to the repository, whichever tree (a temporary one) they are in."""

    def __init__(self, *roots: Path) -> None:
        self.roots = [root.resolve() for root in roots]

    def path(self, path: Path | list[Path] | None) -> str:
        # griffe gives a list of directories for a namespace package, which has no one file.
        return self.text(str(path)) if isinstance(path, Path) else "?"

    def text(self, text: str) -> str:
        for root in self.roots:
            text = text.replace(f"{root}/", "")
        return text


def griffe_finding(breakage: griffe.Breakage, relative: RelativePaths) -> Finding:
    """griffe's one-line explanation as a finding: `file:line: Object.name: Kind: old -> new`."""
    text = relative.text(ANSI_ESCAPE.sub("", breakage.explain(style=griffe.ExplanationStyle.ONE_LINE)))
    rule_id = GRIFFE_RULES.get(breakage.kind, "python-api-breakage")
    parts = text.split(": ", 2)
    if len(parts) < 3:
        return finding(rule_id, breakage.obj.path, text)
    location, title, change = parts
    # An alias (a re-exported name) lives in the module that imports it, not in its target's.
    owner = breakage.obj.parent if breakage.obj.is_alias and breakage.obj.parent else breakage.obj
    return finding(rule_id, f"{owner.module.path}.{title}", f"{title}: {change}", location)


def compare_python_packages(old_root: Path, new_root: Path, package: str, relative: RelativePaths) -> list[Finding]:
    """griffe's breakages and the model field annotations of `package`, found under both roots."""
    # Static analysis only: the base's code is never imported or run.
    old_api = griffe.load(package, search_paths=[old_root], allow_inspection=False)
    new_api = griffe.load(package, search_paths=[new_root], allow_inspection=False)
    if not isinstance(old_api, griffe.Module) or not isinstance(new_api, griffe.Module):
        raise ApiDiffError(f"{package} did not load as a package")
    findings = [griffe_finding(breakage, relative) for breakage in griffe.find_breaking_changes(old_api, new_api)]
    return findings + model_field_findings(old_api, new_api, relative)


# --- the packages committed at both sides --------------------------------------------------------


def committed_python_findings(base: Tree, head: Tree, scratch: Path, warnings: list[str]) -> list[Finding]:
    """The Python API of the packages committed at both sides (the working tree's as on disk)."""
    base_tree = scratch / "base"
    head_tree = REPO if head.commit is None else scratch / "head"
    relative = RelativePaths(base_tree, head_tree, REPO)
    findings: list[Finding] = []
    for project_dir, package in GENERATED_PACKAGES:
        if head.commit is not None and not extract_at(head.commit, f"{project_dir}/{package}", head_tree):
            warnings.append(f"{project_dir}/{package} is not committed at {head.label}: not compared")
            continue
        if not (head_tree / project_dir / package).is_dir():
            warnings.append(f"{project_dir}/{package} is not in {head.label}: not compared")
            continue
        assert base.commit is not None
        if not extract_at(base.commit, f"{project_dir}/{package}", base_tree):
            warnings.append(f"{project_dir}/{package} is not committed at the base: nothing to compare with")
            continue
        findings += compare_python_packages(base_tree / project_dir, head_tree / project_dir, package, relative)
    return findings


# --- generating a side afresh --------------------------------------------------------------------

# What the generate step reads, checked out at a commit to generate that commit's packages.
GENERATE_INPUTS = ("spec", "scripts/lib", "pyproject.toml", ".spectral.yaml")
GENERATE_SCRIPT = "scripts/lib/generate.py"
# Run as a module of the checkout (its working directory), whose `scripts.lib` it imports.
GENERATE_MODULE = "scripts.lib.generate"
PROVENANCE = "generated/provenance.json"
# Seconds for one side: about ten on a quiet machine; a busy CI machine gets a wide margin.
GENERATE_TIMEOUT = 900
# What the generate step of a checkout would stamp as inputs_sha256 today (argv: the spec).
# Run with the checkout as the working directory, which `python -c` puts first on sys.path.
INPUTS_DIGEST = (
    "import sys, yaml\n"
    "from scripts.lib.generate import build_provenance\n"
    "spec = open(sys.argv[1], 'rb').read()\n"
    "print(build_provenance(spec, yaml.safe_load(spec))['inputs_sha256'])\n"
)


class GenerationFailed(Exception):
    """A side's packages could not be generated; the message names the side and says why."""


@dataclass(frozen=True)
class Tree:
    """One side of the comparison: its commit (None for the working tree), how the report names it,
    and a checkout of what the generate step reads (the repository itself for the working tree)."""

    commit: str | None
    label: str
    root: Path

    def read(self, path: str) -> bytes | None:
        """A committed file's bytes (the working tree's on disk), or None when there is none."""
        if self.commit is None:
            file = REPO / path
            return file.read_bytes() if file.is_file() else None
        result = subprocess.run(["git", "show", f"{self.commit}:{path}"], cwd=REPO, capture_output=True, check=False)
        return result.stdout if result.returncode == 0 else None


def checkout(commit: str | None, label: str, destination: Path) -> Tree:
    """A side, with the generate step's inputs at `commit` written under `destination`."""
    if commit is None:
        return Tree(None, label, REPO)
    destination.mkdir(parents=True)
    for path in GENERATE_INPUTS:
        extract_at(commit, path, destination)  # one that is missing makes generating that side fail
    if (REPO / "node_modules").is_dir():
        # Spectral, which lints the spec first, is a Node tool installed here only.
        (destination / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return Tree(commit, label, destination)


def staleness(tree: Tree) -> str | None:
    """Why the generated/ of a side is not what its spec produces (None when it is): generated from
    another spec, or with other templates, runtime, generator options or versions (its provenance
    stamp, checked the way scripts/lib/provenance.py checks the working tree's)."""
    stamp_bytes = tree.read(PROVENANCE)
    try:
        stamp = json.loads(stamp_bytes) if stamp_bytes is not None else None
    except ValueError:
        stamp = None
    if not isinstance(stamp, dict):
        return f"no readable {PROVENANCE}"
    spec_bytes = tree.read(SPEC) or b""
    if stamp.get("spec_sha256") != hashlib.sha256(spec_bytes).hexdigest():
        return f"made from another {SPEC}"
    if inputs_digest(tree, spec_bytes) != stamp.get("inputs_sha256"):
        return "made with other templates, runtime modules, generator options or versions"
    return None


def inputs_digest(tree: Tree, spec_bytes: bytes) -> str | None:
    """The inputs_sha256 the side's own generate step would stamp today (None if it cannot say)."""
    if tree.commit is None:
        from scripts.lib.generate import build_provenance

        return str(build_provenance(spec_bytes, yaml.safe_load(spec_bytes))["inputs_sha256"])
    # Another commit's generate step (its templates, its hashing): run it, never import it here.
    result = subprocess.run(
        [sys.executable, "-c", INPUTS_DIGEST, str(tree.root / SPEC)],
        cwd=tree.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=GENERATE_TIMEOUT,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def generate(tree: Tree, scratch: Path) -> Path:
    """Generate a side's packages from its own inputs with this environment's pinned generators, as
    `scripts/generate --spec FILE --out DIR` does; the directory whose `generated/` holds them."""
    script = tree.root / GENERATE_SCRIPT
    if not script.is_file() or not (tree.root / SPEC).is_file():
        raise GenerationFailed(f"{tree.label} has no {GENERATE_SCRIPT} or no {SPEC} to generate from")
    # A fresh directory that does not exist yet: the generate step makes (and may replace) only its own.
    root = Path(tempfile.mkdtemp(prefix="generated-", dir=scratch))
    command = [sys.executable, "-m", GENERATE_MODULE, "--spec", str(tree.root / SPEC), "--out", str(root / "generated")]
    try:
        result = subprocess.run(
            command, cwd=tree.root, capture_output=True, text=True, check=False, timeout=GENERATE_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise GenerationFailed(f"{tree.label} could not be generated within {GENERATE_TIMEOUT} s") from None
    if result.returncode != 0 or not (root / "generated").is_dir():
        raise GenerationFailed(f"{tree.label} could not be generated ({generation_error(result)})")
    return root


def generation_error(result: subprocess.CompletedProcess[str]) -> str:
    """The generate step's own one-line reason (its `error: ...` line), or its last line of output."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    reason = next((line.removeprefix("error: ") for line in lines if line.startswith("error: ")), None)
    if reason is None:
        reason = lines[-1] if lines else f"exit code {result.returncode}"
    return reason if len(reason) <= 240 else reason[:237] + "..."
