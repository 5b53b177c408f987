"""Check that generated/ was made from the spec (and templates, runtime, options) on disk.

`scripts/mock` runs this before serving the spec: a mock of one spec and a client generated from
another would prove nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from scripts.lib.generate import build_provenance
from scripts.lib.openapi_document import parse_document

REPO = Path(__file__).resolve().parents[2]
STAMP = REPO / "generated" / "provenance.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.lib.provenance", description=__doc__.splitlines()[0])
    parser.add_argument("--require-fresh", action="store_true", help="exit 1 unless generated/ matches the spec")
    args = parser.parse_args(argv)
    if not STAMP.exists():
        print(f"{STAMP.relative_to(REPO)} is missing: run scripts/generate.", file=sys.stderr)
        return 1
    stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    spec = REPO / stamp["spec_path"]
    spec_bytes = spec.read_bytes()
    actual = hashlib.sha256(spec_bytes).hexdigest()
    if actual != stamp["spec_sha256"]:
        print(
            f"generated/ is stale: it was made from {stamp['spec_path']} with sha256 {stamp['spec_sha256'][:12]}, "
            f"but the file on disk has {actual[:12]}. Run scripts/generate first.",
            file=sys.stderr,
        )
        return 1 if args.require_fresh else 0
    # The spec is the same; templates, runtime modules, generator options or versions may not be.
    expected_inputs = build_provenance(spec_bytes, parse_document(spec_bytes))["inputs_sha256"]
    if expected_inputs != stamp["inputs_sha256"]:
        print(
            "generated/ is stale: the spec is unchanged, but templates, runtime modules, generator options "
            "or generator versions changed since it was generated. Run scripts/generate first.",
            file=sys.stderr,
        )
        return 1 if args.require_fresh else 0
    print(f"    generated/ matches {stamp['spec_path']} (sha256 {actual[:12]}, version {stamp['spec_version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
