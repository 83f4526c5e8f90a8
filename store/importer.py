"""Import a CSV/XLSX table into a year's assessments, and export a province-year as the template workbook.

`plan_import` is the dry run: per commune, whether its assessment will be created, changed (with every value
that changes) or left as it is, and the rows rejected with their located errors. `commit_import` applies a plan
in the caller's transaction (one transaction: all or nothing). Importing the same file again changes nothing:
a row whose data equal the current revision is `unchanged` and makes no revision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanxa.communes.model import CommuneData
from chuanxa.communes.notices import TableNotice
from chuanxa.engine.results import RowError, RowProblem
from chuanxa.errors import ChuanxaError, Location
from chuanxa.store import access, assessments, rulesets, units
from chuanxa.store.errors import StoreError, not_found
from chuanxa.store.models import Assessment, Commune, ImportRun, Revision, Role, User
from chuanxa.store.users import audit

EDITABLE_STATES = frozenset({"draft", "returned"})


@dataclass(kw_only=True)
class PlannedRow:
    row: int
    code: str
    name: str
    action: str  # create, change, unchanged
    changes: list[dict[str, Any]]
    data: CommuneData = field(repr=False)
    new_unit: bool = False


@dataclass(kw_only=True)
class ImportPlan:
    year: int
    filename: str
    sha256: str
    ruleset: str
    rows: list[PlannedRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)  # each a row's problems (worded when written: `rejected_json`)
    unknown_columns: list[str] = field(default_factory=list)
    #: the table reader's notes (`code`, `sheet`, `rows`, `message_vi`, `message_en`): which row was taken as the
    #: header and which rows were skipped and why, as `chuanxa batch` says them
    notices: list[TableNotice] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "change": 0, "unchanged": 0, "rejected": len(self.rejected)}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "filename": self.filename, "sha256": self.sha256, "ruleset": self.ruleset, "counts": self.counts(),
                "rows": [{"row": r.row, "code": r.code, "name": r.name, "action": r.action, "new_unit": r.new_unit, "changes": r.changes}
                         for r in self.rows], "rejected": self.rejected_json(), "unknown_columns": self.unknown_columns,
                "notices": self.notices_json()}

    def rejected_json(self) -> list[dict[str, Any]]:
        """The rejected rows as the HTTP answer and the saved import run write them (`{row, commune, errors}`, worded)."""
        from chuanxa.wording import rejected_json

        return [rejected_json(r) for r in self.rejected]

    def notices_json(self) -> list[dict[str, Any]]:
        """What the table reader did (the header row it took, the rows it skipped and why), worded in vi and en."""
        from chuanxa.wording import table_notice_json

        return [dict(table_notice_json(n)) for n in self.notices]


def _rejection(row: int | None, code: str | None, exc: ChuanxaError) -> RowError:
    return RowError(row=row, commune=code, errors=tuple(RowProblem.of(e) for e in (exc.related or [exc])))


def plan_import(session: Session, user: User, path: Path, year: int, *, ruleset: str | None = None, filename: str | None = None,
                create_units: bool = False) -> ImportPlan:
    """The dry run of importing `path` (CSV or XLSX, read by the same hardened reader as the CLI) into `year`.

    The communes, assessments and current revisions the table names are read in a few queries, and its
    communes are checked against the ruleset together (column-wise); only a table with a commune the ruleset
    cannot score is checked again commune by commune, to locate each error."""
    from chuanxa.communes.readers import read_table

    path = Path(path)
    core = rulesets.compiled(ruleset, year)
    ref = f"{core.stamp.id}@{core.stamp.version.isoformat()}"
    table = read_table(path, core.ruleset)
    plan = ImportPlan(year=year, filename=filename or path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), ruleset=ref,
                      unknown_columns=list(table.unknown_columns), notices=list(table.notices))
    plan.rejected += [_rejection(number, exc.location.commune, exc) for number, exc in table.errors]
    known = _Known.read(session, [item.data.commune.code for item in table.rows], year)
    scorable = _all_scorable(core, [item.data for item in table.rows])
    for item in table.rows:
        try:
            plan.rows.append(_plan_row(user, item.row, item.data, year, create_units, known, core if not scorable else None))
        except ChuanxaError as exc:
            exc.location = Location(file=plan.filename, row=item.row, commune=item.data.commune.code) if not exc.location.row else exc.location
            plan.rejected.append(_rejection(item.row, item.data.commune.code, exc))
    plan.rejected.sort(key=lambda r: r.row or 0)
    return plan


@dataclass(frozen=True)
class _Known:
    """What the store holds of the communes a table names: units, `year`'s assessments and their current data."""

    communes: dict[str, Commune]
    assessments: dict[str, Assessment]
    current: dict[int, Revision]

    @classmethod
    def read(cls, session: Session, codes: list[str], year: int) -> _Known:
        communes = units.communes_by_code(session, codes)
        found: dict[str, Assessment] = {}
        wanted = sorted(communes)
        for start in range(0, len(wanted), units.CHUNK):
            query = select(Assessment).where(Assessment.commune_code.in_(wanted[start:start + units.CHUNK]), Assessment.year == year)
            found |= {a.commune_code: a for a in session.scalars(query)}
        return cls(communes=communes, assessments=found, current=assessments.current_revisions(session, list(found.values())))


