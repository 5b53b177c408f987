"""The two generated packages stand on their own, and their `__all__` is exactly what they export.

`ravan_client` and `ravan_models` are installed separately (each has its own pyproject.toml), so
each must import with only itself and its declared dependencies available.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pydantic
import pytest

import ravan_client
import ravan_client.models
import ravan_models
import ravan_models.models
from tests.generate.scratch import CLIENT_PROJECT_DIR, MODELS_PROJECT_DIR, REPO_ROOT, run_python

PROJECTS = {"ravan_client": CLIENT_PROJECT_DIR, "ravan_models": MODELS_PROJECT_DIR}
PACKAGES: dict[str, ModuleType] = {"ravan_client": ravan_client, "ravan_models": ravan_models}
# Modules whose __all__ users import from (`from ravan_client.models import CallSession`).
PUBLIC_MODULES: dict[str, ModuleType] = {**PACKAGES, "ravan_client.models": ravan_client.models}


def exported_candidates(module: ModuleType) -> set[str]:
    """Names a module makes public: everything bound in it that is not private or a submodule."""
    return {
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name == "__version__") and not isinstance(value, ModuleType)
    }


@pytest.mark.parametrize("module", list(PUBLIC_MODULES.values()), ids=list(PUBLIC_MODULES))
def test_every_name_in_all_is_an_attribute(module: ModuleType) -> None:
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
    assert len(module.__all__) == len(set(module.__all__)), "__all__ lists a name twice"


@pytest.mark.parametrize("module", list(PUBLIC_MODULES.values()), ids=list(PUBLIC_MODULES))
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    assert set(module.__all__) == exported_candidates(module)


def test_models_package_exports_every_model() -> None:
    models = {
        name
        for name, value in vars(ravan_models.models).items()
        if isinstance(value, type)
        and issubclass(value, pydantic.BaseModel)
        and value.__module__ == ravan_models.models.__name__
    }
    assert models, "ravan_models.models defines no models"
    assert models <= set(ravan_models.__all__)


@pytest.mark.parametrize(("name", "other"), [("ravan_client", "ravan_models"), ("ravan_models", "ravan_client")])
def test_package_imports_without_the_other_package(name: str, other: str) -> None:
    # The checkout's .venv has both packages installed (scripts/bootstrap), so the other one is
    # importable there: what matters is that importing this one (and its submodules) never imports it.
    project_dir = REPO_ROOT / PROJECTS[name]
    result = run_python(
        f"""
import importlib, json, pkgutil, sys
package = importlib.import_module({name!r})
missing = [attribute for attribute in package.__all__ if not hasattr(package, attribute)]
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if not module.name.endswith(".cli") and "._cli" not in module.name:  # the cli extra's, not the other package's
        importlib.import_module(module.name)
result = {{"file": package.__file__, "exported": len(package.__all__), "missing": missing}}
result["other_imported"] = {other!r} in sys.modules
print(json.dumps(result))
""",
        pythonpath=[project_dir],
        cwd=project_dir,
    )

    assert Path(result["file"]).is_relative_to(project_dir)
    assert result["exported"] > 0
    assert result["missing"] == []
    assert result["other_imported"] is False


def declared_dependencies(project_dir: Path) -> set[str]:
    """Distribution names the project requires, its extras' included (a module may need an extra)."""
    with (project_dir / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {normalize(re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]) for requirement in requirements}


def normalize(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def imported_top_level_modules(package_dir: Path) -> set[str]:
    """Top-level names of every absolute import in the package's source."""
    names: set[str] = set()
    for source in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names


@pytest.mark.parametrize("name", list(PROJECTS))
def test_every_third_party_import_is_a_declared_dependency(name: str) -> None:
    project_dir = REPO_ROOT / PROJECTS[name]
    distributions = importlib.metadata.packages_distributions()
    third_party = imported_top_level_modules(project_dir / name) - set(sys.stdlib_module_names) - {"__future__", name}

    needed = {module: {normalize(d) for d in distributions.get(module, [])} for module in sorted(third_party)}
    undeclared = {module: dists for module, dists in needed.items() if not dists & declared_dependencies(project_dir)}
    assert third_party, f"{name} imports no third-party module at all: the scan is broken"
    assert undeclared == {}


def test_the_client_package_holds_every_runtime_module_subpackages_included() -> None:
    """The runtime is copied in whole: a module of a subpackage (`_cli/`) left behind would leave
    the command line importable from nowhere (it once copied only the top-level `*.py`)."""
    runtime = REPO_ROOT / "spec" / "client" / "ravan_runtime"
    package = CLIENT_PROJECT_DIR / "ravan_client"
    modules = sorted(
        path.relative_to(runtime)
        for path in runtime.rglob("*.py")
        if "__pycache__" not in path.parts and path != runtime / "__init__.py"
    )
    assert any(len(module.parts) > 1 for module in modules), "the runtime has no subpackage to check"
    for module in modules:
        assert (package / module).read_bytes() == (runtime / module).read_bytes(), module
