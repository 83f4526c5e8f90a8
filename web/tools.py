"""Pages that need no stored data: what-if, check-and-score entry, plan, rulesets (browse, compare, provisional).

Each handler reads the request, calls the library (`chuanxa.simulate`, `chuanxa.plan`, the registry, the
ruleset diff) and renders; nothing here scores or decides anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

import chuanxa
from chuanxa.communes.model import CommuneData, CommuneInfo
from chuanxa.criteria.diff import diff_rulesets
from chuanxa.errors import ChuanxaError
from chuanxa.planning import CostModel
from chuanxa.communes.readers import read_commune_file

from .forms import Entry, check_entry, entry_sections, read_entry
from .posted import Posted
from .render import lang_of, page, score_sheet
from .uploads import read_upload

router = APIRouter()
WHATIF_ACTION = "/whatif/result"  # where the what-if form posts (a stored assessment has its own route)
COMMUNE_FIELDS = ("code", "name", "province", "district", "region", "terrain", "distance_km", "difficult_terrain", "zone")


def _ruleset_ref(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def commune_info_from(form: FormData | dict[str, Any]) -> CommuneInfo:
    """The commune's identity and classification from the hidden `c.*` fields of a what-if form."""
    raw = {name: form.get(f"c.{name}") for name in COMMUNE_FIELDS}
    return CommuneInfo.model_validate({k: v for k, v in raw.items() if v not in (None, "")})


def _hidden_commune(data: CommuneData) -> dict[str, str]:
    info = data.commune.model_dump()
    return {f"c.{k}": ("" if v is None else "yes" if v is True else "no" if v is False else f"{v:g}" if isinstance(v, float) else str(v)) for k, v in info.items()}


def whatif_page(request: Request, base: CommuneData, ruleset: str | None, *, entry: Entry | None = None, errors: dict[str, str] | None = None,
                back: str | None = None, status: int = 200, engine: Any = None, action: str | None = None) -> HTMLResponse:
    """The what-if form filled with `base` (and the person's changes), with the result of those changes; `engine`:
    the compiled ruleset to use (a stored assessment's, a province's corrected ruleset included), else `ruleset`'s;
    `action`: where the form posts (a stored assessment's own route, which knows its ruleset)."""
    lang = lang_of(request)
    engine = engine or chuanxa.compiled(ruleset or base.ruleset, as_of=base.as_of)
    base_entry = Entry(values=dict(base.values), assessed={k: {"points": v.points, "note": v.note} for k, v in base.assessed.items()})
    shown = (entry or base_entry).form_values(engine)
    result = _simulation_view(request, base, engine, entry, errors or {}) if entry is not None else _sheet_of(base, engine, lang)
    return page(request, "whatif.html.j2", status=status, sections=entry_sections(engine, lang), shown=shown, base=base_entry.form_values(engine),
                errors=errors or {}, hidden=_hidden_commune(base) | {"as_of": "" if base.as_of is None else str(base.as_of), "ruleset": engine.ruleset.ref},
                commune=base.commune, result=result, back=back, action=action or WHATIF_ACTION)


def _sheet_of(data: CommuneData, engine: Any, lang: Any) -> dict[str, Any]:
    return {"sheet": score_sheet(engine.evaluate(data), lang), "simulation": None}


def _simulation_view(request: Request, base: CommuneData, engine: Any, entry: Entry | None, errors: dict[str, str]) -> dict[str, Any] | None:
    if entry is None or errors:
        return None
    lang = lang_of(request)
    changes: dict[str, Any] = {k: v for k, v in entry.values.items() if str(base.values.get(k, "")) != v}
    changes |= {k: None for k in base.values if k not in entry.values}  # a cleared field is missing data, as typed
    assessed = {k: float(str(v["points"]).replace(",", ".")) for k, v in entry.assessed.items()
                if k not in base.assessed or base.assessed[k].points != float(str(v["points"]).replace(",", "."))}
    simulation = chuanxa.simulate(base, changes, assessed, engine)
    return {"sheet": score_sheet(simulation.after, lang), "simulation": simulation, "before": score_sheet(simulation.before, lang)}


