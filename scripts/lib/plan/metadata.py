"""What the spec says of the packages themselves: `info.version` and `info.license`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scripts.lib.plan.errors import PlanError


@dataclass(frozen=True)
class PackageMetadata:
    """What the spec says of the packages themselves, checked: both pyproject.toml files print it."""

    version: str
    """`info.version`, a PEP 440 public version (no local label: the generator adds its own)."""
    license: str | None
    """`info.license.identifier` as a canonical SPDX expression, or None when the spec names none."""


def package_metadata(raw: Mapping[str, Any]) -> PackageMetadata:
    """`info.version` and `info.license`, refused in one line when a package could not carry them."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
    from packaging.version import InvalidVersion, Version

    info = raw.get("info")
    if not isinstance(info, Mapping):
        raise PlanError("the spec has no info object")
    version = info.get("version")
    if not isinstance(version, str):
        raise PlanError(f"info.version must be a string, got {version!r}")
    try:
        parsed = Version(version)
    except InvalidVersion:
        parsed = None
    if parsed is None or parsed.local is not None or version != version.strip():
        raise PlanError(f"info.version {version!r} is not a PEP 440 public version (such as 1.2.0 or 2.0.0rc1)")
    license_info = info.get("license")
    identifier = license_info.get("identifier") if isinstance(license_info, Mapping) else None
    license_expression = None
    if identifier is not None:
        try:
            license_expression = canonicalize_license_expression(str(identifier))
        except InvalidLicenseExpression:
            raise PlanError(f"info.license.identifier {identifier!r} is not an SPDX license expression") from None
    return PackageMetadata(version=version, license=license_expression)
