"""Shared CLI pieces: exit codes, language and ruleset options, and the error boundary."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
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
def _warn_broken_rulesets(ctx: click.Context, param: click.Parameter, folders: tuple[Path, ...]) -> tuple[Path, ...]:
    """Say which files of the user's ruleset folders cannot be read, so that a ruleset is never missed unseen
    (`chuanxa rulesets validate` gives every detail)."""
    if folders and ctx.info_name not in ("validate", "list"):  # those two report broken files themselves
        from chuanxa.api import registry

        lang = current_lang()
        for error in registry(folders).broken:
            where = error.location.file or "?"
            click.secho((f"Cảnh báo: bỏ qua tệp bộ tiêu chí lỗi {where} (xem: chuanxa rulesets validate {where})" if lang == "vi"
                         else f"Warning: skipping the broken ruleset file {where} (see: chuanxa rulesets validate {where})"), fg="yellow", err=True)
    return folders


rulesets_dir_option = click.option(
    "--rulesets", "rulesets_dirs", multiple=True, type=click.Path(exists=True, file_okay=True, path_type=Path), callback=_warn_broken_rulesets,
    help="Thư mục bộ tiêu chí bổ sung / Extra folder of ruleset YAML files (repeatable; also CHUANXA_RULESETS).",
)
def table_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--header-row N` and `--sheet NAME`: force the header row, or read one sheet of a workbook."""
    command = click.option("--sheet", "sheet", metavar="TÊN/NAME", default=None,
                           help="Chỉ đọc trang tính này / Read only this sheet of the workbook.")(command)
    return click.option("--header-row", "header_row", type=click.IntRange(min=1), default=None, metavar="N",
                        help="Hàng tiêu đề là hàng N (mặc định: tự tìm) / The header is row N (default: found automatically).")(command)


as_of_option = click.option("--as-of", "as_of", default=None, metavar="DATE|YEAR", help="Ngày hoặc năm đánh giá / Assessment date or year (chooses the ruleset in force).")


def current_lang(argv: Sequence[str] | None = None) -> Lang:
    """The language asked for: `--lang` of the running command, else of the command line (an error raised
    while click is parsing or after it finished has no context left), else CHUANXA_LANG, else Vietnamese."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        lang = ctx.params.get("lang")
        if lang in ("vi", "en"):
            return lang  # type: ignore[no-any-return]
        ctx = ctx.parent
    args = list(sys.argv[1:] if argv is None else argv)
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if value in ("vi", "en"):
            return value  # type: ignore[return-value]
    return default_lang()


def fail(error: ChuanxaError, lang: Lang | None = None) -> None:
    """Print a typed error (and the others found with it) in the user's language, for a human."""
    lang = lang or current_lang()
    for item in error.related or [error]:
        click.secho(("Lỗi: " if lang == "vi" else "Error: ") + item.message(lang), fg="red", err=True)


# click's own usage errors are English; these are the ones a user meets, in Vietnamese.
_CLICK_VI: tuple[tuple[str, str], ...] = (
    (r"File '(.*)' does not exist\.", r"Tệp '\1' không tồn tại."),
    (r"Path '(.*)' does not exist\.", r"Đường dẫn '\1' không tồn tại."),
    (r"File '(.*)' is a directory\.", r"'\1' là một thư mục, không phải tệp."),
    (r"Directory '(.*)' is a file\.", r"'\1' là một tệp, không phải thư mục."),
    (r"Invalid value for '(.*?)': ", r"Giá trị không hợp lệ cho '\1': "),
    (r"Invalid value: ", r"Giá trị không hợp lệ: "),
    (r"'(.*?)' is not one of (.*)\.", r"'\1' không phải một trong \2."),
    (r"'(.*?)' is not a valid (integer|float)( range)?\.", r"'\1' không phải là một số hợp lệ."),
    (r"Missing argument '(.*)'\.", r"Thiếu tham số '\1'."),
    (r"Missing option '(.*)'\.", r"Thiếu tùy chọn '\1'."),
    (r"No such option: (\S+)", r"Không có tùy chọn \1"),
    (r"Did you mean (.*)\?", r"Có phải ý bạn là \1?"),
    (r"(?:Option '(.*)' requires an argument|Option '(.*)' requires \d+ arguments)\.", r"Tùy chọn '\1' cần một giá trị."),
    (r"No such command '(.*)'\.", r"Không có lệnh '\1'."),
    (r"(\S+) is not in the range (\S+)\.", r"\1 nằm ngoài khoảng cho phép \2."),
    (r"Got unexpected extra arguments? \((.*)\)", r"Thừa tham số (\1)"),
)


def usage_message(exc: click.ClickException, lang: Lang) -> str:
    """A click usage error in the user's language, with where to find help."""
    text = exc.format_message()
    if lang == "vi":
        for pattern, replacement in _CLICK_VI:
            text = re.sub(pattern, replacement, text)
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "chuanxa"
    hint = f"Xem '{command} --help' để biết cách dùng." if lang == "vi" else f"See '{command} --help' for usage."
    return ("Lỗi: " if lang == "vi" else "Error: ") + text + "\n" + hint


