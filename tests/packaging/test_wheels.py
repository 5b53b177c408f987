"""The generated packages build, install and work as distributions, outside this repository.

Each project under generated/ is built with the standard frontend, `python -m build`: an sdist,
then a wheel built from that sdist, each in an isolated environment holding only the declared
build backend (hatchling, from the index). The artifacts' metadata is checked against the
project's pyproject.toml, the spec and generated/provenance.json, and their file lists against
the package on disk. Then each wheel goes into a fresh virtualenv that holds nothing else (its
declared dependencies come from the index), where the client lists call sessions from Prism and
the models validate every named example Prism serves.
"""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.packaging.support import (
    API_KEY,
    CACHE_NAMES,
    CLIENT_PROJECT,
    INSTALL_TIMEOUT,
    LIST_PATH,
    MODELS_PROJECT,
    REPO_ROOT,
    PrismServer,
    api_key_header,
    cannot_import,
    clean_env,
    create_venv,
    describe,
    load_spec,
    named_examples,
    package_files,
    pip_install,
    read_provenance,
    read_pyproject,
    run,
    run_python_json,
)

# build's "uv" installer makes its isolated build environments with uv instead of pip: the same
# frontend and isolation, in a fraction of the time. scripts/bootstrap installs uv here.
UV_BIN_DIR = REPO_ROOT / ".tools" / "bin"
# Files an sdist may hold beside the package: its metadata, build config and readme, and the VCS
# ignore file hatchling uses to select files (see test_sdist_holds_the_package_and_its_build_files).
SDIST_EXTRA_FILES = {"PKG-INFO", "pyproject.toml", "README.md", ".gitignore"}


@dataclass(frozen=True)
class BuiltProject:
    """One generated project and the distributions built from it."""

    name: str
    package: str
    project_dir: Path
    pyproject: dict[str, Any]
    wheel: Path
    sdist: Path

    @property
    def project(self) -> dict[str, Any]:
        table: dict[str, Any] = self.pyproject["project"]
        return table


PROJECT_DIRS = {"ravan-client": CLIENT_PROJECT, "ravan-models": MODELS_PROJECT}


def build_distributions(project_dir: Path, outdir: Path) -> tuple[Path, Path]:
    """`python -m build` the project into `outdir`; return (wheel, sdist)."""
    installer = ["--installer", "uv"] if (UV_BIN_DIR / "uv").exists() else []
    result = run(
        [sys.executable, "-m", "build", *installer, "--outdir", outdir, project_dir],
        cwd=REPO_ROOT,
        timeout=INSTALL_TIMEOUT,
        env=clean_env(PATH=f"{UV_BIN_DIR}:{clean_env()['PATH']}"),
    )
    assert result.returncode == 0, describe(result)
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="session")
def built_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltProject]:
    built = {}
    for name, project_dir in PROJECT_DIRS.items():
        pyproject = read_pyproject(project_dir)
        (package,) = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
        wheel, sdist = build_distributions(project_dir, tmp_path_factory.mktemp(f"dist-{name}"))
        built[name] = BuiltProject(name, package, project_dir, pyproject, wheel, sdist)
    return built


