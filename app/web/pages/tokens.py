"""API tokens: the signed-in holder makes, lists and revokes personal access tokens with the
API's own service and schema. A new token is shown in the answer to the form that made it,
once: it cannot be carried through a redirect."""

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.personal import service as tokens
from app.auth.personal.schemas import PersonalTokenCreate, PersonalTokenCreated
from app.auth.scopes import DESCRIPTIONS, Scope
from app.deps import PathId, SessionDep
from app.pagination import MAX_LIMIT
from app.web.forms import FieldErrors
from app.web.i18n import N_
from app.web.pages.common import page_router
from app.web.rendering import redirect, render
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text, ticked

router = page_router()
PAGE = "/account/tokens"
# The scopes' descriptions, marked for the catalogue (app.auth.scopes keeps the API's English).
SCOPE_HINTS = {
    Scope.ballot: N_("Read and write your own ballots and proposals."),
    Scope.results: N_("Read results: rankings, stability, ballots.csv and the open-data package."),
    Scope.committee: N_("Act as a program committee member where you hold a seat."),
    Scope.admin: N_("Act as an administrator (if you are one)."),
}
assert set(SCOPE_HINTS) == set(DESCRIPTIONS)


def _page(
    viewer: Viewer,
    session: Session,
    *,
    values: dict[str, object] | None = None,
    errors: FieldErrors | None = None,
    created: PersonalTokenCreated | None = None,
    status: int = 200,
) -> Response:
    rows, _ = tokens.listed(session, account=viewer.holder(), limit=MAX_LIMIT, offset=0)
    return render(
        viewer,
        "tokens.html",
        status=status,
        tokens=[tokens.to_public(r) for r in rows],
        scopes=SCOPE_HINTS,
        values=values or {"name": "", "scopes": [], "expires_in_days": "30"},
        errors=errors,
        created=created,
    )


@router.get(PAGE)
def tokens_page(viewer: CurrentViewer, session: SessionDep) -> Response:
    return _page(viewer, session)


@router.post(PAGE)
def make_token(viewer: CurrentViewer, form: CheckedForm, session: SessionDep) -> Response:
    holder = viewer.holder()
    values: dict[str, object] = {
        "name": text(form, "name"),
        "scopes": ticked(form, "scopes"),
        "expires_in_days": text(form, "expires_in_days"),
    }
    try:
        data = PersonalTokenCreate.model_validate(values)
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
        return _page(viewer, session, values=values, errors=errors, status=422)
    created = tokens.create(session, account=holder, data=data)
    return _page(viewer, session, created=created)


@router.post(PAGE + "/{id}/revoke")
def revoke_token(
    id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    tokens.revoke(session, account=viewer.holder(), token_id=id)
    return redirect(viewer, PAGE)