#: The top-level modules of each optional extra (pyproject.toml), so that a command run without its extra says
#: which one to install instead of reporting an internal error.
EXTRA_OF_MODULE: Final[dict[str, str]] = {
    **dict.fromkeys(("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "psycopg", "argon2", "multipart", "python_multipart"), "server"),
    "durable": "durable",
    **dict.fromkeys(("vietnamadminunits", "geopy", "shapely"), "old-addresses"),
}


def missing_extra(exc: BaseException) -> str | None:
    """The optional extra whose module `exc` (a `ModuleNotFoundError`) did not find, if it is one."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    return EXTRA_OF_MODULE.get(exc.name.partition(".")[0])


def run_safely(body: Callable[[], Any], argv: Sequence[str] | None = None) -> int:
    """Run the CLI body, turning every failure into a message and an exit code, never a traceback."""
    try:
        result = body()
        return result if isinstance(result, int) else EXIT_OK
    except ChuanxaError as exc:
        fail(exc, current_lang(argv))
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        click.secho(usage_message(exc, current_lang(argv)), fg="red", err=True)
        return exc.exit_code if exc.exit_code not in (0, 1) else EXIT_USAGE
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
        extra = missing_extra(exc)
        if extra is not None:
            from chuanxa.messages import render

            lang = current_lang(argv)
            text = render("cli.extra_missing", lang, {"extra": extra, "module": getattr(exc, "name", "?")})
            click.secho(("Lỗi: " if lang == "vi" else "Error: ") + text, fg="red", err=True)
            return EXIT_USAGE
        click.secho(
            f"Lỗi nội bộ của chuanxa / Internal error in chuanxa: {type(exc).__name__}: {exc}\n"
            "Dữ liệu của bạn không bị thay đổi. Hãy báo lỗi kèm lệnh đã chạy (đặt CHUANXA_DEBUG=1 để xem chi tiết). / "
            "Your data was not changed. Please report this with the command you ran (set CHUANXA_DEBUG=1 for details).",
            fg="red", err=True,
        )
        return EXIT_INTERNAL


def format_from_suffix(output: Path, formats: dict[str, str], option: str = "-o") -> str:
    """The output format named by `output`'s suffix (e.g. {".xlsx": "xlsx"}), or a usage error listing those known:
    a results file must never be written in one format under another's name."""
    found = formats.get(output.suffix.lower())
    if found is None:
        known = ", ".join(sorted(formats))
        if current_lang() == "vi":
            raise click.UsageError(f"không rõ định dạng của '{output.name}' ({option}): hãy dùng đuôi {known}.")
        raise click.UsageError(f"cannot tell the format of '{output.name}' ({option}): use a {known} suffix.")
    return found


def check_output(output: Path | None, inputs: Sequence[Path] = ()) -> None:
    """Refuse to write results over one of the input files (that would destroy the data being scored), and
    create the output's folder when it does not exist yet."""
    if output is None:
        return
    target = output.resolve()
    for source in inputs:
        if str(source) != "-" and (Path(source).resolve() == target or _same_file(Path(source), output)):
            if current_lang() == "vi":
                raise click.UsageError(f"tệp kết quả '{output}' trùng với tệp số liệu đầu vào: hãy chọn tên khác để không ghi đè số liệu.")
            raise click.UsageError(f"the output '{output}' is one of the input files: choose another name so the data is not overwritten.")
    from chuanxa.fileio import destination

    destination(output)  # a folder, a device or a read-only file is refused before any work is done


def _same_file(source: Path, output: Path) -> bool:
    """Whether two names are the same file on disk (a hard link to the input is the input)."""
    try:
        return os.path.samefile(source, output)
    except OSError:
        return False


def output_format(output: Path | None, given: str | None, formats: dict[str, str], default: str) -> str:
    """The output format: `given` (--format), else the one `output`'s suffix names, else `default` for the
    screen. A suffix that contradicts --format, or names no known format, is a usage error."""
    if output is None:
        return given or default
    found = format_from_suffix(output, formats)
    if given is not None and given != found:
        if current_lang() == "vi":
            raise click.UsageError(f"--format {given} không khớp với đuôi của '{output.name}' (định dạng {found}).")
        raise click.UsageError(f"--format {given} does not match the suffix of '{output.name}' ({found}).")
    return found


def write_text_output(text: str | bytes | bytearray, output: Path | None, encoding: str = "utf-8") -> None:
    """Print `text` (or UTF-8 bytes, as the JSON encoder gives them), or write it to `output` atomically (whole or not at all)."""
    if output is None:
        click.echo(text.decode("utf-8") if isinstance(text, (bytes, bytearray)) else text)
    elif isinstance(text, (bytes, bytearray)):
        from chuanxa.fileio import write_bytes

        write_bytes(output, bytes(text))
    else:
        from chuanxa.fileio import write_text

        write_text(output, text, encoding)


raw_csv_option = click.option(
    "--raw-csv", is_flag=True,
    help="CSV nguyên văn: không thêm dấu ' trước ô văn bản bắt đầu bằng = + - @ (cho chương trình đọc, không mở bằng Excel) / "
         "Raw CSV: no protective ' before text starting with = + - @ (for programs; unsafe to open in a spreadsheet).",
)


__all__ = ["EXIT_OK", "EXIT_SOME_FAILED", "EXIT_USAGE", "EXIT_INTERNAL", "sys"]
