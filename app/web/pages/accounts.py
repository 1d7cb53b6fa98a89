"""Register (with a committee invitation too), sign in, sign out and choose the language: the
API's own services and schemas, with a cookie instead of a bearer header."""

from datetime import timedelta

from argon2 import PasswordHasher
from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth import service as accounts
from app.auth import throttling
from app.auth.dependencies import ClientAddress, Hasher, MailerDep
from app.auth.models import Account
from app.auth.schemas import AccountCreate, AccountUpdate
from app.auth.throttling import TOO_MANY_REQUESTS, account_requests, sign_in_limits
from app.committee import service as committee
from app.config import Settings
from app.deps import SessionDep, SettingsDep
from app.errors import Conflict, Invalid, TooManyRequests
from app.vocabulary import StakeholderGroup
from app.web.forms import FieldErrors, Message
from app.web.i18n import LANG_COOKIE, LANGUAGES, N_
from app.web.pages.common import page_router
from app.web.rendering import local_path, redirect, render
from app.web.visitors import (
    SESSION_COOKIE,
    CheckedForm,
    CurrentViewer,
    Viewer,
    password_of,
    sign_in,
    sign_out,
    text,
)

router = page_router()
REGISTER_FIELDS = ("email", "display_name", "stakeholder_group", "country", "organization")
ONE_YEAR = 365 * 24 * 3600
EMAIL_TAKEN = N_("An account with this email already exists.")


def switch_language(viewer: Viewer, session: Session, hasher: PasswordHasher, lang: str) -> bool:
    """The person's choice of language, remembered in the `lang` cookie and, when signed in,
    as the account's language (the mails' language); from here on the page speaks it. An
    unknown code changes nothing."""
    if lang not in LANGUAGES:
        return False
    viewer.cookies[LANG_COOKIE] = (lang, ONE_YEAR)
    viewer.lang = lang
    account = viewer.account
    if account is not None and account.language != lang:
        accounts.update(
            session,
            account=account,
            data=AccountUpdate(language=lang),
            hasher=hasher,
            current_token=None,
        )
    return True


def _start_session(
    viewer: Viewer, session: Session, settings: Settings, account: Account, client: str
) -> None:
    lifetime = timedelta(minutes=settings.token_lifetime_minutes)
    token, _ = accounts.issue_token(session, account=account, lifetime=lifetime, client=client)
    sign_in(viewer, token, int(lifetime.total_seconds()))


def _register_form(
    viewer: Viewer,
    session: Session,
    *,
    values: dict[str, str],
    errors: FieldErrors,
    next_url: str,
    status: int,
    invitation: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    invited = committee.invitation_email(session, invitation) if invitation else None
    if invited is not None:
        values = {"email": invited[0]} | values
    return render(
        viewer,
        "register.html",
        status=status,
        headers=headers,
        values=values,
        errors=errors,
        next_url=next_url,
        groups=[g.value for g in StakeholderGroup],
        invitation=invitation if invited else "",
        invited_to=invited[1] if invited else None,
        invitation_unknown=bool(invitation) and invited is None,
    )


@router.get("/register")
def register_page(
    viewer: CurrentViewer, session: SessionDep, next: str = "/", invitation: str = ""
) -> Response:
    return _register_form(
        viewer,
        session,
        values={},
        errors=FieldErrors(),
        next_url=local_path(next),
        status=200,
        invitation=invitation[:200],
    )


@router.post("/register")
def register(
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
    mailer: MailerDep,
    client: ClientAddress,
) -> Response:
    values = {name: text(form, name) for name in REGISTER_FIELDS}
    next_url = local_path(text(form, "next"))
    invitation = text(form, "invitation")[:200]
    data = values | {"password": password_of(form)}
    if not data["organization"]:
        data.pop("organization")
    if invitation:
        data["invitation"] = invitation
    status = 422
    headers = None
    try:
        throttling.check_and_count(
            session, f"register:{client}", account_requests(settings), TOO_MANY_REQUESTS
        )
        with session.begin_nested():  # a refusal undoes everything but the counted attempt
            account = accounts.create(
                session,
                data=AccountCreate.model_validate(data),
                hasher=hasher,
                mailer=mailer,
                language=viewer.lang,
            )
    except TooManyRequests as exc:
        errors = FieldErrors({"form": [Message(N_("Too many requests; try again later."))]})
        status, headers = 429, exc.headers
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
    except Conflict:
        errors = FieldErrors({"email": [Message(EMAIL_TAKEN)]})
    except Invalid as exc:
        errors = FieldErrors.from_invalid(exc, fallback="form")
    else:
        _start_session(viewer, session, settings, account, client)
        return redirect(viewer, next_url)
    return _register_form(
        viewer,
        session,
        values=values,
        errors=errors,
        next_url=next_url,
        status=status,
        invitation=invitation,
        headers=headers,
    )


def _login_form(
    viewer: Viewer,
    *,
    email: str,
    errors: FieldErrors,
    next_url: str,
    status: int,
    headers: dict[str, str] | None = None,
    reset: bool = False,
) -> Response:
    return render(
        viewer,
        "login.html",
        status=status,
        headers=headers,
        email=email,
        errors=errors,
        next_url=next_url,
        reset=reset,
    )


@router.get("/login")
def login_page(viewer: CurrentViewer, next: str = "/", reset: bool = False) -> Response:
    return _login_form(
        viewer, email="", errors=FieldErrors(), next_url=local_path(next), status=200, reset=reset
    )


@router.post("/login")
def login(
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
    client: ClientAddress,
) -> Response:
    email = text(form, "email")
    password = password_of(form)
    next_url = local_path(text(form, "next"))
    errors = FieldErrors()
    if not email:
        errors.add("email", Message(N_("This field is required.")))
    if not password:
        errors.add("password", Message(N_("This field is required.")))
    if errors:
        return _login_form(viewer, email=email, errors=errors, next_url=next_url, status=422)
    limits = sign_in_limits(settings)
    try:
        accounts.check_throttle(session, email=email, client=client, limits=limits)
    except TooManyRequests as exc:
        errors.add("form", Message(N_("Too many failed sign-in attempts; try again later.")))
        return _login_form(
            viewer, email=email, errors=errors, next_url=next_url, status=429, headers=exc.headers
        )
    account = accounts.authenticate(session, email=email, password=password, hasher=hasher)
    if account is None:
        # Returned, not raised, so that the failure is committed and counts for throttling.
        accounts.record_failure(session, email=email, client=client, limits=limits)
        errors.add("form", Message(N_("Wrong email or password.")))
        return _login_form(viewer, email=email, errors=errors, next_url=next_url, status=401)
    _start_session(viewer, session, settings, account, client)
    return redirect(viewer, next_url)


@router.post("/logout")
def logout(
    request: Request, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and viewer.signed_in:
        accounts.revoke(session, token)
    sign_out(viewer)
    return redirect(viewer, "/")


@router.post("/lang")
def choose_language(
    viewer: CurrentViewer, form: CheckedForm, session: SessionDep, hasher: Hasher
) -> Response:
    switch_language(viewer, session, hasher, text(form, "lang"))
    return redirect(viewer, local_path(text(form, "next")))
