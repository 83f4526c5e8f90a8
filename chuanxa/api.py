"""The library API behind `import chuanxa`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.registry import Registry
from chuanxa.engine.compiled import CompiledRuleset, compile_ruleset
from chuanxa.engine.results import BatchResult, CommuneResult, RowError
from chuanxa.errors import ChuanxaError

RulesetLike = Ruleset | CompiledRuleset | str | None
CommuneLike = CommuneData | Mapping[str, Any] | str | Path


@lru_cache(maxsize=8)
def _registry(folders: tuple[str, ...]) -> Registry:
    return Registry(folders)


def registry(rulesets_dirs: Iterable[str | Path] = ()) -> Registry:
    """The registry of bundled rulesets plus `rulesets_dirs` and the `CHUANXA_RULESETS` folders."""
    return _registry(tuple(str(p) for p in rulesets_dirs))


def load_ruleset(ref: str | None = None, *, as_of: dt.date | int | str | None = None, rulesets_dirs: Iterable[str | Path] = ()) -> Ruleset:
    """Load a resolved, validated ruleset.

    Args:
        ref: `family@version` (e.g. `"qd1300@2023-03-20"`), a bare family (the version in force on `as_of`),
            or None for the national ruleset in force on `as_of`.
        as_of: the date (or year) the assessment refers to; default today.
        rulesets_dirs: extra folders of ruleset files.

    Example:
        >>> import chuanxa
        >>> chuanxa.load_ruleset("qd1300@2023-03-20").ref
        'qd1300@2023-03-20'
    """
    return registry(rulesets_dirs).load(ref, as_of)


@lru_cache(maxsize=32)
def _compiled(ruleset: Ruleset) -> CompiledRuleset:
    return compile_ruleset(ruleset)


def compiled(ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = ()) -> CompiledRuleset:
    """A compiled ruleset (cached), from a model, a reference or the default in force on `as_of`."""
    if isinstance(ruleset, CompiledRuleset):
        return ruleset
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)
    return _compiled(ruleset)


def as_commune(commune: CommuneLike) -> CommuneData:
    """A `CommuneData` from a model, a mapping (the commune file's structure) or a YAML/JSON file path."""
    if isinstance(commune, CommuneData):
        return commune
    if isinstance(commune, (str, Path)):
        from chuanxa.communes.readers import read_commune_file

        return read_commune_file(Path(commune))
    from chuanxa.communes.readers import commune_from_mapping

    return commune_from_mapping(commune)


def score(commune: CommuneLike, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = ()) -> CommuneResult:
    """Score one commune.

    The ruleset defaults to the one in force on the commune's `as_of` (or `as_of` given here).

    Example:
        >>> import chuanxa
        >>> result = chuanxa.score("examples/commune.yaml")  # doctest: +SKIP
        >>> result.verdict, result.total.points  # doctest: +SKIP
    """
    data = as_commune(commune)
    engine = compiled(ruleset, as_of=as_of if as_of is not None else data.as_of, rulesets_dirs=rulesets_dirs)
    return engine.evaluate(data)


def score_many(communes: Iterable[CommuneLike], ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = ()) -> BatchResult:
    """Score many communes; one that cannot be read is listed in `rejected` and never stops the others."""
    results: list[CommuneResult] = []
    rejected: list[RowError] = []
    for index, item in enumerate(communes, start=1):
        try:
            results.append(score(item, ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs))
        except ChuanxaError as exc:
            code = item.commune.code if isinstance(item, CommuneData) else None
            rejected.append(RowError(row=index, commune=exc.location.commune or code, errors=tuple(e.to_dict() for e in (exc.related or [exc]))))
    return BatchResult(results=tuple(results), rejected=tuple(rejected))
