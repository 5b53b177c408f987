"""The breaking-change gate: what a change to the spec and the generated packages breaks for callers.

This is the body of `scripts/api-diff`. It compares the working tree (or `--head REF`) with BASE_REF
(by default the merge base with `main`; HEAD when there is none or when HEAD is on `main`):

1. The spec, `spec/openapi.yaml`, read through the generator's own resolver
   (`openapi_document.OpenAPIDocument`: `$ref`s, `allOf`, path-level parameters and nullable unions
   are followed the way the generated code sees them). A rule knows which way the data flows:
   a schema reached from a request (parameters, request body) breaks callers when what it
   accepts narrows; a schema reached from a response breaks them when what it may contain
   widens, or when something they read disappears. Request and response bodies are compared
   media type by media type (JSON, form-urlencoded, multipart, any other): a form body's own
   properties are fields of the call, and a multipart body's file parts have rules of their own.
   Operations, success statuses and `x-pagination` (the pager's contract) are compared too.
2. The public Python API of the generated packages (`generated/ravan-client/ravan_client`,
   `generated/ravan-models/ravan_models`): griffe's breaking changes (signatures, removed
   objects), plus the annotations of class attributes (model fields), which griffe does not
   compare. When the `generated/` of a side is not what that side's spec produces (its provenance
   stamp says so), both sides are generated afresh from their own inputs into a temporary
   directory and those are compared; when a side cannot be generated, the spec half alone decides.
   Either way the report says so.

Every finding carries a rule of `RULES`: a stable id, a severity (breaking, warning, info), the
side it applies to and one line saying why. `--list-rules` prints that catalogue; the report comes
as text, Markdown or JSON (`--format`), and `--summary FILE` appends the Markdown (CI passes
$GITHUB_STEP_SUMMARY).

Policy: the exit code is 1 when anything breaks callers, unless the spec's `info.version` major
number went up since the base (a breaking release is then announced; the report still lists
every finding). It is 0 otherwise, and 2 on a usage error such as an unknown ref.

The gate lives in rooms of `scripts/lib/apidiff/`: `rules` (the catalogue, and the findings that cite
it), `spec_half` (1.), `python_half` (2., with generating a stale side afresh), `report` (the verdict
and its rendering) and `repository` (git). This module is the entry: it puts them together
(`build_report`), reads the command line (`main`), and re-exports what the tests use.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scripts.lib.apidiff.python_half import (
    GenerationFailed,
    RelativePaths,
    Tree,
    checkout,
    committed_python_findings,
    compare_python_packages,
    generate,
    griffe_finding,
    staleness,
)
from scripts.lib.apidiff.report import RENDERERS, Report, render_json, render_markdown, render_rules, render_text
from scripts.lib.apidiff.repository import (
    GENERATED_PACKAGES,
    REPO,
    SPEC,
    commit_of,
    git,
    load_yaml,
    resolve_base,
    spec_text_at,
)
from scripts.lib.apidiff.rules import (
    RULES,
    RULES_BY_ID,
    SCHEMA_CHANGES,
    ApiDiffError,
    Finding,
    Rule,
    Severity,
    Side,
    finding,
    merge_findings,
)
from scripts.lib.apidiff.spec_half import compare_specs

# What the tests (tests/apidiff) and earlier callers reach as `api_diff.NAME`.
__all__ = [
    "REPO",
    "RULES",
    "RULES_BY_ID",
    "SCHEMA_CHANGES",
    "ApiDiffError",
    "Finding",
    "GenerationFailed",
    "RelativePaths",
    "Report",
    "Rule",
    "Severity",
    "Side",
    "Tree",
    "build_report",
    "compare_python_packages",
    "compare_specs",
    "finding",
    "generate",
    "griffe_finding",
    "main",
    "merge_findings",
    "render_json",
    "render_markdown",
    "render_rules",
    "render_text",
]


def build_report(base_ref: str | None, head_ref: str | None = None) -> Report:
    base_commit, base_label = resolve_base(base_ref)
    head_commit = None
    if head_ref:
        head_commit = commit_of(head_ref)
        if head_commit is None:
            raise ApiDiffError(f"{head_ref!r} does not name a commit in this repository")
    old_text = spec_text_at(base_commit)
    if head_commit is None:
        new_text: str | None = (REPO / SPEC).read_text(encoding="utf-8")
        head_label = "the working tree"
    else:
        new_text = spec_text_at(head_commit)
        head_label = f"{head_ref} ({head_commit[:12]})"
    if new_text is None:
        raise ApiDiffError(f"{SPEC} does not exist in {head_label}")
    new_spec = load_yaml(new_text, f"{SPEC} ({head_label})")
    warnings = []
    findings: list[Finding] = []
    old_spec = None
    if old_text is None:
        warnings.append(f"{SPEC} does not exist at {base_label}: everything in it is new.")
    else:
        old_spec = load_yaml(old_text, f"{SPEC} at {base_commit[:12]}")
        findings += compare_specs(old_spec, new_spec)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="api-diff-") as scratch_name:
        scratch = Path(scratch_name)
        base = checkout(base_commit, base_label, scratch / "base-inputs")
        head = checkout(head_commit, head_label, scratch / "head-inputs")
        stale = [] if old_text is None else [(tree, staleness(tree)) for tree in (base, head)]
        stale_text = " and at ".join(f"{tree.label} ({reason})" for tree, reason in stale if reason)
        if not stale_text:
            findings += committed_python_findings(base, head, scratch, warnings)
        else:
            try:
                base_root, head_root = generate(base, scratch), generate(head, scratch)
            except GenerationFailed as error:
                warnings.append(
                    f"generated/ is not what the spec produces at {stale_text}, and {error}: the Python API is "
                    "not compared, the spec half alone gives the verdict."
                )
            else:
                notes.append(
                    f"generated/ is not what the spec produces at {stale_text}: the Python API is compared "
                    "between both sides generated afresh from their own spec/ (scripts/generate --out, into a "
                    "temporary directory)."
                )
                relative = RelativePaths(base_root, head_root)
                for project_dir, package in GENERATED_PACKAGES:
                    old_project, new_project = base_root / project_dir, head_root / project_dir
                    findings += compare_python_packages(old_project, new_project, package, relative)
    diff_args = [base_commit, head_commit] if head_commit else [base_commit]
    return Report(
        base_label=base_label,
        base_commit=base_commit,
        head_label=head_label,
        old_version=str(old_spec["info"]["version"]) if old_spec is not None else None,
        new_version=str(new_spec["info"]["version"]),
        diffstat=git("diff", "--stat", *diff_args, "--", "spec/").strip(),
        findings=merge_findings(findings),
        warnings=warnings,
        notes=notes,
    )


def main(argv: Sequence[str] | None = None) -> int:
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
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="how to print (default: text)")
    parser.add_argument(
        "--head",
        metavar="REF",
        help="compare the spec and generated/ committed at REF instead of the working tree",
    )
    parser.add_argument("--list-rules", action="store_true", help="print the catalogue of rules and exit")
    args = parser.parse_args(argv)
    if args.list_rules:
        print(render_rules(args.format))
        return 0
    try:
        report = build_report(args.base_ref, args.head)
    except ApiDiffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(RENDERERS[args.format](report))
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(report) + "\n")
    return 1 if report.fails else 0


if __name__ == "__main__":
    sys.exit(main())
