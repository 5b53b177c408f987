"""The provenance stamp: what the committed packages were generated from, and how it versions them.

The first tests read the real generated packages (pytest puts them on sys.path) and compare them
with the real spec, the installed generators and `generated/provenance.json`. The last ones change
one input at a time in a scratch copy and expect the package version to follow.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import ravan_client
import ravan_client._provenance
import ravan_models
import ravan_models._provenance
from tests.generate.scratch import (
    CLIENT_PROJECT_DIR,
    GENERATE_SCRIPT,
    GENERATED,
    MODELS_PROJECT_DIR,
    REPO_ROOT,
    SPEC_PATH,
    describe,
    file_sha256,
    read_provenance,
    replace_once,
    run_generate,
)

GENERATOR_DISTRIBUTIONS = ("datamodel-code-generator", "openapi-python-client", "ruff")
PACKAGES = {"ravan_client": ravan_client, "ravan_models": ravan_models}
PROVENANCE_MODULES = {"ravan_client": ravan_client._provenance, "ravan_models": ravan_models._provenance}
PROJECT_DIRS = {"ravan_client": CLIENT_PROJECT_DIR, "ravan_models": MODELS_PROJECT_DIR}


def spec_version(repo: Path) -> str:
    return str(yaml.safe_load((repo / SPEC_PATH).read_text(encoding="utf-8"))["info"]["version"])


def project_version(project_dir: Path) -> str:
    with (project_dir / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


# --- the committed packages ------------------------------------------------------------------------


@pytest.mark.parametrize("package", list(PACKAGES.values()), ids=list(PACKAGES))
def test_spec_sha256_is_the_hash_of_the_committed_spec(package: ModuleType) -> None:
    assert file_sha256(REPO_ROOT / SPEC_PATH) == package.SPEC_SHA256


@pytest.mark.parametrize("package", list(PACKAGES.values()), ids=list(PACKAGES))
def test_spec_version_is_the_spec_info_version(package: ModuleType) -> None:
    assert spec_version(REPO_ROOT) == package.SPEC_VERSION


@pytest.mark.parametrize("package", list(PACKAGES.values()), ids=list(PACKAGES))
def test_generators_are_the_exact_installed_versions(package: ModuleType) -> None:
    installed = {name: importlib.metadata.version(name) for name in GENERATOR_DISTRIBUTIONS}
    assert installed == package.GENERATORS
    for name, version in package.GENERATORS.items():
        assert re.fullmatch(r"\d+(\.\d+)+", version), f"{name} {version!r} is not an exact release"


PROJECT_NAMES = {"ravan_client": "ravan-client", "ravan_models": "ravan-models"}


def test_provenance_json_agrees_with_both_packages() -> None:
    provenance = read_provenance(REPO_ROOT)

    assert provenance["spec_path"] == SPEC_PATH.as_posix()
    assert provenance["spec_version"] == spec_version(REPO_ROOT)
    for name, package in PACKAGES.items():
        stamped = provenance["packages"][PROJECT_NAMES[name]]
        assert provenance["spec_sha256"] == package.SPEC_SHA256, name
        assert provenance["generators"] == package.GENERATORS, name
        assert stamped["version"] == package.__version__, name
        assert stamped["inputs_sha256"] == PROVENANCE_MODULES[name].INPUTS_SHA256, name
    # The client's version is also the top-level one (what scripts/vendor records).
    assert provenance["package_version"] == ravan_client.__version__


@pytest.mark.parametrize("name", list(PACKAGES))
def test_package_version_is_spec_version_plus_inputs_label(name: str) -> None:
    package = PACKAGES[name]
    inputs_sha256 = PROVENANCE_MODULES[name].INPUTS_SHA256

    assert re.fullmatch(rf"{re.escape(spec_version(REPO_ROOT))}\+g[0-9a-f]{{12}}", package.__version__)
    assert package.__version__.endswith(f"+g{inputs_sha256[:12]}")
    # The distribution metadata carries the same version as the module.
    assert project_version(REPO_ROOT / PROJECT_DIRS[name]) == package.__version__


# --- the version follows every input -------------------------------------------------------------------


def load_generator(repo: Path) -> ModuleType:
    """Import a scratch copy's generate.py (its REPO is the scratch copy) under a unique name."""
    module_name = f"scratch_generate_{abs(hash(repo))}"
    spec = importlib.util.spec_from_file_location(module_name, repo / GENERATE_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def scratch_generator(scratch_repo: Path) -> Iterator[ModuleType]:
    module = load_generator(scratch_repo)
    yield module
    del sys.modules[module.__name__]


def package_versions_of(generator: ModuleType, repo: Path) -> dict[str, str]:
    """The versions generate.py would stamp on each package for the repo's current inputs."""
    spec_bytes = (repo / SPEC_PATH).read_bytes()
    provenance: dict[str, Any] = generator.build_provenance(spec_bytes, yaml.safe_load(spec_bytes), repo / SPEC_PATH)
    return {project: str(package["version"]) for project, package in provenance["packages"].items()}


def append_comment(relative: str) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        path = repo / relative
        comment = "{# a template change #}\n" if relative.endswith(".jinja") else "# an input change\n"
        path.write_text(path.read_text(encoding="utf-8") + comment, encoding="utf-8")

    return edit


def append_to_the_plan(repo: Path) -> None:
    """An edit of one module of the plan other than its `__init__`: every module shapes the client."""
    append_comment("scripts/lib/plan/values.py")(repo)


BOTH = frozenset({"ravan-client", "ravan-models"})
CLIENT = frozenset({"ravan-client"})
MODELS = frozenset({"ravan-models"})
# Each input, and the packages whose version must change with it (and only those).
INPUT_EDITS: dict[str, tuple[Callable[[Path], None], frozenset[str]]] = {
    "spec": (
        lambda repo: replace_once(repo / SPEC_PATH, "summary: List call sessions\n", "summary: List calls\n"),
        BOTH,
    ),
    "client-config": (append_comment("spec/client/config.yaml"), CLIENT),
    "client-template": (append_comment("spec/client/templates/resources.py.jinja"), CLIENT),
    "client-runtime-module": (append_comment("spec/client/ravan_runtime/_pagination.py"), CLIENT),
    "client-plan": (append_to_the_plan, CLIENT),
    "models-template": (append_comment("spec/models/templates/__init__.py.jinja"), MODELS),
}


@pytest.mark.parametrize("edit", list(INPUT_EDITS), ids=list(INPUT_EDITS))
def test_each_package_version_changes_with_its_inputs_and_only_with_them(
    scratch_repo: Path, scratch_generator: ModuleType, edit: str
) -> None:
    change, changed = INPUT_EDITS[edit]
    before = package_versions_of(scratch_generator, scratch_repo)
    # What the committed tree was stamped with: the computation is the one generation uses.
    stamped = read_provenance(scratch_repo)["packages"]
    assert before == {project: package["version"] for project, package in stamped.items()}

    change(scratch_repo)

    after = package_versions_of(scratch_generator, scratch_repo)
    assert {project for project in after if after[project] != before[project]} == changed


MODELS_OPTION = "use-field-description = true\n"


def test_package_version_changes_with_the_models_generator_options(scratch_repo: Path) -> None:
    """The `[tool.datamodel-codegen]` options in the repo's pyproject.toml shape ravan_models just
    as much as its templates do, so a change to them must change the version too."""
    models_module = scratch_repo / MODELS_PROJECT_DIR / "ravan_models" / "models.py"
    models_before = models_module.read_text(encoding="utf-8")
    version_before = read_provenance(scratch_repo)["packages"]["ravan-models"]["version"]
    replace_once(scratch_repo / "pyproject.toml", MODELS_OPTION, MODELS_OPTION.replace("true", "false"))

    result = run_generate(scratch_repo)

    assert result.returncode == 0, describe(result)
    # The option does shape the generated code: field descriptions are no longer docstrings.
    assert models_module.read_text(encoding="utf-8") != models_before
    assert read_provenance(scratch_repo)["packages"]["ravan-models"]["version"] != version_before, (
        f"{GENERATED}/ravan-models/ravan_models/models.py changed but the version stayed {version_before}"
    )
