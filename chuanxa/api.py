"""The library API behind `import chuanxa`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chuanxa.communes.model import CommuneData
from chuanxa.communes.notices import TableNotice
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.registry import Registry
from chuanxa.engine.batching import locate_error as _locate, paused_gc, row_error as _row_error
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.results import BatchResult, CommuneResult, CommuneSummary, RowError, SummaryBatch
from chuanxa.errors import ChuanxaError, EngineUnavailableError
from chuanxa.workspace import COLUMN_WISE_FROM, DEFAULT, CommuneLike, EngineName, RulesetLike, Workspace, as_commune

if TYPE_CHECKING:
    from chuanxa.engine.summary import TableSummaries


def registry(rulesets_dirs: Iterable[str | Path] = (), *, workspace: Workspace = DEFAULT) -> Registry:
    """The registry of bundled rulesets plus `rulesets_dirs` and the `CHUANXA_RULESETS` folders (current: an
    edited ruleset file or a changed `CHUANXA_RULESETS` is seen by the next call)."""
    return workspace.registry(rulesets_dirs)


def load_ruleset(ref: str | None = None, *, as_of: dt.date | int | str | None = None, rulesets_dirs: Iterable[str | Path] = (),
                 workspace: Workspace = DEFAULT) -> Ruleset:
    """Load a resolved, validated ruleset.

    Args:
        ref: `family@version` (e.g. `"qd1300@2023-03-20"`), a bare family (the version in force on `as_of`),
            or None for the national ruleset in force on `as_of`.
        as_of: the date (or year) the assessment refers to; default today.
        rulesets_dirs: extra folders of ruleset files.
        workspace: whose registry to use (default: the process's default workspace).

    Example:
        >>> import chuanxa
        >>> chuanxa.load_ruleset("qd1300@2023-03-20").ref
        'qd1300@2023-03-20'
    """
    return workspace.load(ref, as_of=as_of, rulesets_dirs=rulesets_dirs)


def columnar(engine: CompiledRuleset, *, workspace: Workspace = DEFAULT) -> Any:
    """The column-wise evaluator of `engine` (built once)."""
    return workspace.columnar(engine)


def compiled(ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (), workspace: Workspace = DEFAULT) -> CompiledRuleset:
    """A compiled ruleset (cached by content), from a model, a reference or the default in force on `as_of`."""
    return workspace.compiled(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)


def evaluator(engine: CompiledRuleset, name: EngineName = "core", *, workspace: Workspace = DEFAULT) -> Callable[[CommuneData], CommuneResult]:
    """The function that scores one `CommuneData` with `engine` on the chosen engine: "core" (the compiled
    evaluator) or "durable" (the same ruleset on durable-rules; raises `EngineUnavailableError` without it)."""
    return workspace.evaluator(engine, name)


def score(commune: CommuneLike, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (),
          engine: EngineName = "core", workspace: Workspace = DEFAULT) -> CommuneResult:
    """Score one commune.

    The ruleset defaults to the one in force on the commune's `as_of` (or `as_of` given here). `engine="durable"`
    scores on durable-rules instead of the compiled evaluator (same answers; needs `chuanxa[durable]`).

    Example:
        >>> import chuanxa
        >>> result = chuanxa.score("examples/xa-thieu-giao.yaml")  # doctest: +SKIP
        >>> result.verdict, result.total.points  # doctest: +SKIP
    """
    data = as_commune(commune)
    core = workspace.compiled(ruleset if ruleset is not None else data.ruleset, as_of=as_of if as_of is not None else data.as_of, rulesets_dirs=rulesets_dirs)
    return workspace.evaluator(core, engine)(data)


def score_many(communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (),
               engine: EngineName = "core", header_row: int | None = None, sheet: str | None = None, pause_gc: bool = False,
               workspace: Workspace = DEFAULT) -> BatchResult:
    """Score many communes; one that cannot be read is listed in `rejected` and never stops the others.

    `communes` is an iterable of commune files/mappings/models, or the path of a CSV or XLSX table (one row
    per commune; headers are input ids or their labels). A table is scored with one ruleset: `ruleset`, or
    the one in force on `as_of` (default today). Its header row is found among the first rows (`header_row`
    forces one, `sheet` reads one sheet of a workbook); `notices` say what was taken and skipped.
    `engine="durable"` without durable-rules installed raises `EngineUnavailableError` (no commune is scored).
    `pause_gc=True` pauses Python's cyclic garbage collector for the batch (2.7 times faster on 10,000
    communes, see `paused_gc`); it is process-wide, so a program running other threads decides for itself
    (the CLI pauses it, a server does not).
    """
    run = ScoreRun(communes, ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs, engine=engine, header_row=header_row, sheet=sheet,
                   pause_gc=pause_gc, workspace=workspace)
    return run.envelope(tuple(run))


class ScoreRun:
    """`score_many` one commune at a time: iterating scores the communes in input order, so that a writer can
    write each result and let it go (memory stays flat on large tables); `envelope()` then gives the batch with
    the rejected rows, in input order, and the table's notes. Iterate once."""

    def __init__(self, communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike = None, *, as_of: Any = None,
                 rulesets_dirs: Iterable[str | Path] = (), engine: EngineName = "core", header_row: int | None = None,
                 sheet: str | None = None, pause_gc: bool = False, workspace: Workspace = DEFAULT) -> None:
        self._table: Any = None
        self.items: Iterable[_Item]
        self.notices: tuple[TableNotice, ...]
        if isinstance(communes, (str, Path)) and Path(communes).suffix.lower() in TABLE_SUFFIXES:
            # A table's rows become commune records one at a time, as they are scored: memory stays flat.
            self.items, self.rejected, self._table = _table_items(Path(communes), ruleset, as_of, rulesets_dirs, workspace, header_row, sheet)
            self.unknown, self.skipped = list(self._table.unknown_columns), list(self._table.skipped_sheets)
            self.hints, self.notices = {k: tuple(v) for k, v in self._table.column_hints.items()}, ()
        else:
            self.items, self.rejected, self.unknown, self.skipped, self.hints, self.notices = _commune_items(
                communes, ruleset, as_of, rulesets_dirs, workspace, header_row, sheet)
        self.engine = engine
        self.pause_gc = pause_gc
        self.workspace = workspace

    def __iter__(self) -> Iterator[CommuneResult]:
        with paused_gc() if self.pause_gc else nullcontext():
            for order, row, data, core, where in self.items:
                try:
                    result = self.workspace.evaluator(core, self.engine)(data)
                except EngineUnavailableError:
                    raise  # a missing engine is the set-up's fault, not each commune's: said once, not as every row rejected
                except ChuanxaError as exc:
                    _locate(exc, where, row)
                    self.rejected.append((order, _row_error(exc, where.get("file"), row, data.commune.code)))
                    continue
                yield result

    def envelope(self, results: tuple[CommuneResult, ...] = ()) -> BatchResult:
        """The batch of `results` (none: only the rejected rows and notes), once the communes have been scored."""
        ordered = tuple(error for _, error in sorted(self.rejected, key=lambda pair: pair[0]))
        notices = tuple(self._table.notices) if self._table is not None else self.notices
        return BatchResult(results=results, rejected=ordered, unknown_columns=tuple(self.unknown), skipped_sheets=tuple(self.skipped),
                           column_hints=self.hints, notices=notices)


TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def score_table(path: Path, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (),
                engine: EngineName = "core", header_row: int | None = None, sheet: str | None = None, pause_gc: bool = False,
                workspace: Workspace = DEFAULT) -> BatchResult:
    """Score every row of a CSV/XLSX table; bad rows are rejected with file, row, column and reason."""
    return score_many(Path(path), ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs, engine=engine, header_row=header_row, sheet=sheet,
                      pause_gc=pause_gc, workspace=workspace)


def summarise_many(communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike = None, *, as_of: Any = None,
                   rulesets_dirs: Iterable[str | Path] = (), column_wise: bool | None = None, header_row: int | None = None,
                   sheet: str | None = None, pause_gc: bool = False, workspace: Workspace = DEFAULT) -> SummaryBatch:
    """Totals, criteria, verdicts and indicator points of many communes, without explanations or gap lists.

    The fast path for large tables: from `COLUMN_WISE_FROM` communes on (or when `column_wise=True`) the
    communes are evaluated together by the column-wise evaluator; each summary equals
    `score(commune).summary()`. Bad communes are rejected as in `score_many`, never stopping the rest.
    `pause_gc` as in `score_many`.
    """
    from chuanxa.engine.prepare import PreparedCommune, prepare

    if column_wise is not False and isinstance(communes, (str, Path)) and Path(communes).suffix.lower() in TABLE_SUFFIXES:
        return _summarise_table(Path(communes), ruleset, as_of, rulesets_dirs, header_row, sheet, pause_gc, workspace)
    items, rejected, unknown, skipped, hints, notices = _commune_items(communes, ruleset, as_of, rulesets_dirs, workspace, header_row, sheet)
    groups: dict[int, tuple[CompiledRuleset, list[tuple[int, PreparedCommune]]]] = {}
    with paused_gc() if pause_gc else nullcontext():
        for order, row, data, core, where in items:
            try:
                prepared = prepare(core, data)
            except ChuanxaError as exc:
                _locate(exc, where, row)
                rejected.append((order, _row_error(exc, where.get("file"), row, data.commune.code)))
                continue
            groups.setdefault(id(core), (core, []))[1].append((order, prepared))
        found: list[tuple[int, CommuneSummary]] = []
        used_columns = False
        for core, members in groups.values():
            if column_wise if column_wise is not None else len(members) >= COLUMN_WISE_FROM:
                from chuanxa.engine.summary import summarise_prepared

                summaries = summarise_prepared(workspace.columnar(core), [p for _, p in members])
                used_columns = True
            else:
                summaries = [core.evaluate_prepared(p).summary() for _, p in members]
            found += zip((position for position, _ in members), summaries)
    found.sort(key=lambda pair: pair[0])
    ordered = tuple(error for _, error in sorted(rejected, key=lambda pair: pair[0]))
    return SummaryBatch(summaries=tuple(s for _, s in found), rejected=ordered, unknown_columns=tuple(unknown), skipped_sheets=tuple(skipped),
                        column_hints=hints, column_wise=used_columns, notices=notices)


