"""First run: the one-time link that `consulta serve` prints while there is no administrator
opens this page, which creates the first one (auth.service.create_first_admin)."""

from fastapi import Response
from pydantic import ValidationError

from app.auth import service as accounts
from app.auth.dependencies import ClientAddress, Hasher
from app.auth.schemas import AdminCreate
from app.deps import SessionDep, SettingsDep
from app.errors import Conflict, Invalid
from app.web.forms import FieldErrors, Message
from app.web.pages.accounts import EMAIL_TAKEN, _start_session
from app.web.pages.common import page_router
from app.web.rendering import redirect, render
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, password_of, text

router = page_router()


def _form(
    viewer: Viewer,
    *,
    token: str,
    values: dict[str, str],
    errors: FieldErrors,
    status: int = 200,
) -> Response:
    return render(
        viewer, "setup.html", status=status, token=token, values=values, errors=errors, valid=True
    )


def _spent(viewer: Viewer) -> Response:
    return render(viewer, "setup.html", status=404, valid=False)


@router.get("/setup")
def setup_page(viewer: CurrentViewer, session: SessionDep, token: str = "") -> Response:
    if not accounts.setup_token_valid(session, token):
        return _spent(viewer)
    values = {"email": "", "display_name": ""}
    return _form(viewer, token=token, values=values, errors=FieldErrors())


@router.post("/setup")
def create_first_admin(
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
    client: ClientAddress,
) -> Response:
    token = text(form, "token")
    if not accounts.setup_token_valid(session, token):
        return _spent(viewer)
    values = {"email": text(form, "email"), "display_name": text(form, "display_name")}
    data = values | {"password": password_of(form)}
    if not data["display_name"]:
        data.pop("display_name")
    errors = FieldErrors()
    try:
        admin = accounts.create_first_admin(
            session, token=token, data=AdminCreate.model_validate(data), hasher=hasher
        )
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
    except Invalid:
        return _spent(viewer)
    except Conflict:
        errors.add("email", Message(EMAIL_TAKEN))
    if errors:
        return _form(viewer, token=token, values=values, errors=errors, status=422)
    _start_session(viewer, session, settings, admin, client)
    return redirect(viewer, "/consultations/new", flash="admin-created")
