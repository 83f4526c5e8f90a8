"""`chuanxa rulesets …`: list, show, validate, diff, audit, test, export and import rulesets."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import click
from tabulate import tabulate

from chuanxa.wording import percent
from chuanxa.api import compiled, registry
from chuanxa.authoring.case_text import outcome_lines, summary_line
from chuanxa.authoring.cases import CaseOutcome, find_cases, registry_for, run_all
from chuanxa.authoring.sheet_export import export_score_sheet
from chuanxa.authoring.overlay_file import write_overlay
from chuanxa.authoring.sheet_import import import_score_sheet, read_identity
from chuanxa.communes.values import parse_date
from chuanxa.criteria.diff import diff_rulesets, path_words as _path_words
from chuanxa.criteria.registry import Registry
from chuanxa.criteria.model import Ruleset
from chuanxa.engine.kinds import kind_label
from chuanxa.errors import ChuanxaError, NoRulesetInForceError, RulesetError
from chuanxa.messages import Lang
from chuanxa.outputs.labels import label
from chuanxa.outputs.ruleset_view import cite_documents, rule_words, ruleset_json

from .common import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, fail, format_from_suffix, lang_option, rulesets_dir_option


@click.group()
def rulesets() -> None:
    """Bộ tiêu chí: xem, kiểm tra, so sánh, bảng điểm Excel / Rulesets: list, show, validate, diff, audit, test, export, import."""


@rulesets.command("list")
@lang_option
@rulesets_dir_option
def list_rulesets(lang: Lang, rulesets_dirs: tuple[Path, ...]) -> int:
    """Liệt kê các bộ tiêu chí / List known rulesets and their dates."""
    reg = registry(rulesets_dirs)
    rows = []
    for family in reg.families():
        for entry in reg.versions(family):
            until = reg.in_force_until(entry)
            rows.append([entry.ref, entry.title.get(lang, ""), entry.effective.isoformat(), until.isoformat() if until else "…", entry.extends or "", label("bundled", lang) if entry.bundled else str(entry.path)])
    click.echo(tabulate(rows, headers=[label(k, lang) for k in ("ref", "title", "effective", "until", "extends", "origin")], tablefmt="simple"))
    for problem in reg.broken:
        fail(problem)
    return EXIT_OK if not reg.broken else EXIT_USAGE


@rulesets.command("show")
@click.argument("ref")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@rulesets_dir_option
def show(ref: str, lang: Lang, fmt: str, rulesets_dirs: tuple[Path, ...]) -> None:
    """Hiển thị tiêu chí và chỉ tiêu / Show criteria and indicators of REF (ID or ID@VERSION)."""
    ruleset = _load_for_viewing(ref, rulesets_dirs)
    if fmt == "json":
        click.echo(json.dumps(ruleset_json(ruleset), ensure_ascii=False, indent=2))
        return
    meta = ruleset.ruleset
    click.echo(f"{ruleset.ref} — {meta.title.get(lang)}\n{meta.legal_basis.get(lang)}\n")
    floors, minimum = compiled(ruleset).recognition.stated()  # the recognition rule's own floors and minimum
    rows = [[c.id, c.title.get(lang), f"{c.max_points:g}", f"{floor:g}", len(c.indicators)] for c, floor in zip(ruleset.criteria, floors)]
    rows.append(["", label("total", lang), f"{meta.total_points:g}", f"≥ {minimum:g}", len(ruleset.indicators)])
    click.echo(tabulate(rows, headers=[label("criterion", lang), label("title", lang), label("max", lang), label("floor", lang), label("indicator", lang)], tablefmt="simple"))
    click.echo("")
    ind_rows = []
    for crit in ruleset.criteria:
        for ind in crit.indicators:
            flags = ("*" if ind.provisional else "") + (" KO" if ind.knockout else "")
            ind_rows.append([ind.id, crit.id, ind.title.get(lang), kind_label(ind.kind).get(lang), f"{ind.max_points:g}", rule_words(ind, ruleset, lang), flags])
    # Long titles and rules wrap inside their column rather than being cut.
    click.echo(tabulate(ind_rows, headers=[label("indicator", lang), label("criterion", lang), label("title", lang), label("kind", lang), label("max", lang), label("rule", lang), ""],
                        tablefmt="simple", maxcolwidths=[None, None, 40, None, None, 60, None]))
    click.echo("\n* = " + label("provisional", lang) + ", KO = " + label("knockout", lang))


@rulesets.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@lang_option
def validate(paths: tuple[Path, ...], lang: Lang) -> int:
    """Kiểm tra tệp bộ tiêu chí / Validate ruleset files (or folders) for people editing them."""
    reg = Registry(paths, include_bundled=True, use_env=False)
    problems = list(reg.broken)
    for problem in problems:
        fail(problem)
    bad = len(problems)
    targets = {str(p.resolve()) for p in paths}
    for entry in reg.entries.values():
        if entry.bundled and not any(str(entry.path.resolve()).startswith(t) for t in targets):
            continue
        try:
            reg.load(entry.ref)
            click.echo(f"OK  {entry.ref}  ({entry.path})")
        except ChuanxaError as exc:
            bad += 1
            fail(exc)
    # Test cases beside the rulesets (NAME.cases.yaml) run too: a ruleset that loads but scores wrongly is not done.
    failed_cases = _print_cases(run_all(find_cases(list(paths)), reg), lang, quiet_passes=True)
    return EXIT_USAGE if bad else EXIT_SOME_FAILED if failed_cases else EXIT_OK


@rulesets.command("test")
@click.argument("cases", nargs=-1, type=click.Path(exists=True, path_type=Path))
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="Chỉ in các ca không đạt / Print failed cases only.")
@rulesets_dir_option
def test_cases(cases: tuple[Path, ...], lang: Lang, quiet: bool, rulesets_dirs: tuple[Path, ...]) -> int:
    """Chạy các ca kiểm thử / Run test cases (*.cases.yaml, folders, or the cases beside a ruleset file).

    Without CASES, runs the cases that ship with the bundled rulesets. Exit 0 when every case passes, 1 otherwise.
    """
    paths = list(cases) or [Path(str(resources.files("chuanxa.rulesets")))]
    files = find_cases(paths)
    if not files:
        raise RulesetError(key="cases.none_found", params={"path": ", ".join(str(p) for p in paths)})
    failed = _print_cases(run_all(files, registry_for(files, list(rulesets_dirs))), lang, quiet_passes=quiet)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _print_cases(outcomes: list[CaseOutcome], lang: Lang, quiet_passes: bool) -> int:
    """Print outcomes as a test runner does; the number that failed."""
    for outcome in outcomes:
        if not (quiet_passes and outcome.passed):
            click.secho("\n".join(outcome_lines(outcome, lang)), fg=None if outcome.passed else "red")
    if outcomes:
        click.echo(summary_line(outcomes, lang))
    return sum(1 for o in outcomes if not o.passed)


@rulesets.command("diff")
@click.argument("old")
@click.argument("new")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@rulesets_dir_option
def diff(old: str, new: str, lang: Lang, fmt: str, rulesets_dirs: tuple[Path, ...]) -> None:
    """So sánh hai phiên bản / What changed from OLD to NEW (indicators, points, thresholds)."""
    reg = registry(rulesets_dirs)
    changes = diff_rulesets(reg.load(old), reg.load(new))
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in changes], ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{reg.load(old).ref} → {reg.load(new).ref}: {len(changes)} " + ("thay đổi" if lang == "vi" else "change(s)"))
    rows = [[label(c.what, lang), _path_words(c.path, lang), _short(c.before), _short(c.after)] for c in changes]
    click.echo(tabulate(rows, headers=[label("change", lang), "Ở đâu" if lang == "vi" else "Where", label("before", lang), label("after", lang)], tablefmt="simple"))


@rulesets.command("audit")
@click.argument("ref", required=False)
@lang_option
@rulesets_dir_option
def audit(ref: str | None, lang: Lang, rulesets_dirs: tuple[Path, ...]) -> None:
    """Các chỉ tiêu tạm thời cần đối chiếu / Every provisional indicator, to check against the official text."""
    ruleset = _load_for_viewing(ref, rulesets_dirs)
    # Whole notes (wrapped, never cut), their source tags replaced by the documents' names.
    rows = [[ind.id, ruleset.criterion_of(ind.id).id, ind.title.get(lang), f"{ind.max_points:g}", cite_documents(ind.source, lang), cite_documents(ind.note or "", lang)]
            for ind in ruleset.indicators if ind.provisional]
    click.echo(f"{ruleset.ref}: {len(rows)}/{len(ruleset.indicators)} " + ("chỉ tiêu tạm thời" if lang == "vi" else "provisional indicators"))
    click.echo(tabulate(rows, headers=[label("indicator", lang), label("criterion", lang), label("title", lang), label("max", lang), label("source", lang), label("note", lang)],
                        tablefmt="simple", maxcolwidths=[None, None, 30, None, 30, 70]))
    vi = lang == "vi"
    if ruleset.ruleset.warning is not None:
        click.echo("\n!! " + ruleset.ruleset.warning.get(lang))
    criteria = [[c.id, c.title.get(lang), f"{c.max_points:g}", cite_documents(c.note or "", lang)] for c in ruleset.criteria if c.provisional]
    if criteria:
        floor = percent(ruleset.recognition.min_criterion_share)
        click.echo(f"\n{len(criteria)} " + (f"tiêu chí có điểm (và mức sàn {floor}) tạm thời" if vi else f"criteria with provisional points (and {floor} floors)"))
        click.echo(tabulate(criteria, headers=[label("criterion", lang), label("title", lang), label("max", lang), label("note", lang)], tablefmt="simple",
                            maxcolwidths=[None, 40, None, 70]))
    sites = [[name, spec.sites.method, cite_documents(spec.sites.note, lang)] for name, spec in ruleset.inputs.items() if spec.sites is not None and spec.sites.provisional]
    if sites:
        click.echo(f"\n{len(sites)} " + ("cách gộp theo điểm trạm tạm thời" if vi else "provisional rules for combining a station's sites"))
        click.echo(tabulate(sites, headers=["input", "method", label("note", lang)], tablefmt="simple", maxcolwidths=[None, None, 80]))


def _load_for_viewing(ref: str | None, rulesets_dirs: tuple[Path, ...]) -> Ruleset:
    """The ruleset `ref` names; a bare family no longer in force shows its latest version (viewing is not scoring)."""
    reg = registry(rulesets_dirs)
    try:
        return reg.load(ref)
    except NoRulesetInForceError:
        if ref is None or "@" in ref:
            raise
        return reg.load(reg.latest(ref).ref)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _short(value: object) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return _clip(text, 70)


@rulesets.command("export")
@click.argument("ref")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp Excel / The workbook to write (.xlsx).")
@lang_option
@rulesets_dir_option
def export(ref: str, output: Path, lang: Lang, rulesets_dirs: tuple[Path, ...]) -> None:
    """Xuất bảng điểm ra Excel để hiệu chỉnh / Export REF (ID[@VERSION]) as the score sheet officers know."""
    format_from_suffix(output, {".xlsx": "xlsx"})
    ruleset = _load_for_viewing(ref, rulesets_dirs)
    export_score_sheet(ruleset, output)
    hint = f"sửa rồi nhập lại: chuanxa rulesets import {output} -o THU-MUC" if lang == "vi" else f"edit it, then: chuanxa rulesets import {output} -o FOLDER"
    click.echo(f"{ruleset.ref} → {output} ({hint})")


@rulesets.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi bộ hiệu chỉnh / Folder for the overlay YAML.")
@click.option("--id", "overlay_id", default=None, help="Mã bộ hiệu chỉnh / Id of the overlay (default: the sheet's 'Thông tin', else ID_hieu_chinh).")
@click.option("--effective", default=None, metavar="YYYY-MM-DD", help="Ngày hiệu lực / Effective date (default: the sheet's, else the base's).")
@lang_option
@rulesets_dir_option
def import_(sheet: Path, output: Path, overlay_id: str | None, effective: str | None, lang: Lang, rulesets_dirs: tuple[Path, ...]) -> int:
    """Nhập bảng điểm đã sửa thành bộ hiệu chỉnh / Turn an edited score sheet into a checked overlay (only what changed)."""
    ref, _ = read_identity(sheet)
    base = registry(rulesets_dirs).load(ref)
    try:
        day = parse_date(effective) if effective else None
    except ValueError:
        words = "không phải một ngày có thật (viết YYYY-MM-DD, ví dụ 2024-07-01)" if lang == "vi" else "is not a real date (write YYYY-MM-DD, e.g. 2024-07-01)"
        raise click.BadParameter(f"'{effective}' {words}", param_hint="'--effective'") from None
    result = import_score_sheet(sheet, base, overlay_id=overlay_id, effective=day)
    target = write_overlay(result, output, sheet)
    changes = diff_rulesets(base, result.ruleset)
    click.echo(f"{base.ref} → {result.ruleset.ref}: {target}")
    if not changes:
        click.echo("Không có thay đổi nào (bộ hiệu chỉnh rỗng)." if lang == "vi" else "No changes (the overlay is empty).")
    rows = [[label(c.what, lang), _path_words(c.path, lang), _short(c.before), _short(c.after)] for c in changes]
    if rows:
        click.echo(tabulate(rows, headers=[label("change", lang), "Ở đâu" if lang == "vi" else "Where", label("before", lang), label("after", lang)], tablefmt="simple"))
    return EXIT_OK
