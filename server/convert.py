"""Store records → API documents."""

from __future__ import annotations

from typing import Any

from chuanxa.server import schemas
from chuanxa.store.models import ApiToken, AuditEvent, Recognition, Revision, Transition, User


def user_out(user: User) -> schemas.UserOut:
    return schemas.UserOut(id=user.id, login=user.login, name=user.name, role=user.role, province=user.province_code, commune=user.commune_code,
                           communes=list(user.communes or []), disabled=user.disabled)


def author(user: User | None) -> schemas.Author:
    return schemas.Author(id=user.id if user else None, login=user.login if user else None)


def token_out(token: ApiToken, plain: str | None = None) -> schemas.ApiTokenOut:
    return schemas.ApiTokenOut(id=token.id, name=token.name, created_at=token.created_at, revoked_at=token.revoked_at, token=plain)


def revision_out(rev: Revision, current: int) -> dict[str, Any]:
    return {"number": rev.number, "kind": rev.kind, "current": rev.number == current, "based_on": rev.based_on, "as_of": rev.as_of,
            "ruleset": rev.ruleset_ref, "ruleset_sha256": rev.ruleset_sha256, "changes": rev.changes, "note": rev.note, "author": author(rev.author),
            "created_at": rev.created_at, "import_id": rev.import_id}


def transition_out(item: Transition) -> schemas.TransitionOut:
    return schemas.TransitionOut(id=item.id, action=item.action, from_state=item.from_state, to_state=item.to_state, revision=item.revision,
                                 comment=item.comment, user=author(item.user), created_at=item.created_at)


def recognition_out(item: Recognition) -> schemas.RecognitionOut:
    return schemas.RecognitionOut(id=item.id, commune=item.commune_code, year=item.year, number=item.number, decided_on=item.decided_on,
                                  body=item.body, valid_until=item.valid_until)


def audit_out(item: AuditEvent) -> schemas.AuditOut:
    return schemas.AuditOut(id=item.id, at=item.at, login=item.login, action=item.action, target=item.target, detail=item.detail, ip=item.ip)
