"""The resolution layer: which ruleset, compiled once, on which engine.

A `Workspace` owns the ruleset registry and the compiled engines of a process. Compiled engines are keyed by
the ruleset's content hash (the `sha256` every result carries), so two loads of an unchanged file share one
compile and an edited file gets a new one. The registry is rebuilt when a ruleset file in its folders changes
(modification time or size), when a file appears or goes, or when `CHUANXA_RULESETS` names other folders.
A long-lived process (the HTTP server) holds one workspace; the library functions of `chuanxa` use a default
one. Both the library facade (`chuanxa.api`) and `planning` sit on this module; it imports neither.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.registry import ENV_VAR, Registry, folders_state
from chuanxa.engine.compiled import CompiledRuleset, compile_ruleset
from chuanxa.errors import EngineUnavailableError

if TYPE_CHECKING:
    from chuanxa.engine.columnar import ColumnarEvaluator
    from chuanxa.engine.results import CommuneResult

RulesetLike: TypeAlias = "Ruleset | CompiledRuleset | str | None"
CommuneLike: TypeAlias = "CommuneData | Mapping[str, Any] | str | Path"
EngineName: TypeAlias = Literal["core", "durable"]


class Workspace:
    """Rulesets and their compiled engines for one process, refreshed when a ruleset file changes.

    Args:
        check_files: look at the ruleset folders' files on every resolution (a few `stat` calls) and rebuild
            the registry when one changed. Turn off for a fixed deployment; `refresh()` then forces a reload.

    Example:
        >>> from chuanxa.workspace import Workspace
        >>> Workspace().compiled("qd1300@2023-03-20").stamp.version
        '2023-03-20'
    """

    def __init__(self, *, check_files: bool = True, max_engines: int = 32) -> None:
        self.check_files = check_files
        self.max_engines = max_engines
        self._lock = threading.RLock()
        self._registries: dict[tuple[str, ...], tuple[tuple[Any, ...], Registry]] = {}
        self._by_hash: dict[str, CompiledRuleset] = {}  # content hash → compiled engine
        self._by_model: dict[int, tuple[Ruleset, CompiledRuleset]] = {}  # fast path; each entry keeps its model alive
        self._columnar: dict[str, Any] = {}  # content hash → column-wise evaluator
        self._durable: dict[str, Any] = {}  # content hash → durable-rules engine

    # --- rulesets ---
    def registry(self, rulesets_dirs: Iterable[str | Path] = ()) -> Registry:
        """The registry of bundled rulesets plus `rulesets_dirs` and the `CHUANXA_RULESETS` folders, current."""
        folders = tuple(str(p) for p in rulesets_dirs)
        key = folders + ("env:" + os.environ.get(ENV_VAR, ""),)
        with self._lock:
            held = self._registries.get(key)
            if held is not None and not self.check_files:
                return held[1]
            if held is not None and folders_state(held[1].folders) == held[0]:
                return held[1]
            registry = Registry(folders)
            self._registries[key] = (folders_state(registry.folders), registry)
            return registry

    def load(self, ref: str | None = None, *, as_of: dt.date | int | str | None = None, rulesets_dirs: Iterable[str | Path] = ()) -> Ruleset:
        """A resolved, validated ruleset (see `chuanxa.load_ruleset`)."""
        return self.registry(rulesets_dirs).load(ref, as_of)

    def refresh(self) -> None:
        """Forget every registry and compiled engine (the next call reads the files again)."""
        with self._lock:
            self._registries.clear()
            self._by_hash.clear()
            self._by_model.clear()
            self._columnar.clear()
            self._durable.clear()

    # --- engines ---
    def compiled(self, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = ()) -> CompiledRuleset:
        """The compiled engine of a ruleset model, a reference, or the default ruleset in force on `as_of`."""
        if isinstance(ruleset, CompiledRuleset):
            return ruleset
        if not isinstance(ruleset, Ruleset):
            ruleset = self.load(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)
        hit = self._by_model.get(id(ruleset))
        if hit is not None and hit[0] is ruleset:
            return hit[1]
        with self._lock:
            engine = compile_ruleset(ruleset)
            engine = self._by_hash.setdefault(engine.stamp.sha256, engine)  # an unchanged ruleset keeps its engine
            if len(self._by_model) >= self.max_engines:
                self._by_model.clear()
            if len(self._by_hash) > self.max_engines:
                self._by_hash = {engine.stamp.sha256: engine}
            self._by_model[id(ruleset)] = (ruleset, engine)
            return engine

    def columnar(self, engine: CompiledRuleset) -> ColumnarEvaluator:
        """The column-wise evaluator of `engine` (built once per ruleset content)."""
        from chuanxa.engine.columnar import ColumnarEvaluator

        return self._built(self._columnar, engine, ColumnarEvaluator)  # type: ignore[no-any-return]

    def evaluator(self, engine: CompiledRuleset, name: EngineName = "core") -> Callable[[CommuneData], CommuneResult]:
        """The function that scores one commune with `engine`: "core" (the compiled evaluator) or "durable"
        (the same ruleset on durable-rules; `EngineUnavailableError` without it)."""
        if name == "core":
            return engine.evaluate
        if name != "durable":
            raise EngineUnavailableError(key="engine.unknown", params={"name": name})
        from chuanxa.engine.durable_engine import DurableEngine

        return self._built(self._durable, engine, DurableEngine).evaluate  # type: ignore[no-any-return]

    def _built(self, cache: dict[str, Any], engine: CompiledRuleset, build: Callable[[CompiledRuleset], Any]) -> Any:
        key = engine.stamp.sha256
        found = cache.get(key)
        if found is None:
            with self._lock:
                if len(cache) >= self.max_engines:
                    cache.clear()
                found = cache[key] = build(engine)
        return found


def as_commune(commune: CommuneLike) -> CommuneData:
    """A `CommuneData` from a model, a mapping (the commune file's structure) or a YAML/JSON file path."""
    if isinstance(commune, CommuneData):
        return commune
    if isinstance(commune, (str, Path)):
        from chuanxa.communes.readers import read_commune_file

        return read_commune_file(Path(commune))
    from chuanxa.communes.readers import commune_from_mapping

    return commune_from_mapping(commune)


#: The workspace the library functions use (a server builds and holds its own).
DEFAULT = Workspace()

#: From this many communes on, `summarise_many` evaluates column-wise. Measured by benchmarks/bench_scoring.py
#: (qd1300): even at 16 communes, 1.1–1.4x at 32, about 2x at 64–128; per-commune reading and checking bounds the gain.
COLUMN_WISE_FROM = 32


def compiled(ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (), workspace: Workspace | None = None) -> CompiledRuleset:
    """`Workspace.compiled` on `workspace` (default: the process's default workspace)."""
    return (workspace or DEFAULT).compiled(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)


def columnar(engine: CompiledRuleset, workspace: Workspace | None = None) -> ColumnarEvaluator:
    """`Workspace.columnar` on `workspace` (default: the process's default workspace)."""
    return (workspace or DEFAULT).columnar(engine)


__all__ = ["Workspace", "DEFAULT", "COLUMN_WISE_FROM", "as_commune", "compiled", "columnar", "RulesetLike", "CommuneLike", "EngineName"]
