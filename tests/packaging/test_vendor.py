"""`scripts/vendor`: the generated client copied into another project's tree, under another name.

The vendoring runs `scripts/lib/vendor.py` (`scripts/vendor` minus its bootstrap) with this
repository as the source. The end-to-end test proves a renamed copy works with nothing but its
declared dependencies installed and the original package absent; the others pin down the
promises around it: refusing foreign directories and a stale generated/, replacing a previous
copy whole, and a VENDORED.md that says where the copy came from and how to update it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.support import (
    API_KEY,
    CACHE_NAMES,
    CLIENT_PROJECT,
    MODELS_PROJECT,
    REPO_ROOT,
    SPEC_PATH,
    PrismServer,
    cannot_import,
    clean_env,
    copy_without_caches,
    create_venv,
    describe,
    named_examples,
    package_files,
    pip_install,
    read_provenance,
    read_pyproject,
    run,
    run_python_json,
)

# Run as a module of the repository it copies from, from anywhere (the repository on PYTHONPATH).
VENDOR_MODULE = "scripts.lib.vendor"


def vendor_env(source_repo: Path) -> dict[str, str]:
    return clean_env(PYTHONPATH=str(source_repo))


VENDOR_COMMAND = REPO_ROOT / "scripts" / "vendor"
NEW_NAME = "acme_ravan_v2"


def vendor(dest: Path, *args: str, source_repo: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", VENDOR_MODULE, dest, *args], cwd=dest, env=vendor_env(source_repo))


def vendor_ok(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = vendor(dest, *args)
    assert result.returncode == 0, describe(result)
    return result


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under `root`, by relative path: equal dicts mean equal trees."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def git_head() -> str:
    result = run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT)
    assert result.returncode == 0, describe(result)
    return result.stdout.strip()


def expected_source_repository() -> str:
    """This checkout's first remote (a CI clone has `origin`), or its path when it has none."""
    remotes = run(["git", "remote"], cwd=REPO_ROOT).stdout.split()
    if not remotes:
        return str(REPO_ROOT)
    name = "origin" if "origin" in remotes else remotes[0]
    url = run(["git", "remote", "get-url", name], cwd=REPO_ROOT).stdout.strip()
    return re.sub(r"^(https?://)[^/@]*@", r"\1", url)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Another team's project: a directory with its own code, to vendor into."""
    root = tmp_path / "other-project"
    root.mkdir()
    (root / "app.py").write_text("print('the other project')\n", encoding="utf-8")
    return root


# --- the renamed copy works on its own -----------------------------------------------------------

LIST_WITH_VENDORED_CLIENT = f"""
import importlib.util, json, sys
import {NEW_NAME}
from {NEW_NAME} import RavanClient
from {NEW_NAME}._base_client import logger

base_url, api_key = sys.argv[1], sys.argv[2]
with RavanClient(api_key=api_key, base_url=base_url, max_retries=0, timeout=10) as client:
    page = client.call_sessions.list()
print(json.dumps({{
    "ids": [session.id for session in page.items],
    "location": {NEW_NAME}.__file__,
    "logger": logger.name,
    "original_importable": importlib.util.find_spec("ravan_client") is not None,
}}))
"""


@pytest.mark.slow
def test_renamed_copy_lists_call_sessions_with_only_its_declared_dependencies(
    project: Path, prism: PrismServer, tmp_path: Path
) -> None:
    vendor_ok(project, "--package", NEW_NAME)
    copy = project / NEW_NAME
    # No trace of the original name is left in the copy (VENDORED.md says what it was copied from).
    leftovers = [
        path.name
        for path in copy.rglob("*")
        if path.is_file() and path.name != "VENDORED.md" and path.name != ".vendored"
        if re.search(r"\bravan_client\b", path.read_text(encoding="utf-8"))
    ]
    assert leftovers == []

    python = create_venv(tmp_path / "venv")
    dependencies = read_pyproject(CLIENT_PROJECT)["project"]["dependencies"]
    pip_install(python, *dependencies)
    # The project's root is the working directory, so its own tree is importable, as it is for
    # the project's code; the virtualenv holds only the declared dependencies.
    result = run_python_json(python, LIST_WITH_VENDORED_CLIENT, prism.base_url, API_KEY, cwd=project)

    assert result["ids"] == next(iter(named_examples().values()))
    assert Path(result["location"]).parent == copy
    assert result["logger"] == NEW_NAME
    assert result["original_importable"] is False
    assert cannot_import(python, "ravan_client", cwd=project)


# --- what vendoring refuses ----------------------------------------------------------------------


def test_refuses_to_overwrite_a_directory_it_did_not_vendor(project: Path) -> None:
    foreign = project / NEW_NAME
    foreign.mkdir()
    (foreign / "__init__.py").write_text("OURS = True\n", encoding="utf-8")

    result = vendor(project, "--package", NEW_NAME)

    assert result.returncode == 1, describe(result)
    assert "not overwriting" in result.stderr
    assert tree_hashes(foreign) == {"__init__.py": hashlib.sha256(b"OURS = True\n").hexdigest()}


def test_refuses_to_replace_a_file_or_another_packages_copy(project: Path) -> None:
    (project / "ravan_client").write_text("a file, not a package\n", encoding="utf-8")
    assert vendor(project).returncode == 1
    assert (project / "ravan_client").read_text(encoding="utf-8") == "a file, not a package\n"

    # A copy vendored under one name is not a copy of another package.
    vendor_ok(project, "--package", "first_copy")
    (project / "first_copy").rename(project / "second_copy")
    result = vendor(project, "--package", "second_copy")
    assert result.returncode == 1, describe(result)
    assert "not a copy of second_copy" in result.stderr


