"""Regenerate `data/old_commune_codes.yaml` from the pre-reform list of `vietnam-provinces` 0.6.0.

Not used at run time. Run it in a throw-away virtualenv holding that old version:
    python -m venv /tmp/vp && /tmp/vp/bin/pip install vietnam-provinces==0.6.0
    /tmp/vp/bin/python admin/make_code_ranges.py > admin/data/old_commune_codes.yaml
(then put back the comment header of the current file).
"""

from __future__ import annotations

import json
from importlib import resources


def runs() -> list[list[int]]:
    """[former province code, first commune code, last commune code] for each run of consecutive codes."""
    tree = json.loads(resources.files("vietnam_provinces").joinpath("data/nested-divisions.json").read_text(encoding="utf-8"))
    province_of = {ward["code"]: province["code"] for province in tree for district in province["districts"] for ward in district["wards"]}
    found: list[list[int]] = []
    for code in sorted(province_of):
        if found and found[-1][0] == province_of[code]:
            found[-1][2] = code
        else:
            found.append([province_of[code], code, code])
    return found


if __name__ == "__main__":
    print("source: vietnam-provinces 0.6.0 (pre-reform list), https://pypi.org/project/vietnam-provinces/0.6.0/\nruns:")
    for province, first, last in runs():
        print(f"  - [{province}, {first}, {last}]")
