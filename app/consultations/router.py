from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.auth.dependencies import AdminAccount, OptionalCaller
from app.auth.scopes import FULL
from app.consultations import lifecycle, service
from app.consultations.dependencies import (
    AdministeredConsultation,
    ManagedConsultation,
    VisibleConsultation,
)
from app.consultations.models import Consultation
from app.consultations.schemas import (
    ConsultationCreate,
    ConsultationPublic,
    ConsultationUpdate,
    TopicCreate,
    TopicPublic,
    TopicUpdate,
)
from app.deps import ContentLanguage, PageWindow, PathId, SecretDep, SessionDep
from app.errors import Unauthorized
from app.openapi import problems
from app.pagination import Page

router = APIRouter(prefix="/consultations", tags=["consultations"])
topics_router = APIRouter(prefix="/consultations/{slug}/topics", tags=["topics"])


def _public(
    session: SessionDep, consultation: Consultation, lang: str | None = None
) -> ConsultationPublic:
    return ConsultationPublic.build(
        consultation, service.counts(session, [consultation.id])[consultation.id], lang
    )


@router.get("", responses=problems(401, 422))
def list_consultations(
    session: SessionDep,
    caller: OptionalCaller,
    page: PageWindow,
    lang: ContentLanguage,
) -> Page[ConsultationPublic]:
    """Consultations, newest edition first. Drafts only for admins and their committee."""
    rows, total = service.list_visible(
        session,
        account=caller.account if caller else None,
        grant=caller.grant if caller else FULL,
        limit=page.limit,
        offset=page.offset,
    )
    counts = service.counts(session, [c.id for c in rows])
    items = [ConsultationPublic.build(c, counts[c.id], lang) for c in rows]
    return Page(items=items, total=total)


@router.post("", status_code=201, responses=problems(400, 401, 403, 409, 413, 422))
def create_consultation(
    data: ConsultationCreate, session: SessionDep, admin: AdminAccount, lang: ContentLanguage
) -> ConsultationPublic:
    """Create a consultation in `draft`, optionally starting from an earlier edition's topics."""
    return _public(session, service.create(session, data=data, actor=admin), lang)


@router.get("/{slug}", responses=problems(401, 403, 404, 422))
def read_consultation(
    access: VisibleConsultation, session: SessionDep, lang: ContentLanguage
) -> ConsultationPublic:
    """A consultation with its state and counts of topics, participants and ratings; with
    Accept-Language, its texts in that language where translated."""
    return _public(session, access.consultation, lang)


@router.patch("/{slug}", responses=problems(400, 401, 403, 404, 409, 413, 422))
def update_consultation(
    data: ConsultationUpdate,
    access: AdministeredConsultation,
    session: SessionDep,
    lang: ContentLanguage,
) -> ConsultationPublic:
    """Change settings: the rules only while `draft`, descriptive fields (and translations)
    until finalized."""
    service.update(session, consultation=access.consultation, data=data, actor=access.actor)
    return _public(session, access.consultation, lang)


def _lifecycle_endpoint(move: lifecycle.Move) -> None:
    def endpoint(
        access: AdministeredConsultation, session: SessionDep, lang: ContentLanguage
    ) -> ConsultationPublic:
        service.move(session, consultation=access.consultation, move=move, actor=access.actor)
        return _public(session, access.consultation, lang)

    endpoint.__doc__ = (
        f"Lifecycle move `{move.value}`; any move the lifecycle does not allow is 409."
    )
    router.add_api_route(
        f"/{{slug}}/{move.value}",
        endpoint,
        methods=["POST"],
        name=f"{move.value}_consultation",
        responses=problems(401, 403, 404, 409, 422),
    )


for _move in (lifecycle.Move.open, lifecycle.Move.close, lifecycle.Move.reopen):
    _lifecycle_endpoint(_move)


@router.post("/{slug}/proposals/open", responses=problems(401, 403, 404, 409, 422))
def open_proposals(access: AdministeredConsultation, session: SessionDep) -> ConsultationPublic:
    """Open the call for topics (`draft` → `proposals`): participants propose topics until the
    consultation opens for rating. Any other state is 409."""
    service.move(
        session,
        consultation=access.consultation,
        move=lifecycle.Move.open_proposals,
        actor=access.actor,
    )
    return _public(session, access.consultation)


@topics_router.get("", responses=problems(401, 403, 404, 422))
def list_topics(
    access: VisibleConsultation,
    session: SessionDep,
    secret: SecretDep,
    page: PageWindow,
    lang: ContentLanguage,
    order: Annotated[Literal["position", "shuffled"], Query()] = "position",
) -> Page[TopicPublic]:
    """Candidate topics. `order=shuffled` gives the signed-in participant their own stable
    random order, so that list position does not bias ratings."""
    topics = service.list_topics(session, access.consultation)
    if order == "shuffled":
        if access.account is None:
            raise Unauthorized("Sign in to get your own order of topics.")
        topics = service.shuffled(topics, secret=secret, account_id=access.account.id)
    items = topics[page.offset : page.offset + page.limit]
    shown = service.topics_public(session, access.consultation, items, lang)
    return Page(items=shown, total=len(topics))


@topics_router.post("", status_code=201, responses=problems(400, 401, 403, 404, 409, 413, 422))
def add_topic(
    data: TopicCreate, access: ManagedConsultation, session: SessionDep, lang: ContentLanguage
) -> TopicPublic:
    """Add a candidate topic (while `draft` only)."""
    topic = service.add_topic(
        session, consultation=access.consultation, data=data, actor=access.actor
    )
    return service.topics_public(session, access.consultation, [topic], lang)[0]


@topics_router.patch("/{id}", responses=problems(400, 401, 403, 404, 409, 413, 422))
def update_topic(
    id: PathId,
    data: TopicUpdate,
    access: ManagedConsultation,
    session: SessionDep,
    lang: ContentLanguage,
) -> TopicPublic:
    """Edit a candidate topic (while `draft` only)."""
    topic = service.get_topic(session, access.consultation, id)
    service.update_topic(
        session, consultation=access.consultation, topic=topic, data=data, actor=access.actor
    )
    return service.topics_public(session, access.consultation, [topic], lang)[0]


@topics_router.delete("/{id}", status_code=204, responses=problems(401, 403, 404, 409, 422))
def delete_topic(id: PathId, access: ManagedConsultation, session: SessionDep) -> Response:
    """Remove a candidate topic (while `draft` only)."""
    topic = service.get_topic(session, access.consultation, id)
    service.delete_topic(session, consultation=access.consultation, topic=topic, actor=access.actor)
    return Response(status_code=204)
