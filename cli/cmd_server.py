"""`chuanxa serve`, `chuanxa db upgrade`, `chuanxa users add`, `chuanxa import`: the assessment store from the
command line. Each takes `--db URL` (default `CHUANXA_DB`, else a SQLite file in the data folder)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Any

import click

from chuanxa.messages import Lang, render

from .common import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, lang_option

db_option = click.option("--db", "db_url", envvar="CHUANXA_DB", default=None, metavar="URL",
                         help="CSDL: sqlite:///tep.db hoặc postgresql+psycopg://… (mặc định CHUANXA_DB) / Database URL (default: CHUANXA_DB or the data folder).")


def _engine(db_url: str | None) -> Any:
    from chuanxa.store import db

    engine = db.open_database(db_url)
    db.upgrade(engine)
    return engine


def is_local(host: str) -> bool:
    """True for loopback addresses and `localhost` (the only places the server listens without users)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe / Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Cổng / Port.")
@click.option("--demo", is_flag=True, help="CSDL mới với tỉnh mẫu và tài khoản mẫu / A fresh SQLite with the example province and a demo user.")
@lang_option
def serve(db_url: str | None, host: str, port: int, demo: bool, lang: Lang) -> int:
    """Chạy máy chủ chuanxa (API và ứng dụng web) / Run the chuanxa server (API and web application)."""
    from chuanxa.server import create_app
    from chuanxa.server.running import Serving
    from chuanxa.server.settings import Settings

    if demo:
        db_url = _make_demo(db_url, lang)
    engine = _engine(db_url)
    if not is_local(host) and not _has_users(engine):
        click.secho(render("store.refuse_bind", lang, {"host": host}), fg="red", err=True)
        return EXIT_USAGE
    # rulesets, evaluators, templates and the newest standings are computed in the background once it listens
    app = create_app(engine=engine, migrate=False, settings=Settings(warm_up=True))
    words = "Máy chủ chạy tại" if lang == "vi" else "Serving at"
    # said once connections are accepted, with the port actually bound (with --port 0, the one the system chose)
    Serving(app, host, port, ready=lambda url: click.echo(f"{words} {url}  (API: /api/v1, /api/docs)")).run()
    return EXIT_OK


def _has_users(engine: Any) -> bool:
    from sqlalchemy import func, select

    from chuanxa.store.models import User

    with engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(User).where(User.disabled.is_(False))).scalar())


DEMO_PASSWORD = "demo-chuanxa"


def _make_demo(db_url: str | None, lang: Lang) -> str:
    """A fresh SQLite database in a temporary folder (unless --db names one) with the example province loaded."""
    import tempfile

    from chuanxa.store import db, demo

    if db_url is None:
        db_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='chuanxa-demo-')) / 'demo.db'}"
    engine = db.open_database(db_url)
    db.upgrade(engine)
    with db.transaction(db.sessions(engine)) as session:
        logins = demo.load_demo(session, DEMO_PASSWORD)
    engine.dispose()
    from chuanxa.web.site import ROLE_WORDS

    click.echo(("Dữ liệu mẫu: " if lang == "vi" else "Demo data: ") + db_url)
    for login, role in logins:
        name, _, scope = role.partition(" ")  # "commune 16021": the role and its scope
        words = " ".join(filter(None, (ROLE_WORDS.get(name, {}).get(lang, name), scope)))
        click.echo(("  đăng nhập " if lang == "vi" else "  sign in as ") + f"{login} / {DEMO_PASSWORD}  ({words})")
    return db_url


@click.group()
def db() -> None:
    """Cơ sở dữ liệu / The database."""


@db.command("upgrade")
@db_option
def db_upgrade(db_url: str | None) -> int:
    """Nâng cấp cấu trúc CSDL lên bản mới nhất / Bring the database schema up to date."""
    from chuanxa.store import db as store_db

    engine = store_db.open_database(db_url)
    before = store_db.current_revision(engine)
    store_db.upgrade(engine)
    click.echo(f"{before or '∅'} → {store_db.current_revision(engine)}")
    return EXIT_OK


@db.command("check")
@db_option
def db_check(db_url: str | None) -> int:
    """Kiểm tra toàn vẹn CSDL / Check the database's integrity."""
    from chuanxa.store import db as store_db

    problems = store_db.integrity_check(store_db.open_database(db_url))
    for problem in problems:
        click.echo(problem)
    click.echo("ok" if not problems else f"{len(problems)} problem(s)")
    return EXIT_OK if not problems else EXIT_SOME_FAILED


@click.group()
def users() -> None:
    """Tài khoản người dùng / User accounts."""


