"""Where the gate finds things in the repository, and how it reads the repository at a commit (git).

Shared by the entry (which commits to compare, each side's spec) and the Python half (the generated
packages committed at a side, the generate step's inputs).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import yaml

from scripts.lib.apidiff.rules import ApiDiffError

# The checkout this copy of the gate belongs to (a test's scratch repository runs its own copy).
REPO = Path(__file__).resolve().parents[3]
SPEC = "spec/openapi.yaml"
# (project directory, import package) of each generated package, as committed.
GENERATED_PACKAGES = (
    ("generated/ravan-client", "ravan_client"),
    ("generated/ravan-models", "ravan_models"),
)


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


def spec_text_at(commit: str) -> str | None:
    result = subprocess.run(["git", "show", f"{commit}:{SPEC}"], cwd=REPO, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def load_yaml(text: str, label: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ApiDiffError(f"{label} is not valid YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise ApiDiffError(f"{label} is not an OpenAPI document")
    return loaded


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
