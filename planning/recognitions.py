"""The recognition lifecycle: recognition records (decision, date, issuing body, ruleset, score), how long each
lasts and when it must be maintained (ruleset data: `recognition.validity`), and which communes need attention:
expiring within N months, expired, or never recognised. File-based (YAML, JSON or CSV); a store may keep the same
records later.

A merged commune (one with `former` predecessors) inherits no recognition: only its own records, dated on or
after it came into being, count; older ones are reported, not used.

A standing's notes are codes with the decision, dates and predecessors they name (`StandingNote`); their words come
from `chuanxa.wording.standing_note_text`, and a standing's JSON writes them beside each note as `vi` and `en`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SerializerFunctionWrapHandler, ValidationError, model_serializer

from chuanxa.communes.model import _text_list
from chuanxa.communes.values import fold, is_blank, parse_date, parse_number
from chuanxa.errors import CommuneDataError, Location

from .notes import CodedNote, with_note_words

Status = Literal["valid", "expiring", "expired", "never_recognised"]


def _date(value: Any) -> Any:
    if isinstance(value, str):
        return parse_date(value.strip())
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _number(value: Any) -> Any:
    return parse_number(value) if isinstance(value, str) and value.strip() else (None if is_blank(value) else value)


class RecognitionRecord(BaseModel):
    """One recognition decision ("quyết định công nhận xã đạt Bộ tiêu chí quốc gia về y tế")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: str = Field(min_length=1)  # e.g. "1234/QĐ-UBND"
    date: Annotated[dt.date, BeforeValidator(_date)]
    body: str | None = None  # the issuing body, e.g. "UBND tỉnh Thanh Hóa"
    ruleset: str | None = None  # e.g. "qd1300@2023-03-20"; default: the national ruleset in force on `date`
    score: Annotated[float | None, BeforeValidator(_number)] = None
    kind: Literal["recognition", "maintenance"] = "recognition"  # công nhận (lại) or a yearly "duy trì" check


class CommuneHistory(BaseModel):
    """A commune and its recognition records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, BeforeValidator(lambda v: str(v))]
    name: str
    province: str | None = None
    former: Annotated[tuple[str, ...], BeforeValidator(_text_list)] = ()  # predecessors: a merged commune
    established: Annotated[dt.date | None, BeforeValidator(_date)] = None  # default for a merged commune: the reform date
    recognitions: tuple[RecognitionRecord, ...] = ()


#: What a standing's note says: a decision dated before the merged commune existed (not counted), a merged commune
#: inherits no recognition, the yearly maintenance check is overdue, re-recognition is needed (expired) or its
#: dossier should be prepared (expiring).
NoteCode = Literal["DECISION_PREDATES_COMMUNE", "MERGED_NO_INHERITANCE", "MAINTENANCE_OVERDUE", "RERECOGNITION_NEEDED", "PREPARE_RERECOGNITION"]


class StandingNote(CodedNote):
    """A note on a commune's standing, as a code and what it names (its sentence: `chuanxa.wording.standing_note_text`,
    written into the JSON beside the record as `vi` and `en`)."""

    code: NoteCode
    decision: str | None = None  # DECISION_PREDATES_COMMUNE: the decision not counted…
    date: dt.date | None = None  # …and its date
    established: dt.date | None = None  # DECISION_PREDATES_COMMUNE: when the merged commune came into being
    former: tuple[str, ...] = ()  # MERGED_NO_INHERITANCE: the predecessors' codes
    due: dt.date | None = None  # MAINTENANCE_OVERDUE: when the check was due


class Standing(BaseModel):
    """Where a commune's recognition stands on a date."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    province: str | None
    status: Status
    decision: str | None = None
    recognised_on: dt.date | None = None
    expires: dt.date | None = None
    months_left: int | None = None
    next_maintenance: dt.date | None = None
    ruleset: str | None = None
    score: float | None = None
    notes: tuple[StandingNote, ...] = ()

    @model_serializer(mode="wrap")
    def _with_sentences(self, handler: SerializerFunctionWrapHandler) -> Any:
        from chuanxa.wording import standing_note_text

        return with_note_words(handler(self), self.notes, standing_note_text)


def load_histories(path: Path) -> list[CommuneHistory]:
    """Commune histories from YAML/JSON (`communes: [{code, name, …, recognitions: […]}]`) or a CSV with one row
    per record (columns code, name, province, former, decision, date, body, ruleset, score, kind)."""
    where = 0
    try:
        if path.suffix.lower() == ".csv":
            return _from_csv(path)
        if path.suffix.lower() == ".json":
            raw = json.loads(path.read_text(encoding="utf-8-sig"))
        else:
            from chuanxa.criteria.yamlio import load_yaml_file, strip

            raw = strip(load_yaml_file(path))
        items = raw.get("communes") if isinstance(raw, dict) else raw
        histories = []
        for index, item in enumerate(items or ()):
            where = index
            histories.append(CommuneHistory.model_validate(item))
        return histories
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"] if path.suffix.lower() == ".csv" else ("communes", where, *first["loc"])
        first = {**first, "loc": loc}
        field = ".".join(str(p) for p in first["loc"])
        raise CommuneDataError(key="data.bad_field", params={"field": field, "value": first.get("input"), "expected": first["msg"],
                                                             "expected_vi": "Kiểm tra tệp lịch sử công nhận (số quyết định, ngày dạng 2023-06-15 hoặc 15/06/2023)."},
                               location=Location(file=str(path), path=tuple(str(p) for p in first["loc"]))) from None


