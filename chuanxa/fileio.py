"""Writing output files safely: every file chuanxa writes appears whole or not at all.

`atomic_output(path)` hands out a temporary file in the destination's own folder; once it is complete it is
flushed to disk (`fsync`) and renamed over the destination in one step, so a full disk, a crash or a
kill never leaves a truncated result in place of a good one. On failure the temporary file is removed,
the previous file stays as it was, and an `OutputError` says so in the user's words (the CLI exits 2).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from chuanxa.errors import Location, OutputError

_WRITE_PROBLEMS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("ổ đĩa đã đầy", "the disk is full"),
    errno.EDQUOT: ("đã hết dung lượng được cấp (quota)", "the disk quota is exhausted"),
    errno.EROFS: ("ổ đĩa này chỉ cho phép đọc", "the file system is read-only"),
    errno.EACCES: ("không có quyền ghi vào thư mục này", "permission denied"),
    errno.EPERM: ("không có quyền ghi vào thư mục này", "permission denied"),
    errno.ENOENT: ("thư mục không tồn tại", "the folder does not exist"),
    errno.ENOTDIR: ("một phần của đường dẫn không phải là thư mục", "a part of the path is not a folder"),
    errno.EFBIG: ("tệp quá lớn", "the file is too large"),
    errno.EIO: ("lỗi đọc/ghi của ổ đĩa", "an input/output error of the disk"),
}


def write_problem(exc: BaseException) -> dict[str, str]:
    """`detail` / `detail_vi` for an error met while writing, in words a user knows."""
    words = _WRITE_PROBLEMS.get(getattr(exc, "errno", None) or -1)
    if words is not None:
        return {"detail_vi": words[0], "detail": words[1]}
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return {"detail_vi": text, "detail": text}


def _failed(path: Path, exc: BaseException) -> OutputError:
    return OutputError(key="output.write_failed", params={"file": str(path), **write_problem(exc)}, location=Location(file=str(path)))


def destination(path: Path) -> Path:
    """The file that `path` names (a symbolic link is followed, so the link keeps pointing at the new file);
    a folder, a device or a read-only file is refused with a clear error."""
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise _failed(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(key="output.not_regular", params={"file": str(path)}, location=Location(file=str(path)))
    if not info.st_mode & 0o222:
        raise OutputError(key="output.read_only", params={"file": str(path)}, location=Location(file=str(path)))
    return target


def _mode_for(target: Path) -> int:
    """The permissions the new file gets: the old file's, else what a plain `open()` would give."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_output(path: Path, *, check: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A temporary path to write the whole output to; it replaces `path` only when the block ends without error.

    `check(temp)` may inspect the finished file (e.g. that a PDF is complete) and raise to abort.
    Errors of the file system become `OutputError` naming `path`; the temporary file never stays behind.
    """
    target = destination(Path(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _failed(Path(path), exc) from None
    temp = Path(name)
    try:
        yield temp
        if check is not None:
            check(temp)
        _sync(temp)
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise _failed(Path(path), exc) from None
    finally:
        temp.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every system lets a folder be opened: then it is skipped)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically."""
    write_bytes(path, text.encode(encoding))


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_output(path) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)


__all__ = ["atomic_output", "destination", "write_bytes", "write_text", "write_problem"]
