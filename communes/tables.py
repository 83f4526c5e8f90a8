"""Find the table in a sheet as officers lay it out, and tell commune rows from the rest.

The header is the row, among the first `HEADER_SEARCH` non-empty rows, whose cells match the most known
labels and include the commune code; a group row just above it (a merged "Điểm thẩm định" over "1", "2", …, or
"Mã xã" merged down over two rows) is combined with it; title rows above are ignored and a row of column
numbers ("(1) (2) …", "1 2 3", "A B C") under it is skipped. Below it, blank rows, totals, section headings,
notes and signature blocks are not communes: each is skipped with a notice, and notes or a signature end the
table. A row with a commune code, or with data in a value column, is a commune (scored or rejected).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .headers import HeaderMatcher, Place, match_headers
from .notices import TableNotice
from .sheets import Grid
from .values import fold, is_blank

HEADER_SEARCH = 30  #: how many non-empty rows from the top may hold the header

_NUMBERING = re.compile(r"^[(\[]?(?:\d{1,3}|[a-z])[)\].]?$")
_TOTALS = re.compile(r"^(?:tong cong|tong so|tong hop|(?:tong|cong)(?:\s*:|$|\s+(?:chung|toan|huyen|tinh|xa|\d))|toan (?:huyen|tinh|xa|thi xa|thanh pho|quan)|"
                     r"total|sum|grand total)\b")
_NOTES = re.compile(r"^(?:\*|(?:ghi chu|chu thich|luu y|chu y|notes?|nguon|source)\b)")
_SIGNATURE = re.compile(r"(?:nguoi lap (?:bieu|bang)|ky,? ghi ro ho ten|ky ten|\(ky|thu truong|giam doc|chu tich|truong tram|pho giam doc|"
                        r"xac nhan cua|ngay \S* thang \S* nam|t/m|tm\.|kt\.)")


@dataclass
class FoundTable:
    """A sheet's table: the header texts (group row combined), where each column goes, its data rows."""

    sheet: str | None
    header_row: int
    header: list[str]
    mapping: dict[int, Place]
    unknown: list[str]
    rows: list[tuple[int, list[Any]]]
    notices: list[TableNotice]


def find_table(grid: Grid, matcher: HeaderMatcher, header_row: int | None = None) -> FoundTable | None:
    """The table of `grid`, or None when no row among the first ones has a commune-code column."""
    rows = grid.rows
    if not rows:
        return None
    candidates = [i for i, (number, _) in enumerate(rows) if number == header_row] if header_row else list(range(min(HEADER_SEARCH, len(rows))))
    best: tuple[int, int, list[str], int] | None = None  # (score, -index, header, index)
    for index in candidates:
        for header, score in _header_variants(rows, index, matcher):
            if score and (best is None or (score, -index) > (best[0], best[1])):
                best = (score, -index, header, index)
    if best is None:
        return None
    _, _, header, index = best
    mapping, unknown = match_headers(header, matcher)
    number = rows[index][0]
    grouped = header != [_text(c) for c in rows[index][1]]  # the group row above was combined with it
    notices = [TableNotice.of("notice.header_rows" if grouped else "notice.header_row", grid.name, (number - 1, number) if grouped else (number,),
                      {"columns": len(mapping)})]
    above = [n for n, _ in rows[: index - 1 if grouped else index]]
    if above:
        notices.append(TableNotice.of("notice.title_rows", grid.name, tuple(above)))
    body = rows[index + 1:]
    if body and _is_numbering(body[0][1], header):
        notices.append(TableNotice.of("notice.numbering_row", grid.name, (body[0][0],)))
        body = body[1:]
    data, skipped = split_rows(body, header, mapping)
    notices += [TableNotice.of(key, grid.name, tuple(numbers)) for key, numbers in skipped.items() if numbers]
    if grid.stopped_at:
        notices.append(TableNotice.of("notice.stopped", grid.name, (grid.stopped_at,)))
    return FoundTable(grid.name, number, header, mapping, unknown, data, notices)