def _all_scorable(core: Any, datas: list[CommuneData]) -> bool:
    """Whether the ruleset scores every commune (checked together; the same rejections as one by one)."""
    return not datas or len(rulesets.summarise(datas, core).summaries) == len(datas)


def _plan_row(user: User, row: int, data: CommuneData, year: int, create_units: bool, known: _Known, check: Any) -> PlannedRow:
    """One row of the plan; `check`: the compiled ruleset to score the row with (None: known to be scorable)."""
    code = data.commune.code
    commune = known.communes.get(code)
    new_unit = commune is None
    if commune is None:
        if not (create_units and user.role == Role.ADMIN.value):
            raise StoreError(key="store.import_unknown_commune", params={"code": code})
        province = units.province_code_for(data.commune.province or "?")
    else:
        province = commune.province_code
    if not access.can_import(user, province) or (commune is not None and not access.in_work_scope(user, code, province)):
        raise StoreError(key="store.import_out_of_scope", params={"code": code})
    if check is not None:
        check.evaluate(data)  # a row that cannot be scored is rejected here, with its location
    values = dict(data.values)
    assessed = {k: {"points": v.points, "note": v.note} for k, v in data.assessed.items()}
    as_of = str(data.as_of) if data.as_of is not None else str(year)
    current = known.assessments.get(code)
    if current is None:
        return PlannedRow(row=row, code=code, name=data.commune.name, action="create", changes=assessments.diff(None, values, assessed, as_of), data=data,
                          new_unit=new_unit)
    previous = known.current.get(current.id)
    if previous is None:
        raise not_found("revision", current.current)
    changes = assessments.diff(previous, values, assessed, as_of)
    if changes and current.state not in EDITABLE_STATES:
        raise StoreError(key="store.import_locked", params={"code": code, "state": current.state})
    return PlannedRow(row=row, code=code, name=data.commune.name, action="change" if changes else "unchanged", changes=changes, data=data)


def commit_import(session: Session, user: User, plan: ImportPlan) -> ImportRun:
    """Apply `plan` in the caller's transaction: one import record, one revision per created or changed commune
    (all together: a few statements per 500 communes)."""
    run = ImportRun(year=plan.year, filename=plan.filename[:255], sha256=plan.sha256, user_id=user.id,
                    summary={"counts": plan.counts(), "rejected": plan.rejected_json(), "ruleset": plan.ruleset})
    session.add(run)
    session.flush()
    stamp = rulesets.stamp(plan.ruleset, plan.year)
    new_units = [row.data for row in plan.rows if row.new_unit]
    if new_units:
        units.load_units(session, units.records_from_communes(new_units, plan.year))
    items = [assessments.Imported(code=row.code, values=dict(row.data.values),
                                  assessed={k: {"points": v.points, "note": v.note} for k, v in row.data.assessed.items()},
                                  as_of=str(row.data.as_of) if row.data.as_of is not None else str(plan.year), note=f"import {plan.filename} row {row.row}")
             for row in plan.rows if row.action != "unchanged"]
    assessments.save_imported(session, user, plan.year, items, import_id=run.id, stamp=stamp)
    audit(session, "import", user=user, target=f"{plan.filename}", detail={"year": plan.year, "counts": plan.counts(), "import": run.id})
    session.flush()
    return run


def export_workbook(session: Session, user: User, province: str, year: int, path: Path, *, lang: str = "vi", ruleset: str | None = None) -> int:
    """Write the province-year as chuanxa's data-entry template workbook (re-importable); returns the rows written."""
    from openpyxl import load_workbook

    from chuanxa.communes.templates import COMMUNE_COLUMNS, entry_inputs
    from chuanxa.outputs.templates import write_xlsx_template

    core = rulesets.compiled(ruleset, year)
    write_xlsx_template(core.ruleset, lang, path)  # type: ignore[arg-type]
    book = load_workbook(path)
    for name in ("Hướng dẫn", "Guide"):  # the guide's own header row would be read back as data rows
        if name in book.sheetnames:
            del book[name]
    sheet = book.worksheets[0]
    inputs = [name for name, _ in entry_inputs(core.ruleset)]
    assessed_ids = [ind.id for ind in core.ruleset.indicators if ind.kind == "assessed"]
    written = 0
    for assessment in assessments.for_year(session, year, province):
        commune = assessment.commune
        if not access.can_read(user, commune.code, commune.province_code, assessment.state, user.province_code):
            continue
        rev = assessments.revision(session, assessment)
        data = assessments.commune_data(session, commune, year, rev)
        info = data.commune.model_dump()
        row: list[Any] = [rev.as_of if field_name == "as_of" else info.get(field_name) for field_name, _, _ in COMMUNE_COLUMNS]
        row += [rev.values.get(name) for name in inputs]
        for ident in assessed_ids:
            entry = rev.assessed.get(ident) or {}
            row += [entry.get("points"), entry.get("note")]
        sheet.append([_cell(v) for v in row])
        written += 1
    book.save(path)
    return written


def _cell(value: Any) -> Any:
    """A safe cell value: text that a spreadsheet would take for a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, bool):
        return "có" if value else "không"
    return value
