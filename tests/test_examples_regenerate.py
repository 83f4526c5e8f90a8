"""`python examples/make_examples.py` (shown in the README) regenerates the committed example files as they are:
the same CSV and commune file byte for byte, the same cells and merged ranges in every workbook."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORKBOOKS = ["thieu_hoa_2024.xlsx", "thieu_hoa_2024_bao_cao.xlsx", "thieu_hoa_2024_theo_dot.xlsx"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples")
    runpy.run_path(str(EXAMPLES / "make_examples.py"))["main"](folder)
    return folder


@pytest.mark.parametrize("name", ["thieu_hoa_2024.csv", "xa-thieu-giao.yaml"])
def test_the_text_examples_come_back_byte_for_byte(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (EXAMPLES / name).read_bytes()


def _cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]], list[str], list[tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [(sheet.title, list(sheet.iter_rows(values_only=True)), sorted(str(r) for r in sheet.merged_cells.ranges),
             [tuple(c.number_format for c in row) for row in sheet.iter_rows()]) for sheet in book.worksheets]


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_example_workbook_comes_back_cell_for_cell(regenerated: Path, name: str) -> None:
    assert _cells(regenerated / name) == _cells(EXAMPLES / name)