_CSV_COLUMNS = {"ma xa": "code", "ten xa": "name", "tinh": "province", "xa cu": "former", "so quyet dinh": "decision", "ngay": "date",
                "ngay quyet dinh": "date", "co quan ban hanh": "body", "bo tieu chi": "ruleset", "diem": "score", "tong diem": "score", "loai": "kind"}


def _from_csv(path: Path) -> list[CommuneHistory]:
    from chuanxa.communes.readers import table_text

    rows = list(csv.DictReader(table_text(path).splitlines()))
    communes: dict[str, dict[str, Any]] = {}
    for row in rows:
        cells = {_CSV_COLUMNS.get(fold(k), fold(k).replace(" ", "_")): v for k, v in row.items() if k is not None}
        entry = communes.setdefault(str(cells["code"]).strip(), {"code": str(cells["code"]).strip(), "name": cells.get("name"), "province": cells.get("province") or None,
                                                                   "former": cells.get("former") or (), "recognitions": []})
        if not is_blank(cells.get("decision")):
            entry["recognitions"].append({k: cells[k] for k in ("decision", "date", "body", "ruleset", "score", "kind") if not is_blank(cells.get(k))})
    return [CommuneHistory.model_validate(item) for item in communes.values()]


def standings(histories: Sequence[CommuneHistory], on: dt.date, within_months: int = 12, rulesets_dirs: Sequence[str | Path] = ()) -> list[Standing]:
    """Each commune's standing on `on`: valid, expiring within `within_months`, expired or never recognised."""
    return [standing(history, on, within_months, rulesets_dirs) for history in histories]


def standing(history: CommuneHistory, on: dt.date, within_months: int = 12, rulesets_dirs: Sequence[str | Path] = ()) -> Standing:
    from chuanxa.admin import REFORM_DATE

    notes: list[StandingNote] = []
    records = sorted(history.recognitions, key=lambda r: r.date)
    if history.former:
        born = history.established or dt.date.fromisoformat(REFORM_DATE)
        older = [r for r in records if r.date < born]
        notes += [StandingNote(code="DECISION_PREDATES_COMMUNE", decision=r.decision, date=r.date, established=born) for r in older]
        records = [r for r in records if r.date >= born]
        notes.append(StandingNote(code="MERGED_NO_INHERITANCE", former=history.former))
    recognitions = [r for r in records if r.kind == "recognition"]
    base: dict[str, Any] = {"code": history.code, "name": history.name, "province": history.province}
    if not recognitions:
        return Standing(**base, status="never_recognised", notes=tuple(notes))
    last = recognitions[-1]
    validity = _validity(last, rulesets_dirs)
    expires = _add_years(last.date, validity.years)
    months_left = (expires.year - on.year) * 12 + expires.month - on.month - (1 if expires.day < on.day else 0)
    status: Status = "expired" if expires <= on else "expiring" if months_left < within_months else "valid"
    next_check = None
    if validity.maintenance_every_years and status != "expired":
        checks = [r.date for r in records if r.date >= last.date]
        next_check = _add_years(max(checks), validity.maintenance_every_years)
        if next_check >= expires:
            next_check = None  # re-recognition is due instead
        elif next_check < on:
            notes.append(StandingNote(code="MAINTENANCE_OVERDUE", due=next_check))
    if status != "valid":
        notes.append(StandingNote(code="RERECOGNITION_NEEDED" if status == "expired" else "PREPARE_RERECOGNITION"))
    return Standing(**base, status=status, decision=last.decision, recognised_on=last.date, expires=expires, months_left=months_left,
                    next_maintenance=next_check, ruleset=last.ruleset, score=last.score, notes=tuple(notes))


def _validity(record: RecognitionRecord, rulesets_dirs: Sequence[str | Path]) -> Any:
    from chuanxa.workspace import DEFAULT
    from chuanxa.criteria.model import Validity

    ruleset = DEFAULT.load(record.ruleset, as_of=record.date, rulesets_dirs=rulesets_dirs)
    return ruleset.recognition.validity or Validity(years=3, note="default")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


__all__ = ["RecognitionRecord", "CommuneHistory", "Standing", "StandingNote", "load_histories", "standings", "standing"]
