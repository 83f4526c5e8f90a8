"""Test cases as data: a commune (the commune-file contract, or only the inputs that matter) and what the
ruleset must give it (indicator points and statuses, criterion points, total, verdict — any subset).

A cases file (`*.cases.yaml`) looks like the golden files of the test suite:

    ruleset: qd1300@2023-03-20        # optional when the file is named after its ruleset
    base: {commune: {...}, as_of: 2024, values: {...}, assessed: {...}}   # or a commune file's path
    cases:
      - name: insurance_exactly_95_earns_4
        values: {health_insurance_rate: 95}      # changes to the base; null removes a field
        expect: {indicators: {"5": {points: 4, status: met}}, verdict: recognised}

Running a case never raises for a wrong expectation: it returns a `CaseOutcome` with the differences.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chuanxa.communes.readers import commune_from_mapping, read_commune_file
from chuanxa.criteria.loader import describe_invalid, plain_location
from chuanxa.criteria.model import Id
from chuanxa.criteria.registry import Registry
from chuanxa.criteria.yamlio import LocatedDict, load_yaml_file, locate, strip
from chuanxa.errors import ChuanxaError, Location, RulesetError, close_matches

if TYPE_CHECKING:
    from chuanxa.communes.model import CommuneData
    from chuanxa.engine.compiled import CompiledRuleset
    from chuanxa.engine.results import CommuneResult

CASES_SUFFIXES = (".cases.yaml", ".cases.yml", ".cases.xlsx")
_TOLERANCE = 1e-9
_DATED = re.compile(r"^(?P<family>[a-z][a-z0-9_]*)_(?P<version>\d{4}-\d{2}-\d{2})$")


def is_cases_file(path: Path) -> bool:
    """Whether `path` is a file of test cases rather than a ruleset (`NAME.cases.yaml`)."""
    return path.name.endswith(CASES_SUFFIXES)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Status = Literal["met", "partly_met", "not_met", "missing_data", "not_applicable", "assessed"]


class IndicatorExpect(_Model):
    """What one indicator must give; only the fields written are compared."""

    points: float | None = None
    max: float | None = None
    status: Status | None = None
    reason: str | None = None
    threshold: float | bool | str | None = None
    data_points: float | None = None
    data_status: Status | None = None
    knockout_failed: bool | None = None
    provisional: bool | None = None
    values: dict[str, Any] | None = None  # the inputs read, as used (only those written are compared)


class CriterionExpect(_Model):
    points: float | None = None
    max: float | None = None
    floor: float | None = None
    floor_met: bool | None = None
    missing: int | None = None


class Expect(_Model):
    indicators: dict[Id, IndicatorExpect] = {}
    criteria: dict[Id, CriterionExpect] = {}
    total: float | None = None
    verdict: Literal["recognised", "not_recognised", "incomplete"] | None = None
    zone: int | None = None
    reasons: list[str] | None = None


class Case(_Model):
    name: str = Field(min_length=1)
    note: str | None = None
    ruleset: str | None = None
    file: str | None = None
    commune: dict[str, Any] | None = None
    as_of: dt.date | int | str | None = None
    values: dict[str, Any] | None = None
    assessed: dict[Id, Any] | None = None
    expect: Expect


class CasesFile(_Model):
    ruleset: str | None = None
    note: str | None = None
    base: dict[str, Any] | str | None = None
    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Difference:
    """One expectation not met: `subject` is indicator, criterion, total, verdict, zone or reasons."""

    subject: str
    item: str | None
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class CaseOutcome:
    """A case run: passed when it has neither differences nor an error."""

    file: str
    name: str
    line: int | None
    ruleset: str | None
    differences: tuple[Difference, ...] = ()
    error: ChuanxaError | None = None

    @property
    def passed(self) -> bool:
        return not self.differences and self.error is None


def load_cases(path: Path) -> tuple[CasesFile, LocatedDict]:
    """Read and check a cases file; a malformed one raises a `RulesetError` naming the line and key."""
    tree = load_yaml_file(path)
    if not isinstance(tree, dict):
        raise RulesetError(key="yaml.not_mapping", location=Location(file=str(path), line=1))
    try:
        return CasesFile.model_validate(strip(tree)), cast(LocatedDict, tree)
    except ValidationError as exc:
        errors = [_located(tree, error, str(path)) for error in exc.errors()]
        errors[0].related = list(errors)
        raise errors[0] from None


def _located(tree: Any, error: Any, file: str) -> RulesetError:
    path = _written_path(error)
    where, line = locate(tree, path)
    location = Location(file=where or file, line=line, path=path)
    last = str(path[-1]) if path else ""
    if error["type"] == "extra_forbidden":
        return RulesetError(key="ruleset.unknown_key", params={"key": last, "suggestions": close_matches(last, _KNOWN_KEYS)}, location=location)
    if error["type"] == "missing":
        return RulesetError(key="ruleset.missing_key", params={"key": last}, location=location)
    vi, en = describe_invalid(error)
    return RulesetError(key="ruleset.invalid_field", params={"detail": en, "detail_vi": vi}, location=location)


def _written_path(error: Any) -> tuple[str | int, ...]:
    """A pydantic location without the type tags pydantic adds (`float`, `union[…]`, `literal[…]`): the keys
    and list positions a person wrote."""
    kept = plain_location(error)
    return tuple(part for part in error.get("loc", ()) if isinstance(part, int) or (str(part) in kept and "[" not in str(part)))


_KNOWN_KEYS = sorted(set(CasesFile.model_fields) | set(Case.model_fields) | set(Expect.model_fields) | set(IndicatorExpect.model_fields) | set(CriterionExpect.model_fields))


def default_ruleset_ref(path: Path) -> str | None:
    """The ruleset a cases file is named after: `qd1300_2023-03-20.cases.yaml` → `qd1300@2023-03-20`,
    `qd1300.cases.yaml` → `qd1300` (the version in force on each case's assessment date)."""
    stem = path.name
    for suffix in CASES_SUFFIXES:
        stem = stem.removesuffix(suffix)
    dated = _DATED.match(stem)
    if dated:
        return f"{dated['family']}@{dated['version']}"
    return stem if re.fullmatch(r"[a-z][a-z0-9_]*", stem) else None


def run_cases_file(path: Path, registry: Registry) -> list[CaseOutcome]:
    """Run every case of the file at `path` against the rulesets `registry` knows."""
    if path.suffix.lower() == ".xlsx":
        from .case_sheet import read_case_sheet

        default = default_ruleset_ref(path)
        rows = read_case_sheet(path, lambda ref: registry.load(ref), default)
        return [run_case(case, {}, default, registry, str(path), line) for case, line in rows]
    spec, tree = load_cases(path)
    base = base_data(spec.base, path)
    lines = tree["cases"].lines
    outcomes = []
    for index, case in enumerate(spec.cases):
        line = lines[index][1] if index < len(lines) else None
        outcomes.append(run_case(case, base, spec.ruleset or default_ruleset_ref(path), registry, str(path), line))
    return outcomes


def base_data(base: dict[str, Any] | str | None, path: Path) -> dict[str, Any]:
    if isinstance(base, str):
        return read_commune_file(path.parent / base).model_dump(mode="json", exclude_none=True)
    return copy.deepcopy(base or {})


def run_case(case: Case, base: dict[str, Any], default_ref: str | None, registry: Registry, file: str, line: int | None = None,
             evaluate: Callable[[CompiledRuleset, CommuneData], CommuneResult] | None = None) -> CaseOutcome:
    """Score the case's commune with its ruleset (by `evaluate`, default the per-commune engine; the tests pass
    the other engines) and compare with what it expects."""
    from chuanxa.api import compiled

    ref = case.ruleset or default_ref
    where = Location(file=file, line=line)
    try:
        data = _case_data(case, base, Path(file).parent)
        if ref is None:
            raise RulesetError(key="cases.no_ruleset", params={"case": case.name}, location=where)
        ruleset = registry.load(ref, data.as_of)
        engine = compiled(ruleset)
        result = evaluate(engine, data) if evaluate is not None else engine.evaluate(data)
        differences = tuple(compare(case.expect, result, ruleset_ref=ruleset.ref, case=case.name, where=where))
    except ChuanxaError as exc:
        if exc.location.file is None:
            exc.location = where
        return CaseOutcome(file=file, name=case.name, line=line, ruleset=ref, error=exc)
    return CaseOutcome(file=file, name=case.name, line=line, ruleset=ruleset.ref, differences=differences)


def _case_data(case: Case, base: dict[str, Any], folder: Path) -> Any:
    data = read_commune_file(folder / case.file).model_dump(mode="json", exclude_none=True) if case.file else copy.deepcopy(base)
    for section in ("commune", "values", "assessed"):
        for key, value in (getattr(case, section) or {}).items():
            target = data.setdefault(section, {})
            target.pop(key, None)
            if value is not None:
                target[key] = value
    if case.as_of is not None:
        data["as_of"] = case.as_of
    # The short form: a case that gives only the inputs that matter still needs a commune to score.
    identity = data.setdefault("commune", {})
    identity.setdefault("code", "0")
    identity.setdefault("name", case.name)
    return commune_from_mapping(data)


def compare(expect: Expect, result: Any, *, ruleset_ref: str, case: str, where: Location) -> list[Difference]:
    """Every way `result` differs from `expect`; an unknown indicator or criterion id raises a located error."""
    found: list[Difference] = []
    for ind_id, wanted in expect.indicators.items():
        got = _item(result.indicator, ind_id, "cases.unknown_indicator", [i.id for i in result.indicators], ruleset_ref, case, where)
        actual = {**{f: getattr(got, f) for f in wanted.model_fields_set if f != "threshold"}, "threshold": got.threshold.value if got.threshold else None}
        found += _fields("indicator", ind_id, wanted, actual)
    for crit_id, wanted_crit in expect.criteria.items():
        got_crit = _item(result.criterion, crit_id, "cases.unknown_criterion", [c.id for c in result.criteria], ruleset_ref, case, where)
        found += _fields("criterion", crit_id, wanted_crit, {f: getattr(got_crit, f) for f in wanted_crit.model_fields_set})
    scalars = {"total": result.total.points, "verdict": result.verdict.value, "zone": result.zone, "reasons": [r.code.value for r in result.reasons]}
    for name in ("total", "verdict", "zone", "reasons"):
        if name in expect.model_fields_set and not _same(getattr(expect, name), scalars[name]):
            found.append(Difference(name, None, name, getattr(expect, name), scalars[name]))
    return found


def _item(lookup: Any, item_id: str, key: str, known: list[str], ruleset_ref: str, case: str, where: Location) -> Any:
    try:
        return lookup(item_id)
    except KeyError:
        raise RulesetError(key=key, params={"id": item_id, "case": case, "ruleset": ruleset_ref, "suggestions": close_matches(item_id, known)}, location=where) from None


def _fields(subject: str, item: str, wanted: BaseModel, actual: dict[str, Any]) -> list[Difference]:
    found = []
    for field in (f for f in type(wanted).model_fields if f in wanted.model_fields_set):  # in the model's order
        expected, got = getattr(wanted, field), actual.get(field)
        got = getattr(got, "value", got)  # enums compare by their value
        if isinstance(expected, dict) and isinstance(got, dict):
            found += [Difference(subject, item, f"{field}.{k}", v, got.get(k)) for k, v in expected.items() if not _same(v, got.get(k))]
        elif not _same(expected, got):
            found.append(Difference(subject, item, field, expected, got))
    return found


def _same(expected: Any, actual: Any) -> bool:
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool) and not isinstance(actual, bool):
        return abs(float(expected) - float(actual)) <= _TOLERANCE
    return bool(expected == actual)


