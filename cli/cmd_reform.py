"""`chuanxa reform-map`: draft the merge mapping of a table of old records (old communes → new units)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from chuanxa.api import compiled
from chuanxa.communes.readers import read_table
from chuanxa.messages import Lang

from .common import EXIT_OK, EXIT_SOME_FAILED, as_of_option, check_output, lang_option, ruleset_option, rulesets_dir_option, write_text_output


@click.command("reform-map")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Tệp gộp xã (.yaml) / Merge mapping file (.yaml).")
@ruleset_option
@as_of_option
@lang_option
@rulesets_dir_option
def reform_map(table: Path, output: Path | None, ruleset_ref: str | None, as_of: str | None, lang: Lang, rulesets_dirs: tuple[Path, ...]) -> int:
    """Lập tệp gộp xã từ bảng hồ sơ cũ (xã, huyện, tỉnh) / Draft the merge mapping of a table of old records.

    Mỗi xã cũ được xếp vào xã, phường, đặc khu mới theo địa chỉ ba cấp (cần gói tùy chọn: pip install
    "chuanxa[old-addresses]"). Kiểm tra tệp rồi dùng với `chuanxa merge`. / Each old commune is placed in the new
    unit its three-level address maps to (needs the optional extra chuanxa[old-addresses]); check the file, then
    use it with `chuanxa merge`.
    """
    from chuanxa.admin import draft_merge_mapping

    check_output(output, [table])
    engine = compiled(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    rows = read_table(table, engine.ruleset).rows
    try:
        mapping, unmapped = draft_merge_mapping([row.data for row in rows])
    except ImportError:
        raise click.UsageError('cần gói tùy chọn: pip install "chuanxa[old-addresses]"' if lang == "vi" else
                               'needs the optional extra: pip install "chuanxa[old-addresses]"') from None
    head = ("# Bản nháp do chuanxa reform-map lập từ " if lang == "vi" else "# Draft made by chuanxa reform-map from ") + f"{table.name}\n"
    write_text_output(head + yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), output)
    for code in unmapped:
        click.secho((f"Không xếp được xã {code}: ghi tay vào tệp gộp." if lang == "vi" else f"Could not place commune {code}: add it by hand."), fg="yellow", err=True)
    return EXIT_OK if not unmapped else EXIT_SOME_FAILED
