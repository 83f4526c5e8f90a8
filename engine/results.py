"""The result model: what an evaluation found, as frozen, typed records of codes and numbers that serialise to
the documented JSON. Every renderer (table, JSON, CSV, XLSX, reports) reads only these; the sentences of reasons
and gaps are built from them by the renderers' text module (`chuanxa.wording`), never here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_serializer, field_validator, model_serializer, model_validator
from typing_extensions import TypedDict

from chuanxa.communes.notices import TableNotice
from chuanxa.criteria.model import Ruleset, Text
from chuanxa.errors import ChuanxaError, format_path
from chuanxa.messages import CATALOGUE


def round_points(value: float) -> float:
    """Points and sums rounded to 6 decimals: keeps 0.1 + 0.2 style noise out of sums and comparisons. Scaled and
    rounded half-to-even, as NumPy's `round(x, 6)` does in the column-wise engine (and ~5x cheaper than Python's
    decimal-exact `round(x, 6)`)."""
    return round(value * 1e6) / 1e6


class Status(str, Enum):
    """How an indicator came out."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    MISSING_DATA = "missing_data"
    NOT_APPLICABLE = "not_applicable"
    ASSESSED = "assessed"


class Reason(str, Enum):
    """Stable reason codes for an indicator's points."""

    MET = "MET"
    LEVEL_MET = "LEVEL_MET"  # a lower level than the best was reached
    BELOW_THRESHOLD = "BELOW_THRESHOLD"  # a "higher is better" value is short
    ABOVE_CEILING = "ABOVE_CEILING"  # a "lower is better" value is too high
    CONDITION_NOT_MET = "CONDITION_NOT_MET"
    ANSWER_NOT_EXPECTED = "ANSWER_NOT_EXPECTED"
    MISSING_VALUE = "MISSING_VALUE"
    MISSING_CLASSIFICATION = "MISSING_CLASSIFICATION"  # region or zone needed for the threshold is unknown
    NOT_ASSESSED = "NOT_ASSESSED"  # an evidence-judged indicator without assessors' points
    NOT_APPLICABLE = "NOT_APPLICABLE"
    ASSESSED = "ASSESSED"  # points given by the assessors


class Verdict(str, Enum):
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"
    INCOMPLETE = "incomplete"


class FailureCode(str, Enum):
    """Why a commune is not (or not yet) recognised."""

    TOTAL_BELOW_MINIMUM = "TOTAL_BELOW_MINIMUM"
    CRITERION_BELOW_FLOOR = "CRITERION_BELOW_FLOOR"
    KNOCKOUT_FAILED = "KNOCKOUT_FAILED"
    MISSING_DATA = "MISSING_DATA"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class RulesetStamp(_Record):
    id: str
    version: dt.date
    sha256: str
    warning: Text | None = None  # the ruleset's own warning (e.g. "not for certification"), shown by every output
    # The recognition rule's shares (each criterion ≥ min_criterion_share of its points, the total ≥ min_total_share
    # of its maximum): renderers write the floor as the ruleset states it. None in results written before schema 3.
    min_criterion_share: float | None = None
    min_total_share: float | None = None
    # The definition the stamp names, for the words written from it (an indicator's rule: `chuanxa.wording.rule_text`):
    # the `Ruleset` it was made from, or for a result read back from JSON the rules the file wrote (indicator id →
    # text). Not data: neither written nor compared (two stamps of one content hash name the same definition).
    _definition: "Ruleset | Mapping[str, str] | None" = PrivateAttr(default=None)

    @classmethod
    def of(cls, ruleset: Ruleset, sha256: str) -> "RulesetStamp":
        """The stamp of a validated `Ruleset` whose content hash is `sha256`."""
        rule = ruleset.recognition
        stamp = cls(id=ruleset.ruleset.id, version=ruleset.ruleset.version, sha256=sha256, warning=ruleset.ruleset.warning,
                    min_criterion_share=rule.min_criterion_share, min_total_share=rule.min_total_share)
        stamp._definition = ruleset
        return stamp

    @property
    def definition(self) -> "Ruleset | Mapping[str, str] | None":
        """The ruleset this stamp was made from (None for a stamp built by hand; the file's rules for one read back)."""
        return self._definition

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RulesetStamp):
            return NotImplemented
        return self.__dict__ == other.__dict__  # the fields only: the definition it names is not data


