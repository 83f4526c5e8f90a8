"""An edited score sheet back into a ruleset overlay (`chuanxa rulesets import`).

The overlay `extends` the exported version and holds only what the officer changed. It is checked by the
same loader as `rulesets validate` (so the messages are the same), and every problem names the sheet and
cell (`Bảng điểm!E12`). Nothing is written unless the whole sheet is right.

This module is longer than most (about 420 lines): reading the rows and comparing each field with the exported
one are one job on one layout (`sheet_layout`); cell readers are in `sheet_values`, error placing in `sheet_cells`.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from chuanxa.communes.values import parse_date
from chuanxa.criteria.loader import build_ruleset, content_hash
from chuanxa.criteria.merge import apply_overlay
from chuanxa.criteria.model import Comparison, ConditionLevel, IndicatorModel, Ruleset
from chuanxa.criteria.yamlio import LocatedDict
from chuanxa.errors import Location, RulesetError, close_matches, file_problem

from .sheet_cells import Cells, cell_of
from .sheet_export import INFO_FIELDS, SheetRow, default_overlay_header, sheet_rows
from .sheet_layout import FORMAT, INFO_SHEET, META_SHEET, OPS_READ, SHEET, columns, level_rows, sheet_cells
from .sheet_values import CellProblem, blank, id_text, invalid, read_mark, read_number, read_op, read_threshold, read_yes_no

Key = tuple[Any, ...]  # ("criterion", id, column) / ("indicator", id, column) / ("level", id, index, column) / ("info", field)


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]  # column key → value
    formats: dict[str, str]


@dataclass
class SheetImport:
    """The overlay an edited sheet gives, and the ruleset it resolves to (checked)."""

    base: Ruleset
    overlay: dict[str, Any]
    ruleset: Ruleset

    @property
    def changed(self) -> bool:
        return any(key != "ruleset" for key in self.overlay)

    @property
    def file_name(self) -> str:
        meta = self.overlay["ruleset"]
        return f"{meta['id']}_{meta['version']}.yaml"


def read_identity(path: Path) -> tuple[str, str]:
    """The ruleset reference and content hash the sheet was exported from (its hidden sheet)."""
    meta = _meta(_open(path), path)
    return str(meta.get("ruleset")), str(meta.get("sha256"))


def import_score_sheet(path: Path, base: Ruleset, *, overlay_id: str | None = None, effective: dt.date | None = None) -> SheetImport:
    """Read the edited sheet at `path` (exported from `base`) into a checked overlay; raise a `RulesetError`
    whose `related` lists every problem, each located by sheet and cell."""
    book = _open(path)
    meta = _meta(book, path)
    if meta.get("sha256") != content_hash(base):
        raise RulesetError(key="sheet.base_changed", params={"ref": base.ref, "expected": str(meta.get("sha256"))[:12], "actual": content_hash(base)[:12]},
                           location=Location(file=str(path)))
    reader = _Reader(path, base)
    rows = reader.rows(book, _open(path, formulas=True))
    overlay_body = reader.compare(rows)
    header = reader.header(book, overlay_id, effective)
    reader.raise_errors()
    overlay = {"ruleset": header, **overlay_body}
    try:
        resolved = build_ruleset(apply_overlay(LocatedDict(base.model_dump(mode="json", exclude_none=True)), LocatedDict(overlay)), str(path))
    except RulesetError as exc:
        reader.errors = [reader.place(error, overlay) for error in exc.related or [exc] if isinstance(error, RulesetError)]
        reader.raise_errors()
        raise  # pragma: no cover - raise_errors raised
    return SheetImport(base=base, overlay=overlay, ruleset=resolved)


def _open(path: Path, formulas: bool = False) -> Any:
    """The workbook with each cell's value (as Excel last computed it), or with its formulas."""
    try:
        return load_workbook(path, data_only=not formulas)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RulesetError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None


def _meta(book: Any, path: Path) -> dict[str, Any]:
    if META_SHEET not in book.sheetnames:
        raise RulesetError(key="sheet.not_exported", params={"sheet": META_SHEET}, location=Location(file=str(path)))
    meta = {str(row[0]): row[1] for row in book[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True) if row[0] is not None}
    if meta.get("format") != FORMAT:
        raise RulesetError(key="sheet.not_exported", params={"sheet": META_SHEET}, location=Location(file=str(path)))
    return meta


