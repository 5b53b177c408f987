"""Check that generated/ was made from the spec on disk, using its provenance stamp.

`scripts/mock` runs this before serving the spec: a mock of one spec and a client generated from
another would prove nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STAMP = REPO / "generated" / "provenance.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/lib/provenance.py", description=__doc__.splitlines()[0])
    parser.add_argument("--require-fresh", action="store_true", help="exit 1 unless generated/ matches the spec")
    args = parser.parse_args(argv)
    if not STAMP.exists():
        print(f"{STAMP.relative_to(REPO)} is missing: run scripts/generate.", file=sys.stderr)
        return 1
    stamp = json.loads(STAMP.read_text())
    spec = REPO / stamp["spec_path"]
    actual = hashlib.sha256(spec.read_bytes()).hexdigest()
    if actual != stamp["spec_sha256"]:
        print(
            f"generated/ is stale: it was made from {stamp['spec_path']} with sha256 {stamp['spec_sha256'][:12]}, "
            f"but the file on disk has {actual[:12]}. Run scripts/generate first.",
            file=sys.stderr,
        )
        return 1 if args.require_fresh else 0
    print(f"    generated/ matches {stamp['spec_path']} (sha256 {actual[:12]}, version {stamp['spec_version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
