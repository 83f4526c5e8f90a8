"""Where `chuanxa watch --state FILE` keeps its state: a snapshot plus an append-only journal.

- `FILE` is a snapshot of the watcher (JSON), replaced atomically (temporary file, fsync, rename).
- `FILE.journal` holds one JSON line per input line applied since that snapshot: its sequence number, its
  line number, its text and the input position. Appending a line costs one small write, so the state is on
  disk after every update without rewriting everything (the rewrite made `--state` 100× slower).
- Every `compact_every` lines, and when the watcher stops, the snapshot is rewritten and the journal
  emptied. A snapshot records the last sequence number it includes, so a crash between the two steps never
  applies a line twice.
- The journal is written *before* the line's events are printed ("save before emit"): after a crash or
  `kill -9` a restart never repeats an event; an event whose line was journalled but not yet printed can be
  lost (at most the events of one line). Each event carries the `line` it came from.
- An exclusive lock (`flock`) on the journal keeps a second watcher off the same state; stale temporary
  files of a killed watcher are removed on start.
- Writes reach the operating system at once, so killing the process loses nothing; the snapshot is
  fsync'ed, the journal is fsync'ed at each compaction and on exit (a power cut may lose the lines since).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO

from chuanxa.errors import Location, StateFileError
from chuanxa.fileio import atomic_output, write_problem

from .watcher import Watcher

COMPACT_EVERY = 10_000


class StateStore:
    """The on-disk state of one watcher (see the module docstring). Use as a context manager."""

    def __init__(self, path: Path, compact_every: int = COMPACT_EVERY) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.compact_every = compact_every
        self.seq = 0
        self._since_compaction = 0
        self._journal: BinaryIO | None = None

    # --- opening and closing ---
    def __enter__(self) -> "StateStore":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Lock the state (or refuse: another watcher has it) and clear a killed watcher's temporary files."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.journal_path, "a+b")
        except OSError as exc:
            raise StateFileError(key="output.write_failed", params={"file": str(self.journal_path), **write_problem(exc)},
                                 location=Location(file=str(self.journal_path))) from None
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise StateFileError(key="state.locked", params={"file": str(self.path)}, location=Location(file=str(self.path))) from None
        self._journal = handle
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)

    def close(self) -> None:
        """Release the lock (call `compact` first to fold the journal into the snapshot)."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    # --- reading ---
    def restore(self, watcher: Watcher) -> None:
        """Bring `watcher` to the saved state: the snapshot, then the journal's lines after it."""
        if self.path.exists() and self.path.stat().st_size:
            self.seq = load_snapshot(watcher, self.path)
        for record in self._read_journal():
            if record["seq"] <= self.seq:
                continue  # already in the snapshot (a crash came between writing it and emptying the journal)
            watcher.process_line(record["text"], record["line"])
            if record.get("source"):
                watcher.positions[record["source"]] = record["position"]
            self.seq = record["seq"]
            self._since_compaction += 1

    def _read_journal(self) -> list[dict[str, Any]]:
        assert self._journal is not None
        self._journal.seek(0)
        data = self._journal.read()
        records, good = [], 0
        for number, raw in enumerate(data.splitlines(keepends=True), start=1):
            if not raw.endswith(b"\n"):
                break  # the last line was being written when the watcher was killed: it was never applied
            try:
                record = json.loads(raw)
                if not isinstance(record, dict) or not isinstance(record.get("seq"), int) or not isinstance(record.get("text"), str):
                    raise ValueError("not a journal record")
            except (ValueError, RecursionError) as exc:
                raise self._broken(self.journal_path, f"line {number}: {exc}") from None
            records.append(record)
            good += len(raw)
        if good < len(data):
            self._journal.truncate(good)
        return records

    def _broken(self, file: Path, detail: str) -> StateFileError:
        return _broken(file, detail)

    # --- writing ---
    def record(self, text: str, line: int | None, source: str | None, position: Any, watcher: Watcher) -> None:
        """Journal one input line (call after applying it, before printing its events)."""
        assert self._journal is not None
        self.seq += 1
        entry = {"seq": self.seq, "line": line, "text": text.rstrip("\n"), "source": source, "position": position}
        try:
            self._journal.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
            self._journal.flush()
        except OSError as exc:
            raise StateFileError(key="output.write_failed", params={"file": str(self.journal_path), **write_problem(exc)},
                                 location=Location(file=str(self.journal_path))) from None
        self._since_compaction += 1
        if self._since_compaction >= self.compact_every:
            self.compact(watcher)

    def compact(self, watcher: Watcher) -> None:
        """Write the snapshot (atomically, fsync'ed), then empty the journal."""
        assert self._journal is not None
        state = watcher.state()
        state["journal_seq"] = self.seq
        with atomic_output(self.path) as temp:
            temp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        try:
            self._journal.truncate(0)
            self._journal.flush()
            os.fsync(self._journal.fileno())
        except OSError as exc:
            raise StateFileError(key="output.write_failed", params={"file": str(self.journal_path), **write_problem(exc)},
                                 location=Location(file=str(self.journal_path))) from None
        self._since_compaction = 0


def _lock(handle: BinaryIO) -> None:
    """Take an exclusive lock on the open journal without waiting (OSError when another process holds it)."""
    try:
        import fcntl
    except ImportError:  # Windows: lock the journal's first byte instead
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def load_snapshot(watcher: Watcher, path: Path) -> int:
    """Restore `watcher` from the snapshot at `path`; returns the last journal sequence number it includes."""
    state = read_snapshot(path)
    try:
        watcher.restore(state)
        return int(state.get("journal_seq") or 0)
    except Exception as exc:  # any damage in a hand-edited snapshot: name the file, never a traceback
        raise _broken(Path(path), f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None


def read_snapshot(path: Path) -> dict[str, Any]:
    """The snapshot's data; a file that is not one is a `StateFileError` naming it."""
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _broken(Path(path), type(exc).__name__ + (f": {exc}" if isinstance(exc, ValueError) else "")) from None
    if not isinstance(state, dict) or not isinstance(state.get("communes", {}), dict) or not isinstance(state.get("positions") or {}, dict):
        raise _broken(Path(path), "not a chuanxa state object")
    return state


def _broken(file: Path, detail: str) -> StateFileError:
    return StateFileError(key="state.broken", params={"file": str(file), "detail": detail[:200]}, location=Location(file=str(file)))


__all__ = ["StateStore", "COMPACT_EVERY", "load_snapshot", "read_snapshot"]
