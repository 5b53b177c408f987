"""Generation is deterministic: the same inputs give the same bytes, whenever and wherever it runs.

One scratch copy is generated twice, with different hash seeds and time zones (so neither set
ordering nor the local clock can leak into the output), then checked with `--check`. Another is
checked under a locale whose default encoding is not UTF-8. The first copy has the grown spec and
its golden record too: the record must come out the same on every run, and the same as committed
(it was made in another directory: the output does not depend on where it is written).
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.generate.scratch import (
    CACHE_NAMES,
    GENERATED,
    GOLDEN,
    GROWN_DIR,
    REPO_ROOT,
    SPEC_PATH,
    describe,
    make_scratch_repo,
    run_generate,
    scratch_dirs_left,
    subprocess_env,
    tree_hashes,
)

GROWN_SPEC_PATH = GROWN_DIR / "openapi.yaml"
# ISO dates and clock times: what a generation timestamp would look like.
DATE_OR_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}:\d{2}:\d{2}\b")
# Phrases generators use to stamp their output with the time of generation (`date:` as a key, not
# the end of an annotation such as `-> datetime.date:`).
TIMESTAMP_MARKERS = re.compile(r"generated on|generated at|timestamp:|(?<![.\w])date:", re.IGNORECASE)


@dataclass(frozen=True)
class DeterminismRuns:
    repo: Path
    committed: dict[str, str]
    first: subprocess.CompletedProcess[str]
    after_first: dict[str, str]
    second: subprocess.CompletedProcess[str]
    after_second: dict[str, str]
    check: subprocess.CompletedProcess[str]
    golden_committed: dict[str, str]
    golden_after_first: dict[str, str]
    golden_after_second: dict[str, str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> DeterminismRuns:
    repo = make_scratch_repo(tmp_path_factory.mktemp("determinism") / "repo", golden=True)
    committed = tree_hashes(REPO_ROOT / GENERATED)
    golden_committed = tree_hashes(REPO_ROOT / GOLDEN)
    first = run_generate(repo, env=subprocess_env(PYTHONHASHSEED="1", TZ="UTC"))
    after_first = tree_hashes(repo / GENERATED)
    golden_after_first = tree_hashes(repo / GOLDEN)
    second = run_generate(repo, env=subprocess_env(PYTHONHASHSEED="2", TZ="Pacific/Auckland"))
    after_second = tree_hashes(repo / GENERATED)
    golden_after_second = tree_hashes(repo / GOLDEN)
    check = run_generate(repo, "--check", env=subprocess_env(PYTHONHASHSEED="3"))
    return DeterminismRuns(
        repo,
        committed,
        first,
        after_first,
        second,
        after_second,
        check,
        golden_committed,
        golden_after_first,
        golden_after_second,
    )


def generated_texts(repo: Path) -> dict[Path, str]:
    """Every generated file of `repo`: generated/ and, where the copy has one, the golden record."""
    return {
        path: path.read_text(encoding="utf-8")
        for tree in (GENERATED, GOLDEN)
        for path in sorted((repo / tree).rglob("*"))
        if path.is_file() and not CACHE_NAMES.intersection(path.parts)
    }


def test_generate_succeeds_on_the_committed_spec(runs: DeterminismRuns) -> None:
    assert runs.first.returncode == 0, describe(runs.first)
    assert runs.second.returncode == 0, describe(runs.second)
    assert "Generated generated/ from spec/openapi.yaml." in runs.first.stdout


def test_committed_generated_tree_is_what_the_spec_produces(runs: DeterminismRuns) -> None:
    # Also shows the output does not depend on where the repository lives (the scratch copy
    # is elsewhere than the checkout that produced the committed tree).
    assert runs.after_first == runs.committed


def test_regenerating_leaves_every_file_byte_identical(runs: DeterminismRuns) -> None:
    assert runs.after_first, "the generated tree is empty"
    assert runs.after_second == runs.after_first


def test_committed_golden_record_is_what_the_grown_spec_produces(runs: DeterminismRuns) -> None:
    assert "Generated tests/data/grown/golden/ from tests/data/grown/openapi.yaml." in runs.first.stdout
    assert runs.golden_after_first == runs.golden_committed


def test_regenerating_leaves_the_golden_record_byte_identical(runs: DeterminismRuns) -> None:
    # The grown spec has closed response enums, whose values openapi-python-client keeps in a set.
    assert runs.golden_after_first, "the golden record is empty"
    assert runs.golden_after_second == runs.golden_after_first


def test_check_passes_right_after_generating(runs: DeterminismRuns) -> None:
    assert runs.check.returncode == 0, describe(runs.check)
    assert "generated/ is up to date." in runs.check.stdout
    assert "tests/data/grown/golden/ is up to date." in runs.check.stdout


def test_generated_files_carry_no_timestamps(runs: DeterminismRuns) -> None:
    # A stamp of the date alone that matches a date in the spec's examples would pass this scan;
    # the two runs above, in time zones a day apart, catch that one.
    spec_text = "\n".join((runs.repo / spec).read_text(encoding="utf-8") for spec in (SPEC_PATH, GROWN_SPEC_PATH))
    # Dates and times the spec itself contains (its examples) may be copied; nothing else may.
    allowed = set(DATE_OR_TIME.findall(spec_text))
    today = datetime.date.today().isoformat()
    today_utc = datetime.datetime.now(datetime.UTC).date().isoformat()
    found: list[str] = []
    for path, text in generated_texts(runs.repo).items():
        relative = path.relative_to(runs.repo)
        found += [f"{relative}: {match}" for match in DATE_OR_TIME.findall(text) if match not in allowed]
        found += [f"{relative}: today's date" for day in {today, today_utc} if day in text and day not in spec_text]
        found += [f"{relative}: {match.group()!r}" for match in TIMESTAMP_MARKERS.finditer(text)]
    assert found == []


def test_generated_files_do_not_mention_where_the_repository_is(runs: DeterminismRuns) -> None:
    locations = {str(runs.repo), str(runs.repo.resolve()), str(REPO_ROOT)}
    mentions = [
        f"{path.relative_to(runs.repo)}: {location}"
        for path, text in generated_texts(runs.repo).items()
        for location in locations
        if location in text
    ]
    assert mentions == []


def test_generation_leaves_no_staging_tree_or_caches_behind(runs: DeterminismRuns) -> None:
    leftovers = scratch_dirs_left(runs.repo)
    caches = [
        str(path.relative_to(runs.repo))
        for tree in (GENERATED, GOLDEN)
        for path in (runs.repo / tree).rglob("*")
        if path.name in CACHE_NAMES
    ]
    assert leftovers == []
    assert caches == []


def test_output_does_not_depend_on_the_locale_encoding(scratch_repo: Path) -> None:
    # The C locale with Python's UTF-8 mode and locale coercion off: the default text encoding is
    # ASCII, as it is not UTF-8 (latin-1, cp1252, ...) on machines with other locales.
    ascii_locale = subprocess_env(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")

    result = run_generate(scratch_repo, "--check", env=ascii_locale)

    assert result.returncode == 0, describe(result)
    assert "generated/ is up to date." in result.stdout
    assert scratch_dirs_left(scratch_repo) == []


# A response enum: openapi-python-client keeps a literal enum's values in a set, which iterates in
# an order the hash seed picks.
ENUM_VALUES_OF_ONE_SPEC = """
import json
import tempfile
from pathlib import Path

