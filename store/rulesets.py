"""The one place the store and the server reach rulesets (switching to issue 14's `Workspace` is a change here).

Everything that needs a ruleset, a compiled form, the registry's list or the scoring of one commune goes
through these functions; nothing else in `chuanxa.store` or `chuanxa.server` imports `chuanxa.api` for that.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.registry import Registry
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.results import CommuneResult, SummaryBatch


def registry(folders: Iterable[str | Path] = ()) -> Registry:
    """The registry of bundled rulesets plus `folders` (and `CHUANXA_RULESETS`)."""
    from chuanxa.api import registry as _registry

    return _registry(folders)


def load(ref: str | None, as_of: Any = None) -> Ruleset:
    """A resolved ruleset: `family@version`, a family (the version in force on `as_of`), or the default."""
    from chuanxa.api import load_ruleset

    return load_ruleset(ref, as_of=as_of)


def compiled(ref: str | Ruleset | None, as_of: Any = None) -> CompiledRuleset:
    """The compiled ruleset for `ref` (cached by the library: one compile per version)."""
    from chuanxa.api import compiled as _compiled

    return _compiled(ref, as_of=as_of)


def score(data: CommuneData, ref: str | None = None) -> CommuneResult:
    """Score one commune with `ref` or the ruleset in force on its `as_of` (deterministic)."""
    return compiled(ref or data.ruleset, data.as_of).evaluate(data)


def summarise(datas: list[CommuneData], core: CompiledRuleset) -> SummaryBatch:
    """Many communes' summaries with one ruleset (column-wise from a few dozen on; each equals the summary of its
    own result), the communes the ruleset cannot score listed as rejected."""
    from chuanxa.api import summarise_many

    return summarise_many(datas, core)


def warm(core: CompiledRuleset) -> None:
    """Build the column-wise evaluator of `core` now (it is built once, on first use)."""
    from chuanxa.api import columnar

    columnar(core)


def stamp(ref: str | None, as_of: Any = None) -> tuple[str, str]:
    """`(family@version, sha256)` of the ruleset `ref` resolves to on `as_of`."""
    core = compiled(ref, as_of)
    return f"{core.stamp.id}@{core.stamp.version.isoformat()}", core.stamp.sha256
