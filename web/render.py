"""Rendering pages: one Jinja2 environment (autoescaping on), the page context every template gets, and the
score-sheet view of a result (the reports' own model, so the page and the printed sheet agree)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from chuanxa.engine.kinds import kind_label
from chuanxa.engine.results import CommuneResult
from chuanxa.messages import Lang
from chuanxa.reports.model import build_report
from chuanxa.wording import blocker_text, problem_text, step_text

from . import csrf
from .i18n import pick_lang, word

#: Hooks the hosting application may replace: the signed-in user (or None) and the CSRF token of a request.
HOOKS: dict[str, Any] = {"user": lambda request: None, "csrf_token": csrf.token_for}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    folder = str(resources.files("chuanxa.web").joinpath("templates"))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "—" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
    env.globals["step_text"] = step_text  # a plan step's sentence (the record holds its numbers only)
    env.globals["blocker_text"] = blocker_text  # why a plan cannot exist, likewise
    env.globals["problem_text"] = problem_text  # why a commune cannot be scored (a rejected row's or an assessment's problem)
    env.globals["kind_label"] = kind_label  # an indicator kind's name, in its own class's words
    return env


def compile_templates() -> None:
    """Compile every template now (Jinja compiles one on its first use: the overview's cost its first visit a fifth
    of a second); the server's background warm-up calls this."""
    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)


def lang_of(request: Request) -> Lang:
    return pick_lang(request.query_params.get("lang"), request.cookies.get("lang"))


def switch_url(request: Request, lang: Lang) -> str:
    """This page's address in the other language."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    query["lang"] = "en" if lang == "vi" else "vi"
    return f"{request.url.path}?{urlencode(query)}"


def context(request: Request, **extra: Any) -> dict[str, Any]:
    lang = lang_of(request)
    return {"request": request, "lang": lang, "t": lambda key, **p: word(key, lang, **p), "csrf_token": HOOKS["csrf_token"](request),
            "user": HOOKS["user"](request), "switch_url": switch_url(request, lang), "path": request.url.path, **extra}


def page(request: Request, template: str, status: int = 200, **extra: Any) -> HTMLResponse:
    """A full page (or a fragment: templates starting with `_`), with the language and CSRF cookies kept."""
    ctx = context(request, **extra)
    response = HTMLResponse(environment().get_template(template).render(ctx), status_code=status)
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie("lang", ctx["lang"], max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(csrf.COOKIE, new, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


def score_sheet(result: CommuneResult, lang: Lang) -> dict[str, Any]:
    """The score sheet of one result as the reports show it: criteria with indicators, verdict, reasons, gaps, chart."""
    data = build_report([result], lang)
    return data.communes[0] | {"ruleset_ref": data.ruleset_ref, "L": data.L}


__all__ = ["HOOKS", "compile_templates", "context", "environment", "lang_of", "page", "score_sheet"]