def cases_next_to(folder_or_file: Path) -> list[Path]:
    """The cases files that sit beside the rulesets of a folder (or beside one ruleset file)."""
    if folder_or_file.is_file():
        if is_cases_file(folder_or_file):
            return [folder_or_file]
        stem = folder_or_file.name.rsplit(".", 1)[0]
        dated = _DATED.match(stem)
        family = dated["family"] if dated else stem
        beside = [folder_or_file.with_name(stem + suffix) for suffix in CASES_SUFFIXES]
        beside += [folder_or_file.with_name(family + suffix) for suffix in CASES_SUFFIXES]
        return [p for p in beside if p.is_file()]
    return sorted(p for p in folder_or_file.iterdir() if is_cases_file(p)) if folder_or_file.is_dir() else []


def find_cases(paths: list[Path]) -> list[Path]:
    """The cases files that `paths` name: cases files themselves, those in folders, those beside rulesets."""
    found: list[Path] = []
    for path in paths:
        for file in cases_next_to(path):
            if file not in found:
                found.append(file)
    return found


def registry_for(cases_files: list[Path], rulesets_dirs: list[Path] = (), use_env: bool = True) -> Registry:  # type: ignore[assignment]
    """The bundled rulesets, `rulesets_dirs`, and the folders the cases files sit in (cases beside their ruleset)."""
    folders = list(rulesets_dirs) + [f.parent for f in cases_files if f.parent not in rulesets_dirs]
    return Registry(dict.fromkeys(folders), include_bundled=True, use_env=use_env)


def run_all(cases_files: list[Path], registry: Registry) -> list[CaseOutcome]:
    """Every case of every file; a file that cannot be read is one failed outcome naming the problem."""
    outcomes: list[CaseOutcome] = []
    for path in cases_files:
        try:
            outcomes += run_cases_file(path, registry)
        except ChuanxaError as exc:
            outcomes.append(CaseOutcome(file=str(path), name="-", line=exc.location.line, ruleset=None, error=exc))
    return outcomes


def run_cases(paths: list[str | Path], *, rulesets_dirs: list[str | Path] = ()) -> list[CaseOutcome]:  # type: ignore[assignment]
    """Run the test cases that `paths` name (cases files, folders, or ruleset files with cases beside them).

    Example:
        >>> import chuanxa
        >>> from importlib import resources
        >>> outcomes = chuanxa.run_cases([str(resources.files("chuanxa.rulesets"))])
        >>> all(o.passed for o in outcomes)
        True
    """
    files = find_cases([Path(p) for p in paths])
    return run_all(files, registry_for(files, [Path(d) for d in rulesets_dirs]))
