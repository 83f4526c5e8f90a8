"""/api/v1 imports, exports, reports and the audit log (filled in by the import/export work)."""

from __future__ import annotations

from fastapi import APIRouter

from chuanxa.server import schemas

router = APIRouter(tags=["data"], responses=schemas.PROBLEMS)
