"""The pages of the mailed links: confirm an email address (and resend the link), and reset
a forgotten password. A link's GET only shows a form: mail scanners that open links must not
use a single-use token; the person's POST (with the CSRF token) does."""

from fastapi import Response
from pydantic import ValidationError

from app.auth import service as accounts
from app.auth import throttling
from app.auth.dependencies import ClientAddress, Hasher, MailerDep
from app.auth.schemas import PasswordResetConfirm, PasswordResetRequest
from app.deps import SessionDep, SettingsDep
from app.errors import Conflict, Invalid, TooManyRequests
from app.web.forms import FieldErrors, Message
from app.web.i18n import N_
from app.web.pages.common import page_router
from app.web.rendering import local_path, redirect, render
from app.web.visitors import CheckedForm, CurrentViewer, password_of, sign_out, text

router = page_router()
BAD_LINK = N_("This link is unknown, already used or expired.")
TOO_MANY = N_("Too many requests; try again later.")
FORGOT, RESET = "forgot_password.html", "reset_password.html"


@router.get("/verify")
def verify_page(
    viewer: CurrentViewer, token: str = "", done: bool = False, sent: bool = False
) -> Response:
    state = "done" if done else "sent" if sent else "confirm"
    return render(viewer, "verify.html", token=token[:200], state=state)


@router.post("/verify")
def verify(viewer: CurrentViewer, form: CheckedForm, session: SessionDep) -> Response:
    try:
        accounts.verify_email(session, token=text(form, "token")[:200])
    except Invalid:
        errors = FieldErrors({"form": [Message(BAD_LINK)]})
        return render(viewer, "verify.html", token="", state="invalid", errors=errors, status=422)
    return redirect(viewer, "/verify?done=1")


@router.post("/verify/resend")
def resend(
    viewer: CurrentViewer,
    _: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    client: ClientAddress,
) -> Response:
    account = viewer.holder()
    try:
        throttling.check_and_count(
            session, f"resend:{client}", throttling.account_requests(settings), TOO_MANY
        )
        accounts.send_verification(session, account=account, mailer=mailer)
    except TooManyRequests as exc:
        errors = FieldErrors({"form": [Message(TOO_MANY)]})
        return render(
            viewer,
            "verify.html",
            token="",
            state="sent",
            errors=errors,
            status=429,
            headers=exc.headers,
        )
    except Conflict:
        return redirect(viewer, "/verify?done=1")
    return redirect(viewer, "/verify?sent=1")


@router.get("/forgot-password")
def forgot_password_page(viewer: CurrentViewer, sent: bool = False) -> Response:
    return render(viewer, FORGOT, email="", sent=sent)


@router.post("/forgot-password")
def forgot_password(
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    client: ClientAddress,
) -> Response:
    email = text(form, "email")
    try:
        data = PasswordResetRequest.model_validate({"email": email})
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
        return render(viewer, FORGOT, email=email, sent=False, errors=errors, status=422)
    try:
        throttling.check_and_count(
            session, f"reset:{client}", throttling.account_requests(settings), TOO_MANY
        )
    except TooManyRequests as exc:
        errors = FieldErrors({"form": [Message(TOO_MANY)]})
        return render(
            viewer, FORGOT, email=email, sent=False, errors=errors, status=429, headers=exc.headers
        )
    accounts.request_password_reset(session, email=data.email, mailer=mailer)
    return redirect(viewer, "/forgot-password?sent=1")


@router.get("/reset-password")
def reset_password_page(viewer: CurrentViewer, token: str = "") -> Response:
    return render(viewer, RESET, token=token[:200])


@router.post("/reset-password")
def reset_password(
    viewer: CurrentViewer, form: CheckedForm, session: SessionDep, hasher: Hasher
) -> Response:
    token = text(form, "token")[:200]
    try:
        data = PasswordResetConfirm.model_validate({"token": token, "password": password_of(form)})
        accounts.confirm_password_reset(
            session, token=data.token, password=data.password, hasher=hasher
        )
    except ValidationError as exc:
        return render(
            viewer, RESET, token=token, errors=FieldErrors.from_validation(exc), status=422
        )
    except Invalid as exc:
        bad_token = any(e.get("loc") == ["body", "token"] for e in exc.extensions["errors"])
        if bad_token:
            errors = FieldErrors({"form": [Message(BAD_LINK)]})
        else:
            errors = FieldErrors.from_invalid(exc, fallback="password")
        return render(viewer, RESET, token=token, errors=errors, status=422)
    sign_out(viewer)  # every session of the account was revoked, this browser's too
    return redirect(viewer, local_path("/login?reset=1"))
