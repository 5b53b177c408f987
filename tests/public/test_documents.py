"""Real public OpenAPI documents (tests/data/public) generated, checked and called through Prism.

For each document of `documents.DOCUMENTS`, once per module (a module-scoped fixture each):

- it is generated the way a new user would, `python -m scripts.lib.generate --spec DOC --out TMP
  --lint report --unsupported skip`, and the outcome is the one pinned in documents.py: the exact
  `skipped:` lines (or, for a document the generator refuses as a whole today, the exact error);
  never a traceback. The day the generator serves more, these tests say so and the pin moves;
- both generated packages pass ruff and `mypy --strict` (tests/data/grown/mypy.ini, as
  scripts/test checks the grown spec);
- one Prism mocks the document, and every served operation is called from the sync client, the
  async client and the CLI (tests/public/driver.py, in a subprocess: every generated package is
  named `ravan_client`), with arguments derived from the spec; every operation of the document is
  either one of the pinned skipped ones or called all three ways.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.public.documents import DOCUMENTS, PublicDocument, expected_destination, load, operation_keys
from tests.support.processes import read_log, running_prism
from tests.support.target import REPO_ROOT

pytestmark = pytest.mark.contract

PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
RUFF = REPO_ROOT / ".venv" / "bin" / "ruff"
MYPY = REPO_ROOT / ".venv" / "bin" / "mypy"
MYPY_INI = REPO_ROOT / "tests" / "data" / "grown" / "mypy.ini"
GENERATE_OPTIONS = ("--lint", "report", "--unsupported", "skip")
PACKAGES = ("ravan-client/ravan_client", "ravan-models/ravan_models")
GENERATE_TIMEOUT = 600.0  # not a limit on a healthy run: a hung generator still ends
DRIVER_TIMEOUT = 900.0


@dataclass(frozen=True)
class Generated:
    document: PublicDocument
    out: Path
    returncode: int
    output: str

    @property
    def skipped(self) -> list[str]:
        return [line.removeprefix("skipped: ") for line in self.output.splitlines() if line.startswith("skipped: ")]

    @property
    def error(self) -> str | None:
        """The generator's refusal (from `error:` up to the note that the output was left alone)."""
        lines = self.output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("error: ")), None)
        if start is None:
            return None
        end = next((i for i in range(start, len(lines)) if lines[i].endswith("was left untouched.")), len(lines))
        text = "\n".join(lines[start:end]).removeprefix("error: ")
        return text.replace(str(self.document.path), "DOC")


SERVED = [d for d in DOCUMENTS if d.refused is None]
PRISM_OPTIONS = ("--dynamic", "--seed", "18")
"""Responses made from the schemas (reproducibly), not from the documents' examples: published
examples often break their own schema (a JSON object given as a string). Prism runs without
`--errors`, because a response that breaks the document (`format: url`, which Prism does not know)
would become a 500 that says nothing about the client; a request that breaks it is still found, in
Prism's log (`prism_request_violations`), whichever of the three ways sent it. A document whose
responses have examples and no schema is served from its examples (`prism_static`)."""


@pytest.fixture(scope="session")
def _generations() -> dict[str, Generated]:
    """Each document is generated once per process, whichever order its tests run in."""
    return {}


@pytest.fixture(scope="module")
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, _generations: dict[str, Generated]
) -> Generated:
    document: PublicDocument = request.param
    if document.name not in _generations:
        out = tmp_path_factory.mktemp(document.name.replace("/", "-")) / "out"
        done = subprocess.run(
            [PYTHON, "-m", "scripts.lib.generate", "--spec", document.path, "--out", out, *GENERATE_OPTIONS],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=GENERATE_TIMEOUT,
            check=False,
        )
        _generations[document.name] = Generated(document, out, done.returncode, done.stdout + done.stderr)
    return _generations[document.name]


def _served(generated: Generated) -> None:
    assert generated.returncode == 0, generated.output


@pytest.mark.parametrize("generated", DOCUMENTS, ids=[d.name for d in DOCUMENTS], indirect=True)
def test_generation_is_the_pinned_outcome_and_never_a_traceback(generated: Generated) -> None:
    assert "Traceback" not in generated.output, generated.output
    expected = generated.document
    if expected.refused is None:
        assert generated.returncode == 0, generated.output
        assert generated.error is None
    else:
        assert generated.returncode != 0
        assert generated.error == expected.refused, generated.output
    assert generated.skipped == list(expected.skipped), generated.output