class _Reader:
    """Reads one edited sheet against the ruleset it was exported from, collecting every problem."""

    def __init__(self, path: Path, base: Ruleset) -> None:
        self.path, self.base = path, base
        self.columns = columns(base)
        self.errors: list[RulesetError] = []
        self.cells: Cells = {}
        self.expected = sheet_rows(base)

    # --- errors ---
    def error(self, key: str, cell: str | None, **params: Any) -> None:
        self.errors.append(RulesetError(key=key, params=params, location=Location(file=str(self.path), cell=cell)))

    def invalid(self, cell: str, kind: str, value: Any) -> None:
        self.problem(cell, invalid(kind, value))

    def problem(self, cell: str, found: CellProblem) -> None:
        self.error(found.key, cell, **found.params)

    def read(self, reader: Any, row: _Row, column: str, *args: Any) -> Any:
        """`reader(value, *args)` of the cell, or None with the problem recorded against the cell."""
        try:
            return reader(row.cells.get(column), *args)
        except CellProblem as found:
            self.problem(self.ref(column, row.number), found)
            return None

    def raise_errors(self) -> None:
        if self.errors:
            first = self.errors[0]
            first.related = list(self.errors)
            raise first

    # --- reading rows ---
    def rows(self, book: Any, formulas: Any) -> list[_Row]:
        if SHEET not in book.sheetnames:
            self.error("sheet.missing_sheet", None, sheet=SHEET)
            self.raise_errors()
        sheet = book[SHEET]
        heading = self._heading_row(sheet)
        rows = []
        for number, line in enumerate(sheet.iter_rows(min_row=heading + 2, max_col=len(self.columns)), start=heading + 2):
            cells = {col.key: cell.value for col, cell in zip(self.columns, line)}
            for col, cell in zip(self.columns, line):
                written = formulas[SHEET].cell(number, cell.column).value
                if cell.value is None and isinstance(written, str) and written.startswith("="):
                    # A formula no spreadsheet has computed yet: its value is unknown, never taken as blank.
                    self.error("ruleset.invalid_field", self.ref(col.key, number), detail=f"a formula with no computed value ({written}): type the value itself",
                               detail_vi=f"công thức chưa được tính ({written}): hãy gõ thẳng giá trị")
            if all(blank(v) for v in cells.values()):
                continue
            rows.append(_Row(number, cells, {col.key: cell.number_format for col, cell in zip(self.columns, line)}))
        return rows

    def _heading_row(self, sheet: Any) -> int:
        first, second = self.columns[0].vi, self.columns[1].vi
        for number in range(1, 30):
            if sheet.cell(number, 1).value == first and sheet.cell(number, 2).value == second:
                for index, col in enumerate(self.columns, start=1):
                    found = sheet.cell(number, index).value
                    if found != col.vi:
                        self.error("sheet.header_changed", self.ref(index, number), expected=col.vi, actual=found or "")
                self.raise_errors()
                return number
        self.error("sheet.header_changed", f"{SHEET}!A4", expected=first, actual=sheet.cell(4, 1).value or "")
        self.raise_errors()
        raise AssertionError  # pragma: no cover

    def ref(self, column: int | str, row: int) -> str:
        index = column if isinstance(column, int) else [c.key for c in self.columns].index(column) + 1
        return f"{SHEET}!{get_column_letter(index)}{row}"

    # --- comparing with the exported rows ---
    def compare(self, rows: list[_Row]) -> dict[str, Any]:
        """The overlay body (criteria with what changed), from rows grouped under their criterion and indicator."""
        grouped = self._group(rows)
        crit_changes = []
        for crit in self.base.criteria:
            if crit.id not in grouped["criteria"]:
                self.error("sheet.missing_criterion", SHEET, id=crit.id, title=crit.title.vi)
                continue
            changes = self._criterion_changes(crit, grouped["criteria"][crit.id])
            indicators = []
            for ind in crit.indicators:
                found = grouped["indicators"].get(ind.id)
                if found is None:
                    self.error("sheet.missing_indicator", SHEET, id=ind.id, title=ind.title.vi)
                    continue
                row, under, levels = found
                if under != crit.id:
                    self.error("sheet.moved_indicator", self.ref("indicator", row.number), id=ind.id, criterion=crit.id, now=under)
                ind_changes = self._indicator_changes(ind, row, levels)
                if ind_changes:
                    indicators.append({"id": ind.id, **ind_changes})
            if indicators:
                changes["indicators"] = indicators
            if changes:
                crit_changes.append({"id": crit.id, **changes})
        return {"criteria": crit_changes} if crit_changes else {}

    def _group(self, rows: list[_Row]) -> dict[str, Any]:
        criteria: dict[str, _Row] = {}
        indicators: dict[str, tuple[_Row, str, list[_Row]]] = {}
        known_crit = [c.id for c in self.base.criteria]
        known_ind = [i.id for i in self.base.indicators]
        current_crit: str | None = None
        current_levels: list[_Row] | None = None
        for row in rows:
            crit_id, ind_id = row.cells["criterion"], row.cells["indicator"]
            if not blank(crit_id):
                current_crit, current_levels = id_text(crit_id), None
                if current_crit not in known_crit:
                    self.error("sheet.unknown_criterion", self.ref("criterion", row.number), id=current_crit, ref=self.base.ref, suggestions=close_matches(current_crit, known_crit))
                elif current_crit in criteria:
                    self.error("ruleset.duplicate_id", self.ref("criterion", row.number), what="criterion", what_vi="tiêu chí", id=current_crit, first=self.ref("criterion", criteria[current_crit].number))
                else:
                    criteria[current_crit] = row
            elif not blank(ind_id):
                text = id_text(ind_id)
                current_levels = []
                if text not in known_ind:
                    self.error("sheet.unknown_indicator", self.ref("indicator", row.number), id=text, ref=self.base.ref, suggestions=close_matches(text, known_ind))
                elif text in indicators:
                    self.error("ruleset.duplicate_id", self.ref("indicator", row.number), what="indicator", what_vi="chỉ tiêu", id=text, first=self.ref("indicator", indicators[text][0].number))
                else:
                    indicators[text] = (row, current_crit or "?", current_levels)
            elif current_levels is None:
                self.error("sheet.orphan_level", self.ref("points", row.number))
            else:
                current_levels.append(row)
        return {"criteria": criteria, "indicators": indicators}

    def _expected_row(self, kind: str, ident: str, level: int | None = None) -> SheetRow | None:
        for row in self.expected:
            if row.kind == kind and (row.indicator if kind != "criterion" else row.criterion) == ident and row.level == level:
                return row
        return None

    def _read_only(self, row: _Row, expected: SheetRow | None) -> None:
        for col in self.columns:
            if col.editable or expected is None:
                continue
            was, now = expected.cells.get(col.key), row.cells.get(col.key)
            if (None if blank(was) else str(was)) != (None if blank(now) else str(now)):
                instead = "So sánh, Ngưỡng" if col.key == "words" else "—"
                self.error("sheet.read_only", self.ref(col.key, row.number), column=col.vi, expected=was or "", actual=now or "", instead=instead)

    def _criterion_changes(self, crit: Any, row: _Row) -> dict[str, Any]:
        self._read_only(row, self._expected_row("criterion", crit.id))
        key = ("criterion", crit.id)
        changes: dict[str, Any] = {}
        self._title(row, crit.title, key, changes)
        self._number_field(row, "max", crit.max_points, key, changes, "max_points")
        self._text_field(row, "source", crit.source, key, changes, required=False)
        self._text_field(row, "note", crit.note, key, changes, required=False)
        return changes

    def _indicator_changes(self, ind: IndicatorModel, row: _Row, levels: list[_Row]) -> dict[str, Any]:
        self._read_only(row, self._expected_row("indicator", ind.id))
        key = ("indicator", ind.id)
        self.cells[key + ("row",)] = self.ref("indicator", row.number)
        changes: dict[str, Any] = {}
        self._title(row, ind.title, key, changes)
        self._number_field(row, "max", ind.max_points, key, changes, "max_points")
        source_changed = self._text_field(row, "source", ind.source, key, changes, required=True)
        self._text_field(row, "note", ind.note, key, changes, required=False)
        knockout = self._mark(row, "knockout", key)
        if knockout is not None and knockout != ind.knockout:
            changes["knockout"] = knockout
        provisional = self._mark(row, "provisional", key)
        if provisional is False and ind.provisional:
            if source_changed:
                changes["provisional"] = False
            else:
                self.error("sheet.provisional_needs_source", self.ref("provisional", row.number), id=ind.id)
        elif provisional and not ind.provisional:
            changes["provisional"] = True
        read = self._rule_cells(ind, row, key, changes)
        self._unread(ind, row, read)
        if level_rows(ind):
            new_levels = self._levels(ind, levels)
            old_levels = [lv.model_dump(mode="json", exclude_none=True) for lv in ind.levels]  # type: ignore[union-attr]
            if new_levels is not None and new_levels != _ascii_ops(old_levels):
                changes["levels"] = new_levels
        else:
            for extra in levels:
                self.error("sheet.no_levels", self.ref("points", extra.number), id=ind.id, kind=ind.kind)
        return changes

    def _rule_cells(self, ind: IndicatorModel, row: _Row, key: Key, changes: dict[str, Any]) -> set[str]:
        """The rule cells of an indicator row (a threshold's comparison, a yes/no's answer) into `changes`; the columns read."""
        rule, read = sheet_cells(ind), set()
        if rule is not None and rule.op is not None:
            op, old = self._op(row, key), getattr(ind, rule.op)
            if op is not None and op != OPS_READ.get(old, old):  # "≥" as the decision prints it is ">="
                changes[rule.op] = op
            read.add("op")
        if rule is not None and rule.answer is not None:
            expected = self.read(read_yes_no, row, "threshold")
            if expected is not None and expected != getattr(ind, rule.answer):
                changes[rule.answer] = expected
            read.add("threshold")
        return read

    def _unread(self, ind: IndicatorModel, row: _Row, read: set[str]) -> None:
        """An edited rule cell the indicator's row does not use (a comparison typed beside a kind that has none): refused
        where it stands, never dropped without a word."""
        expected = self._expected_row("indicator", ind.id)
        for col in self.columns:
            if col.key in read or not (col.key in ("op", "threshold", "points") or ":" in col.key):
                continue
            was = expected.cells.get(col.key) if expected is not None else None
            now = row.cells.get(col.key)
            if (None if blank(was) else str(was)) != (None if blank(now) else str(now)):
                self.error("sheet.cell_unused", self.ref(col.key, row.number), id=ind.id, kind=ind.kind, column=col.vi, column_en=col.en)

    # --- fields ---
    def _title(self, row: _Row, title: Any, key: Key, changes: dict[str, Any]) -> None:
        new: dict[str, str] = {}
        for lang in ("vi", "en"):
            column = f"title_{lang}"
            self.cells[key + (column,)] = self.ref(column, row.number)
            value = row.cells[column]
            if blank(value):
                self.invalid(self.ref(column, row.number), "string_too_short", "")
            elif str(value) != getattr(title, lang):
                new[lang] = str(value)
        if new:
            changes["title"] = new

    def _number_field(self, row: _Row, column: str, old: float, key: Key, changes: dict[str, Any], name: str) -> None:
        self.cells[key + (column,)] = self.ref(column, row.number)
        value = self._number(row, column)
        if value is not None and value != old:
            changes[name] = value

    def _number(self, row: _Row, column: str) -> float | None:
        return self.read(read_number, row, column, row.formats.get(column, "General")) if column in row.cells else None

    def _text_field(self, row: _Row, column: str, old: str | None, key: Key, changes: dict[str, Any], *, required: bool) -> bool:
        self.cells[key + (column,)] = self.ref(column, row.number)
        value = row.cells.get(column)
        new = None if blank(value) else str(value)
        if new is None and required:
            self.invalid(self.ref(column, row.number), "string_too_short", "")
            return False
        if new != (old or None):
            changes[column] = new
            return new is not None
        return False

    def _mark(self, row: _Row, column: str, key: Key) -> bool | None:
        self.cells[key + (column,)] = self.ref(column, row.number)
        return self.read(read_mark, row, column)  # type: ignore[no-any-return]

    def _op(self, row: _Row, key: Key) -> str | None:
        self.cells[key + ("op",)] = self.ref("op", row.number)
        return self.read(read_op, row, "op")  # type: ignore[no-any-return]

    # --- levels ---
    def _levels(self, ind: IndicatorModel, rows: list[_Row]) -> list[dict[str, Any]] | None:
        old = list(ind.levels)  # type: ignore[union-attr]
        thresholds = getattr(sheet_cells(ind), "levels", None) == "thresholds"  # each row a threshold against the indicator's input
        levels = []
        for index, row in enumerate(rows):
            key = ("level", ind.id, index)
            self._read_only(row, self._expected_row("level", ind.id, index))
            self.cells[key + ("points",)] = self.ref("points", row.number)
            self.cells[key + ("row",)] = self.ref("points", row.number)
            level: dict[str, Any] = {"points": self._number(row, "points")}
            base_level = old[index] if index < len(old) else None
            if thresholds:
                level["threshold"] = self._threshold(row, ind.input, key)  # type: ignore[union-attr]
            elif isinstance(base_level, ConditionLevel) and isinstance(base_level.when, Comparison):
                op = self._op(row, key)
                level["when"] = {"input": base_level.when.input, "op": op, "threshold": self._threshold(row, base_level.when.input, key)}
            else:
                self._compound(ind, row, index)
                level["when"] = base_level.when.model_dump(mode="json", exclude_none=True) if base_level is not None else {}
            if not blank(row.cells.get("title_vi")) or not blank(row.cells.get("title_en")):
                vi = row.cells.get("title_vi") or row.cells.get("title_en")
                level["label"] = {"vi": str(vi), "en": str(row.cells.get("title_en") or vi)}
            levels.append(level)
        return levels

    def _compound(self, ind: IndicatorModel, row: _Row, index: int) -> None:
        expected = self._expected_row("level", ind.id, index)
        threshold_keys = [c.key for c in self.columns if c.key in ("op", "threshold") or ":" in c.key]
        for column in threshold_keys:
            was = expected.cells.get(column) if expected else None
            if expected is None or (None if blank(was) else was) != (None if blank(row.cells.get(column)) else row.cells.get(column)):
                self.error("sheet.compound_condition", self.ref(column if expected else "points", row.number), id=ind.id)
                return

    def _threshold(self, row: _Row, input_name: str, key: Key) -> Any:
        spec = self.base.inputs.get(input_name)
        zone = {k.split(":", 1)[1]: k for k in row.cells if k.startswith("zone:") and not blank(row.cells[k])}
        region = {k.split(":", 1)[1]: k for k in row.cells if k.startswith("region:") and not blank(row.cells[k])}
        self.cells[key + ("threshold",)] = self.ref("threshold", row.number)
        given = [name for name, found in (("threshold", not blank(row.cells.get("threshold"))), ("zone", zone), ("region", region)) if found]
        if len(given) != 1:
            self.error("ruleset.invalid_field", self.ref("threshold", row.number),
                       detail="give the threshold either in column Threshold, or by zone, or by region (exactly one of them)",
                       detail_vi="ghi ngưỡng ở đúng một chỗ: cột Ngưỡng, hoặc các cột Vùng 1–3, hoặc các cột vùng kinh tế - xã hội")
            return None
        if given[0] != "threshold":
            table = zone or region
            self.cells[key + ("threshold",)] = self.ref(next(iter(table.values())), row.number)
            percent = spec is not None and spec.type == "percent"  # a cell shown as 95% holds 0.95
            return {"by": given[0], "values": {name: self.read(read_number, row, column, row.formats.get(column, "General"), percent) for name, column in table.items()}}
        return self.read(read_threshold, row, "threshold", row.formats.get("threshold", "General"), spec)

    # --- the overlay's own header (information sheet, or the command line) ---
    def header(self, book: Any, overlay_id: str | None, effective: dt.date | None) -> dict[str, Any]:
        info = dict(default_overlay_header(self.base))
        if INFO_SHEET in book.sheetnames:
            sheet = book[INFO_SHEET]
            labels = {vi: key for key, vi, _ in INFO_FIELDS}
            for number in range(1, 40):
                key = labels.get(sheet.cell(number, 1).value)
                if key is not None:
                    self.cells[("info", key)] = f"{INFO_SHEET}!C{number}"
                    if not blank(sheet.cell(number, 3).value):
                        info[key] = sheet.cell(number, 3).value
        info["id"] = overlay_id or str(info["id"]).strip()
        day = effective or info["effective"]
        try:
            day = day.date() if isinstance(day, dt.datetime) else day if isinstance(day, dt.date) else parse_date(str(day))
        except ValueError:
            self.invalid(self.cells.get(("info", "effective"), INFO_SHEET), "date_from_datetime_parsing", day)
            day = self.base.ruleset.effective
        return {"id": info["id"], "version": day, "title": {"vi": str(info["title_vi"]), "en": str(info["title_en"])},
                "legal_basis": {"vi": str(info["legal_basis_vi"]), "en": str(info["legal_basis_en"])},
                "issued": day, "effective": day, "extends": self.base.ref}

    # --- the loader's errors, back on cells ---
    def place(self, error: RulesetError, overlay: dict[str, Any]) -> RulesetError:
        merged = apply_overlay(LocatedDict(self.base.model_dump(mode="json", exclude_none=True)), LocatedDict(overlay))
        cell = cell_of(tuple(error.location.path), merged, self.cells, self.base)
        error.location = Location(file=str(self.path), cell=cell or SHEET)
        return error


def _ascii_ops(tree: Any) -> Any:
    """`tree` with every comparison's operator as the sheet reads it back ("≥" is ">="): notation is not a change."""
    if isinstance(tree, dict):
        return {key: (OPS_READ.get(value, value) if key == "op" else _ascii_ops(value)) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_ascii_ops(item) for item in tree]
    return tree