def test_refuses_a_generated_tree_that_is_stale_for_the_spec(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "source-repo"
    for name in ("spec", "scripts", "generated"):
        copy_without_caches(REPO_ROOT / name, source / name)
    stale_spec = source / SPEC_PATH.relative_to(REPO_ROOT)
    stale_spec.write_text(stale_spec.read_text(encoding="utf-8") + "\n# edited, not regenerated\n", encoding="utf-8")

    result = vendor(project, source_repo=source)

    assert result.returncode == 1, describe(result)
    assert "stale" in result.stderr
    assert "scripts/generate" in result.stderr
    assert sorted(path.name for path in project.iterdir()) == ["app.py"]


@pytest.mark.parametrize("name", ["acme-ravan", "2fast", "class", "ravan_models"])
def test_refuses_a_name_that_cannot_be_imported_or_clashes(project: Path, name: str) -> None:
    result = vendor(project, "--package", name)
    assert result.returncode == 1, describe(result)
    assert name in result.stderr
    assert sorted(path.name for path in project.iterdir()) == ["app.py"]


# --- updating a copy -----------------------------------------------------------------------------


def test_vendoring_again_replaces_the_copy_whole(project: Path) -> None:
    vendor_ok(project, "--package", NEW_NAME, "--with-models")
    copy = project / NEW_NAME
    first = tree_hashes(copy)
    (copy / "stale_module.py").write_text("LEFT_BEHIND = True\n", encoding="utf-8")
    (copy / "models" / "stale_dir").mkdir()
    (copy / "models" / "stale_dir" / "gone.py").write_text("", encoding="utf-8")
    (copy / "_client.py").write_text("# edited by hand\n", encoding="utf-8")

    vendor_ok(project, "--package", NEW_NAME, "--with-models")

    assert tree_hashes(copy) == first
    assert not (copy / "models" / "stale_dir").exists()
    assert sorted(path.name for path in project.iterdir()) == sorted(["app.py", NEW_NAME, f"{NEW_NAME}_models"])


def test_copy_holds_the_package_its_readme_and_the_vendoring_records(project: Path) -> None:
    vendor_ok(project, "--with-models")
    for source_project, name in ((CLIENT_PROJECT, "ravan_client"), (MODELS_PROJECT, "ravan_models")):
        copied = {path.relative_to(project).as_posix() for path in (project / name).rglob("*") if path.is_file()}
        records = {f"{name}/README.md", f"{name}/VENDORED.md", f"{name}/.vendored"}
        assert copied == package_files(source_project / name) | records
        assert not any(CACHE_NAMES.intersection(Path(path).parts) for path in copied)
        # Without --package nothing is renamed: the code is byte for byte the generated code.
        init = (project / name / "__init__.py").read_bytes()
        assert init == (source_project / name / "__init__.py").read_bytes()


# --- VENDORED.md ---------------------------------------------------------------------------------


def test_vendored_md_says_where_the_copy_came_from_and_how_to_update_it(project: Path) -> None:
    vendor_ok(project, "--package", NEW_NAME, "--with-models")
    provenance = read_provenance()
    expected_command = shlex.join([str(VENDOR_COMMAND), str(project), "--package", NEW_NAME, "--with-models"])

    for name, original in ((NEW_NAME, "ravan_client"), (f"{NEW_NAME}_models", "ravan_models")):
        doc = (project / name / "VENDORED.md").read_text(encoding="utf-8")
        assert f"# Vendored copy of `{original}`" in doc
        assert f"renamed `{name}`" in doc
        assert f"| source repository | `{expected_source_repository()}` |" in doc
        assert git_head() in doc
        assert provenance["spec_sha256"] in doc
        assert f"version {provenance['spec_version']}" in doc
        assert provenance["package_version"] in doc
        for generator, version in provenance["generators"].items():
            assert f"{generator} {version}" in doc
        assert f"```sh\n{expected_command}\n```" in doc

        stamp = json.loads((project / name / ".vendored").read_text(encoding="utf-8"))
        assert stamp["package"] == name
        assert stamp["original_package"] == original
        assert stamp["command"] == expected_command
        assert stamp["spec_sha256"] == provenance["spec_sha256"]
        assert stamp["generators"] == provenance["generators"]

    client_doc = (project / NEW_NAME / "VENDORED.md").read_text(encoding="utf-8")
    for requirement in read_pyproject(CLIENT_PROJECT)["project"]["dependencies"]:
        assert f"`{requirement}`" in client_doc
    assert f"Vendored together with `{NEW_NAME}_models`" in client_doc


def test_update_command_in_vendored_md_reproduces_the_copy(project: Path) -> None:
    vendor_ok(project, "--package", NEW_NAME)
    before = tree_hashes(project / NEW_NAME)
    doc = (project / NEW_NAME / "VENDORED.md").read_text(encoding="utf-8")
    match = re.search(r"```sh\n(.+)\n```", doc)
    assert match, doc
    command = shlex.split(match.group(1))
    assert command[0] == str(VENDOR_COMMAND)

    # Run it as written, minus the bootstrap that scripts/vendor does first, from elsewhere.
    result = run([sys.executable, "-m", VENDOR_MODULE, *command[1:]], cwd=Path("/"), env=vendor_env(REPO_ROOT))
    assert result.returncode == 0, describe(result)
    assert tree_hashes(project / NEW_NAME) == before