from scripts.lib.generate import load_generator_data
from scripts.lib.plan import field_shape, read_generator_data
from tests.generate.fragments import ok_response, spec_with

COLOURS = ["red", "orange", "yellow", "green", "blue", "indigo", "violet"]
thing_response = ok_response({"$ref": "#/components/schemas/Thing"})
spec = spec_with(
    {"/things": {"get": {"operationId": "listThings", "responses": thing_response}}},
    schemas={"Thing": {"type": "object", "properties": {"colour": {"type": "string", "enum": COLOURS}}}},
)
with tempfile.TemporaryDirectory() as scratch:
    _, openapi = load_generator_data(Path(scratch) / "openapi.yaml", spec, Path(scratch) / "out")
models = read_generator_data(openapi).models
thing = models["Thing"]
colour = next(prop for prop in [*thing.required, *thing.optional] if prop.name == "colour")
print(json.dumps({"spec": COLOURS, "plan": list(field_shape(colour, models).enum_values)}))
"""


def test_a_closed_enums_values_come_in_the_same_order_whatever_the_hash_seed() -> None:
    orders = []
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-c", ENUM_VALUES_OF_ONE_SPEC],
            cwd=REPO_ROOT,
            env=subprocess_env([REPO_ROOT], PYTHONHASHSEED=seed),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, describe(result)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        assert sorted(values["plan"]) == sorted(values["spec"])
        orders.append(values["plan"])

    assert orders[1] == orders[0]
    assert orders[2] == orders[0]
