"""The overlay an imported score sheet gives, written as a YAML file a person can read and keep editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .sheet_import import SheetImport
from .sheet_layout import cell_number
from chuanxa.fileio import write_text


def write_overlay(result: SheetImport, folder: Path, source: Path) -> Path:
    """Write the overlay YAML into `folder` (atomically); the file's path."""
    target = folder / result.file_name
    write_text(target, overlay_text(result, source.name))
    return target


def overlay_text(result: SheetImport, source_name: str) -> str:
    """The overlay as YAML text, headed by a comment naming the sheet it came from."""
    note = (f"# Bộ tiêu chí hiệu chỉnh, nhập từ bảng điểm {source_name}: chỉ ghi những gì khác {result.base.ref}.\n"
            f"# Corrections imported from the score sheet {source_name}: only what differs from {result.base.ref}.\n")
    return note + yaml.dump(_plain_numbers(result.overlay), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same date three times is written three times, not as an alias


def _plain_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    return cell_number(value) if isinstance(value, float) else value
