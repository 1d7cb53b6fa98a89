"""The consultation page: its description and, while it is open, the participant's ballot in
their own order of topics, saved in one form post that replaces the whole ballot."""

from typing import Any

from fastapi import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.auth.dependencies import Hasher
from app.ballots import service as ballots
from app.ballots.schemas import BallotPublic, RatingIn
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.dependencies import Access
from app.consultations.models import Consultation, Topic
from app.deps import SecretDep, SessionDep
from app.errors import Invalid
from app.translations import text_in
from app.web.forms import FieldErrors, Message, said
from app.web.i18n import N_, scale_labels
from app.web.pages.accounts import switch_language
from app.web.pages.common import (
    consultation_for,
    form_address,
    page_router,
    render_consultation,
)
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()
PREFIX = "topic-"


def scale(consultation: Consultation, lang: str) -> list[tuple[int, str]]:
    """Each level with its label as shown in `lang` (the level itself when the scale has no
    labels)."""
    levels = range(consultation.scale_min, consultation.scale_max + 1)
    own = text_in(consultation.scale_labels, "scale_labels", consultation.translations, lang)
    names = scale_labels(own, lang) or [str(level) for level in levels]
    return list(zip(levels, names, strict=True))


def _page(
    viewer: Viewer,
    session: Session,
    access: Access,
    secret: str,
    *,
    chosen: dict[int, str] | None = None,
    errors: FieldErrors | None = None,
    saved: bool = False,
    switched: bool = False,
    status: int = 200,
) -> Response:
    consultation = access.consultation
    accepting = lifecycle.accepts_ballots(consultation.state)
    refused = None
    if accepting and viewer.account is not None:
        refused = ballots.why_not_now(consultation, viewer.account)
    extra: dict[str, Any] = {}
    if accepting and viewer.account is not None and refused is None:
        extra["switch_form"] = ("ballot-form", f"/c/{consultation.slug}/ballot")  # carries it
    topics = consultations.list_topics(session, consultation)
    ballot: BallotPublic | None = None
    if viewer.account is not None:
        topics = consultations.shuffled(topics, secret=secret, account_id=viewer.account.id)
        ballot = ballots.read(
            session, consultation=consultation, account=viewer.account, secret=secret
        )
    stored = {r.topic_id: str(r.score) for r in ballot.ratings} if ballot else {}
    return render_consultation(
        viewer,
        access,
        "consultation.html",
        status=status,
        counts=consultations.counts(session, [consultation.id])[consultation.id],
        topics=topics,
        titles={t.id: text_in(t.title, "title", t.translations, viewer.lang) for t in topics},
        ballot=ballot,
        chosen=stored if chosen is None else chosen,
        levels=scale(consultation, viewer.lang),
        label_of=dict(scale(consultation, viewer.lang)),
        errors=errors,
        saved=saved,
        switched=switched,
        accepting=accepting,
        refused=refused,
        rated=len(stored),
        **extra,
    )


@router.get("/c/{slug}")
def consultation_page(
    slug: str, viewer: CurrentViewer, session: SessionDep, secret: SecretDep, saved: int = 0
) -> Response:
    access = consultation_for(session, slug, viewer)
    return _page(viewer, session, access, secret, saved=bool(saved) and viewer.signed_in)


def _ratings(
    form: FormData, topics: list[Topic]
) -> tuple[list[RatingIn], dict[int, str], FieldErrors]:
    """The ratings chosen in the form, in the participant's order; "" is "not rated"."""
    ratings: list[RatingIn] = []
    chosen: dict[int, str] = {}
    errors = FieldErrors()
    for topic in topics:
        value = form.get(f"{PREFIX}{topic.id}", "")
        if not isinstance(value, str) or not value.strip():
            continue
        chosen[topic.id] = value.strip()
        try:
            ratings.append(RatingIn(topic_id=topic.id, score=int(value)))
        except ValueError:
            errors.add(f"{PREFIX}{topic.id}", Message(N_("Choose one of the options.")))
    return ratings, chosen, errors


@router.post("/c/{slug}/ballot")
def save_ballot(
    slug: str,
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    secret: SecretDep,
    hasher: Hasher,
) -> Response:
    access = consultation_for(session, slug, viewer)
    account = access.actor  # anonymous: Unauthorized, i.e. the sign-in page
    topics = consultations.list_topics(session, access.consultation)
    ratings, chosen, errors = _ratings(form, topics)
    if form.get("lang") is not None:
        # The header's language switch, posting this form: the page again in the chosen
        # language with the choices as they were, nothing saved.
        switch_language(viewer, session, hasher, text(form, "lang"))
        return _page(viewer, session, access, secret, chosen=chosen, switched=True)
    if not errors:
        try:
            ballots.replace(
                session,
                consultation=access.consultation,
                account=account,
                ratings=ratings,
                secret=secret,
            )
        except Invalid as exc:
            errors = _ballot_errors(exc, ratings)
    if errors:  # the service validates the whole ballot before writing: nothing changed
        return _page(viewer, session, access, secret, chosen=chosen, errors=errors, status=422)
    return redirect(viewer, f"/c/{slug}?saved=1#ballot")


form_address(router, "/c/{slug}/ballot", lambda slug: f"/c/{slug}#ballot")


def _ballot_errors(exc: Invalid, ratings: list[RatingIn]) -> FieldErrors:
    """The service names the bad rating by its index in the ballot; the form, by topic."""
    errors = FieldErrors()
    for error in exc.extensions.get("errors", []):
        loc = list(error.get("loc", ()))
        index = loc[2] if len(loc) > 2 and isinstance(loc[2], int) else None
        key = f"{PREFIX}{ratings[index].topic_id}" if index is not None else "ballot"
        errors.add(key, said(str(error.get("msg", exc.detail))))
    return errors or FieldErrors({"ballot": [said(exc.detail)]})
