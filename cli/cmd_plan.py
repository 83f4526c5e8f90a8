"""`chuanxa simulate`, `plan`, `plan-targets` and `merge`: planning commands (logic in chuanxa.planning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from chuanxa.api import compiled, score_many
from chuanxa.communes.readers import read_commune_file, read_table
from chuanxa.communes.templates import input_header
from chuanxa.communes.values import parse_number
from chuanxa.engine.results import BatchResult
from chuanxa.errors import ChuanxaError
from chuanxa.messages import Lang
from chuanxa.wording import blocker_text, merge_note_text, problem_text, reason_text, step_text
from chuanxa.outputs.labels import floor_header, label, verdict_word
from chuanxa.outputs.table import batch_table
from chuanxa.planning import CostModel, load_mapping, merge_details, plan as make_plan, plan_targets as make_targets, simulate as make_simulation
from chuanxa.planning.plan import Plan
from chuanxa.planning.sweep import Sweep, frange, sweep as make_sweep

from .common import EXIT_OK, EXIT_SOME_FAILED, as_of_option, check_output, current_lang, format_from_suffix, output_format, lang_option, raw_csv_option, ruleset_option, rulesets_dir_option, write_text_output

costs_option = click.option("--costs", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                            help="Tệp chi phí YAML / Costs file (default: fewest indicators, then smallest changes).")
format_option = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="INPUT=VALUE", help="Giá trị mới / A changed value (repeatable).")
@click.option("--assess", "assessments", multiple=True, metavar="ID=POINTS", help="Điểm thẩm định mới / Assessed points (repeatable).")
@click.option("--sweep", "sweeps", multiple=True, metavar="INPUT=FROM:TO:STEP",
              help="Quét một dữ liệu qua một khoảng giá trị (lặp lại để quét lưới) / Score over a range of values (repeat for a grid).")
@ruleset_option
@as_of_option
@lang_option
@format_option
@rulesets_dir_option
def simulate(file: Path, sets: tuple[str, ...], assessments: tuple[str, ...], sweeps: tuple[str, ...], ruleset_ref: str | None, as_of: str | None, lang: Lang,
             fmt: str, rulesets_dirs: tuple[Path, ...]) -> None:
    """Mô phỏng: chấm lại với số liệu thay đổi / What-if: re-score FILE with changed values."""
    changes = dict(_pair(text, "--set") for text in sets)
    assessed = {key: _number(value, "--assess") for key, value in (_pair(text, "--assess") for text in assessments)}
    data = read_commune_file(file)
    engine = compiled(ruleset_ref or data.ruleset, as_of=as_of if as_of is not None else data.as_of, rulesets_dirs=rulesets_dirs)
    _warn_ruleset(engine, lang)
    if sweeps:
        if assessed:
            raise click.UsageError("--sweep không dùng cùng --assess." if lang == "vi" else "--sweep does not combine with --assess.")
        pairs = [_sweep_range(text) for text in sweeps]
        ranges = dict(pairs)
        twice = sorted({name for name, _ in pairs if [n for n, _ in pairs].count(name) > 1} | (set(ranges) & set(changes)))
        if twice:
            raise click.UsageError((f"{', '.join(twice)}: mỗi dữ liệu chỉ quét một lần, và không vừa --set vừa --sweep." if lang == "vi"
                                    else f"{', '.join(twice)}: sweep each input once, and do not both --set and --sweep it."))
        result_sweep = make_sweep(data, ranges, engine, changes={k: (None if v == "" else v) for k, v in changes.items()})
        click.echo(json.dumps(result_sweep.model_dump(mode="json"), ensure_ascii=False, indent=2) if fmt == "json" else sweep_text(result_sweep, lang, engine.ruleset))
        return
    result = make_simulation(data, {k: (None if v == "" else v) for k, v in changes.items()}, assessed, engine)
    if fmt == "json":
        click.echo(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        return
    rows = [[c.id, f"{c.before:g}", f"{c.after:g}", f"{c.after - c.before:+g}" if c.after != c.before else "", label("met_floor" if c.floor_met_after else "below_floor", lang)] for c in result.criteria]
    rows.append([label("total", lang), f"{result.before.total.points:g}", f"{result.after.total.points:g}", f"{result.after.total.points - result.before.total.points:+g}", ""])
    click.echo(tabulate(rows, headers=[label("criterion", lang), label("before", lang), label("after", lang), "Δ", ""], tablefmt="simple"))
    click.echo(f"\n{label('verdict', lang)}: {verdict_word(result.before.verdict.value, lang)} → {verdict_word(result.after.verdict.value, lang)}")
    if result.gaps_closed:
        click.echo(("Đã lấp khoảng thiếu ở chỉ tiêu: " if lang == "vi" else "Gaps closed: ") + ", ".join(result.gaps_closed))
    for reason in result.after.reasons:
        click.echo(f"  - {reason_text(reason, result.after).get(lang)}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@costs_option
@ruleset_option
@as_of_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None, help="Mặc định theo đuôi tệp -o, hoặc bảng / Default: from the -o suffix, else table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ghi ra tệp (.json để lưu và xem lại bằng 'chuanxa plan-show') / Write to a file (.json to keep it and show it again with 'chuanxa plan-show').")
@rulesets_dir_option
def plan(file: Path, costs: Path | None, ruleset_ref: str | None, as_of: str | None, lang: Lang, fmt: str | None, output: Path | None,
         rulesets_dirs: tuple[Path, ...]) -> int:
    """Lộ trình chi phí thấp nhất để xã đạt chuẩn / The cheapest path for FILE to be recognised."""
    fmt = output_format(output, fmt, {".txt": "table", ".json": "json"}, "table")
    check_output(output, [file] + ([costs] if costs else []))
    data = read_commune_file(file)
    engine = compiled(ruleset_ref or data.ruleset, as_of=as_of if as_of is not None else data.as_of, rulesets_dirs=rulesets_dirs)
    _warn_ruleset(engine, lang)
    result = make_plan(data, engine, CostModel.load(costs) if costs else CostModel())
    write_text_output(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) if fmt == "json" else plan_text(result, lang), output)
    return EXIT_OK if result.feasible else EXIT_SOME_FAILED


@click.command("plan-show")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
def plan_show(file: Path, lang: Lang) -> int:
    """Xem lại lộ trình đã lưu (JSON của plan hoặc plan-targets) / Show a saved plan (the JSON of plan or plan-targets)."""
    from chuanxa.outputs.planjson import read_plan
    from chuanxa.planning.targets import TargetPlan

    found = read_plan(file)
    plans = {"": found} if isinstance(found, TargetPlan) else found if isinstance(found, dict) else {}
    stamps = {found.ruleset} if isinstance(found, Plan) else {p.ruleset for t in plans.values() for p in (*t.chosen, *t.not_chosen, *t.infeasible, *t.already)}
    for stamp in sorted(stamps, key=lambda s: (s.id, s.version)):  # the warning `plan` gave when it was made, as it was then
        if stamp.warning is not None:
            click.secho(f"{stamp.id}@{stamp.version}: {stamp.warning.get(lang)}", fg="yellow", err=True)
    if isinstance(found, Plan):
        click.echo(plan_text(found, lang))
        return EXIT_OK
    click.echo("\n\n".join((f"== {name} ==\n" if name else "") + _targets_text(p, lang) for name, p in plans.items()))
    return EXIT_OK


def plan_text(result: Plan, lang: Lang) -> str:
    vi = lang == "vi"
    head = f"{result.name} [{result.commune}]: {result.points_before:g} {'điểm' if vi else 'points'}, {verdict_word(result.verdict_before.value, lang)}"
    if result.already_recognised:
        return head + ("\nXã đã đạt chuẩn: không cần cải thiện." if vi else "\nAlready recognised: nothing to improve.")
    if not result.feasible:
        return head + "\n" + ("Không có lộ trình nào đạt chuẩn:" if vi else "No plan reaches recognition:") + "".join(f"\n  - {blocker_text(b).get(lang)}" for b in result.blockers)
    count = len(result.steps)
    unit = "bước" if vi else ("step" if count == 1 else "steps")
    cost = (f", {'tổng chi phí' if vi else 'total cost'} {result.total_cost:g}" if result.cost_model == "costs" else "")
    lines = [head, ("Lộ trình" if vi else "Plan") + f" ({count} {unit}{cost}):"]
    lines += [f"  {i}. {step_text(step, result).get(lang)}" for i, step in enumerate(result.steps, start=1)]
    lines.append(("Sau lộ trình: " if vi else "After the plan: ") + f"{result.points_after:g} {'điểm' if vi else 'points'}, {verdict_word(result.verdict_after.value, lang) if result.verdict_after else '?'}")
    return "\n".join(lines)


@click.command("plan-targets")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", type=click.IntRange(min=1), default=None, help="Số xã đạt chuẩn mong muốn (tổng) / Recognised communes wanted in total.")
@click.option("--target-share", type=click.FloatRange(0, 1, min_open=True), default=None, help="Tỷ lệ xã đạt chuẩn mong muốn, ví dụ 0.9 / Share of communes wanted, e.g. 0.9.")
@click.option("--budget", type=click.FloatRange(min=0), default=None, help="Ngân sách tối đa / Maximum budget (chooses the most communes within it).")
@click.option("--year", type=click.IntRange(2025, 2100), default=None,
              help="Chỉ tiêu quốc gia của năm này (90% đến 2030, 95% đến 2035) / The national target of this year (90% by 2030, 95% by 2035).")
@click.option("--by-province", is_flag=True, help="Lập kế hoạch riêng cho từng tỉnh (chỉ tiêu đặt theo tỉnh) / Plan each province separately (targets are per province).")
@costs_option
@ruleset_option
@as_of_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default=None, help="Mặc định theo đuôi tệp -o, hoặc bảng / Default: from the -o suffix, else table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@rulesets_dir_option
def plan_targets(table: Path, target: int | None, target_share: float | None, budget: float | None, year: int | None, by_province: bool, costs: Path | None,
                 ruleset_ref: str | None, as_of: str | None, lang: Lang, fmt: str | None, output: Path | None, rulesets_dirs: tuple[Path, ...]) -> int:
    """Chọn xã cần nâng chuẩn để đạt chỉ tiêu / Which communes to bring to standard to reach a target."""
    if year is not None and target is None and target_share is None:
        from chuanxa.planning.provinces import target_for

        target_share = target_for(year).share
    if target is None and target_share is None and budget is None:
        raise click.UsageError("cần --target, --target-share, --year hoặc --budget." if lang == "vi" else "give --target, --target-share, --year or --budget.")
    fmt = output_format(output, fmt, {".txt": "table", ".json": "json", ".xlsx": "xlsx"}, "table")
    check_output(output, [table])
    engine = compiled(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    _warn_ruleset(engine, lang)
    if by_province:
        return _by_province(table, engine, target_share, target, budget, costs, fmt, output, lang)
    # One process plans once: no cache (its keys, a digest of every commune's data, would only cost time).
    result = make_targets(table, engine, target=target, target_share=target_share, budget=budget, costs=costs, cache=None, pause_gc=True)
    rejected = result.rejected
    if fmt == "json":
        from chuanxa.outputs.jsonout import encode_document

        write_text_output(encode_document(result), output)
    elif fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx cần -o TỆP.xlsx / --format xlsx needs -o FILE.xlsx")
        from chuanxa.outputs.planning_xlsx import write_target_plan_xlsx

        write_target_plan_xlsx(result, output, lang)
        click.echo(_targets_text(result, lang))
        click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    else:
        write_text_output(_targets_text(result, lang), output)
    for row in rejected:
        for error in row.errors:
            click.secho(("Bị từ chối: " if lang == "vi" else "Rejected: ") + problem_text(error).get(lang), fg="red", err=True)
    return EXIT_OK if result.target_met and not rejected else EXIT_SOME_FAILED


def _by_province(table: Path, engine: Any, share: float | None, target: int | None, budget: float | None, costs: Path | None, fmt: str,
                 output: Path | None, lang: Lang) -> int:
    """plan-targets --by-province: one plan per province against the same share (a count or a budget has no
    meaning across provinces)."""
    from chuanxa.planning.provinces import plan_targets_by_province

    if share is None or target is not None or budget is not None or fmt == "xlsx":
        raise click.UsageError("--by-province cần --target-share hoặc --year (không dùng --target, --budget, xlsx)." if lang == "vi" else
                               "--by-province takes --target-share or --year (not --target, --budget or xlsx).")
    plans = plan_targets_by_province(table, engine, target_share=share, costs=costs, cache=None, pause_gc=True)  # one process plans once
    if fmt == "json":
        from chuanxa.outputs.jsonout import encode_document

        write_text_output(encode_document(plans), output)
    else:
        write_text_output("\n\n".join(f"== {name} ==\n" + _targets_text(p, lang) for name, p in plans.items()), output)
    return EXIT_OK if all(p.target_met for p in plans.values()) else EXIT_SOME_FAILED


def _targets_text(result: Any, lang: Lang) -> str:
    vi = lang == "vi"
    target = result.target if result.has_target else ("không đặt (chỉ có ngân sách)" if vi else "none (budget only)")
    lines = [
        (f"Số xã: {result.communes}; đã đạt chuẩn: {len(result.recognised_now)}; chỉ tiêu: {target}" if vi
         else f"Communes: {result.communes}; recognised now: {len(result.recognised_now)}; target: {target}"),
    ]
    if result.has_target and result.target > result.communes:
        lines.append(f"Chỉ tiêu {result.target} xã lớn hơn số xã trong bảng ({result.communes}): không thể đạt dù mọi xã đều đạt chuẩn." if vi
                     else f"The target of {result.target} communes exceeds the {result.communes} communes in the table: it cannot be met.")
    rows = [[p.commune, p.name, f"{p.points_before:g}", len(p.steps), f"{p.total_cost:g}"] for p in result.chosen]
    if rows:
        lines.append(tabulate(rows, headers=[label("code", lang), label("commune", lang), label("total", lang), "Bước" if vi else "Steps", "Chi phí" if vi else "Cost"], tablefmt="simple"))
    for p in result.chosen:
        lines.append(f"\n{p.name} [{p.commune}]:" + "".join(f"\n  - {step_text(s, p).get(lang)}" for s in p.steps))
    for p in result.infeasible:
        lines.append(f"\n{p.name} [{p.commune}]: " + ("không có lộ trình" if vi else "no plan") + "".join(f"\n  - {blocker_text(b).get(lang)}" for b in p.blockers))
    reached = f"Sau kế hoạch: {result.reached} xã đạt chuẩn" if vi else f"After the plans: {result.reached} communes recognised"
    if not result.has_target:
        status = "trong ngân sách" if vi else "within the budget"
    else:
        status = ("đạt chỉ tiêu" if result.target_met else "CHƯA đạt chỉ tiêu") if vi else ("target met" if result.target_met else "target NOT met")
    cost = f"; {'tổng chi phí' if vi else 'total cost'} {result.total_cost:g}" + (f" / {result.budget:g}" if result.budget is not None else "")
    lines.append(f"\n{reached} ({status}){cost}")
    return "\n".join(lines)


@click.command()
@click.argument("mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Số liệu xã mới (.csv, .xlsx hoặc .json) / Merged data file.")
@ruleset_option
@as_of_option
@lang_option
@raw_csv_option
@rulesets_dir_option
def merge(mapping: Path, data: Path, output: Path, ruleset_ref: str | None, as_of: str | None, lang: Lang, raw_csv: bool, rulesets_dirs: tuple[Path, ...]) -> int:
    """Gộp số liệu các xã sáp nhập và chấm điểm xã mới / Merge predecessors' data into new communes and score them.

    Trạm y tế của các xã cũ trở thành các điểm trạm của một trạm; lệnh nói rõ nhân lực và cơ sở vật chất được gộp
    thế nào. / The old stations become the sites of one station; says how staffing and facilities were combined.
    """
    format_from_suffix(output, {".csv": "csv", ".xlsx": "xlsx", ".json": "json"})
    check_output(output, [mapping, data])
    engine = compiled(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    _warn_ruleset(engine, lang)
    read = read_table(data, engine.ruleset) if data.suffix.lower() in (".csv", ".xlsx") else None
    communes = [row.data for row in read.rows] if read else [read_commune_file(data)]
    plan_of_merges = load_mapping(mapping)
    details = merge_details(plan_of_merges, communes, engine.ruleset, source=str(mapping))
    merged = [item.data for item in details]
    from chuanxa.outputs.communes_out import write_communes

    write_communes(merged, output, engine.ruleset, lang, protect=not raw_csv)
    batch = score_many(merged, engine, pause_gc=True)
    click.echo(batch_table(batch, lang))
    for item in details:  # how each station's sites were combined: never summed silently
        click.echo("\n".join(["", *(("  " if n else "") + merge_note_text(note).get(lang) for n, note in enumerate(item.notes))]))
    predecessors = {code for entry in plan_of_merges.merges for code in entry.predecessors}
    dropped = sum(len(c.assessed) for c in communes if c.commune.code in predecessors)
    if dropped:
        click.secho(f"Lưu ý: điểm thẩm định của các xã cũ ({dropped} mục) không được chuyển sang xã mới; các chỉ tiêu chấm theo minh chứng "
                    "của xã mới chờ đoàn thẩm định chấm lại (vì vậy kết luận là 'chưa đủ số liệu')." if lang == "vi" else
                    f"Note: the old communes' assessed points ({dropped} entries) are not carried over; the new commune's evidence-judged "
                    "indicators await a new appraisal (hence 'incomplete').", fg="yellow", err=True)
    click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    return EXIT_OK if not batch.rejected else EXIT_SOME_FAILED


def _warn_ruleset(engine: Any, lang: Lang) -> None:
    """The ruleset's own warning (e.g. qd4667, chosen by an old date: not for certification), never silent."""
    if engine.stamp.warning is not None:
        click.secho(f"{engine.ruleset.ref}: {engine.stamp.warning.get(lang)}", fg="yellow", err=True)


