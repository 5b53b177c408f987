"""The Python half of `scripts/api-diff`: griffe's breakages, and the model field annotations griffe
does not compare, each on a tiny package written twice (old, new) into a temporary directory."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import griffe
import pytest

from scripts.lib import api_diff

PACKAGE = "pkg"
# What the generated attrs models import: a sentinel class for "not sent".
UNSET = "class Unset:\n    pass\n\n"


@dataclass(frozen=True)
class PythonCase:
    """`pkg/__init__.py` before and after, and the one rule the change must set off."""

    rule: str
    old: str
    new: str
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.rule


def write_package(root: Path, source: str) -> Path:
    package = root / PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def compare(tmp_path: Path, old: str, new: str) -> list[api_diff.Finding]:
    old_root = write_package(tmp_path / "old", old)
    new_root = write_package(tmp_path / "new", new)
    return api_diff.compare_python_packages(
        old_root, new_root, PACKAGE, api_diff.RelativePaths(tmp_path / "old", tmp_path / "new")
    )


def model(annotation: str, prelude: str = "") -> str:
    return f"{prelude}class Model:\n    field: {annotation}\n"


GRIFFE_CASES = [
    PythonCase("python-object-removed", "def f() -> None: ...\n", ""),
    PythonCase("python-object-changed-kind", "X = 1\n", "def X() -> None: ...\n"),
    PythonCase("python-parameter-removed", "def f(a: int, b: int = 1) -> None: ...\n", "def f(a: int) -> None: ...\n"),
    PythonCase(
        "python-parameter-moved", "def f(a: int) -> None: ...\n", "def f(z: int = 0, a: int = 0) -> None: ...\n"
    ),
    PythonCase("python-parameter-changed-kind", "def f(a: int) -> None: ...\n", "def f(*, a: int) -> None: ...\n"),
    PythonCase("python-parameter-changed-required", "def f(a: int = 1) -> None: ...\n", "def f(a: int) -> None: ...\n"),
    PythonCase("python-parameter-added-required", "def f() -> None: ...\n", "def f(a: int) -> None: ...\n"),
    PythonCase(
        "python-parameter-changed-default", "def f(a: int = 1) -> None: ...\n", "def f(a: int = 2) -> None: ...\n"
    ),
    PythonCase("python-return-changed-type", "def f() -> int: ...\n", "def f(): ...\n"),
    PythonCase(
        "python-class-removed-base",
        "class A: ...\nclass B: ...\nclass C(A, B): ...\n",
        "class A: ...\nclass B: ...\nclass C(A): ...\n",
    ),
]
# Which way a model field's type went; the generated attrs models spell unions `None | str | Unset`.
FIELD_CASES = [
    PythonCase("python-model-field-type-widened", model("str"), model("str | None"), "field-became-nullable"),
    PythonCase(
        "python-model-field-type-widened",
        model("Status", "from typing import Literal\nStatus = Literal['a']\n"),
        model("Status", "from typing import Literal\nStatus = Literal['a', 'b']\n"),
        "literal-alias-gained-a-value",
    ),
    PythonCase(
        "python-model-field-type-narrowed",
        model("None | str | Unset", UNSET),
        model("str | None", UNSET),
        "field-lost-unset",
    ),
    PythonCase(
        "python-model-field-type-narrowed",
        model("str | None"),
        model("Status | None", "from typing import Literal\nStatus = Literal['a', 'b']\n"),
        "open-string-became-a-literal",
    ),
    PythonCase("python-model-field-type-changed", model("int"), model("str"), "int-became-str"),
]
# Spelling changes that are the same type: no finding.
SAME_TYPE = [
    ("Optional[str]", "str | None"),
    ("Union[None, str, Unset]", "str | Unset | None"),
    ("Annotated[str | None, Field(alias='a')]", "Annotated[str | None, Field(alias='b', description='x')]"),
    ("List[int]", "list[int]"),
    ("datetime.datetime | None", "datetime | None"),
]


@pytest.mark.parametrize("case", GRIFFE_CASES + FIELD_CASES, ids=[c.id for c in GRIFFE_CASES + FIELD_CASES])
def test_each_python_rule_finds_its_change_and_only_it(case: PythonCase, tmp_path: Path) -> None:
    found = compare(tmp_path, case.old, case.new)

    assert [item.rule.id for item in found] == [case.rule], [f"{i.rule.id}: {i.message}" for i in found]
    assert found[0].message


@pytest.mark.parametrize(("old", "new"), SAME_TYPE, ids=[f"{old} -> {new}" for old, new in SAME_TYPE])
def test_an_annotation_spelled_otherwise_is_no_change(old: str, new: str, tmp_path: Path) -> None:
    prelude = "import datetime\nfrom datetime import datetime\nfrom typing import *\n" + UNSET
    assert compare(tmp_path, model(old, prelude), model(new, prelude)) == []


def test_a_field_of_a_class_that_moved_module_is_still_compared(tmp_path: Path) -> None:
    old_root = write_package(tmp_path / "old", "from .client import Client\n")
    (old_root / PACKAGE / "client.py").write_text("class Client:\n    timeout: float\n", encoding="utf-8")
    new_root = write_package(tmp_path / "new", "from ._client import Client\n")
    (new_root / PACKAGE / "_client.py").write_text("class Client:\n    timeout: float | None\n", encoding="utf-8")

    found = api_diff.compare_python_packages(old_root, new_root, PACKAGE, api_diff.RelativePaths(tmp_path))

    assert "python-model-field-type-widened" in {item.rule.id for item in found}


def test_a_breakage_kind_the_gate_does_not_know_still_breaks(tmp_path: Path) -> None:
    root = write_package(tmp_path / "pkg-root", "class Model:\n    field: int\n")
    package = griffe.load(PACKAGE, search_paths=[root], allow_inspection=False)
    attribute = package["Model.field"]
    breakage = griffe.AttributeChangedTypeBreakage(attribute, "int", "str")

    found = api_diff.griffe_finding(breakage, api_diff.RelativePaths(root))

    assert found.rule.id == "python-api-breakage"
    assert found.rule.breaking
    assert "Model.field" in found.message


PYTHON_CASES = GRIFFE_CASES + FIELD_CASES + [PythonCase("python-api-breakage", "", "")]
