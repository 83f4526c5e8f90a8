"""Writing workbooks safely: every cell a value (text beginning with '=' stays text, never a formula) and the
file replaced atomically (a temporary file beside it, then a rename), so a failed run leaves no half file.

Local helpers of the authoring package; the hostile-input work (issue 13) is building shared ones for every
writer, and these should move onto those once they exist.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` as a plain value: text is stored as text even when it begins with '=', '+', '-' or '@'."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    return cell


def save_atomically(workbook: Any, path: Path) -> None:
    """Save `workbook` to `path` through a temporary file in the same folder and a rename."""
    write_atomically(path, workbook.save)


def write_text_atomically(path: Path, text: str) -> None:
    def _write(temp: str) -> None:
        with open(temp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    write_atomically(path, _write)


def write_atomically(path: Path, write: Any) -> None:
    """Call `write(temp_path)`, flush it to disk, then rename it over `path`; the temporary file never stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temp)
        with open(temp, "rb") as flushed:
            os.fsync(flushed.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