def _sweep_range(text: str) -> tuple[str, list[float]]:
    name, spec = _pair(text, "--sweep")
    parts = spec.split(":")
    if len(parts) != 3:
        raise click.UsageError(f"--sweep cần dạng TÊN=TỪ:ĐẾN:BƯỚC, ví dụ full_immunisation_rate=85:100:1 (nhận được '{text}')." if current_lang() == "vi"
                               else f"--sweep takes NAME=FROM:TO:STEP, e.g. full_immunisation_rate=85:100:1 (got '{text}').")
    start, stop, step = (_number(part, "--sweep") for part in parts)
    if step <= 0 or stop < start:
        raise click.UsageError(f"--sweep cần TỪ ≤ ĐẾN và BƯỚC > 0 (nhận được '{text}')." if current_lang() == "vi" else f"--sweep needs FROM ≤ TO and STEP > 0 (got '{text}').")
    return name, frange(start, stop, step)


def sweep_text(result: Sweep, lang: Lang, ruleset: Any = None, limit: int = 60) -> str:
    """A table of the sweep (only the points where the verdict changes, when there are many), then the answer.
    Swept inputs are headed by their label (with its unit), as in the data-entry template."""
    vi = lang == "vi"
    inputs = getattr(ruleset, "inputs", {})
    titles = [input_header(inputs[name], lang) if name in inputs else name for name in result.inputs]
    points = list(result.points)
    shown = points if len(points) <= limit else [p for i, p in enumerate(points) if i in (0, len(points) - 1) or p.verdict is not points[i - 1].verdict]
    rows = [[*(f"{p.values[name]:g}" if isinstance(p.values[name], float) else str(p.values[name]) for name in result.inputs), f"{p.total:g}", f"{p.share:.1%}",
             verdict_word(p.verdict.value, lang), ", ".join(p.criteria_below)] for p in shown]
    headers = [*titles, label("total", lang), label("share", lang), label("verdict", lang), floor_header([], lang)]
    lines = [f"{result.name} [{result.commune}]", tabulate(rows, headers=headers, tablefmt="simple")]
    if len(shown) < len(points):
        lines.append(f"(chỉ hiện {len(shown)}/{len(points)} điểm: đầu, cuối và nơi kết luận đổi)" if vi else f"(showing {len(shown)} of {len(points)} points: first, last and where the verdict changes)")
    first = result.first_recognised
    values = ", ".join(f"{title} = {first.values[name]:g}" for title, name in zip(titles, result.inputs)) if first else ""
    if first:
        lines.append(f"Đạt chuẩn lần đầu tại: {values}" if vi else f"First recognised at: {values}")
    else:
        lines.append("Không điểm nào của phép quét làm xã đạt chuẩn." if vi else "No point of the sweep makes the commune recognised.")
    return "\n".join(lines)


def _pair(text: str, option: str) -> tuple[str, str]:
    if "=" not in text:
        raise click.UsageError(f"{option} cần dạng TÊN=GIÁ_TRỊ (nhận được '{text}')." if current_lang() == "vi" else f"{option} takes NAME=VALUE (got '{text}').")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


def _number(text: str, option: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise click.UsageError(f"{option}: '{text}' không phải là một số." if current_lang() == "vi" else f"{option}: '{text}' is not a number.") from None


__all__ = ["simulate", "plan", "plan_targets", "merge", "BatchResult", "ChuanxaError"]
