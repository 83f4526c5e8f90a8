"""Reading one raw value (typed by a person in a cell or a YAML file) as what its input declares."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from functools import lru_cache
from typing import Any

from chuanxa.criteria.dates import parse_date as parse_date  # re-exported: commune readers parse dates too

_YES = {"yes", "y", "true", "1", "co", "x", "dat", "đạt", "có", "có"}
_NO = {"no", "n", "false", "0", "khong", "không", "chua", "chưa", "khong dat", "không đạt"}


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


def parse_number(value: Any) -> float:
    """A number, accepting Vietnamese decimal commas ("92,3") and a trailing "%"; raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value))


_YES_FOLDED = frozenset(fold(w) for w in _YES)
_NO_FOLDED = frozenset(fold(w) for w in _NO)
