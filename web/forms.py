"""The data-entry form, generated from a ruleset, and reading it back.

Every input the ruleset declares (except derived ones, which the ruleset computes) becomes one labelled
field with its unit, bounds and help; yes/no and choice inputs become choices; a blank field is missing data
(never zero). Assessed indicators get a points field (0 to the maximum, by the indicator's step) and a note.
Reading a form gives the values exactly as typed; checking them is the engine's job (`check_entry`), and its
errors come back keyed by field so the page shows each one in place, in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chuanxa.communes.model import AssessedEntry, CommuneData, CommuneInfo
from chuanxa.communes.values import is_blank, parse_number, parse_yes_no
from chuanxa.criteria.model import InputDef
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.prepare import prepare
from chuanxa.errors import ChuanxaError
from chuanxa.messages import Lang, render

VALUE, POINTS, NOTE = "v.", "a.", "n."


@dataclass(frozen=True, kw_only=True)
class Field:
    """One form field, ready for the template (words already in the page's language)."""

    name: str  # the form name: "v.<input>", "a.<indicator>" or "n.<indicator>"
    label: str
    kind: str  # percent, number, count, yes_no, choice, date, points, note
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    step: str = "any"
    help: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    provisional: bool = False


@dataclass(frozen=True, kw_only=True)
class Section:
    """The fields read by one criterion's indicators, in the ruleset's order."""

    id: str
    title: str
    fields: tuple[Field, ...]


@dataclass(kw_only=True)
class Entry:
    """What a person typed: values by input id and assessed points by indicator id, blanks left out."""

    values: dict[str, Any] = field(default_factory=dict)
    assessed: dict[str, dict[str, Any]] = field(default_factory=dict)

    def form_values(self, engine: CompiledRuleset | None = None) -> dict[str, str]:
        """The entry as form field values (to fill the form again); with `engine`, yes/no values however written
        ("có", True, 1) become the form's choices, so that a stored answer is never shown as unanswered."""
        shown = {f"{VALUE}{k}": _as_field_text(_as_choice(engine, k, v)) for k, v in self.values.items()}
        for k, v in self.values.items():  # a stored rate below 1% is shown with its sign, so saving it again is not in doubt
            if engine is not None and _fraction_in_doubt(engine.ruleset.inputs.get(k), v) is not None:
                shown[f"{VALUE}{k}"] += "%"
        for ind, entry in self.assessed.items():
            if entry.get("points") is not None:
                shown[f"{POINTS}{ind}"] = _as_field_text(entry["points"])
            if entry.get("note"):
                shown[f"{NOTE}{ind}"] = str(entry["note"])
        return shown


def _as_choice(engine: CompiledRuleset | None, name: str, value: Any) -> Any:
    spec = engine.ruleset.inputs.get(name) if engine is not None else None
    if spec is None or spec.type != "yes_no":
        return value
    try:
        return parse_yes_no(value)
    except ValueError:
        return value  # shown as typed; checking it gives the error in place


def _fraction_in_doubt(spec: InputDef | None, value: Any) -> float | None:
    """A percentage typed as a plain number strictly between 0 and 1 ("0,956": 95.6% or 0.956%?), else None. The
    table reader's fraction rule (`communes.readers.read_fractions`) for one commune: it is refused, not guessed."""
    if spec is None or spec.type != "percent" or isinstance(value, bool) or (isinstance(value, str) and "%" in value):
        return None
    try:
        number = parse_number(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1 else None


def _as_field_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _step_text(step: float | None) -> str:
    return "any" if step is None else f"{step:g}"


def entry_sections(engine: CompiledRuleset, lang: Lang, *, with_assessed: bool = True) -> list[Section]:
    """The form's sections, one per criterion, each holding the inputs its indicators read first."""
    ruleset = engine.ruleset
    criterion_of = {ind.id: crit.id for crit in ruleset.criteria for ind in crit.indicators}
    placed: dict[str, list[Field]] = {crit.id: [] for crit in ruleset.criteria}
    general: list[Field] = []
    for name, spec in ruleset.inputs.items():
        if spec.expr is not None:
            continue  # derived by the ruleset from other inputs: nothing to type
        reader = engine.first_reader(name)
        if reader is None:  # read only through a derived input (e.g. a population behind a rate): general data
            general.append(_value_field(name, spec, lang))
            continue
        placed[criterion_of[reader]].append(_value_field(name, spec, lang))
    if with_assessed:
        for crit in ruleset.criteria:
            for ind in crit.indicators:
                if not ind.entered_by_assessors:  # the kind's template hint: its points are typed by the assessors
                    continue
                title = ind.title.vi if lang == "vi" else ind.title.en
                placed[crit.id].append(Field(name=f"{POINTS}{ind.id}", label=f"{ind.id}. {title}", kind="points", low=0.0, high=ind.max_points,
                                             step=_step_text(getattr(ind, "step", None)), provisional=ind.provisional))
                placed[crit.id].append(Field(name=f"{NOTE}{ind.id}", label=f"{ind.id}. {'Ghi chú minh chứng' if lang == 'vi' else 'Evidence note'}", kind="note"))
    sections = [Section(id="", title="Số liệu chung" if lang == "vi" else "General data", fields=tuple(general))] if general else []
    return sections + [Section(id=crit.id, title=crit.title.vi if lang == "vi" else crit.title.en, fields=tuple(placed[crit.id])) for crit in ruleset.criteria if placed[crit.id]]


def _value_field(name: str, spec: InputDef, lang: Lang) -> Field:
    low, high = spec.bounds()
    choices: tuple[tuple[str, str], ...] = ()
    if spec.type == "yes_no":
        choices = (("yes", "Có" if lang == "vi" else "Yes"), ("no", "Không" if lang == "vi" else "No"))
    elif spec.choices:
        choices = tuple((c.id, c.vi if lang == "vi" else c.en) for c in spec.choices)
    return Field(name=f"{VALUE}{name}", label=spec.label.vi if lang == "vi" else spec.label.en, kind=spec.type, unit=spec.unit, low=low, high=high,
                 step="1" if spec.type == "count" else "any", help=(spec.help.vi if lang == "vi" else spec.help.en) if spec.help else None, choices=choices)


def read_entry(form: Mapping[str, Any]) -> Entry:
    """Values and assessed points from a submitted form, exactly as typed; blank fields are missing data."""
    entry = Entry()
    for key, raw in form.items():
        if not isinstance(raw, str) or is_blank(raw):
            continue
        text = raw.strip()
        if key.startswith(VALUE):
            entry.values[key[len(VALUE):]] = text
        elif key.startswith(POINTS):
            entry.assessed.setdefault(key[len(POINTS):], {})["points"] = text
        elif key.startswith(NOTE):
            entry.assessed.setdefault(key[len(NOTE):], {})["note"] = text
    return entry


def check_entry(engine: CompiledRuleset, commune: CommuneInfo, entry: Entry, lang: Lang, as_of: dt.date | int | None = None
                ) -> tuple[CommuneData | None, dict[str, str]]:
    """The commune's data built from `entry`, or the errors by field name (in `lang`) when it cannot be read.

    Bounds, types, choices and assessed points are checked by the same code that checks commune files
    (`chuanxa.engine.prepare`), so the page says exactly what the command line would.
    """
    errors: dict[str, str] = {}
    assessed: dict[str, AssessedEntry] = {}
    for ind, given in entry.assessed.items():
        if "points" not in given:  # a note alone would be lost on saving: ask for the points instead
            errors[f"{POINTS}{ind}"] = ("Có ghi chú nhưng chưa có điểm: hãy nhập điểm (0 nếu không đạt)." if lang == "vi"
                                        else "There is a note but no points: enter the points (0 if not met).")
            continue
        try:
            assessed[ind] = AssessedEntry(points=parse_number(given["points"]), note=given.get("note"))
        except ValueError:
            errors[f"{POINTS}{ind}"] = ("Điểm phải là một số, ví dụ 1,5." if lang == "vi" else "Points must be a number, e.g. 1.5.")
    for name, text in entry.values.items():
        spec = engine.ruleset.inputs.get(name)
        value = _fraction_in_doubt(spec, text)
        if spec is not None and value is not None:
            percent = round(value * 100, 9)
            errors[f"{VALUE}{name}"] = render("data.fraction_ambiguous", lang, {
                "value": f"{value:g}".replace(".", ","), "value_en": f"{value:g}", "percent": f"{percent:g}".replace(".", ","),
                "percent_en": f"{percent:g}", "label_vi": spec.label.vi, "label_en": spec.label.en})
    data = CommuneData(commune=commune, as_of=as_of, values=dict(entry.values), assessed=assessed)
    try:
        prepare(engine, data)
    except ChuanxaError as exc:
        for problem in exc.related or [exc]:
            errors.setdefault(_field_of(problem.location.path), render(problem.key, lang, problem.params))  # the field is the location
    return (None, errors) if errors else (data, {})


def _field_of(path: tuple[str | int, ...]) -> str:
    if len(path) >= 2 and path[0] == "values":
        return f"{VALUE}{path[1]}"
    if len(path) >= 2 and path[0] == "assessed":
        return f"{POINTS}{path[1]}"
    return "form"


__all__ = ["Entry", "Field", "Section", "check_entry", "entry_sections", "read_entry"]
