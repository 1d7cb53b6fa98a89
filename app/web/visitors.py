"""Who is looking at a page: the signed-in account from the session cookie, the language and
the CSRF token that every form carries.

The session cookie holds an API access token (auth.service.issue_token), so pages and the API
share one sign-in, one lifetime and one revocation. The CSRF token is an HMAC, keyed by the
app secret, of a random per-browser nonce (its own cookie) and the session token: a page from
another site can neither read nor compute it, and signing in or out changes it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from app.auth import service as accounts
from app.auth.models import Account
from app.deps import SecretDep, SessionDep, SettingsDep
from app.errors import Forbidden, Unauthorized
from app.web.i18n import request_language

SESSION_COOKIE = "consulta_session"
NONCE_COOKIE = "consulta_csrf"
FLASH_COOKIE = "consulta_flash"
FLASH_SECONDS = 120
CSRF_FIELD = "csrf_token"


def csrf_token(secret: str, nonce: str, session_token: str | None) -> str:
    message = f"csrf:{nonce}:{session_token or ''}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Viewer:
    account: Account | None
    lang: str
    csrf: str
    path: str
    secure: bool
    # Cookies to set or clear on whatever response the page ends with.
    cookies: dict[str, tuple[str, int] | None] = field(default_factory=dict)
    nonce_known: bool = True
    # The key of a success message left by the redirect that led here (app.web.labels).
    flash: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.account is not None

    def holder(self) -> Account:
        """The signed-in account, for a page that is someone's own (401 otherwise: the error
        page offers to sign in)."""
        if self.account is None:
            raise Unauthorized()
        return self.account

    def admin(self, detail: str = "Only an administrator can do this.") -> Account:
        """The signed-in administrator, for an administrator's page."""
        account = self.holder()
        if not account.is_admin:
            raise Forbidden(detail)
        return account

    def apply_cookies(self, response: Response) -> Response:
        for name, value in self.cookies.items():
            if value is None:
                response.delete_cookie(name, httponly=True, samesite="lax", secure=self.secure)
            else:
                content, max_age = value
                response.set_cookie(
                    name,
                    content,
                    max_age=max_age,
                    httponly=True,
                    samesite="lax",
                    secure=self.secure,
                )
        return response


def _viewer(
    request: Request, session: SessionDep, settings: SettingsDep, secret: SecretDep
) -> Viewer:
    secure = request.url.scheme == "https"
    lifetime = settings.token_lifetime_minutes * 60
    cookies: dict[str, tuple[str, int] | None] = {}
    token = request.cookies.get(SESSION_COOKIE)
    account = accounts.account_for_token(session, token) if token else None
    if token and account is None:  # expired or revoked: carry on as anonymous
        cookies[SESSION_COOKIE] = None
        token = None
    if account is not None:
        request.state.account_id = account.id  # for the access log
    nonce = request.cookies.get(NONCE_COOKIE, "")
    nonce_known = len(nonce) >= 32
    if not nonce_known:
        nonce = secrets.token_urlsafe(32)
        cookies[NONCE_COOKIE] = (nonce, lifetime)
    viewer = Viewer(
        account=account,
        lang=request_language(request),
        csrf=csrf_token(secret, nonce, token),
        path=request.url.path,
        secure=secure,
        cookies=cookies,
        nonce_known=nonce_known,
        flash=request.cookies.get(FLASH_COOKIE),
    )
    request.state.viewer = viewer  # the error pages use it
    return viewer


CurrentViewer = Annotated[Viewer, Depends(_viewer)]


def sign_in(viewer: Viewer, token: str, max_age: int) -> None:
    viewer.cookies[SESSION_COOKIE] = (token, max_age)


def sign_out(viewer: Viewer) -> None:
    viewer.cookies[SESSION_COOKIE] = None


def leave_flash(viewer: Viewer, key: str) -> None:
    """A success message for the next page shown (it is cleared once shown)."""
    viewer.cookies[FLASH_COOKIE] = (key, FLASH_SECONDS)


async def _checked_form(request: Request, viewer: CurrentViewer) -> FormData:
    """The posted form, refused (403, nothing changed) unless it carries this browser's CSRF
    token."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not (
        viewer.nonce_known and isinstance(sent, str) and hmac.compare_digest(sent, viewer.csrf)
    ):
        raise Forbidden(
            "This form has expired or did not come from this site. Reload the page and retry."
        )
    return form


CheckedForm = Annotated[FormData, Depends(_checked_form)]


def text(form: FormData, name: str) -> str:
    """A field's text, stripped, with the CRLF line breaks browsers send made plain newlines
    (the API's multi-line fields allow only newline and tab)."""
    value: Any = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def ticked(form: FormData, name: str) -> list[str]:
    """The values of the boxes ticked among the checkboxes called `name`."""
    return [value for value in form.getlist(name) if isinstance(value, str)]


def password_of(form: FormData) -> str:
    """The password field as typed: unlike text(), neither stripped nor its line breaks
    changed."""
    value = form.get("password")
    return value if isinstance(value, str) else ""
