"""An overlay handed over as files (a server upload): its ruleset YAML and/or the edited score sheet, with test
cases beside it — checked, resolved against the rulesets the server knows, its cases run.

The files are data. Names are checked (letters, digits, `_.-`, no folders) and sizes bounded; YAML is read by the
bounded safe loader of `criteria.yamlio`; a workbook goes through the hardened archive check of
`communes.sheets` (and a cases workbook through its limited reader) before openpyxl parses it. Cases must be
self-contained: a case that names a commune file (`file:` or a `base:` file name) is refused, since no file
beside an upload exists. The files are laid out in a private temporary folder, read as `--rulesets DIR` reads a
folder, and the folder is removed when the check ends.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from chuanxa.communes.sheets import ReadLimits, check_archive
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.registry import Registry, RulesetEntry
from chuanxa.errors import ChuanxaError, Location, RulesetError, RulesetNotFoundError

from .cases import CaseOutcome, find_cases, is_cases_file, load_cases, run_all

MAX_FILES = 10
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
#: a score sheet has one row per criterion, indicator and level (a few hundred rows): far tighter than a table's limits
WORKBOOK_LIMITS = ReadLimits(max_rows=20_000, max_columns=300, max_part_bytes=64 * 2**20, max_shared_strings_bytes=16 * 2**20,
                             max_total_bytes=128 * 2**20)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_SUFFIXES = (".yaml", ".yml", ".xlsx")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the person gave it (only its last part is used) and its bytes."""

    name: str
    data: bytes


@dataclass
class OverlayBundle:
    """A checked overlay: the files to keep, the resolved ruleset and the one it extends, its cases' outcomes."""

    files: dict[str, dict[str, str]]  # name → {"kind": "yaml", "text": …} or {"kind": "xlsx", "base64": …}
    ruleset: Ruleset
    base: Ruleset
    outcomes: list[CaseOutcome] = field(default_factory=list)
    sha256: str = ""  # of the uploaded names and contents


def upload_sha256(uploads: Iterable[Upload]) -> str:
    """A hash of the uploaded names and contents, in name order (the same upload twice has the same hash)."""
    digest = hashlib.sha256()
    for item in sorted(uploads, key=lambda u: u.name):
        digest.update(item.name.encode() + b"\0" + hashlib.sha256(item.data).digest())
    return digest.hexdigest()


def read_overlay(uploads: list[Upload], folders: Iterable[str | Path] = ()) -> OverlayBundle:
    """Check an uploaded overlay and run its cases. Exactly one ruleset must come out of the files (a YAML overlay
    or an edited score sheet), and it must `extends` a ruleset the server knows (bundled or in `folders`).
    Raises a located `RulesetError` (its `related` lists every problem)."""
    checked = _checked(uploads)
    files: dict[str, dict[str, str]] = {}
    with _folder() as tmp, _plain_errors(tmp):
        for item in checked:
            (tmp / item.name).write_bytes(item.data)
            if item.name.endswith(".xlsx"):
                check_archive(tmp / item.name, WORKBOOK_LIMITS)
                files[item.name] = {"kind": "xlsx", "base64": base64.b64encode(item.data).decode("ascii")}
            else:
                files[item.name] = {"kind": "yaml", "text": _text(item)}
        sheets = [tmp / i.name for i in checked if i.name.endswith(".xlsx") and not is_cases_file(Path(i.name))]
        for sheet in sheets:
            name, text = _from_score_sheet(sheet, folders, tmp)
            if name in files:
                raise _error("overlay.duplicate_file", name)
            (tmp / name).write_text(text, encoding="utf-8")
            files[name] = {"kind": "yaml", "text": text, "from": sheet.name}
        _check_cases(tmp)
        registry, entry = _registry(tmp, folders)
        ruleset, base = _load(registry, entry, tmp)
        outcomes = [_relocated_outcome(o, tmp) for o in run_all(find_cases([tmp]), registry)]
    return OverlayBundle(files=files, ruleset=ruleset, base=base, outcomes=outcomes, sha256=upload_sha256(checked))


def resolve_files(files: dict[str, dict[str, str]], folders: Iterable[str | Path] = ()) -> tuple[Ruleset, Ruleset]:
    """The ruleset stored overlay files resolve to, and the one it extends (the YAML files only)."""
    with _folder() as tmp, _plain_errors(tmp):
        for name, item in files.items():
            if item.get("kind") == "yaml" and not is_cases_file(Path(name)) and _NAME.match(name):
                (tmp / name).write_text(item["text"], encoding="utf-8")
        registry, entry = _registry(tmp, folders)
        return _load(registry, entry, tmp)


