"""Shared CLI pieces: exit codes, language and ruleset options, and the error boundary."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import click

from chuanxa.errors import ChuanxaError
from chuanxa.messages import Lang

#: Exit codes (documented in the README).
EXIT_OK: Final = 0  # everything scored (and recognised, when --fail-below was asked)
EXIT_SOME_FAILED: Final = 1  # scored, but some communes were rejected, or not recognised with --fail-below
EXIT_USAGE: Final = 2  # bad arguments, unreadable input, or a ruleset error
EXIT_INTERNAL: Final = 3  # a bug in chuanxa: please report it


def default_lang() -> Lang:
    value = os.environ.get("CHUANXA_LANG", "vi").lower()
    return "en" if value.startswith("en") else "vi"


lang_option = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default=default_lang, show_default="vi (or CHUANXA_LANG)",
    help="Ngôn ngữ hiển thị / Output language.",
)
ruleset_option = click.option("--ruleset", "ruleset_ref", metavar="ID[@VERSION]", default=None, help="Bộ tiêu chí, ví dụ qd1300@2023-03-20 / Ruleset to use (default: the one in force on the assessment date).")
rulesets_dir_option = click.option(
    "--rulesets", "rulesets_dirs", multiple=True, type=click.Path(exists=True, file_okay=True, path_type=Path),
    help="Thư mục bộ tiêu chí bổ sung / Extra folder of ruleset YAML files (repeatable; also CHUANXA_RULESETS).",
)
as_of_option = click.option("--as-of", "as_of", default=None, metavar="DATE|YEAR", help="Ngày hoặc năm đánh giá / Assessment date or year (chooses the ruleset in force).")


def current_lang() -> Lang:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        lang = ctx.params.get("lang")
        if lang in ("vi", "en"):
            return lang  # type: ignore[no-any-return]
        ctx = ctx.parent
    return default_lang()


def fail(error: ChuanxaError) -> None:
    """Print a typed error (and the others found with it) in the user's language, for a human."""
    lang = current_lang()
    for item in error.related or [error]:
        click.secho(("Lỗi: " if lang == "vi" else "Error: ") + item.message(lang), fg="red", err=True)


def run_safely(body: Callable[[], Any]) -> int:
    """Run the CLI body, turning every failure into a message and an exit code, never a traceback."""
    try:
        result = body()
        return result if isinstance(result, int) else EXIT_OK
    except ChuanxaError as exc:
        fail(exc)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        click.echo("Đã hủy / Aborted.", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a health officer never sees a traceback
        if os.environ.get("CHUANXA_DEBUG"):
            raise
        click.secho(
            f"Lỗi nội bộ của chuanxa / Internal error in chuanxa: {type(exc).__name__}: {exc}\n"
            "Dữ liệu của bạn không bị thay đổi. Hãy báo lỗi kèm lệnh đã chạy (đặt CHUANXA_DEBUG=1 để xem chi tiết). / "
            "Your data was not changed. Please report this with the command you ran (set CHUANXA_DEBUG=1 for details).",
            fg="red", err=True,
        )
        return EXIT_INTERNAL


def write_text_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


__all__ = ["EXIT_OK", "EXIT_SOME_FAILED", "EXIT_USAGE", "EXIT_INTERNAL", "sys"]