@pytest.mark.parametrize("generated", SERVED, ids=[d.name for d in SERVED], indirect=True)
def test_both_packages_pass_ruff_and_mypy_strict(
    generated: Generated, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # One cache for every document of this process: the runtime modules are the same in each, and a
    # cold mypy run takes ten times as long.
    mypy_cache = tmp_path_factory.getbasetemp() / "mypy-cache"
    _served(generated)
    for project in ("ravan-client", "ravan-models"):
        for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
            ruff = subprocess.run(
                [RUFF, *command], cwd=generated.out / project, capture_output=True, text=True, check=False
            )
            assert ruff.returncode == 0, f"ruff {' '.join(command)} in {project}:\n{ruff.stdout}{ruff.stderr}"
    mypy = subprocess.run(
        [MYPY, "--config-file", MYPY_INI, "--cache-dir", mypy_cache, *PACKAGES],
        cwd=generated.out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


@dataclass(frozen=True)
class Prism:
    base_url: str
    log_path: Path

    def request_violations(self) -> list[str]:
        """Each request Prism found breaking the document: its `Request received` line and why."""
        found = []
        request = ""
        for line in read_log(self.log_path).splitlines():
            if "Request received" in line:
                request = line
            elif "✖" in line and "[VALIDATOR]" in line and "Violation: response" not in line:
                found.append(f"{request.strip()}\n    {line.strip()}")
        return found


@pytest.fixture(scope="module")
def prism(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    """One Prism per document, for all of its calls."""
    _served(generated)
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    options = () if generated.document.prism_static else PRISM_OPTIONS
    with running_prism(generated.document.path, log_path, *options, errors=False) as base_url:
        yield Prism(base_url, log_path)


@pytest.mark.parametrize("generated", SERVED, ids=[d.name for d in SERVED], indirect=True)
# Not a limit on a healthy run: a document of 100 operations makes 300 calls, 100 of them through the
# CLI in a subprocess each (Resend's took over the default 120 s on the shared machine).
@pytest.mark.timeout(DRIVER_TIMEOUT + 300)
def test_every_served_operation_answers_from_both_clients_and_the_cli(
    generated: Generated, prism: Prism, tmp_path: Path
) -> None:
    result_path = tmp_path / "calls.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(generated.out / "ravan-client"), str(generated.out / "ravan-models"), str(REPO_ROOT)]
        ),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.public.driver",
            generated.document.path,
            prism.base_url,
            result_path,
            *generated.document.stubbed,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DRIVER_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    records = json.loads(result_path.read_text(encoding="utf-8"))
    calls = [r for r in records if r["way"] != "destination"]
    problems = [f"{r['operation']} ({r['way']}): {r['problem']}" for r in calls if r["problem"] is not None]
    # Calls the set cannot make yet are pinned by operation, with why (Prism cannot mock a response
    # without a schema; the driver builds no value for a oneOf body): the day they work, this fails.
    failing = sorted({r["operation"] for r in calls if r["problem"] is not None})
    assert failing == sorted(generated.document.call_problems), "\n".join(problems)
    violations = [v for v in prism.request_violations() if not _pinned(v, generated.document.call_problems)]
    assert violations == [], "Prism found requests that break the document:\n" + "\n".join(violations)
    called = {way: sorted(r["operation"] for r in calls if r["way"] == way) for way in ("sync", "async", "cli")}
    assert called["sync"] == called["async"] == called["cli"]
    # Every operation of the document is called all three ways or is one of the pinned skipped ones.
    # An operation the driver builds no arguments for is not called; it is one of the pinned ones.
    served = {" ".join(label.split()[:2]) for label in called["sync"]}
    # A skipped operation without an operationId is named `METHOD /path:` or `METHOD /path,` in its reason.
    skipped = {" ".join(reason.split()[:2]).rstrip(":,") for reason in generated.document.skipped}
    unbuilt = {" ".join(r["operation"].split()[:2]) for r in calls if r["way"] == "arguments"}
    assert served, "nothing was called"
    assert not served & skipped
    assert not unbuilt & served
    assert served | skipped | unbuilt == operation_keys(generated.document)
    # With no base_url, each operation goes to the server the document names for it; those that do
    # not yet are pinned (per-path servers), so the day they do, this says so.
    spec = load(generated.document)
    destinations = [r for r in records if r["way"] == "destination"]
    # A document that names no server has no default destination: the client asks for a base URL.
    assert bool(destinations) == bool(spec.get("servers"))
    elsewhere = []
    pinned_problems = set(generated.document.call_problems)
    for record in (r for r in records if r["way"] == "destination"):
        if record["url"] is None and record["operation"] in pinned_problems:
            # No request at all: the client refused the driver's value before sending (a pinned call
            # problem, above), so there is no destination to compare.
            continue
        method, path = record["operation"].split()[:2]
        expected = expected_destination(spec, path, method.lower())
        pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(expected))  # a path parameter: any segment
        if record["url"] is None or not re.fullmatch(pattern, record["url"]):
            elsewhere.append(record["operation"])
    assert elsewhere == list(generated.document.elsewhere), [
        (r["operation"], r["url"]) for r in records if r["way"] == "destination"
    ]


def _pinned(violation: str, call_problems: tuple[str, ...]) -> bool:
    """Whether Prism's complaint is about a request of an operation pinned in call_problems."""
    for label in call_problems:
        method, path = label.split()[:2]
        pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/ ]+", re.escape(path))
        if re.search(rf"\b{method.lower()} {pattern}(\s|$)", violation):
            return True
    return False
