"""Which rulesets exist and which one applies: bundled files plus user folders, chosen by
`family@version` or by the date an assessment refers to."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from chuanxa.errors import ChuanxaError, Location, NoRulesetInForceError, RulesetError, RulesetNotFoundError, close_matches

from .dates import parse_date
from .loader import build_ruleset
from .merge import apply_overlay
from .model import Ruleset
from .yamlio import LocatedDict, load_yaml_file

ENV_VAR = "CHUANXA_RULESETS"
_REF = re.compile(r"^(?P<family>[a-z][a-z0-9_]*)(?:@(?P<version>\d{4}-\d{2}-\d{2}))?$")


@dataclass(frozen=True)
class RulesetRef:
    """A parsed `family[@version]` reference."""

    family: str
    version: dt.date | None = None

    @classmethod
    def parse(cls, text: str) -> "RulesetRef":
        match = _REF.match(str(text).strip())
        if not match:
            raise RulesetNotFoundError(key="ruleset.bad_reference", params={"ref": text})
        version = match["version"]
        try:
            return cls(match["family"], dt.date.fromisoformat(version) if version else None)
        except ValueError:
            raise RulesetNotFoundError(key="ruleset.bad_reference", params={"ref": text}) from None

    def __str__(self) -> str:
        return self.family + (f"@{self.version.isoformat()}" if self.version else "")


@dataclass(frozen=True)
class RulesetEntry:
    """One ruleset file as the registry sees it before resolving: its header and where it lives."""

    path: Path
    family: str
    version: dt.date
    effective: dt.date
    effective_until: dt.date | None
    extends: str | None
    bundled: bool
    title: dict[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.family}@{self.version.isoformat()}"


def as_of_date(value: dt.date | dt.datetime | int | str | None) -> dt.date:
    """An assessment's reference date: a date, or a year meaning 31 December of that year (the yearly
    assessment reports the state at the end of the year)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    try:
        return parse_date(text)
    except ValueError:
        raise RulesetNotFoundError(key="ruleset.bad_as_of", params={"value": text}) from None


