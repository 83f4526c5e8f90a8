"""Dates as rulesets and commune data write them (a leaf module: both `criteria` and `communes` use it)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_date(value: Any) -> dt.date:
    """A date from a date, a datetime, or text as YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY; raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


__all__ = ["parse_date"]
