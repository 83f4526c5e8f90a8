"""The two backends the recognition rule (`engine/recognition.py`, `decide`) is written over: the same few
primitives for a table of communes (`ArrayBackend`, NumPy arrays) and for one commune (`ScalarBackend`, Python
values, since NumPy's fixed cost per operation would dominate at n = 1).

The rule reads three levels of values, each backend holding them its own way:
- per indicator (points, and masks such as "not applicable" or "provisional"): arrays [k, n] (constants [k, 1])
  in the array backend; a list of k floats and masks as bit sets (a Python int, bit i for indicator i) in the
  scalar one. Masks combine with `&`, `|` and `~` in both (a bit set's `~` is only ever used inside `&`);
- per criterion (subtotals, floors): arrays [c, n], or lists of c values, combined by `each`;
- per commune (total, verdict): arrays [n], or Python floats and bools, combined by ordinary operators.
Sums follow the ruleset's order, indicator after indicator, in both backends (no pairwise summation), so both
give the same floats (on Python 3.11; from 3.12 Python's `sum` compensates rounding errors, a difference far below
the rule's tolerance of 1e-9 and its rounding to 6 decimals).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import ge
from typing import Any, Protocol

import numpy as np

#: A verdict table: verdict codes indexed by (data missing, passes now, passes with missing data at full marks).
Table = tuple[tuple[tuple[int, int], tuple[int, int]], tuple[tuple[int, int], tuple[int, int]]]


class Backend(Protocol):
    """The primitives the rule is written with, and its per-indicator constants in this backend's form."""

    maximum: Any  # per indicator: the indicator's maximum points
    need: Any  # per indicator: the points a knock-out indicator needs (less the tolerance)
    provisional: Any  # mask: provisional indicators
    knockout: Any  # mask: knock-out indicators (none when the ruleset turns knock-outs off)
    every: Any  # mask: every indicator

    def sums(self, x: Any) -> Any:
        """Per criterion, the sum of its indicators' `x`, in ruleset order."""

    def sums_over(self, x: Any, mask: Any) -> Any:
        """Per criterion, the sum of `x` over its indicators in `mask`, in ruleset order."""

    def counts(self, mask: Any) -> Any:
        """Per criterion, how many of its indicators are in `mask`."""

    def count(self, mask: Any) -> Any:
        """Per commune, how many indicators are in `mask`."""

    def any(self, mask: Any) -> Any:
        """Per commune, whether any indicator is in `mask`."""

    def empty(self, mask: Any) -> bool:
        """Whether no indicator of any commune is in `mask` (lets the rule skip work that would add nothing)."""

    def below(self, points: Any, need: Any, within: Any) -> Any:
        """The mask of the indicators in `within` whose points are below `need`."""

    def each(self, fn: Callable[..., Any], *values: Any) -> Any:
        """`fn` applied to each criterion's values (`fn` uses operators only)."""

    def total(self, x: Any) -> Any:
        """Per commune, the sum over criteria of `x`, in ruleset order."""

    def all(self, x: Any) -> Any:
        """Per commune, whether `x` holds for every criterion."""

    def reaches(self, x: Any, need: Any) -> Any:
        """Per commune, whether every criterion's `x` is at least its `need`."""

    def not_(self, x: Any) -> Any:
        """Per commune, the negation of `x`."""

    def round(self, x: Any) -> Any:
        """`x` (per commune) rounded to 6 decimals, half to even (as `round_points`)."""

    def rounds(self, x: Any) -> Any:
        """`x` (per criterion) rounded as by `round`."""

    def verdict(self, missing: Any, passes: Any, could_pass: Any) -> Any:
        """Per commune, the verdict's code from the backend's verdict table."""

    def keep(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()`, kept under `key` (a mask) when the backend can reuse it for later communes."""


class ArrayBackend:
    """The rule's primitives over NumPy arrays: n communes at a time, a fixed number of array operations whatever
    n. Masks select by multiplication, which is exact: every point is finite and not negative."""

    def __init__(self, maximum: Sequence[float], need: Sequence[float], provisional: Sequence[bool], knockout: Sequence[bool],
                 positions: Sequence[Sequence[int]], table: Table) -> None:
        column = lambda values, dtype=float: np.array(values, dtype=dtype).reshape(-1, 1)  # noqa: E731 - [k, 1], broadcast over communes
        self.maximum, self.need = column(maximum), column(need)
        self.provisional, self.knockout = column(provisional, bool), column(knockout, bool)
        self.every = np.ones((len(maximum), 1), dtype=bool)
        # Indicators are stored criterion by criterion, so each criterion is one contiguous segment of rows.
        self.starts = np.array([p[0] for p in positions], dtype=np.intp)
        self.segments = tuple(slice(p[0], p[-1] + 1) for p in positions)
        self.table = np.array(table, dtype=np.int8)

    def sums(self, x: np.ndarray) -> np.ndarray:
        return self._segment_sums(x, np.empty((len(self.starts), x.shape[1])))

    def sums_over(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.sums(x * mask)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        return self._segment_sums(mask, np.empty((len(self.starts), mask.shape[1]), dtype=np.int64))

    def count(self, mask: np.ndarray) -> np.ndarray:
        return mask.sum(axis=0)

    def any(self, mask: np.ndarray) -> np.ndarray:
        return np.asarray(mask.any(axis=0))

    def empty(self, mask: np.ndarray) -> bool:
        return not mask.any()

    def below(self, points: np.ndarray, need: np.ndarray, within: np.ndarray) -> np.ndarray:
        return within & (points < need)

    def each(self, fn: Callable[..., Any], *values: Any) -> Any:
        return fn(*values)

    def total(self, x: np.ndarray) -> np.ndarray:
        return x.sum(axis=0)

    def all(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x.all(axis=0))

    def reaches(self, x: np.ndarray, need: np.ndarray) -> np.ndarray:
        return np.asarray((x >= need).all(axis=0))

    def not_(self, x: np.ndarray) -> np.ndarray:
        return ~x

    def round(self, x: np.ndarray) -> np.ndarray:
        return np.rint(x * 1e6) / 1e6  # as `np.round(x, 6)` (scaled, half to even), by ufuncs only

    rounds = round

    def verdict(self, missing: np.ndarray, passes: np.ndarray, could_pass: np.ndarray) -> np.ndarray:
        return self.table[missing.view(np.int8), passes.view(np.int8), could_pass.view(np.int8)]

    def keep(self, key: Any, make: Callable[[], Any]) -> Any:
        return make()  # a table's masks differ from one block of communes to the next

    def _segment_sums(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Each criterion's rows of `x` [k, n] summed into `out` [c, n], row after row in ruleset order (both ways
        below add in that order): one call for a few communes, a contiguous slice per criterion for many (NumPy's
        `reduceat` along the first axis is several times slower on long rows)."""
        if x.shape[1] <= 64:
            return np.add.reduceat(x, self.starts, axis=0, out=out, dtype=out.dtype)
        for c, rows in enumerate(self.segments):
            np.add.reduce(x[rows], axis=0, out=out[c], dtype=out.dtype)
        return out


class ScalarBackend:
    """The rule's primitives for one commune: lists of Python floats per indicator or criterion, masks as bit sets.

    Sums over a mask add the selected indicators in ruleset order from 0.0, which gives the same float as the
    array backend's sum of `x * mask` (adding 0.0 changes nothing). Sums of the maxima depend on the mask alone and
    are kept by it (few distinct masks occur)."""

    _KEEP_LIMIT = 4096  # masks kept per table; beyond that the tables start afresh (bounded memory)

    def __init__(self, maximum: Sequence[float], need: Sequence[float], provisional: Sequence[bool], knockout: Sequence[bool],
                 positions: Sequence[Sequence[int]], table: Table) -> None:
        self.table = table
        self.maximum, self.need = [float(m) for m in maximum], [float(m) for m in need]
        self.provisional, self.knockout = _bits(provisional), _bits(knockout)
        self.every = (1 << len(maximum)) - 1
        self.slices = tuple(slice(p[0], p[-1] + 1) for p in positions)
        self.criterion_masks = tuple(_bits(i in p for i in range(len(maximum))) for p in positions)
        self.criterion_of = [c for c, p in enumerate(positions) for _ in p]
        self.zeros = [0.0] * len(positions)
        self.no_counts = [0] * len(positions)
        self._selected: dict[int, tuple[tuple[int, ...], ...]] = {}  # mask → per criterion, the positions it selects
        self._maximum_sums: dict[int, list[float]] = {}  # mask → `sums_over(maximum, mask)`
        self._kept: dict[Any, Any] = {}

    def sums(self, x: list[float]) -> list[float]:
        return [sum(x[part]) for part in self.slices]

    def sums_over(self, x: list[float], mask: int) -> list[float]:
        if not mask:
            return self.zeros
        if x is self.maximum:
            found = self._maximum_sums.get(mask)
            if found is None:
                found = _bounded(self._maximum_sums, self._KEEP_LIMIT)[mask] = self._sums_over(x, mask)
            return found
        return self._sums_over(x, mask)

    def _sums_over(self, x: list[float], mask: int) -> list[float]:
        selected = self._selected.get(mask)
        if selected is None:
            selected = _bounded(self._selected, self._KEEP_LIMIT)[mask] = tuple(tuple(_positions(mask & part)) for part in self.criterion_masks)
        get = x.__getitem__
        return [sum(map(get, part), 0.0) for part in selected]

    def counts(self, mask: int) -> list[int]:
        if not mask:
            return self.no_counts
        found = self.no_counts.copy()
        for i in _positions(mask):
            found[self.criterion_of[i]] += 1
        return found

    def count(self, mask: int) -> int:
        return mask.bit_count()

    def any(self, mask: int) -> bool:
        return mask != 0

    def empty(self, mask: int) -> bool:
        return not mask

    def below(self, points: list[float], need: list[float], within: int) -> int:
        return sum(1 << i for i in _positions(within) if points[i] < need[i]) if within else 0

    def each(self, fn: Callable[..., Any], *values: Any) -> list[Any]:
        return list(map(fn, *values))

    def total(self, x: list[float]) -> float:
        return sum(x)

    def all(self, x: list[bool]) -> bool:
        return all(x)

    def reaches(self, x: list[float], need: list[float]) -> bool:
        return all(map(ge, x, need))

    def not_(self, x: bool) -> bool:
        return not x

    def round(self, x: float) -> float:
        return round(x * 1e6) / 1e6

    def rounds(self, x: list[float]) -> list[float]:
        return [round(v * 1e6) / 1e6 for v in x]

    def verdict(self, missing: bool, passes: bool, could_pass: bool) -> int:
        return self.table[missing][passes][could_pass]

    def keep(self, key: Any, make: Callable[[], Any]) -> Any:
        found = self._kept.get(key)
        if found is None:
            found = _bounded(self._kept, self._KEEP_LIMIT)[key] = make()
        return found


def _bits(flags: Any) -> int:
    """A bit set (bit i for the i-th flag that is true)."""
    return sum(1 << i for i, flag in enumerate(flags) if flag)


def positions(mask: int) -> list[int]:
    """The positions of a bit set's bits, in increasing order."""
    return list(_positions(mask))


def _positions(mask: int) -> Any:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _bounded(table: dict[Any, Any], limit: int) -> dict[Any, Any]:
    if len(table) >= limit:
        table.clear()
    return table