def _checked(uploads: list[Upload]) -> list[Upload]:
    if not uploads:
        raise RulesetError(key="overlay.no_files")
    if len(uploads) > MAX_FILES:
        raise RulesetError(key="overlay.too_many_files", params={"count": len(uploads), "limit": MAX_FILES})
    checked: list[Upload] = []
    for item in uploads:
        name = safe_name(item.name)
        if not _NAME.match(name) or not name.endswith(_SUFFIXES):
            raise _error("overlay.bad_file_name", Path(item.name.replace("\\", "/")).name or "?")
        limit = MAX_WORKBOOK_BYTES if name.endswith(".xlsx") else MAX_YAML_BYTES
        if len(item.data) > limit:
            raise RulesetError(key="overlay.file_too_large", params={"name": name, "limit": limit // 2**20}, location=Location(file=name))
        if any(c.name == name for c in checked):
            raise _error("overlay.duplicate_file", name)
        checked.append(Upload(name, item.data))
    return checked


def safe_name(name: str) -> str:
    """The name an uploaded file is kept under: its last part only, Vietnamese letters without their marks, any
    other character but letters, digits, `_.-` as `_`, the suffix in lower case (`Bảng điểm.XLSX` → `Bang_diem.xlsx`)."""
    import unicodedata

    last = name.replace("\\", "/").rsplit("/", 1)[-1].replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFKD", last) if not unicodedata.combining(c))
    stem, dot, suffix = re.sub(r"[^A-Za-z0-9_.-]", "_", plain).rpartition(".")
    return f"{stem}.{suffix.lower()}" if dot else suffix


def _text(item: Upload) -> str:
    from chuanxa.criteria.yamlio import read_text_file

    with _folder() as tmp:  # the same decoding (BOMs, a clear error for a legacy encoding) as a file on disk
        (tmp / item.name).write_bytes(item.data)
        try:
            return read_text_file(tmp / item.name, limit=MAX_YAML_BYTES)
        except RulesetError as exc:
            raise _relocated(exc, tmp) from None


def _from_score_sheet(sheet: Path, folders: Iterable[str | Path], tmp: Path) -> tuple[str, str]:
    """The overlay YAML an edited score sheet gives (`chuanxa rulesets import`), with its file name."""
    from .overlay_file import overlay_text
    from .sheet_import import import_score_sheet, read_identity

    try:
        ref, _ = read_identity(sheet)
        base = Registry(folders).load(ref)
        result = import_score_sheet(sheet, base)
    except ChuanxaError as exc:
        raise _relocated(exc, tmp) from None
    if not result.changed:
        raise _error("overlay.sheet_unchanged", sheet.name)
    return result.file_name, overlay_text(result, sheet.name)


def _check_cases(tmp: Path) -> None:
    """Cases of an upload are self-contained: none may name a commune file (nothing beside an upload exists)."""
    for path in sorted(tmp.iterdir()):
        if not path.name.endswith((".cases.yaml", ".cases.yml")):
            continue
        try:
            spec, _ = load_cases(path)
        except RulesetError as exc:
            raise _relocated(exc, tmp) from None
        if isinstance(spec.base, str) or any(case.file for case in spec.cases):
            raise _error("overlay.case_names_file", path.name)


def _registry(tmp: Path, folders: Iterable[str | Path]) -> tuple[Registry, RulesetEntry]:
    registry = Registry([*folders, tmp])
    ours = [e for e in registry.entries.values() if e.path.parent == tmp]
    problems = [_relocated(e, tmp) for e in registry.broken if e.location.file and str(e.location.file).startswith(str(tmp))]
    if problems:
        problems[0].related = problems
        raise problems[0]
    if len(ours) != 1:
        raise RulesetError(key="overlay.one_ruleset", params={"count": len(ours), "names": ", ".join(e.path.name for e in ours) or "—"})
    entry = ours[0]
    if entry.extends is None:
        raise _error("overlay.not_an_overlay", entry.path.name)
    return registry, entry


def _load(registry: Registry, entry: RulesetEntry, tmp: Path) -> tuple[Ruleset, Ruleset]:
    try:
        ruleset = registry.load(entry.ref)
        base = registry.load(entry.extends, entry.effective)
    except RulesetError as exc:
        raise _relocated(exc, tmp) from None
    return ruleset, base


def _error(key: str, name: str) -> RulesetError:
    return RulesetError(key=key, params={"name": name}, location=Location(file=name))


def _relocated(exc: ChuanxaError, tmp: Path) -> ChuanxaError:
    """The error with the private folder left out of every file it names (the person knows only the file name)."""
    prefix = str(tmp) + "/"
    for item in [exc, *exc.related]:
        if item.location.file and str(item.location.file).startswith(prefix):
            item.location = replace(item.location, file=str(item.location.file)[len(prefix):])
    return exc


def _relocated_outcome(outcome: CaseOutcome, tmp: Path) -> CaseOutcome:
    if outcome.error is not None:
        _relocated(outcome.error, tmp)
    return outcome


@contextmanager
def _plain_errors(tmp: Path) -> Iterator[None]:
    """Errors as the person who uploaded sees them: the private folder left out of file names, and a ruleset the
    upload names but the server does not know a problem of the upload (not a missing page)."""
    try:
        yield
    except RulesetNotFoundError as exc:
        raise _relocated(RulesetError(key=exc.key, params=exc.params, location=exc.location, related=exc.related), tmp) from None
    except ChuanxaError as exc:
        raise _relocated(exc, tmp) from None


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="chuanxa-overlay-") as name:
        yield Path(name)
