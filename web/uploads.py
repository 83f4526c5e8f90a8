"""Uploaded files, read through the same readers as the command line. The upload is written to a private
temporary folder under a fixed name (only its suffix is kept, from an allowed list), so a request never names
a path on the server; size is capped before anything is parsed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from starlette.datastructures import UploadFile

from chuanxa.errors import ChuanxaError, CommuneDataError

T = TypeVar("T")
MAX_BYTES = 5 * 1024 * 1024  # a commune file or a costs file is a few KB; a province workbook well under 5 MB


def read_bytes(upload: UploadFile, limit: int) -> bytes:
    """At most `limit` bytes of an uploaded file (a plain read: pages run in the thread pool)."""
    upload.file.seek(0)
    return upload.file.read(limit)


def read_upload(upload: UploadFile, allowed: tuple[str, ...], reader: Callable[[Path], T]) -> T:
    """`reader(path)` on the uploaded file saved as `upload<suffix>` in a fresh temporary folder."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in allowed:
        raise CommuneDataError(key="data.bad_format", params={"suffix": suffix or "?"})
    content = read_bytes(upload, MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise CommuneDataError(key="upload.too_large", params={"limit": MAX_BYTES // (1024 * 1024)})
    with tempfile.TemporaryDirectory(prefix="chuanxa-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return reader(path)
        except ChuanxaError as exc:
            for item in exc.related or [exc]:  # the temporary path means nothing to the user: name their file
                item.location = type(item.location)(**{**item.location.__dict__, "file": upload.filename})
            raise


__all__ = ["MAX_BYTES", "read_bytes", "read_upload"]
