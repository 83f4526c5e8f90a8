"""The demo database of `chuanxa serve --demo`: the example province (sample data, invented) and one user per role."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from chuanxa.store import users
from chuanxa.store.models import Commune

EXAMPLE_TABLE = Path(__file__).resolve().parent.parent / "examples" / "thieu_hoa_2024.csv"
DEMO_YEAR = 2024


def load_demo(session: Session, password: str, table: Path = EXAMPLE_TABLE, year: int = DEMO_YEAR) -> list[tuple[str, str]]:
    """Load `table` into `year` with units, and add demo users; returns (login, role) pairs."""
    from chuanxa.store import importer

    admin = users.add_user(session, "admin", password, "admin", name="Quản trị")
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