class Registry:
    """The rulesets chuanxa knows: bundled ones and those in user folders (`--rulesets DIR`, `CHUANXA_RULESETS`)."""

    def __init__(self, folders: Iterable[str | Path] = (), include_bundled: bool = True, use_env: bool = True) -> None:
        paths: list[tuple[Path, bool]] = []
        if include_bundled:
            paths.append((Path(str(resources.files("chuanxa.rulesets"))), True))
        extra = [Path(f) for f in folders]
        for folder in extra:
            if not folder.exists():  # a mistyped folder would otherwise just find no rulesets
                raise RulesetNotFoundError(key="ruleset.folder_missing", params={"folder": str(folder)}, location=Location(file=str(folder)))
        if use_env and os.environ.get(ENV_VAR):
            extra += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
        paths += [(p, False) for p in extra]
        self.folders: tuple[Path, ...] = tuple(p for p, _ in paths)
        self.entries: dict[str, RulesetEntry] = {}
        self.broken: list[ChuanxaError] = []
        self._trees: dict[str, LocatedDict] = {}
        self._cache: dict[str, Ruleset] = {}
        seen: set[Path] = set()
        for folder, bundled in paths:
            for file in _yaml_files(folder):
                if file.resolve() not in seen:  # a folder named twice (or the bundled one named again) counts once
                    seen.add(file.resolve())
                    self._add(file, bundled)
        self._check_overlaps()

    # --- discovery ---
    def _add(self, file: Path, bundled: bool) -> None:
        try:
            tree = load_yaml_file(file)
            entry = _entry_of(tree, file, bundled)
        except ChuanxaError as exc:
            self.broken.append(exc)
            return
        if entry.ref in self.entries:
            first = self.entries[entry.ref].path
            self.broken.append(RulesetError(key="ruleset.duplicate_version", params={"ref": entry.ref, "first": str(first), "second": str(file)}, location=Location(file=str(file), line=1)))
            return
        self.entries[entry.ref] = entry
        self._trees[entry.ref] = tree

    def _check_overlaps(self) -> None:
        for family in self.families():
            versions = self.versions(family)
            for earlier, later in zip(versions, versions[1:]):
                if earlier.effective_until is not None and earlier.effective_until >= later.effective:
                    self.broken.append(RulesetError(
                        key="ruleset.overlapping_dates",
                        params={"a": earlier.ref, "b": later.ref, "family": family, "start": later.effective, "end": earlier.effective_until},
                        location=Location(file=str(earlier.path), line=_line_of(self._trees[earlier.ref], "effective_until"), path=("ruleset", "effective_until")),
                    ))

    # --- queries ---
    def families(self) -> list[str]:
        return sorted({e.family for e in self.entries.values()})

    def versions(self, family: str) -> list[RulesetEntry]:
        return sorted((e for e in self.entries.values() if e.family == family), key=lambda e: e.effective)

    def in_force_until(self, entry: RulesetEntry) -> dt.date | None:
        """The last day `entry` is in force: its own end date, else the day before the next version."""
        if entry.effective_until is not None:
            return entry.effective_until
        later = [e for e in self.versions(entry.family) if e.effective > entry.effective]
        return later[0].effective - dt.timedelta(days=1) if later else None

    def entry(self, ref: str | RulesetRef, as_of: Any = None) -> RulesetEntry:
        """The entry a reference names; a bare family picks the version in force on `as_of` (default today)."""
        parsed = ref if isinstance(ref, RulesetRef) else RulesetRef.parse(ref)
        versions = self.versions(parsed.family)
        if not versions:
            raise RulesetNotFoundError(key="ruleset.not_found", params={"ref": str(parsed), "known": ", ".join(sorted(self.entries)) or "-", "suggestions": close_matches(parsed.family, self.families())})
        if parsed.version is not None:
            for entry in versions:
                if entry.version == parsed.version:
                    return entry
            raise RulesetNotFoundError(key="ruleset.not_found", params={"ref": str(parsed), "known": ", ".join(e.ref for e in versions)})
        day = as_of_date(as_of)
        for entry in reversed(versions):
            until = self.in_force_until(entry)
            if entry.effective <= day and (until is None or day <= until):
                return entry
        raise NoRulesetInForceError(key="ruleset.none_in_force", params={"family": parsed.family, "as_of": day.isoformat(), "versions": ", ".join(e.ref for e in versions)})

    def latest(self, family: str) -> RulesetEntry:
        """The newest version of `family` (for showing a family that is no longer in force)."""
        versions = self.versions(family)
        if not versions:
            return self.entry(family)  # raises the typed "not found" error with suggestions
        return versions[-1]

    def default_entry(self, as_of: Any = None) -> RulesetEntry:
        """The national ruleset in force on `as_of`: among families that do not extend another family."""
        day = as_of_date(as_of)
        national = [f for f in self.families() if not any(_extends_other_family(e) for e in self.versions(f))]
        candidates = []
        for family in national:
            try:
                candidates.append(self.entry(family, day))
            except NoRulesetInForceError:
                continue
        if not candidates:
            raise NoRulesetInForceError(key="ruleset.no_default", params={"as_of": day.isoformat()})
        return max(candidates, key=lambda e: e.effective)

    def load(self, ref: str | RulesetRef | None = None, as_of: Any = None) -> Ruleset:
        """The resolved, validated ruleset for `ref` (or the default one in force on `as_of`)."""
        entry = self.default_entry(as_of) if ref is None else self.entry(ref, as_of)
        if entry.ref not in self._cache:
            try:
                self._cache[entry.ref] = build_ruleset(self.resolved_tree(entry.ref), str(entry.path))
            except RulesetError as exc:
                raise self._blame_overlay(entry, exc) from None
        return self._cache[entry.ref]

    def _blame_overlay(self, entry: RulesetEntry, exc: RulesetError) -> RulesetError:
        """An error that the merged ruleset shows in a base file, while the base alone is valid, was caused by
        the overlay: say so first, naming the overlay, then give the details (which point into the base)."""
        errors = exc.related or [exc]
        if entry.extends is None or not any(e.location.file and Path(e.location.file) != entry.path for e in errors):
            return exc
        base = self.entry(entry.extends, entry.effective)
        try:
            self.load(base.ref)
        except RulesetError:
            return exc  # the base itself is broken: its own errors say where
        note = RulesetError(key="ruleset.overlay_caused", params={"overlay": entry.path.name, "base": base.ref}, location=Location(file=str(entry.path)))
        note.related = [note, *errors]
        return note

    def resolved_tree(self, ref: str, chain: tuple[str, ...] = ()) -> LocatedDict:
        """The YAML tree of `ref` with its whole `extends` chain applied."""
        entry = self.entries[ref]
        tree = self._trees[ref]
        if entry.extends is None:
            return tree
        if ref in chain:
            raise RulesetError(key="ruleset.extends_cycle", params={"chain": " → ".join(chain + (ref,))}, location=Location(file=str(entry.path), line=_line_of(tree, "extends"), path=("ruleset", "extends")))
        try:
            base = self.entry(entry.extends, entry.effective)
        except RulesetNotFoundError:
            raise RulesetError(key="ruleset.bad_extends", params={"ref": entry.extends, "suggestions": close_matches(entry.extends, self.entries)}, location=Location(file=str(entry.path), line=_line_of(tree, "extends"), path=("ruleset", "extends"))) from None
        return apply_overlay(self.resolved_tree(base.ref, chain + (ref,)), tree)


