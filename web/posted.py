"""A posted form for the pages, which are plain (`def`) functions: FastAPI runs them in its thread pool, so their
database work, scoring and rendering never hold up the event loop (and every other user's request with it). The
form is read here, on the loop, by an async dependency (starlette keeps it for the rest of the request); an
uploaded file in it is then read by the page with plain file calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData


async def posted_form(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]

__all__ = ["Posted", "posted_form"]
