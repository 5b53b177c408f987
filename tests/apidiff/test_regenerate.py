"""How the gate generates a side afresh, without running the real generate step (the packaging tests
do, in a scratch repository): each side's own `scripts/lib/generate.py` is run with `--spec` and a
fresh `--out` that does not exist yet, its failure is reported in one line, and the report says
which way the Python API was compared."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scripts.lib import api_diff

RECORDING_SCRIPT = """\
import json, os, sys
from pathlib import Path
out = Path(sys.argv[sys.argv.index("--out") + 1])
record = {"argv": sys.argv[1:], "out_existed": out.exists(), "cwd": os.getcwd()}
Path(os.environ["RECORD"]).write_text(json.dumps(record))
(out / "ravan-client").mkdir(parents=True)
"""
FAILING_SCRIPT = """\
import sys
print("==> validate the spec", flush=True)
reason = "the spec has a shape the generator does not support: only JSON request bodies are supported"
print(f"error: {reason}", file=sys.stderr)
print("generated/ was left untouched.", file=sys.stderr)
sys.exit(1)
"""


def side(tmp_path: Path, script: str | None) -> api_diff.Tree:
    root = tmp_path / "checkout"
    (root / "spec").mkdir(parents=True)
    (root / "spec" / "openapi.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    if script is not None:
        (root / "scripts" / "lib").mkdir(parents=True)
        (root / "scripts" / "lib" / "generate.py").write_text(textwrap.dedent(script), encoding="utf-8")
    return api_diff.Tree("0" * 40, "main (0123456789ab)", root)


def test_a_side_is_generated_by_its_own_script_into_a_fresh_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = side(tmp_path, RECORDING_SCRIPT)
    record = tmp_path / "record.json"
    monkeypatch.setenv("RECORD", str(record))
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    first = api_diff.generate(tree, scratch)
    first_record = json.loads(record.read_text(encoding="utf-8"))
    second = api_diff.generate(tree, scratch)

    assert first_record["argv"] == [
        "--spec",
        str(tree.root / "spec" / "openapi.yaml"),
        "--out",
        str(first / "generated"),
    ]
    assert first_record["out_existed"] is False
    assert Path(first_record["cwd"]) == tree.root
    assert (first / "generated" / "ravan-client").is_dir()
    assert first.parent == scratch
    assert second != first  # every generation gets its own directory


def test_a_side_that_cannot_be_generated_says_why_in_one_line(tmp_path: Path) -> None:
    tree = side(tmp_path, FAILING_SCRIPT)

    with pytest.raises(api_diff.GenerationFailed) as raised:
        api_diff.generate(tree, tmp_path)

    assert str(raised.value) == (
        "main (0123456789ab) could not be generated (the spec has a shape the generator does not support: "
        "only JSON request bodies are supported)"
    )


def test_a_side_without_a_generate_step_cannot_be_generated(tmp_path: Path) -> None:
    tree = side(tmp_path, None)

    with pytest.raises(api_diff.GenerationFailed) as raised:
        api_diff.generate(tree, tmp_path)

    assert "has no scripts/lib/generate.py" in str(raised.value)


def test_the_report_carries_its_note_in_every_format() -> None:
    note = "generated/ at main was not generated from its spec/openapi.yaml: compared afresh."
    report = api_diff.Report(
        base_label="main",
        base_commit="0" * 40,
        head_label="the working tree",
        old_version="1.0.0",
        new_version="1.0.0",
        diffstat="",
        findings=[],
        warnings=[],
        notes=[note],
    )

    assert f"note: {note}" in api_diff.render_text(report).splitlines()
    assert f"> note: {note}" in api_diff.render_markdown(report).splitlines()
    assert json.loads(api_diff.render_json(report))["notes"] == [note]