@router.get("/whatif", response_class=HTMLResponse)
def whatif_start(request: Request) -> HTMLResponse:
    """Choose the commune to start from (a commune file; a stored assessment links here with its data)."""
    return page(request, "whatif_start.html.j2", error=None)


@router.post("/whatif/open", response_class=HTMLResponse)
def whatif_open(request: Request, form: Posted) -> HTMLResponse:
    upload = form.get("file")
    lang = lang_of(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, "whatif_start.html.j2", status=400, error="Hãy chọn một tệp xã (.yaml hoặc .json)." if lang == "vi" else "Choose a commune file (.yaml or .json).")
    try:
        base = read_upload(upload, (".yaml", ".yml", ".json"), read_commune_file)
        return whatif_page(request, base, _ruleset_ref(form.get("ruleset")))
    except ChuanxaError as exc:
        return page(request, "whatif_start.html.j2", status=422, error=exc.message(lang))


@router.post("/whatif/result", response_class=HTMLResponse)
def whatif_result(request: Request, form: Posted) -> Response:
    """Recompute with the changed values: the result fragment for htmx, or the whole page without JavaScript."""
    return whatif_answer(request, form, lambda ruleset, as_of: chuanxa.compiled(ruleset, as_of=as_of))


def whatif_answer(request: Request, form: FormData, engine_for: Callable[[str | None, Any], Any], *, action: str = WHATIF_ACTION,
                  back: str | None = None) -> Response:
    """The what-if answer to a posted form, scored with `engine_for(ruleset, as_of)` (the bundled ruleset the page
    names; a stored assessment's route gives the ruleset its result used, a province's corrected one included)."""
    lang = lang_of(request)
    try:
        info = commune_info_from(form)
    except ValidationError:
        return page(request, "error.html.j2", status=400, message_key="bad_request")
    ruleset = _ruleset_ref(form.get("ruleset"))
    as_of = form.get("as_of") or None
    engine = engine_for(ruleset, as_of)
    base_entry = read_entry({k[2:]: v for k, v in form.items() if k.startswith("b.")})
    base, _ = check_entry(engine, info, base_entry, lang, as_of=as_of)  # type: ignore[arg-type]
    if base is None:
        return page(request, "error.html.j2", status=400, message_key="bad_request")
    entry = read_entry(form)
    _, errors = check_entry(engine, info, entry, lang, as_of=as_of)  # type: ignore[arg-type]
    if request.headers.get("hx-request"):
        result = _simulation_view(request, base, engine, entry, errors)
        return page(request, "_whatif_result.html.j2", status=200, result=result, errors=errors)
    return whatif_page(request, base, ruleset, entry=entry, errors=errors, status=422 if errors else 200, engine=engine, action=action, back=back)


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request) -> HTMLResponse:
    """Data entry without saving: type a commune's data, see errors in place or its score sheet."""
    return _check_page(request, request.query_params.get("ruleset"), Entry(), {}, None, {})


@router.post("/check", response_class=HTMLResponse)
def check_submit(request: Request, form: Posted) -> HTMLResponse:
    lang = lang_of(request)
    ruleset = _ruleset_ref(form.get("ruleset"))
    engine = chuanxa.compiled(ruleset)
    entry = read_entry(form)
    commune = {name: form.get(f"c.{name}") or None for name in COMMUNE_FIELDS}
    try:
        info = CommuneInfo.model_validate({k: v for k, v in commune.items() if v is not None} | {"code": commune["code"] or "?", "name": commune["name"] or "?"})
    except ValidationError as exc:
        problems = {f"c.{e['loc'][0]}": ("Giá trị không hợp lệ." if lang == "vi" else "Not a valid value.") for e in exc.errors()}
        return _check_page(request, ruleset, entry, problems, None, commune, status=422)
    data, errors = check_entry(engine, info, entry, lang, as_of=form.get("as_of") or None)  # type: ignore[arg-type]
    sheet = score_sheet(engine.evaluate(data), lang) if data is not None else None
    return _check_page(request, engine.ruleset.ref, entry, errors, sheet, commune, status=422 if errors else 200)


