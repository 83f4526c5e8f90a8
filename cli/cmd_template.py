"""`chuanxa template`: a data-entry file for a ruleset (YAML with comments, CSV, or XLSX with validation)."""

from __future__ import annotations

from pathlib import Path

import click

from chuanxa.api import load_ruleset
from chuanxa.outputs.templates import csv_template, write_xlsx_template, yaml_template
from chuanxa.messages import Lang

from .common import as_of_option, check_output, output_format, lang_option, ruleset_option, rulesets_dir_option, write_text_output


@click.command()
@ruleset_option
@as_of_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv", "xlsx"]), default=None, help="Mặc định theo đuôi tệp -o / Default: from the -o suffix, else yaml.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Tệp mẫu (bắt buộc với xlsx) / Template file (needed for xlsx).")
@rulesets_dir_option
def template(ruleset_ref: str | None, as_of: str | None, lang: Lang, fmt: str | None, output: Path | None, rulesets_dirs: tuple[Path, ...]) -> None:
    """Tạo tệp nhập số liệu / Make a data-entry file for a ruleset."""
    ruleset = load_ruleset(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    fmt = output_format(output, fmt, {".xlsx": "xlsx", ".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}, "yaml")
    check_output(output)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx cần -o TỆP.xlsx / --format xlsx needs -o FILE.xlsx")
        write_xlsx_template(ruleset, lang, output)
        click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    elif fmt == "csv":
        text = csv_template(ruleset, lang)
        if output is None:
            click.echo(text, nl=False)
        else:
            write_text_output(text, output, encoding="utf-8-sig")
    else:
        write_text_output(yaml_template(ruleset, lang), output)
