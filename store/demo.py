"""The demo database of `chuanxa serve --demo`: the example province (sample data, invented) and one user per role.

The demo table is package data (`store/data/demo_province_2024.csv`, the same table as `examples/thieu_hoa_2024.csv`),
so the demo runs from an installed wheel as well as from the source tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

from chuanxa.store import users
from chuanxa.store.models import Commune

DEMO_TABLE = "demo_province_2024.csv"
DEMO_YEAR = 2024


@contextmanager
def demo_table() -> Iterator[Path]:
    """The packaged demo table as a file path (extracted for the duration when the package is not on disk)."""
    with resources.as_file(resources.files("chuanxa.store").joinpath("data", DEMO_TABLE)) as path:
        yield path


def load_demo(session: Session, password: str, table: Path | None = None, year: int = DEMO_YEAR) -> list[tuple[str, str]]:
    """Load `table` (default: the packaged demo table) into `year` with units, and add demo users; returns (login,
    role) pairs."""
    from chuanxa.store import importer

    admin = users.add_user(session, "admin", password, "admin", name="Quản trị")
    if table is None:
        with demo_table() as path:
            plan = importer.plan_import(session, admin, path, year, create_units=True, filename=path.name)
    else:
        plan = importer.plan_import(session, admin, table, year, create_units=True)
    importer.commit_import(session, admin, plan)
    first = session.get(Commune, plan.rows[0].code) if plan.rows else None
    made = [("admin", "admin")]
    if first is not None:
        users.add_user(session, "tinh", password, "province", province=first.province_code, name="Sở Y tế")
        users.add_user(session, "thamdinh", password, "appraiser", province=first.province_code, name="Tổ thẩm định")
        users.add_user(session, "xa", password, "commune", commune=first.code, name=f"Trạm Y tế {first.name}")
        users.add_user(session, "xem", password, "viewer", province=first.province_code, name="Người xem")
        made += [("tinh", "province"), ("thamdinh", "appraiser"), ("xa", f"commune {first.code}"), ("xem", "viewer")]
    return made