def _summarise_table(path: Path, ruleset: RulesetLike, as_of: Any, rulesets_dirs: Iterable[str | Path], header_row: int | None, sheet: str | None,
                     pause_gc: bool, workspace: Workspace) -> SummaryBatch:
    """A table read column by column into the column-wise evaluator (`chuanxa.engine.table_columns`)."""
    found = summarise_table_columns(path, ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs, header_row=header_row, sheet=sheet, pause_gc=pause_gc,
                                    workspace=workspace)
    with paused_gc() if pause_gc else nullcontext():
        return found.batch()


def summarise_table_columns(path: Path, ruleset: RulesetLike = None, *, as_of: Any = None, rulesets_dirs: Iterable[str | Path] = (),
                            header_row: int | None = None, sheet: str | None = None, pause_gc: bool = False,
                            workspace: Workspace = DEFAULT) -> TableSummaries:
    """`summarise_many` of a CSV/XLSX table with the summaries left as arrays (`TableSummaries.table`): what a
    renderer of a large table reads without building a record per commune; `.batch()` gives the records."""
    from chuanxa.engine.summary import TableSummaries
    from chuanxa.engine.table_columns import read_columns, summarise_read

    core = workspace.compiled(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)
    evaluator = workspace.columnar(core)
    with paused_gc() if pause_gc else nullcontext():
        read = read_columns(Path(path), evaluator, header_row=header_row, sheet=sheet)
        summaries, rejected = summarise_read(read, evaluator)
    table = read.table
    found = SummaryBatch(summaries=(), rejected=tuple(error for _, error in rejected), unknown_columns=tuple(table.unknown_columns),
                         skipped_sheets=tuple(table.skipped_sheets), column_hints={k: tuple(v) for k, v in table.column_hints.items()},
                         column_wise=True, notices=tuple(table.notices))
    return TableSummaries(summaries, found)


