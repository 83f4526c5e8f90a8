"""The `chuanxa` command. Parses arguments, calls the library, renders, and maps typed errors to exit codes.

Subcommands live in their own modules and are imported only when used, so `chuanxa --help` stays fast.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from .common import EXIT_USAGE, run_safely

#: command name → "module:attribute" (a click command), imported on first use.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "score": ("chuanxa.cli.cmd_score:score", "Chấm điểm một hoặc nhiều xã / Score one or many communes"),
    "batch": ("chuanxa.cli.cmd_score:batch", "Chấm điểm cả bảng Excel/CSV / Score a whole XLSX or CSV table"),
    "template": ("chuanxa.cli.cmd_template:template", "Tạo tệp nhập liệu / Make a data-entry file"),
    "rulesets": ("chuanxa.cli.cmd_rulesets:rulesets", "Xem, kiểm tra, so sánh, kiểm thử bộ tiêu chí; bảng điểm Excel / List, show, validate, diff, test rulesets; Excel score sheet"),
    "simulate": ("chuanxa.cli.cmd_plan:simulate", "Mô phỏng nếu thay đổi số liệu / What-if simulation"),
    "plan": ("chuanxa.cli.cmd_plan:plan", "Lộ trình rẻ nhất để đạt chuẩn / Cheapest path to recognition"),
    "plan-targets": ("chuanxa.cli.cmd_plan:plan_targets", "Chọn xã để đạt chỉ tiêu / Choose communes to reach a target"),
    "plan-show": ("chuanxa.cli.cmd_plan:plan_show", "Xem lại lộ trình đã lưu / Show a saved plan"),
    "merge": ("chuanxa.cli.cmd_plan:merge", "Gộp xã sáp nhập: một trạm, nhiều điểm trạm / Merge communes: one station, several sites"),
    "watch": ("chuanxa.cli.cmd_watch:watch", "Theo dõi cập nhật trực tiếp / Live monitoring of updates"),
    "progress": ("chuanxa.cli.cmd_progress:progress", "Tiến độ đạt chỉ tiêu theo tỉnh / Progress per province towards the target"),
    "reform-map": ("chuanxa.cli.cmd_reform:reform_map", "Lập tệp gộp xã từ hồ sơ cũ / Draft a merge mapping from old records"),
    "recognitions": ("chuanxa.cli.cmd_recognitions:recognitions", "Theo dõi hạn công nhận đạt chuẩn / Recognition expiry and re-recognition"),
    "report": ("chuanxa.cli.cmd_report:report", "Biểu chấm điểm và báo cáo tổng hợp / Score sheets and summary reports"),
    "serve": ("chuanxa.cli.cmd_server:serve", "Chạy máy chủ (API, web) / Run the server (API, web)"),
    "db": ("chuanxa.cli.cmd_server:db", "Cơ sở dữ liệu: nâng cấp, kiểm tra / Database: upgrade, check"),
    "users": ("chuanxa.cli.cmd_server:users", "Tài khoản người dùng / User accounts"),
    "import": ("chuanxa.cli.cmd_server:import_table", "Nhập bảng vào CSDL / Import a table into the store"),
}


def _print_version(ctx: click.Context, value: bool) -> None:
    """`chuanxa --version`: the program and the packages that hold the administrative unit lists (imported
    only when asked, so that other commands start fast)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from chuanxa.admin.units import versions

    units = ", ".join(f"{name} {number}" for name, number in versions().items())
    click.echo(f"chuanxa {version('chuanxa')} (đơn vị hành chính / administrative units: {units})")
    ctx.exit(0)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Importing a command builds some hundred thousand objects that live as long as the process (modules,
    classes, pydantic validators, numpy): the cyclic garbage collector would walk them over and over while they
    are built, about a sixth of the import time. It is paused meanwhile, and what was built is then frozen
    (`gc.freeze`: later collections skip it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[cmd_name][0].split(":")
            if module_name in sys.modules:
                return getattr(sys.modules[module_name], attribute)  # type: ignore[no-any-return]
            with _collector_paused():
                module = importlib.import_module(module_name)
            return getattr(module, attribute)  # type: ignore[no-any-return]
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands must not import them all.
        rows = [(name, LAZY_COMMANDS[name][1]) for name in sorted(LAZY_COMMANDS)]
        with formatter.section("Lệnh / Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _p, value: _print_version(ctx, value),
              help="Phiên bản và gói danh sách đơn vị hành chính / Version, and the packages holding the unit lists.")
def cli() -> None:
    """chuanxa — chấm điểm Bộ tiêu chí quốc gia về y tế xã, cho trạm y tế xã, phường, đặc khu, trung tâm y tế khu vực
    và Sở Y tế (34 tỉnh, thành phố sau sắp xếp năm 2025; vẫn đọc hồ sơ cũ có huyện, tên tỉnh cũ, mã cũ).

    Scores Vietnamese communes against the national commune-health criteria (QĐ 1300/QĐ-BYT and earlier), for
    commune health stations, regional health centres and provincial Departments of Health; follows the 2025
    reform and still reads old records. Run `chuanxa COMMAND --help` for each command.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: never shows a traceback to a user. A termination request (SIGTERM, e.g. from a
    service manager) unwinds like Ctrl+C, so no half-written temporary file stays and `watch` saves its state."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return run_safely(lambda: cli.main(args=argv, prog_name="chuanxa", standalone_mode=False), argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return run_safely(lambda: cli.main(args=argv, prog_name="chuanxa", standalone_mode=False), argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["cli", "main", "EXIT_USAGE"]
