"""Which generated client the suite tests: the product (generated/ from spec/openapi.yaml) by default.

`RAVAN_TEST_TARGET=DIR` points the spec-derived suites (`tests/client`, `tests/contract`) at
another generation: `DIR` holds `ravan-client/`, `ravan-models/` and `provenance.json`, as
`scripts/generate --spec FILE --out DIR` writes them (`scripts/test` does this for the grown spec
in tests/data/grown). The root conftest puts the target's packages first on `sys.path` before any
test module imports `ravan_client`.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET_ENV_VAR = "RAVAN_TEST_TARGET"


@dataclass(frozen=True)
class Target:
    root: Path
    spec_path: Path
    is_product: bool

    @property
    def client_dir(self) -> Path:
        return self.root / "ravan-client"

    @property
    def models_dir(self) -> Path:
        return self.root / "ravan-models"

    @property
    def provenance(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / "provenance.json").read_text(encoding="utf-8"))
        return data


@functools.cache
def current_target() -> Target:
    """The target named by RAVAN_TEST_TARGET, else the product."""
    chosen = os.environ.get(TARGET_ENV_VAR)
    root = Path(chosen).resolve() if chosen else REPO_ROOT / "generated"
    provenance = json.loads((root / "provenance.json").read_text(encoding="utf-8"))
    spec_path = Path(provenance["spec_path"])
    if not spec_path.is_absolute():
        spec_path = REPO_ROOT / spec_path
    return Target(root=root, spec_path=spec_path, is_product=root == REPO_ROOT / "generated")


def put_target_on_path() -> Target:
    target = current_target()
    for directory in (target.models_dir, target.client_dir):
        entry = str(directory)
        if entry not in sys.path:
            sys.path.insert(0, entry)
    return target
