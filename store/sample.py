"""Larger sample tables for tests and benchmarks, made from the demo table (the example district) by giving its
communes new codes (and, past one province's worth, the next province of the official list). Sample data, invented."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def sample_table(count: int, path: Path, *, first_code: int = 500000, per_province: int = 150, source: Path | None = None) -> Path:
    """Write a CSV of `count` communes (codes from `first_code`, `per_province` to a province, the provinces taken
    in order from the official list, which the readers check) to `path`."""
    from chuanxa.admin import admin_units

    provinces = [p.name for p in sorted(admin_units().provinces.values(), key=lambda p: p.code)]
    if source is None:
        from chuanxa.store.demo import demo_table

        with demo_table() as packaged:
            text = packaged.read_text(encoding="utf-8-sig")
    else:
        text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for index in range(count):
        row = list(body[index % len(body)])
        row[0] = str(first_code + index)
        row[1] = f"Xã Mẫu {first_code + index}"
        row[2] = provinces[(index // per_province) % len(provinces)]
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