_Item = tuple[int, int | None, CommuneData, CompiledRuleset, dict[str, Any]]


def _table_items(path: Path, ruleset: RulesetLike, as_of: Any, rulesets_dirs: Iterable[str | Path], workspace: Workspace, header_row: int | None,
                 sheet: str | None) -> tuple[Iterator[_Item], list[tuple[int, RowError]], Any]:
    """A table's communes as `_commune_items` gives them, but read lazily: the items come one at a time (each
    row's record built when it is reached), the rejected rows are added to the list as they are met, and the
    `TableRead` (notices, unknown columns) is complete once the items are exhausted. The file is read and its
    tables found at once, so a file that holds no table raises here."""
    from chuanxa.communes.readers import TableRow
    from chuanxa.engine.table_columns import table_rows

    core = workspace.compiled(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)
    table, rows = table_rows(path, core.ruleset, header_row=header_row, sheet=sheet)
    rejected: list[tuple[int, RowError]] = []

    def items() -> Iterator[_Item]:
        for number, checked in rows:
            if isinstance(checked, TableRow):
                yield number, number, checked.data, core, {"file": f"{path} [{checked.sheet}]" if checked.sheet else str(path), "columns": checked.columns}
            else:
                rejected.append((number, _row_error(checked, str(path), number, checked.location.commune)))
    return items(), rejected, table


def _commune_items(communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike, as_of: Any, rulesets_dirs: Iterable[str | Path],
                   workspace: Workspace, header_row: int | None = None, sheet: str | None = None
                   ) -> tuple[list[_Item], list[tuple[int, RowError]], list[str], list[str], dict[str, tuple[str, ...]], tuple[TableNotice, ...]]:
    """Per readable commune: (input order, table row, data, compiled ruleset, location hints); the unreadable
    ones as (input order, error); a table's unknown columns. As in `score_many`, a commune that cannot be read
    or has no ruleset is rejected without stopping the others; and a workbook's sheets that were not read."""
    items: list[_Item] = []
    rejected: list[tuple[int, RowError]] = []
    if isinstance(communes, (str, Path)) and Path(communes).suffix.lower() in TABLE_SUFFIXES:
        from chuanxa.communes.readers import read_table

        path = Path(communes)
        core = workspace.compiled(ruleset, as_of=as_of, rulesets_dirs=rulesets_dirs)
        table = read_table(path, core.ruleset, header_row=header_row, sheet=sheet)
        rejected += [(number, _row_error(exc, str(path), number, exc.location.commune)) for number, exc in table.errors]
        items += [(row.row, row.row, row.data, core, {"file": f"{path} [{row.sheet}]" if row.sheet else str(path), "columns": row.columns}) for row in table.rows]
        return (items, rejected, list(table.unknown_columns), list(table.skipped_sheets), {k: tuple(v) for k, v in table.column_hints.items()},
                tuple(table.notices))
    if isinstance(communes, (str, Path)):
        communes = [communes]
    folders = tuple(rulesets_dirs)
    resolved: dict[tuple[Any, ...], CompiledRuleset] = {}  # one resolution per (ruleset, date) in a batch, not one per commune
    for index, item in enumerate(communes, start=1):
        source = str(item) if isinstance(item, (str, Path)) else None
        try:
            data = as_commune(item)
            wanted = ruleset if ruleset is not None else data.ruleset
            day = as_of if as_of is not None else data.as_of
            key = (wanted if wanted is None or isinstance(wanted, str) else id(wanted), str(day))
            core = resolved.get(key) or resolved.setdefault(key, workspace.compiled(wanted, as_of=day, rulesets_dirs=folders))
        except ChuanxaError as exc:
            rejected.append((index, _row_error(exc, source, index if source is None else None, item.commune.code if isinstance(item, CommuneData) else None)))
            continue
        items.append((index, index if source is None else None, data, core, {"file": source}))
    return items, rejected, [], [], {}, ()
