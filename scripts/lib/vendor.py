"""Copy the generated packages into another project's tree, optionally under another import name.

This is the body of `scripts/vendor`. For a project that cannot install `ravan-client` as a
distribution (or needs two versions side by side), it copies the import package
`generated/ravan-client/ravan_client` to `DEST/<name>`, and with `--with-models` also
`generated/ravan-models/ravan_models`, then:

- renames the package: every whole-word `ravan_client` (and `ravan_models`) in the copy's text
  files becomes the new name: imports in docstrings and examples, the README, the logger name
  (`logging.getLogger("ravan_client")`). The package's own imports are relative, so the code runs
  under any name; the rename is what keeps two copies' docs and logs apart. With
  `--package NAME`, the models are called `NAME_models`;
- writes `VENDORED.md` (where the copy came from and the command that updates it) and a
  `.vendored` stamp (the same, as JSON) into each copied package directory;
- refuses to write over a directory that has no `.vendored` stamp for that package, and replaces
  a previous copy whole, so files the generator no longer produces do not linger;
- refuses to copy a `generated/` that is stale for the spec (`provenance.py --require-fresh`).

The environment variables the client reads (`RAVAN_API_KEY`, `RAVAN_BASE_URL`, `RAVAN_LOG`) are
part of its behaviour and keep their names in every copy.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated"
PROVENANCE_FILE = GENERATED / "provenance.json"
CLIENT_SOURCE = GENERATED / "ravan-client" / "ravan_client"
CLIENT_README = GENERATED / "ravan-client" / "README.md"
MODELS_SOURCE = GENERATED / "ravan-models" / "ravan_models"
MODELS_README = GENERATED / "ravan-models" / "README.md"
ORIGINAL_CLIENT_NAME = "ravan_client"
ORIGINAL_MODELS_NAME = "ravan_models"

STAMP_NAME = ".vendored"
VENDORED_DOC_NAME = "VENDORED.md"
# Written into every stamp; a directory whose stamp lacks it was not made by this script.
STAMP_MARKER = "ravan-client scripts/vendor"
# Never part of the package: left by Python, type checkers, linters and test runners.
CACHE_NAMES = ("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache")
# Files whose text is rewritten by the rename; anything else is copied byte for byte.
TEXT_SUFFIXES = {".py", ".pyi", ".md", ".typed", ".txt"}


class VendorError(Exception):
    """Vendoring cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class VendoredPackage:
    """One import package to copy: where it comes from and the name it gets."""

    source: Path
    readme: Path
    original_name: str
    name: str


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    base = Path(args.relative_to) if args.relative_to else Path.cwd()
    destination = (base / args.dest).resolve()
    try:
        require_fresh_generated()
        packages = plan_packages(args.package, with_models=args.with_models)
        command = update_command(destination, args.package, with_models=args.with_models)
        vendor(packages, destination, command)
    except VendorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    models_copy = destination / models_name_for(args.package)
    if not args.with_models and is_vendored_copy(models_copy, models_copy.name):
        print(f"    note: {models_copy} (vendored earlier with --with-models) was left as it was")
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/vendor",
        description=__doc__.splitlines()[0],
        epilog=(
            "The package lands at DEST/NAME (NAME defaults to ravan_client); with --with-models the "
            "models land at DEST/NAME_models (DEST/ravan_models without --package). Each copy gets a "
            "VENDORED.md that names the command to run again to update it."
        ),
    )
    parser.add_argument("dest", metavar="DEST", help="an existing directory of the other project (e.g. its src/)")
    parser.add_argument("--package", metavar="NAME", help="import name of the copy (default: ravan_client)")
    parser.add_argument("--with-models", action="store_true", help="also copy the pydantic models package")
    # scripts/vendor changes to the repository root first; it passes the caller's directory so a
    # relative DEST means what the caller meant.
    parser.add_argument("--relative-to", metavar="DIR", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def require_fresh_generated() -> None:
    """A copy of code generated from another spec than the one on disk would lie in VENDORED.md."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.lib.provenance", "--require-fresh"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"refusing to vendor a stale generated/:\n{result.stderr.strip()}")


def models_name_for(package: str | None) -> str:
    """The models' import name beside a client copy called `package`."""
    renamed = package is not None and package != ORIGINAL_CLIENT_NAME
    return f"{package}_models" if renamed else ORIGINAL_MODELS_NAME


def plan_packages(package: str | None, *, with_models: bool) -> list[VendoredPackage]:
    client_name = package or ORIGINAL_CLIENT_NAME
    models_name = models_name_for(package)
    check_import_name(client_name)
    packages = [VendoredPackage(CLIENT_SOURCE, CLIENT_README, ORIGINAL_CLIENT_NAME, client_name)]
    if with_models:
        if models_name == ORIGINAL_CLIENT_NAME:
            raise VendorError(f"--package {package} would name the models {models_name}: choose another name")
        packages.append(VendoredPackage(MODELS_SOURCE, MODELS_README, ORIGINAL_MODELS_NAME, models_name))
    elif client_name == ORIGINAL_MODELS_NAME:
        raise VendorError(f"--package {package}: that is the models package's name; choose another")
    return packages


def check_import_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise VendorError(f"--package {name!r} is not a valid Python import name (letters, digits, underscores)")
    if not name.isascii():
        raise VendorError(f"--package {name!r}: use an ASCII name, so the rename cannot clash with Unicode folding")


def update_command(destination: Path, package: str | None, *, with_models: bool) -> str:
    """The exact invocation that (re)produces this copy, runnable from any directory."""
    words = [str(REPO / "scripts" / "vendor"), str(destination)]
    if package:
        words += ["--package", package]
    if with_models:
        words.append("--with-models")
    return shlex.join(words)


def vendor(packages: list[VendoredPackage], destination: Path, command: str) -> None:
    if not destination.is_dir():
        raise VendorError(f"DEST {destination} is not an existing directory")
    for package in packages:
        check_replaceable(destination / package.name, package.name)
    provenance = read_provenance()
    origin = describe_origin()
    renames = {package.original_name: package.name for package in packages}
    for package in packages:
        target = destination / package.name
        staging = destination / f".{package.name}.vendor-staging"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            write_copy(package, staging, renames, command, origin, provenance, packages)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replace_whole(staging, target)
        print(f"==> vendored {package.original_name} as {target}")
    print(f"    update it later with: {command}")


def write_copy(
    package: VendoredPackage,
    staging: Path,
    renames: dict[str, str],
    command: str,
    origin: dict[str, Any],
    provenance: dict[str, Any],
    packages: list[VendoredPackage],
) -> None:
    """The complete new copy, records included, in `staging` (swapped in only once it is whole)."""
    copy_renamed(package, staging, renames)
    declared = declared_requirements(package)
    stamp = {
        "vendored_by": STAMP_MARKER,
        "package": package.name,
        "original_package": package.original_name,
        "command": command,
        **origin,
        "dependencies": declared["dependencies"],
        "optional_dependencies": declared.get("optional-dependencies", {}),
        "spec_path": provenance["spec_path"],
        "spec_sha256": provenance["spec_sha256"],
        "spec_version": provenance["spec_version"],
        "package_version": provenance["package_version"],
        "generators": provenance["generators"],
    }
    (staging / STAMP_NAME).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (staging / VENDORED_DOC_NAME).write_text(vendored_doc(package, stamp, packages), encoding="utf-8")


def check_replaceable(target: Path, name: str) -> None:
    """Only a directory this script wrote for the same package may be replaced."""
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise VendorError(f"{target} exists and is not a directory vendored by scripts/vendor; not touching it")
    if not is_vendored_copy(target, name):
        raise VendorError(
            f"{target} exists and is not a copy of {name} made by scripts/vendor (no matching {STAMP_NAME} "
            "stamp); not overwriting it. Move it away or choose another --package name."
        )


def is_vendored_copy(directory: Path, name: str) -> bool:
    """Whether `directory` holds this script's stamp for the package `name`."""
    if directory.is_symlink() or not directory.is_dir():
        return False
    try:
        stamp = json.loads((directory / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("vendored_by") == STAMP_MARKER and stamp.get("package") == name


def copy_renamed(package: VendoredPackage, staging: Path, renames: dict[str, str]) -> None:
    shutil.copytree(package.source, staging, ignore=shutil.ignore_patterns(*CACHE_NAMES))
    shutil.copyfile(package.readme, staging / "README.md")
    if all(old == new for old, new in renames.items()):
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(old) for old in renames) + r")\b")
    for path in sorted(staging.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8")
            renamed = pattern.sub(lambda match: renames[match.group(1)], text)
            if renamed != text:
                path.write_text(renamed, encoding="utf-8")


def replace_whole(staging: Path, target: Path) -> None:
    """Swap the new copy in for the old one, so no file of the old copy survives."""
    retired = target.with_name(f".{target.name}.vendor-old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def read_provenance() -> dict[str, Any]:
    provenance: dict[str, Any] = json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))
    return provenance


def declared_requirements(package: VendoredPackage) -> dict[str, Any]:
    """What the copy needs installed: `dependencies` and `optional-dependencies` of its distribution."""
    pyproject = tomllib.loads((package.source.parent / "pyproject.toml").read_text(encoding="utf-8"))
    project: dict[str, Any] = pyproject["project"]
    return {key: project[key] for key in ("dependencies", "optional-dependencies") if key in project}


def describe_origin() -> dict[str, Any]:
    """Where the copy comes from: the repository (its remote when it has one) and the commit."""
    remote = git("remote", "get-url", "origin") or first_remote_url()
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--", "generated"))
    return {
        "source_repository": without_credentials(remote) if remote else str(REPO),
        "source_commit": commit or "unknown (not a git checkout)",
        "source_generated_uncommitted": dirty,
    }


def without_credentials(url: str) -> str:
    """A remote URL fit to write into another project: the user:token@ part of an http(s) URL removed
    (ssh's `git@` is an account name, not a secret, and cloning needs it)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in {"http", "https"} and "@" in parts.netloc:
        return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def first_remote_url() -> str | None:
    remotes = (git("remote") or "").split()
    return git("remote", "get-url", remotes[0]) if remotes else None


def git(*args: str) -> str | None:
    """Output of a git command in the repository, or None when it fails (no git, no remote)."""
    try:
        result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def vendored_doc(package: VendoredPackage, stamp: dict[str, Any], packages: list[VendoredPackage]) -> str:
    generators = ", ".join(f"{name} {version}" for name, version in sorted(stamp["generators"].items()))
    commit = stamp["source_commit"]
    if stamp["source_generated_uncommitted"]:
        commit += " (plus uncommitted changes in generated/)"
    if package.name == package.original_name:
        naming = f"This directory is a copy of the generated package `{package.original_name}`, under its own name."
    else:
        naming = (
            f"This directory is a copy of the generated package `{package.original_name}`, renamed `{package.name}`:\n"
            f"every whole-word `{package.original_name}` in its code, docstrings and README (and so its logger\n"
            f"name, where it has one) was replaced."
        )
    requirements = ", ".join(f"`{requirement}`" for requirement in stamp["dependencies"])
    extras = "; ".join(
        f"extra `{extra}`: " + ", ".join(f"`{requirement}`" for requirement in extra_requirements)
        for extra, extra_requirements in sorted(stamp["optional_dependencies"].items())
    )
    siblings = [f"`{other.name}`" for other in packages if other is not package]
    together = f"\nVendored together with {', '.join(siblings)} by the same command.\n" if siblings else ""
    return f"""# Vendored copy of `{package.original_name}`

{naming}
Do not edit it: the next update replaces it. Change the OpenAPI spec in the source repository,
run `scripts/generate` there, then update this copy.

| | |
|---|---|
| source repository | `{stamp["source_repository"]}` |
| source commit | `{commit}` |
| spec | `{stamp["spec_path"]}`, version {stamp["spec_version"]}, sha256 `{stamp["spec_sha256"]}` |
| package version | `{stamp["package_version"]}` |
| generators | {generators} |
| needs installed | {requirements or "nothing"} |
| optional | {extras or "nothing"} |
{together}
## Update

```sh
{stamp["command"]}
```

This replaces the directory whole. It refuses to run while the source's `generated/` is stale for
its spec, and never writes over a directory without a matching `{STAMP_NAME}` stamp.
"""


if __name__ == "__main__":
    sys.exit(main())