def _check_page(request: Request, ruleset: str | None, entry: Entry, errors: dict[str, str], sheet: dict[str, Any] | None,
                commune: dict[str, Any], status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    engine = chuanxa.compiled(ruleset)
    classification = engine.ruleset.classification
    return page(request, "check.html.j2", status=status, sections=entry_sections(engine, lang), shown=entry.form_values(), errors=errors, sheet=sheet,
                commune=commune, ruleset_ref=engine.ruleset.ref, refs=_all_refs(),
                regions=[(r.id, r.vi if lang == "vi" else r.en) for r in classification.regions] if classification else [],
                terrains=[(r.id, r.vi if lang == "vi" else r.en) for r in classification.terrains] if classification else [])


def _all_refs() -> list[tuple[str, str]]:
    registry = chuanxa.registry()
    entries = sorted((e for family in registry.families() for e in registry.versions(family)), key=lambda e: (str(e.effective), e.ref))
    return [(e.ref, e.title.get("vi", e.ref)) for e in entries]  # oldest first


@router.get("/plan", response_class=HTMLResponse)
def plan_start(request: Request) -> HTMLResponse:
    return page(request, "plan.html.j2", plan=None, error=None)


@router.post("/plan", response_class=HTMLResponse)
def plan_run(request: Request, form: Posted) -> HTMLResponse:
    """The cheapest path to recognition for an uploaded commune file, priced by an optional costs file."""
    lang = lang_of(request)
    commune, costs = form.get("file"), form.get("costs")
    try:
        if not isinstance(commune, UploadFile) or not commune.filename:
            raise ChuanxaError(key="data.bad_format", params={"suffix": "?"})
        data = read_upload(commune, (".yaml", ".yml", ".json"), read_commune_file)
        model = read_upload(costs, (".yaml", ".yml"), CostModel.load) if isinstance(costs, UploadFile) and costs.filename else None
        return page(request, "plan.html.j2", plan=chuanxa.plan(data, costs=model), error=None)
    except ChuanxaError as exc:
        return page(request, "plan.html.j2", status=422, plan=None, error=exc.message(lang))


@router.get("/rulesets", response_class=HTMLResponse)
def rulesets_list(request: Request) -> HTMLResponse:
    registry = chuanxa.registry()
    entries = sorted((e for family in registry.families() for e in registry.versions(family)), key=lambda e: (str(e.effective), e.ref), reverse=True)
    return page(request, "rulesets.html.j2", entries=entries, refs=_all_refs())  # newest first; compare the two newest by default


@router.get("/rulesets/compare", response_class=HTMLResponse)
def rulesets_compare(request: Request, old: str, new: str) -> HTMLResponse:
    lang = lang_of(request)
    try:
        before, after = chuanxa.load_ruleset(old), chuanxa.load_ruleset(new)
    except ChuanxaError as exc:
        return page(request, "error.html.j2", status=404, message=exc.message(lang))
    return page(request, "compare.html.j2", old=before, new=after, changes=diff_rulesets(before, after))


@router.get("/rulesets/{ref}", response_class=HTMLResponse)
def ruleset_show(request: Request, ref: str) -> HTMLResponse:
    lang = lang_of(request)
    try:
        ruleset = chuanxa.load_ruleset(ref)
    except ChuanxaError as exc:
        return page(request, "error.html.j2", status=404, message=exc.message(lang))
    provisional = [ind for ind in ruleset.indicators if ind.provisional]
    rules = {ind.id: chuanxa.rule_text(ind, ruleset, lang) for ind in ruleset.indicators}  # each as its kind writes it, in the reader's language
    return page(request, "ruleset.html.j2", ruleset=ruleset, provisional=provisional, rules=rules)


__all__ = ["router", "whatif_page"]
