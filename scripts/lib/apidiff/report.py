"""The gate's report: what the comparison found, the verdict the exit code follows, and its rendering.

The report prints as text, Markdown (the `--summary` CI appends to $GITHUB_STEP_SUMMARY) or JSON;
`render_rules` prints the catalogue the same three ways (the README's rule table is its Markdown).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scripts.lib.apidiff.rules import RULES, Finding, Severity


@dataclass
class Report:
    """Everything the comparison found, and the verdict the exit code follows."""

    base_label: str
    base_commit: str
    head_label: str
    old_version: str | None
    new_version: str
    diffstat: str
    findings: list[Finding]
    warnings: list[str]
    notes: list[str] = field(default_factory=list)
    """How the comparison was made, when not the usual way (both sides generated afresh)."""

    def of(self, severity: Severity) -> list[Finding]:
        return [item for item in self.findings if item.severity is severity]

    @property
    def breaking_count(self) -> int:
        return len(self.of(Severity.BREAKING))

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
            f"{self.breaking_count} breaking change(s) without a major version bump ({versions}): this fails. "
            "Keep the old field, parameter or response, or bump the major number of info.version if the break "
            "is intended."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "base": {"label": self.base_label, "commit": self.base_commit},
            "head": self.head_label,
            "versions": {"old": self.old_version, "new": self.new_version, "major_bumped": self.major_bumped},
            "fails": self.fails,
            "verdict": self.verdict(),
            "counts": {str(severity): len(self.of(severity)) for severity in Severity},
            "warnings": self.warnings,
            "notes": self.notes,
            "findings": [item.as_json() for item in self.findings],
        }


def major_of(version: str | None) -> int | None:
    match = re.match(r"\s*v?(\d+)", version or "")
    return int(match.group(1)) if match else None


SECTION_TITLES = {
    Severity.BREAKING: "Breaking changes",
    Severity.WARNING: "Warnings, not breaking but worth a look",
    Severity.INFO: "Other changes, not breaking",
}


def render_text(report: Report) -> str:
    lines = [f"Comparing {report.head_label} with {report.base_label} ({report.base_commit[:12]})."]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += [f"note: {note}" for note in report.notes]
    lines += ["", "What changed in spec/ (git diff --stat):", indent(report.diffstat or "nothing")]
    for severity in Severity:
        found = report.of(severity)
        if not found and severity is not Severity.BREAKING:
            continue
        lines += ["", f"{SECTION_TITLES[severity]} ({len(found)}):"]
        lines += [line for item in found for line in text_lines(item)] or ["  none"]
    lines += ["", report.verdict()]
    return "\n".join(lines)


def text_lines(item: Finding) -> list[str]:
    where = item.where[0] + (f" (and {len(item.where) - 1} more)" if len(item.where) > 1 else "")
    lines = [f"  - [{item.rule.id}] {where}", f"      {item.message}"]
    if item.source:
        lines.append(f"      at {item.source}")
    return lines


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
    for note in report.notes:
        lines += [f"> note: {note}", ""]
    lines += ["### What changed in `spec/`", "", "```text", report.diffstat or "nothing", "```", ""]
    for severity in Severity:
        found = report.of(severity)
        if not found and severity is not Severity.BREAKING:
            continue
        lines += [f"### {SECTION_TITLES[severity]} ({len(found)})", ""]
        if not found:
            lines += ["none", ""]
            continue
        lines += ["| Rule | Where | Change | Defined at |", "| --- | --- | --- | --- |"]
        for item in found:
            where = "<br>".join(cell(w) for w in item.where)
            source = f"`{cell(item.source)}`" if item.source else ""
            lines.append(f"| `{item.rule.id}` | {where} | {cell(item.message)} | {source} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False)


def cell(text: str) -> str:
    """Text that cannot break a Markdown table row."""
    return text.replace("|", "\\|").replace("\n", " ")


def indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def render_rules(output_format: str) -> str:
    if output_format == "json":
        return json.dumps(
            [
                {"id": r.id, "severity": str(r.severity), "side": str(r.side), "description": r.description}
                for r in RULES
            ],
            indent=2,
        )
    if output_format == "markdown":
        lines = ["| Rule id | Severity | Side | What it means |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r.id}` | {r.severity} | {r.side} | {cell(r.description)} |" for r in RULES]
        return "\n".join(lines)
    width = max(len(rule.id) for rule in RULES)
    return "\n".join(f"{r.id:<{width}}  {r.severity:<8}  {r.side:<9}  {r.description}" for r in RULES)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
