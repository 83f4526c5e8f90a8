"""Reading one raw value (typed by a person in a cell or a YAML file) as what its input declares."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

from chuanxa.criteria.dates import parse_date as parse_date  # re-exported: commune readers parse dates too

#: yes/no as officers write them: the words, 1/0, and a tick mark for yes ("x", "✓").
_YES = {"yes", "y", "true", "1", "co", "x", "dat", "đạt", "có", "có", "✓", "✔", "☑", "✅", "co thuc hien", "có thực hiện", "da thuc hien", "đã thực hiện"}
_NO = {"no", "n", "false", "0", "khong", "không", "ko", "k", "chua", "chưa", "khong dat", "không đạt", "chua dat", "chưa đạt", "khong co", "không có",
       "chua co", "chưa có", "chua thuc hien", "chưa thực hiện", "✗", "✘"}


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: "Tỷ lệ Tiêm chủng" → "ty le tiem chung"."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().replace("_", " ").split())


def parse_yes_no(value: Any) -> bool:
    """yes/no in Vietnamese or English, booleans, 1/0; raises ValueError otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = fold(str(value))
    if key in _YES_FOLDED:
        return True
    if key in _NO_FOLDED:
        return False
    raise ValueError(value)


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\u2007\t")
_GROUPED_DOTS = re.compile(r"^[-+]?[1-9]\d{0,2}(?:\.\d{3})+$")  # 9.800, 12.345.678
_GROUPED_COMMAS = re.compile(r"^[-+]?[1-9]\d{0,2}(?:,\d{3})+$")  # 9,800 (the English way)
_VI_MIXED = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$")  # 1.234,5
_EN_MIXED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$")  # 1,234.5


def parse_number(value: Any, *, whole: bool = False) -> float:
    """A number as officers type it; raises ValueError for anything else (never guesses silently).

    - spaces between digits are thousands separators, ordinary or non-breaking ("9 800");
    - both "." and "," in one number: the last is the decimal mark and the other must group thousands
      ("1.234,5" and "1,234.5" are 1234.5);
    - "." or "," repeated: thousands separators ("12.345.678");
    - one "." or ",": the decimal mark ("95,5" and "95.5" are 95.5), except with `whole` (a count of people,
      households, births…), where a separator followed by exactly three digits groups thousands ("9.800" and
      "9,800" are 9800, since a count has no decimals);
    - a trailing "%" is dropped (the column is a percentage anyway).
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = _parse_text(str(value), whole)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


@lru_cache(maxsize=65536)
def _parse_text(value: str, whole: bool) -> float:
    """`parse_number` of a text (a table column repeats the same few hundred texts: each is parsed once)."""
    text = value.strip().rstrip("%").translate(_SPACES).replace("\u2212", "-")
    return float(_plain(text, whole))


def _plain(text: str, whole: bool) -> str:
    """`text` with thousands separators removed and a "." decimal mark."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        if _VI_MIXED.match(text):
            return text.replace(".", "").replace(",", ".")
        if _EN_MIXED.match(text):
            return text.replace(",", "")
        raise ValueError(text)
    if dots > 1 or commas > 1 or (whole and (dots or commas)):
        if _GROUPED_DOTS.match(text) or _GROUPED_COMMAS.match(text):
            return text.replace(".", "").replace(",", "")
        if dots > 1 or commas > 1:
            raise ValueError(text)
    return text.replace(",", ".")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value))


_YES_FOLDED = frozenset(fold(w) for w in _YES)
_NO_FOLDED = frozenset(fold(w) for w in _NO)
