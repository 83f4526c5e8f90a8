"""The cells of a plain worksheet read straight from its XML (issue 19: a 10,000-commune workbook in well under
the time openpyxl's element-by-element parser takes), giving exactly what that parser gives.

"Plain" is checked first, over the whole part: every cell written `<c r="…" …>` in the default namespace, holding
a `<v>` value (number, shared string, boolean, formula text) or one inline `<t>`, no dates (a cell styled as a
date or time, `t="d"`), no error cells, no rich inline text, no `_xHHHH_` escapes. Anything else returns None and
the caller keeps openpyxl's parser, which handles every form. Tests compare both on the example workbooks and on
generated ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import unescape
from typing import Any

#: Parts above this size or with more rows are streamed by openpyxl instead (this reader holds the part's text and
#: its cells; a national table of 11,000 communes is about 40 MB and 11,000 rows).
MAX_FAST_PART = 48 * 1024 * 1024
MAX_FAST_ROWS = 100_000

#: One cell as Excel and openpyxl write it: reference, style, type, then an optional formula and a value, or one
#: inline text. Groups: column letters, row, style, type, value, inline element, its text.
_CELL = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?\s*'
                   r'(?:/>|>(?:<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v\s*/>|(<is><t(?: xml:space="preserve")?>([^<]*)</t></is>))?</c>)')
_ANY_CELL = re.compile(r"<c[\s/>]")
_ROW = re.compile(r'<row r="([0-9]+)"')
_ANY_ROW = re.compile(r"<row[\s/>]")
_KINDS = {"n", "s", "b", "str", "inlineStr"}


def plain_rows(xml: bytes, shared: list[Any], date_styles: set[int] | frozenset[int]) -> Iterator[tuple[int, list[dict[str, Any]]]] | None:
    """The rows of a worksheet part as openpyxl's `WorkSheetParser.parse()` gives them (data only), or None when
    the part holds a form this reader does not take. The whole part is checked before the first row is given."""
    if len(xml) > MAX_FAST_PART or b"_x" in xml or b"<x:" in xml:
        return None
    if xml.count(b"<row") > MAX_FAST_ROWS:
        return None  # far more rows than any commune table (styled empty rows, a crafted sheet): openpyxl streams them
        # and the reader stops after a long empty run, without holding them
    text = xml.decode("utf-8")
    start = text.find("<sheetData")
    if start < 0:
        return None
    end = text.find("</sheetData>", start)
    body = text[start:end if end >= 0 else len(text)]
    found = _CELL.findall(body)
    numbers = [int(n) for n in _ROW.findall(body)]
    if len(found) != len(_ANY_CELL.findall(body)) or len(numbers) != len(_ANY_ROW.findall(body)) or numbers != sorted(set(numbers)):
        return None  # a cell or row written another way (no reference, other attributes, rich text): openpyxl reads it
    cells: dict[int, list[tuple[int, int, Any, str, int]]] = {}
    for letters, row_text, style_text, kind, value_text, inline_element, inline in found:
        style = int(style_text) if style_text else 0
        kind = kind or "n"
        if kind not in _KINDS or (style and style in date_styles):
            return None  # dates, errors, ISO dates: openpyxl converts them
        row = int(row_text)
        if kind == "inlineStr":
            if inline_element and not inline:
                return None  # an empty inline text: openpyxl's own reading decides
            value, data_type = (unescape(inline) if "&" in inline else inline, "s") if inline_element else (None, "inlineStr")
        elif not value_text:
            value, data_type = None, kind
        else:
            value_text = unescape(value_text) if "&" in value_text else value_text
            data_type = "s" if kind == "str" else kind
            if kind == "n":
                value = float(value_text) if ("." in value_text or "E" in value_text or "e" in value_text) else int(value_text)
            elif kind == "s":
                value = shared[int(value_text)]
            elif kind == "b":
                value = bool(int(value_text))
            else:
                value = value_text
        cells.setdefault(row, []).append((row, _column(letters), value, data_type, style))
    if not set(cells) <= set(numbers):
        return None
    return _dicts([(number, cells.get(number, [])) for number in numbers])


def _dicts(rows: list[tuple[int, list[tuple[int, int, Any, str, int]]]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    for number, cells in rows:
        yield number, [{"row": r, "column": c, "value": v, "data_type": t, "style_id": s} for r, c, v, t, s in cells]


@lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