def _header_variants(rows: Sequence[tuple[int, list[Any]]], index: int, matcher: HeaderMatcher) -> list[tuple[list[str], int]]:
    """The row alone, and combined with the row just above it (a group row): each with its score (known
    columns, 0 when none is the commune code)."""
    number, cells = rows[index]
    variants = [[_text(c) for c in cells]]
    if index > 0 and rows[index - 1][0] == number - 1:
        variants.append(_combine(rows[index - 1][1], cells))
    scored = []
    for header in variants:
        places = [matcher.match(h) for h in header if h]
        known = [p for p in places if p is not None and p != ("ignored",)]
        scored.append((header, len(known) if ("commune", "code") in known else 0))
    return scored


def _combine(group: list[Any], labels: list[Any]) -> list[str]:
    """A group row over a label row: a label alone under a blank group cell, the group text alone over a blank
    label cell (merged downwards), else "group label" with the group carried right over its merged span."""
    width = max(len(group), len(labels))
    out: list[str] = []
    carried = ""
    for column in range(width):
        top = _text(group[column]) if column < len(group) else ""
        low = _text(labels[column]) if column < len(labels) else ""
        if top:
            carried = top
        elif not low:
            carried = ""
        if not low:
            out.append(top)
        elif carried:
            out.append(f"{carried} {low}")
        else:
            out.append(low)
    return out


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _is_numbering(cells: list[Any], header: list[str]) -> bool:
    """A row of column numbers under the header: "(1) (2) (3)…", "1 2 3…" or "A B C…", in order."""
    texts = [fold(_text(c)) for c in cells if not is_blank(c)]
    if len(texts) < max(3, sum(1 for h in header if h) // 2) or not all(_NUMBERING.match(t) for t in texts):
        return False
    keys = [(1, int(t.strip("()[]."))) if t.strip("()[].").isdigit() else (0, ord(t.strip("()[]."))) for t in texts]
    return keys == sorted(keys) and len(set(keys)) == len(keys)


def split_rows(body: list[tuple[int, list[Any]]], header: list[str], mapping: dict[int, Place]) -> tuple[list[tuple[int, list[Any]]], dict[str, list[int]]]:
    """The commune rows of a table body, and the skipped row numbers by reason (a `notice.*` key)."""
    code_col = next((i for i, p in mapping.items() if p == ("commune", "code")), None)
    value_cols = [i for i, p in mapping.items() if p[0] in ("values", "assessed")]
    kept: list[tuple[int, list[Any]]] = []
    skipped: dict[str, list[int]] = {"notice.totals_row": [], "notice.no_commune_row": [], "notice.notes_row": [], "notice.after_end": []}
    ended = False
    for number, cells in body:
        if ended:
            skipped["notice.after_end"].append(number)
            continue
        if code_col is not None and code_col < len(cells) and _looks_like_code(cells[code_col]):
            kept.append((number, cells))  # the common case: a commune row, decided without reading its other cells
            continue
        texts = [fold(_text(c)) for c in cells if isinstance(c, str) and c.strip()]
        words = [fold(_text(c)) for c in cells[:max(code_col or 0, 3) + 3] if isinstance(c, str) and c.strip()]
        first = fold(_text(next((c for c in cells if not is_blank(c)), "")))
        if any(_TOTALS.match(w) for w in words):
            skipped["notice.totals_row"].append(number)
        elif _NOTES.match(first) or any(_SIGNATURE.search(t) for t in texts):
            skipped["notice.notes_row"].append(number)
            ended = True  # notes and signatures come after the table: nothing below them is a commune
        elif not any(i < len(cells) and not is_blank(cells[i]) for i in value_cols):
            skipped["notice.no_commune_row"].append(number)  # a heading such as "I. Huyện Thiệu Hóa": no code, no data
        else:
            kept.append((number, cells))  # no code but data: a commune, rejected for its missing code
    return kept, skipped


def _looks_like_code(value: Any) -> bool:
    """A commune code ("16039"), not a totals label, a note or a signature line that spills into its column."""
    if is_blank(value):
        return False
    text = _text(value)
    text = text.lower() if text.isascii() and text.isalnum() else fold(text)  # `fold` of plain letters and digits, without its cache
    return len(text) <= 20 and not (_TOTALS.match(text) or _NOTES.match(text) or _SIGNATURE.search(text))
