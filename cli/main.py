"""The `chuanxa` command. Parses arguments, calls the library, renders, and maps typed errors to exit codes.

Subcommands live in their own modules and are imported only when used, so `chuanxa --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .common import EXIT_USAGE, run_safely

#: command name → "module:attribute" (a click command), imported on first use.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "score": ("chuanxa.cli.cmd_score:score", "Chấm điểm một hoặc nhiều xã / Score one or many communes"),
    "batch": ("chuanxa.cli.cmd_score:batch", "Chấm điểm cả bảng Excel/CSV / Score a whole XLSX or CSV table"),
    "template": ("chuanxa.cli.cmd_template:template", "Tạo tệp nhập liệu / Make a data-entry file"),
    "rulesets": ("chuanxa.cli.cmd_rulesets:rulesets", "Xem, kiểm tra, so sánh bộ tiêu chí / List, show, validate, diff rulesets"),
    "simulate": ("chuanxa.cli.cmd_plan:simulate", "Mô phỏng nếu thay đổi số liệu / What-if simulation"),
    "plan": ("chuanxa.cli.cmd_plan:plan", "Lộ trình rẻ nhất để đạt chuẩn / Cheapest path to recognition"),
    "plan-targets": ("chuanxa.cli.cmd_plan:plan_targets", "Chọn xã để đạt chỉ tiêu / Choose communes to reach a target"),
    "merge": ("chuanxa.cli.cmd_plan:merge", "Gộp số liệu xã sáp nhập / Merge data of merged communes"),
    "watch": ("chuanxa.cli.cmd_watch:watch", "Theo dõi cập nhật trực tiếp / Live monitoring of updates"),
    "report": ("chuanxa.cli.cmd_report:report", "Biểu chấm điểm và báo cáo tổng hợp / Score sheets and summary reports"),
    "serve": ("chuanxa.cli.cmd_server:serve", "Chạy máy chủ (API, web) / Run the server (API, web)"),
    "db": ("chuanxa.cli.cmd_server:db", "Cơ sở dữ liệu: nâng cấp, kiểm tra / Database: upgrade, check"),
    "users": ("chuanxa.cli.cmd_server:users", "Tài khoản người dùng / User accounts"),
    "import": ("chuanxa.cli.cmd_server:import_table", "Nhập bảng vào CSDL / Import a table into the store"),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[cmd_name][0].split(":")
            return getattr(importlib.import_module(module_name), attribute)  # type: ignore[no-any-return]
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands must not import them all.
        rows = [(name, LAZY_COMMANDS[name][1]) for name in sorted(LAZY_COMMANDS)]
        with formatter.section("Lệnh / Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="chuanxa")
def cli() -> None:
    """chuanxa — chấm điểm Bộ tiêu chí quốc gia về y tế xã.

    Scores Vietnamese communes against the national commune-health criteria (QĐ 1300/QĐ-BYT and earlier).
    Run `chuanxa COMMAND --help` for each command.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: never shows a traceback to a user."""
    return run_safely(lambda: cli.main(args=argv, prog_name="chuanxa", standalone_mode=False), argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["cli", "main", "EXIT_USAGE"]
