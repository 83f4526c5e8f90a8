"""Reading one cell of an edited score sheet: numbers, marks, comparisons, yes/no. Each reader returns the value
or raises `CellProblem` with the catalogue key and parameters of the message (the same as `rulesets validate`)."""

from __future__ import annotations

from typing import Any

from chuanxa.communes.values import parse_number, parse_yes_no
from chuanxa.criteria.loader import describe_invalid

from .sheet_layout import OPS_READ


class CellProblem(Exception):
    """A cell that cannot be read: `key` and `params` make the message."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def invalid(kind: str, value: Any) -> CellProblem:
    """The loader's "invalid value" message for a pydantic error `kind` (e.g. float_parsing) and the value given."""
    vi, en = describe_invalid({"type": kind, "input": value})
    return CellProblem("ruleset.invalid_field", detail=en, detail_vi=vi)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def id_text(value: Any) -> str:
    """An indicator or criterion number as text: the cell may hold 5, 5.0 or "5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_number(value: Any, number_format: str = "General", percent: bool = False) -> float:
    """A number: a numeric cell, or text written the Vietnamese way ("16,5"); words are a problem."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A cell formatted as a percentage shows 95% but holds 0.95.
        return float(value) * 100 if percent and "%" in number_format else float(value)
    if isinstance(value, str) and value.strip():
        try:
            return parse_number(value)
        except ValueError:
            pass
    raise invalid("float_parsing", "" if value is None else value)


def read_mark(value: Any) -> bool:
    """An 'x' column: x (or có, yes, ✓) is yes, blank is no."""
    if blank(value):
        return False
    if str(value).strip().lower() in ("x", "có", "co", "yes", "✓", "1"):
        return True
    raise CellProblem("sheet.bad_mark", value=value)


def read_op(value: Any) -> str:
    """A comparison: ≥ > ≤ < = ≠ (or >= <= != ==) → the YAML operator."""
    op = OPS_READ.get(str(value).strip()) if not blank(value) else None
    if op is None:
        raise CellProblem("sheet.bad_op", value=value or "")
    return op


def read_yes_no(value: Any) -> bool:
    try:
        return parse_yes_no(value)
    except (ValueError, TypeError):
        raise CellProblem("ruleset.invalid_field", detail=f"must be Có (yes) or Không (no) (got {value!r})",
                          detail_vi=f"phải là Có hoặc Không (giá trị: {value!r})") from None


def read_threshold(value: Any, number_format: str, spec: Any) -> Any:
    """A single threshold, read as the input it is compared with: a number, yes/no or a choice."""
    if spec is None or spec.type in ("percent", "number", "count"):
        return read_number(value, number_format, percent=spec is not None and spec.type == "percent")
    if spec.type == "yes_no":
        return read_yes_no(value)
    if spec.type == "choice":
        text = id_text(value)
        return next((c.id for c in spec.choices or () if text in (c.id, c.vi)), text)
    return value