@pytest.fixture(params=sorted(PROJECT_DIRS))
def built(request: pytest.FixtureRequest, built_projects: dict[str, BuiltProject]) -> BuiltProject:
    return built_projects[request.param]


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        (path,) = [name for name in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
        return email.parser.Parser().parsestr(archive.read(path).decode("utf-8"))


def sdist_metadata(sdist: Path) -> Message:
    with tarfile.open(sdist) as archive:
        (member,) = [m for m in archive.getmembers() if re.fullmatch(r"[^/]+/PKG-INFO", m.name)]
        extracted = archive.extractfile(member)
        assert extracted is not None
        return email.parser.Parser().parsestr(extracted.read().decode("utf-8"))


def normalized_requirements(requirements: list[str]) -> list[str]:
    """Requirements in one spelling (specifier order, marker quotes), so equal ones compare equal."""
    return sorted(str(Requirement(requirement)) for requirement in requirements)


def expected_requires_dist(project: dict[str, Any]) -> list[str]:
    requirements = list(project["dependencies"])
    for extra, extra_requirements in project.get("optional-dependencies", {}).items():
        requirements += [f'{requirement}; extra == "{extra}"' for requirement in extra_requirements]
    return normalized_requirements(requirements)


# --- metadata ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("artifact", ["wheel", "sdist"])
def test_metadata_is_what_pyproject_declares(built: BuiltProject, artifact: str) -> None:
    metadata = wheel_metadata(built.wheel) if artifact == "wheel" else sdist_metadata(built.sdist)
    project = built.project
    assert metadata["Name"] == project["name"]
    assert metadata["Version"] == project["version"]
    assert metadata["Summary"] == project["description"]
    assert metadata["Requires-Python"] == project["requires-python"]
    # License-Expression (an SPDX expression) needs core metadata 2.4 or later.
    assert Version(metadata["Metadata-Version"]) >= Version("2.4")
    assert metadata["License-Expression"] == project["license"]
    assert normalized_requirements(metadata.get_all("Requires-Dist") or []) == expected_requires_dist(project)
    assert sorted(metadata.get_all("Provides-Extra") or []) == sorted(project.get("optional-dependencies", {}))
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = metadata.get_payload()
    assert isinstance(description, str)
    assert description.strip() == (built.project_dir / "README.md").read_text(encoding="utf-8").strip()


@pytest.mark.slow
def test_version_is_the_spec_version_plus_a_hash_of_every_input(built: BuiltProject) -> None:
    # Each package's own version and inputs: the models' does not follow the client's runtime.
    stamped = read_provenance()["packages"][built.name]
    spec_version = str(load_spec()["info"]["version"])
    version = wheel_metadata(built.wheel)["Version"]
    assert re.fullmatch(rf"{re.escape(spec_version)}\+g[0-9a-f]{{12}}", version), version
    assert version == stamped["version"]
    # A PEP 440 version whose public part is the spec's and whose local label is the hash.
    assert Version(version).public == Version(spec_version).public
    assert Version(version).local == f"g{stamped['inputs_sha256'][:12]}"


@pytest.mark.slow
def test_license_is_the_one_the_spec_declares(built: BuiltProject) -> None:
    spec_license = load_spec()["info"]["license"]["identifier"]
    assert wheel_metadata(built.wheel)["License-Expression"] == spec_license
    assert sdist_metadata(built.sdist)["License-Expression"] == spec_license


# --- contents ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_wheel_holds_the_package_and_its_metadata_only(built: BuiltProject) -> None:
    with zipfile.ZipFile(built.wheel) as archive:
        names = set(archive.namelist())
        dist_info = {name for name in names if name.split("/", 1)[0].endswith(".dist-info")}
        wheel_file = email.parser.Parser().parsestr(
            archive.read(next(name for name in dist_info if name.endswith("/WHEEL"))).decode("utf-8")
        )
        entry_points = next((name for name in dist_info if name.endswith("/entry_points.txt")), None)
        entry_points_text = archive.read(entry_points).decode("utf-8") if entry_points else ""
    assert names - dist_info == package_files(built.project_dir / built.package)
    assert f"{built.package}/py.typed" in names, "the wheel must carry the PEP 561 marker"
    assert wheel_file["Root-Is-Purelib"] == "true"
    assert wheel_file.get_all("Tag") == ["py3-none-any"]
    declared_scripts = built.project.get("scripts", {})
    for command, target in declared_scripts.items():
        assert f"{command} = {target}" in entry_points_text
    assert bool(entry_points_text) == bool(declared_scripts)


@pytest.mark.slow
def test_sdist_holds_the_package_and_its_build_files(built: BuiltProject) -> None:
    with tarfile.open(built.sdist) as archive:
        names = {member.name for member in archive.getmembers() if member.isfile()}
    root = f"{built.project['name'].replace('-', '_')}-{built.project['version']}"
    assert all(name.startswith(f"{root}/") for name in names), sorted(names)
    relative = {name.removeprefix(f"{root}/") for name in names}
    in_package = {name for name in relative if name.startswith(f"{built.package}/")}
    assert in_package == package_files(built.project_dir / built.package)
    assert {"PKG-INFO", "pyproject.toml", "README.md"} <= relative
    # Besides those, only the ignore file hatchling selected files with may ride along; see the
    # suggested `only-include` for the pyproject templates in the packaging notes.
    assert relative - in_package <= SDIST_EXTRA_FILES, sorted(relative - in_package)
    assert not any(CACHE_NAMES.intersection(name.split("/")) for name in relative)


# --- installed in a fresh virtualenv -------------------------------------------------------------


@pytest.fixture(scope="session")
def client_python(built_projects: dict[str, BuiltProject], tmp_path_factory: pytest.TempPathFactory) -> Path:
    python = create_venv(tmp_path_factory.mktemp("client-venv") / "venv")
    pip_install(python, built_projects["ravan-client"].wheel)
    return python


@pytest.fixture(scope="session")
def models_python(built_projects: dict[str, BuiltProject], tmp_path_factory: pytest.TempPathFactory) -> Path:
    python = create_venv(tmp_path_factory.mktemp("models-venv") / "venv")
    pip_install(python, built_projects["ravan-models"].wheel)
    return python


LIST_WITH_CLIENT = """
import importlib.util, json, sys
import ravan_client
from ravan_client import RavanClient

base_url, api_key = sys.argv[1], sys.argv[2]
with RavanClient(api_key=api_key, base_url=base_url, max_retries=0, timeout=10) as client:
    page = client.call_sessions.list()
    everything = [session.id for session in client.call_sessions.list()]
print(json.dumps({
    "first_page_ids": [session.id for session in page.items],
    "all_ids": everything,
    "version": ravan_client.__version__,
    "spec_sha256": ravan_client.SPEC_SHA256,
    "location": ravan_client.__file__,
    "models_importable": importlib.util.find_spec("ravan_models") is not None,
}))
"""


@pytest.mark.slow
def test_installed_client_lists_call_sessions_from_prism(
    client_python: Path, built_projects: dict[str, BuiltProject], prism: PrismServer, tmp_path: Path
) -> None:
    # The working directory is empty: the interpreter can import only what its virtualenv holds.
    result = run_python_json(client_python, LIST_WITH_CLIENT, prism.base_url, API_KEY, cwd=tmp_path)
    # Prism serves the first named example of the 200 response unless asked for another.
    first_example_ids = next(iter(named_examples().values()))
    assert result["first_page_ids"] == first_example_ids
    assert result["all_ids"] == first_example_ids
    assert result["version"] == built_projects["ravan-client"].project["version"]
    assert result["spec_sha256"] == read_provenance()["spec_sha256"]
    assert Path(result["location"]).is_relative_to(client_python.parent.parent), result["location"]
    assert result["models_importable"] is False, "the client's virtualenv must hold nothing but the client"


VALIDATE_WITH_MODELS = """
import json, sys, urllib.request
import ravan_models
from ravan_models import CallSessionListResponse

base_url, header, api_key, path, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
parsed = {}
for name in names:
    request = urllib.request.Request(base_url + path, headers={header: api_key, "Prefer": f"example={name}"})
    with opener.open(request, timeout=10) as response:
        page = CallSessionListResponse.model_validate_json(response.read())
    parsed[name] = [session.id for session in page.data.call_sessions]
print(json.dumps({"parsed": parsed, "version": ravan_models.__version__, "location": ravan_models.__file__}))
"""


@pytest.mark.slow
def test_installed_models_validate_every_example_prism_serves(
    models_python: Path, built_projects: dict[str, BuiltProject], prism: PrismServer, tmp_path: Path
) -> None:
    examples = named_examples()
    result = run_python_json(
        models_python,
        VALIDATE_WITH_MODELS,
        prism.base_url,
        api_key_header(),
        API_KEY,
        LIST_PATH,
        *examples,
        cwd=tmp_path,
    )
    assert result["parsed"] == examples
    assert result["version"] == built_projects["ravan-models"].project["version"]
    assert Path(result["location"]).is_relative_to(models_python.parent.parent), result["location"]
    assert cannot_import(models_python, "ravan_client", cwd=tmp_path)
    assert cannot_import(models_python, "httpx", cwd=tmp_path), "pydantic alone must not pull in httpx"


@pytest.mark.slow
def test_ravan_calls_without_the_cli_extra_says_in_one_line_how_to_install_it(
    client_python: Path, tmp_path: Path
) -> None:
    # The client's virtualenv holds the wheel without its `cli` extra: no click, no rich.
    result = subprocess.run(
        [str(client_python.parent / "ravan-calls"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "pip install 'ravan-client[cli]'" in result.stderr
    assert "Traceback" not in result.stderr