@users.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["admin", "province", "appraiser", "commune", "viewer"]))
@click.option("--province", default=None, help="Mã tỉnh (vai trò province, appraiser, viewer) / Province code.")
@click.option("--commune", "communes", multiple=True, help="Mã xã (vai trò commune; appraiser: lặp lại) / Commune code (repeatable for an appraiser).")
@click.option("--name", default="", help="Họ tên / Full name.")
@db_option
@lang_option
def users_add(login: str, role: str, province: str | None, communes: tuple[str, ...], name: str, db_url: str | None, lang: Lang) -> int:
    """Thêm tài khoản; mật khẩu nhập khi được hỏi (hoặc từ stdin) / Add a user; the password from a prompt, or standard input."""
    from chuanxa.store import db as store_db
    from chuanxa.store import users as store_users

    if sys.stdin.isatty():
        password = click.prompt("Mật khẩu / Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    engine = _engine(db_url)
    with store_db.transaction(store_db.sessions(engine)) as session:
        commune = communes[0] if role == "commune" and communes else None
        user = store_users.add_user(session, login, password, role, province=province, commune=commune,
                                    communes=list(communes) if role == "appraiser" else None, name=name)
        store_users.audit(session, "user.added", login="cli", target=user.login, detail={"role": role})
    click.echo(("Đã thêm " if lang == "vi" else "Added ") + f"{login} ({role})")
    return EXIT_OK


@users.command("list")
@db_option
def users_list(db_url: str | None) -> int:
    """Danh sách tài khoản / List users."""
    from sqlalchemy import select

    from chuanxa.store import db as store_db
    from chuanxa.store.models import User

    with store_db.transaction(store_db.sessions(_engine(db_url)), write=False) as session:
        for user in session.scalars(select(User).order_by(User.login)):
            scope = user.commune_code or user.province_code or ",".join(user.communes or []) or "*"
            click.echo(f"{user.login}\t{user.role}\t{scope}\t{'disabled' if user.disabled else ''}")
    return EXIT_OK


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help="Năm đánh giá / Assessment year.")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước thay đổi / Show what would change, change nothing.")
@click.option("--ruleset", "ruleset_ref", default=None, metavar="ID[@VERSION]")
@click.option("--as", "as_login", default=None, metavar="LOGIN", help="Ghi nhận là tài khoản này (mặc định: admin đầu tiên) / Record as this user.")
@db_option
@lang_option
def import_table(file: Path, year: int, dry_run: bool, ruleset_ref: str | None, as_login: str | None, db_url: str | None, lang: Lang) -> int:
    """Nhập bảng CSV/XLSX vào phiếu đánh giá của một năm / Import a CSV/XLSX table into a year's assessments (one transaction)."""
    from sqlalchemy import select

    from chuanxa.store import db as store_db
    from chuanxa.store import importer
    from chuanxa.store.models import Role, User

    engine = _engine(db_url)
    with store_db.transaction(store_db.sessions(engine)) as session:
        query = select(User).where(User.login == as_login) if as_login else select(User).where(User.role == Role.ADMIN.value).order_by(User.id)
        user = session.scalars(query).first()
        if user is None:
            user = _system_user(session)
        plan = importer.plan_import(session, user, file, year, ruleset=ruleset_ref, create_units=True)
        _print_plan(plan, lang)
        if not dry_run:
            run = importer.commit_import(session, user, plan)
            click.echo((f"Đã nhập (lần nhập số {run.id})." if lang == "vi" else f"Imported (import {run.id})."))
    return EXIT_SOME_FAILED if plan.rejected else EXIT_OK


def _system_user(session: Any) -> Any:
    """With no admin yet, imports from the command line are recorded as a disabled `system` admin (it cannot sign in)."""
    import secrets

    from chuanxa.store import users as store_users

    user = store_users.add_user(session, "system", secrets.token_urlsafe(24), "admin", name="chuanxa import")
    user.disabled = True
    return user


def _print_plan(plan: Any, lang: Lang) -> None:
    from chuanxa.wording import problem_text, table_notice_text

    counts = plan.counts()
    words = {"vi": ("tạo mới", "thay đổi", "giữ nguyên", "bị từ chối"), "en": ("created", "changed", "unchanged", "rejected")}[lang]
    click.echo(f"{plan.filename} → {plan.year}: " + ", ".join(f"{counts[k]} {w}" for k, w in zip(("create", "change", "unchanged", "rejected"), words)))
    for row in plan.rows:
        if row.action == "change":
            changed = ", ".join(f"{c['key']}: {c['before']} → {c['after']}" for c in row.changes[:8])
            click.echo(f"  {row.code} {row.name}: {changed}{' …' if len(row.changes) > 8 else ''}")
    for notice in plan.notices:
        click.echo(("Ghi chú: " if lang == "vi" else "Note: ") + table_notice_text(notice).get(lang), err=True)
    for rejected in plan.rejected:
        for error in rejected.errors:
            click.secho(("Bị từ chối: " if lang == "vi" else "Rejected: ") + problem_text(error).get(lang), fg="red", err=True)