def folders_state(folders: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime, size) of every ruleset file in `folders`: what a cache of loaded rulesets must watch."""
    state = []
    for folder in folders:
        for file in _yaml_files(folder):
            try:
                stat = file.stat()
            except OSError:
                continue
            state.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(state)


def _yaml_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    # `NAME.cases.yaml` beside a ruleset holds its test cases (chuanxa rulesets test), not a ruleset.
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and not p.name.endswith((".cases.yaml", ".cases.yml")))


def _entry_of(tree: Any, file: Path, bundled: bool) -> RulesetEntry:
    header = tree.get("ruleset") if isinstance(tree, dict) else None
    if not isinstance(header, dict):
        raise RulesetError(key="ruleset.missing_key", params={"key": "ruleset"}, location=Location(file=str(file), line=1))
    for key in ("id", "version", "effective"):
        if key not in header:
            raise RulesetError(key="ruleset.missing_key", params={"key": key}, location=Location(file=str(file), line=getattr(header, "line", None), path=("ruleset", key)))
    try:
        version = _date(header["version"])
        effective = _date(header["effective"])
        until = _date(header["effective_until"]) if header.get("effective_until") else None
    except (TypeError, ValueError) as exc:
        raise RulesetError(key="ruleset.invalid_field", params={"detail": f"version and effective dates must be dates as YYYY-MM-DD ({exc})",
                           "detail_vi": f"version và effective phải là ngày dạng YYYY-MM-DD ({exc})"}, location=Location(file=str(file), line=getattr(header, "line", None), path=("ruleset",))) from None
    raw_title = header.get("title")
    title: dict[str, str] = {str(k): str(v) for k, v in raw_title.items()} if isinstance(raw_title, dict) else {}
    return RulesetEntry(path=file, family=str(header["id"]), version=version, effective=effective, effective_until=until, extends=header.get("extends"), bundled=bundled, title=title)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _line_of(tree: Any, key: str) -> int | None:
    header = tree.get("ruleset", {})
    return header.lines.get(key, (None, header.line))[1] if isinstance(header, LocatedDict) else None


def _extends_other_family(entry: RulesetEntry) -> bool:
    return entry.extends is not None and RulesetRef.parse(entry.extends).family != entry.family