def _place_words_in_json(schema: dict[str, Any], words: dict[str, str]) -> None:
    # The JSON (and an HTTP response) carries these sentences, written from the record by `chuanxa.wording`;
    # the record itself holds none. Declared here so the published schema matches the JSON.
    properties = schema.setdefault("properties", {})
    for name, description in words.items():
        properties[name] = {"title": name.replace("_", " ").capitalize(), "description": description, "type": "object",
                            "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}, "required": ["vi", "en"]}


class Notice(_Record):
    """Something inferred or out of date about a commune's place (a former province mapped, an old code…), as a
    code (its sentence: `chuanxa.wording.notice_text`, from the commune's identity)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False,
                              json_schema_extra=lambda s: _place_words_in_json(s, {"message": "The notice in Vietnamese and English."}))

    code: str  # FORMER_PROVINCE, FORMER_DISTRICT, CODE_NOT_CURRENT, CODE_NAME_DIFFERS, ASSESSED_BEFORE_MERGER

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        return _without(data, "message")


class CommuneIdentity(_Record):
    """Who the commune is and where: current province, and the former province and district of old records. Why
    its region was used is `region_source` (in words: `chuanxa.wording.region_text`, the JSON's `region_reason`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False,
                              json_schema_extra=lambda s: _place_words_in_json(s, {"region_reason": "Why this region was used, in Vietnamese and English."}))

    code: str
    name: str
    unit_type: str | None = None  # "xa", "phuong", "dac_khu" ("thi_tran" in old records)
    province: str | None = None
    province_code: int | None = None
    former_province: str | None = None
    former_district: str | None = None
    region_source: str | None = None  # why the result's region: given, former_province, commune_code, province, unknown
    notices: tuple[Notice, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        return _without(data, "region_reason")

    @property
    def district(self) -> str | None:
        """The former district (old records); districts were abolished on 1 July 2025."""
        return self.former_district


def identity_state(info: Any, as_of: dt.date | None) -> dict[str, Any]:
    """Every field of the `CommuneIdentity` of a commune's (resolved) `CommuneInfo`, for the engines to build.

    The notices are shared records (built once per code): the engines build ~one identity per commune and must
    not pay for validating the same records again."""
    notices_for, CommuneInfo = _lookups()
    # The commune record's state, read once (each attribute of a pydantic record costs as much as this one read); any
    # other object with the same attributes is read attribute by attribute.
    fields = info.__dict__ if info.__class__ is CommuneInfo else {name: getattr(info, name) for name in _INFO_READ}
    code, name, province, former_province, former_district = fields["code"], fields["name"], fields["province"], fields["former_province"], fields["former_district"]
    notices = tuple([_notice_record(n) for n in notices_for(code, name, province, former_province, former_district, fields["former"], as_of)])
    return {"code": code, "name": name, "unit_type": fields["unit_type"], "province": province, "province_code": fields["province_code"],
            "former_province": former_province, "former_district": former_district, "region_source": fields["region_source"],
            "notices": notices}


@lru_cache(maxsize=None)
def _lookups() -> tuple[Any, type]:
    """What `identity_state` reads from `chuanxa.admin` and the commune model, imported on first use (not at import:
    `chuanxa.admin` imports this module's package), then kept (an import statement per commune costs more)."""
    from chuanxa.admin import notices_for
    from chuanxa.communes.model import CommuneInfo

    return notices_for, CommuneInfo


_INFO_READ = ("code", "name", "unit_type", "province", "province_code", "former_province", "former_district", "region", "region_source", "former")


@lru_cache(maxsize=64)
def _notice_record(code: str) -> Notice:
    return Notice.model_construct(code=code)


class ThresholdUsed(_Record):
    """The threshold actually applied to this commune (the regional or zone variant when there is a table)."""

    op: str
    value: float | bool | str
    by: str | None = None  # "region" or "zone" when read from a table
    key: str | None = None  # the region id or zone used
    points: float  # what meeting it gives
    input: str | None = None


def _rule_in_json(schema: dict[str, Any]) -> None:
    # The JSON (and an HTTP response) carries the indicator's rule, written from its definition by `chuanxa.wording`;
    # the record itself holds none. Declared here so the published schema matches the JSON.
    schema.setdefault("properties", {})["rule"] = {"title": "Rule", "type": "string",
                                                   "description": "The rule, e.g. \"full_immunisation_rate >= 95 → 3; >= 90 → 1.5\"."}


class IndicatorResult(_Record):
    """One indicator's points and the explanation behind them."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, json_schema_extra=_rule_in_json)
    id: str
    criterion: str
    title: Text
    kind: str
    points: float
    max: float
    status: Status
    reason: Reason
    provisional: bool
    knockout: bool
    knockout_failed: bool = False
    # The rule itself (e.g. "full_immunisation_rate >= 95 → 3; >= 90 → 1.5") is the indicator's, not the result's:
    # its kind writes it (`chuanxa.wording.rule_text`), and the JSON carries it as `rule` (schema 3).
    values: dict[str, Any] = {}  # the inputs read, as used
    threshold: ThresholdUsed | None = None  # the level reached, or else the first level to reach
    source: str
    note: str | None = None
    data_points: float | None = None  # what the data alone gives, when the assessors decided otherwise
    data_status: Status | None = None
    assessed_note: str | None = None

    @property
    def withheld(self) -> float:
        return self.max - self.points

    @model_validator(mode="before")
    @classmethod
    def _rule_is_not_data(cls, data: Any) -> Any:
        return _without(data, "rule")  # the JSON's rule text: kept on the result's stamp (`CommuneResult`)


class CriterionResult(_Record):
    id: str
    title: Text
    points: float
    max: float  # after not-applicable indicators were excluded, when the ruleset says so
    floor: float
    floor_met: bool
    missing: int = 0  # indicators with missing data
    provisional: bool = False  # the criterion's points, hence its floor, are not confirmed


class Total(_Record):
    points: float
    max: float
    share: float
    minimum: float


def _message_in_json(schema: dict[str, Any]) -> None:
    # The JSON (and an HTTP response) carries each reason's and gap's sentence, written from the record by
    # `chuanxa.wording`; the record itself holds none. Declared here so the published schema matches the JSON.
    schema.setdefault("properties", {})["message"] = {
        "title": "Message", "description": "The sentence in Vietnamese and English, written from the other fields.",
        "type": "object", "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}, "required": ["vi", "en"]}


class FailureReason(_Record):
    """Why a commune is not (or not yet) recognised, as a code and the numbers behind it (its sentence:
    `chuanxa.wording.reason_text`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, json_schema_extra=_message_in_json)

    code: FailureCode
    criterion: str | None = None
    indicator: str | None = None
    points: float | None = None
    required: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        return _without_message(data)


class GapTarget(_Record):
    """One step up for an indicator: reach `target` to get `points` (+`gain`)."""

    op: str | None = None
    target: float | bool | str | None = None
    change: float | None = None  # signed distance from the current value (None when not numeric)
    points: float
    gain: float


class Gap(_Record):
    """What an indicator short of its maximum needs, how far it is, and what it blocks (its sentence:
    `chuanxa.wording.gap_text`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, json_schema_extra=_message_in_json)

    indicator: str
    criterion: str
    title: Text
    kind: str  # "value" (a data threshold), "condition", "evidence" (assessors' points) or "missing"
    status: Status
    points: float
    max: float
    input: str | None = None
    unit: str | None = None
    value: Any = None
    targets: tuple[GapTarget, ...] = ()
    blocks: tuple[str, ...] = ()  # "knockout", "criterion:5", "total"
    priority: int  # 0 knock-out, 1 criterion floor, 2 total, 3 other
    provisional: bool
    label: Text | None = None  # the input's label, when the gap is about one input
    input_type: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        return _without_message(data)


def _without_message(data: Any) -> Any:
    return _without(data, "message")


def _without(data: Any, *names: str) -> Any:
    # The JSON writes sentences (a reason's, gap's or notice's `message`, the identity's `region_reason`, a rejected
    # row's problems: rendered from the other fields by `chuanxa.wording`); reading a result back drops them,
    # rebuilt from the data when shown.
    if isinstance(data, dict) and any(name in data for name in names):
        data = {k: v for k, v in data.items() if k not in names}
    return data


class CommuneResult(_Record):
    """Everything an evaluation found about one commune."""

    ruleset: RulesetStamp
    commune: CommuneIdentity
    as_of: dt.date | None = None
    zone: int | None
    zone_source: str  # "given", "derived" or "unknown"
    region: str | None
    total: Total
    criteria: tuple[CriterionResult, ...]
    indicators: tuple[IndicatorResult, ...]
    verdict: Verdict
    recognised: bool | None
    reasons: tuple[FailureReason, ...]
    gaps: tuple[Gap, ...]
    provisional_count: int
    provisional_decides: bool  # the verdict could change if provisional indicators were scored otherwise
    knockouts_failed: tuple[str, ...] = ()
    missing_count: int = 0
    region_name: Text | None = None  # the region's name in Vietnamese and English

    @model_validator(mode="wrap")
    @classmethod
    def _rules_read_back(cls, data: Any, handler: Any) -> Any:
        # A result read back from JSON keeps the rules its file wrote (its indicators' `rule`) on its stamp, where
        # the JSON writers find them again: the records hold no rule text (the kinds write it from the definition).
        rules = {item["id"]: item["rule"] for item in data.get("indicators", ()) if isinstance(item, dict) and isinstance(item.get("rule"), str)
                 and isinstance(item.get("id"), str)} if isinstance(data, dict) else None
        result = handler(data)
        if rules and result.ruleset.definition is None:
            result.ruleset._definition = rules
        return result

    def indicator(self, indicator_id: str | int) -> IndicatorResult:
        for item in self.indicators:
            if item.id == str(indicator_id):
                return item
        raise KeyError(indicator_id)

    def criterion(self, criterion_id: str | int) -> CriterionResult:
        for item in self.criteria:
            if item.id == str(criterion_id):
                return item
        raise KeyError(criterion_id)

    def to_json_dict(self) -> dict[str, Any]:
        """The documented JSON form (see README, "JSON result"): the data, with the sentence of each reason and gap
        rendered by the text module (`chuanxa.wording`)."""
        from chuanxa.wording import with_messages

        return with_messages(self.model_dump(mode="json"), self)

    def summary(self) -> "CommuneSummary":
        """This result without its explanation (what `chuanxa.summarise_many` gives per commune)."""
        codes: list[FailureCode] = []
        for reason in self.reasons:
            if reason.code not in codes:
                codes.append(reason.code)
        return CommuneSummary(
            ruleset=self.ruleset, commune=self.commune, as_of=self.as_of, zone=self.zone, zone_source=self.zone_source, region=self.region,
            total=self.total, criteria=self.criteria, verdict=self.verdict, recognised=self.recognised, reason_codes=tuple(codes),
            knockouts_failed=self.knockouts_failed, missing_count=self.missing_count, provisional_count=self.provisional_count,
            provisional_decides=self.provisional_decides, points={i.id: round_points(i.points) for i in self.indicators},
            statuses={i.id: i.status for i in self.indicators},
        )


class CommuneSummary(_Record):
    """A commune's standing without the explanation: totals, criteria, verdict, indicator points and statuses.

    What a district table needs; built column-wise for large batches (`chuanxa.summarise_many`) or from a full
    result (`CommuneResult.summary()`), with the same values either way."""

    ruleset: RulesetStamp
    commune: CommuneIdentity
    as_of: dt.date | None = None
    zone: int | None
    zone_source: str
    region: str | None
    total: Total
    criteria: tuple[CriterionResult, ...]
    verdict: Verdict
    recognised: bool | None
    reason_codes: tuple[FailureCode, ...]  # in the order of `reasons` in a full result, each once
    knockouts_failed: tuple[str, ...] = ()
    missing_count: int = 0
    provisional_count: int
    provisional_decides: bool
    points: dict[str, float]  # indicator id → points
    statuses: dict[str, Status]  # indicator id → status


class ProblemLocation(_Record):
    """Where a problem of a rejected row is: the file, the table row and column, the commune, the indicator, the
    path into the commune's data (written as `values.households`), a workbook cell."""

    file: str | None = None
    line: int | None = None
    path: str | None = None
    row: int | None = None
    column: str | None = None
    commune: str | None = None
    indicator: str | None = None
    cell: str | None = None


class ProblemJSON(TypedDict):
    """A rejected row's problem as the documents and HTTP answers write it (the sentences from `chuanxa.wording`)."""

    error: str
    code: str
    message: str  # in Vietnamese, without where it is
    location: dict[str, str | int]
    params: dict[str, Any]
    message_en: str  # where and what
    message_vi: str


class NoticeJSON(TypedDict):
    """A table notice as the batch documents write it (the sentences from `chuanxa.wording`)."""

    code: str
    sheet: str | None
    rows: list[int]
    params: dict[str, Any]
    message_vi: str
    message_en: str


class RowProblem(_Record):
    """One problem found in a commune that could not be scored: the error's type and catalogue key, where it is and
    the values its sentence names (`params`). Its sentence is `chuanxa.wording.problem_text`, written into the JSON
    (`message`, `message_vi`, `message_en`) at write time; the record holds none."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, json_schema_extra=lambda s: _problem_words_in_json(s))

    error: str  # the error's type, e.g. "CommuneDataError"
    code: str  # its key in the message catalogue, e.g. "data.out_of_bounds"
    location: ProblemLocation = ProblemLocation()
    params: dict[str, Any] = {}

    @classmethod
    def of(cls, exc: ChuanxaError) -> "RowProblem":
        """The record of a `ChuanxaError` (one problem, not its related ones); its parameters as JSON has them
        (tuples as lists, other objects as their text), so that a record read back from JSON equals it."""
        where = exc.location
        return cls(error=type(exc).__name__, code=exc.key, params=_json_plain(exc.params),
                   location=ProblemLocation(file=where.file, line=where.line, path=format_path(where.path) if where.path else None, row=where.row,
                                            column=where.column, commune=where.commune, indicator=where.indicator, cell=where.cell))

    @field_validator("code")
    @classmethod
    def _in_the_catalogue(cls, code: str) -> str:
        if code not in CATALOGUE:  # its sentence could not be written
            raise ValueError(f"unknown problem code {code!r}: not in the message catalogue (chuanxa/messages.py)")
        return code

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        return _without(data, "message", "message_vi", "message_en")

    @model_serializer
    def _with_sentences(self) -> ProblemJSON:
        # Every writer (batch documents, target plans, HTTP answers, the store's import runs) dumps these records:
        # the sentences are added here, at write time, in the order the JSON has always had them.
        from chuanxa.wording import problem_json

        record: Any = self  # (mypy sees this module under two names: as `engine.results` and `chuanxa.engine.results`)
        return problem_json(record)


def _json_plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_plain(v) for v in (sorted(value, key=str) if isinstance(value, (set, frozenset)) else value)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _problem_words_in_json(schema: dict[str, Any]) -> None:
    # The JSON carries the sentence (`message`: in Vietnamese, without the location; `message_vi`, `message_en`: with
    # it), written from the record by `chuanxa.wording`. Declared here so the published schema matches the JSON.
    properties = schema.setdefault("properties", {})
    for name, description in (("message", "The problem in Vietnamese, without where it is."), ("message_vi", "Where and what, in Vietnamese."),
                              ("message_en", "Where and what, in English.")):
        properties[name] = {"title": name.replace("_", " ").capitalize(), "description": description, "type": "string"}


class RowError(_Record):
    """A commune that could not be scored, with every problem found in it."""

    source: str | None = None
    row: int | None = None
    commune: str | None = None
    errors: tuple[RowProblem, ...]


def _notices_with_sentences(notices: tuple[TableNotice, ...]) -> list[NoticeJSON]:
    # The documents carry each table notice's sentence (`message_vi`, `message_en`), written at write time from the
    # notice's code, place and numbers (`chuanxa.wording.table_notice_text`); the record holds none.
    from chuanxa.wording import table_notice_json

    return [table_notice_json(notice) for notice in notices]


class BatchResult(_Record):
    """Many communes: the scored ones and the rejected ones, in input order."""

    results: tuple[CommuneResult, ...]
    rejected: tuple[RowError, ...] = ()
    unknown_columns: tuple[str, ...] = ()
    column_hints: dict[str, tuple[str, ...]] = {}  # unknown column → known headers it resembles
    skipped_sheets: tuple[str, ...] = ()  # workbook sheets without a commune-code column (not read)
    notices: tuple[TableNotice, ...] = ()  # what a table reader took and skipped, and why

    @property
    def recognised_count(self) -> int:
        return sum(1 for r in self.results if r.verdict is Verdict.RECOGNISED)

    @field_serializer("notices")
    def _notices_worded(self, notices: tuple[TableNotice, ...]) -> list[NoticeJSON]:
        return _notices_with_sentences(notices)

    def to_json_dict(self) -> dict[str, Any]:
        from chuanxa.wording import with_messages

        data = self.model_dump(mode="json")
        data["results"] = [with_messages(item, result) for item, result in zip(data["results"], self.results)]
        return data


class SummaryBatch(_Record):
    """Many communes summarised (no explanations), and the rejected ones, in input order."""

    summaries: tuple[CommuneSummary, ...]
    rejected: tuple[RowError, ...] = ()
    unknown_columns: tuple[str, ...] = ()
    column_hints: dict[str, tuple[str, ...]] = {}  # unknown column → known headers it resembles
    skipped_sheets: tuple[str, ...] = ()  # workbook sheets without a commune-code column (not read)
    notices: tuple[TableNotice, ...] = ()  # what a table reader took and skipped, and why
    column_wise: bool = False  # whether the column-wise evaluator computed them

    @property
    def recognised_count(self) -> int:
        return sum(1 for r in self.summaries if r.verdict is Verdict.RECOGNISED)

    @field_serializer("notices")
    def _notices_worded(self, notices: tuple[TableNotice, ...]) -> list[NoticeJSON]:
        return _notices_with_sentences(notices)

    def to_json_dict(self) -> dict[str, Any]:
        from chuanxa.wording import with_place_words

        data = self.model_dump(mode="json")
        for item, summary in zip(data["summaries"], self.summaries):
            item["commune"] = with_place_words(item["commune"], summary.commune, summary.as_of)
        return data
