"""The candidate topics: added, edited, reordered and deleted while the consultation is a
draft, through the API's services and schemas (TopicCreate, TopicUpdate)."""

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.dependencies import Access
from app.consultations.models import Consultation, Topic
from app.consultations.schemas import TopicCreate, TopicUpdate
from app.deps import PathId, SessionDep
from app.errors import Duplicate
from app.translations import TOPIC_FIELDS
from app.web.forms import FieldErrors, Message
from app.web.i18n import LANGUAGES, N_
from app.web.pages.common import (
    form_address,
    managed_for,
    moved,
    other_languages,
    page_router,
    render_consultation,
    submitted_texts,
    translation_values,
    translations_payload,
)
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()
TAKEN = N_("Another topic already has this title.")


def missing_translations(consultation: Consultation, topics: list[Topic]) -> dict[int, list[str]]:
    """For each topic, the languages its title has no translation in."""
    return {
        t.id: [
            lang
            for lang in other_languages(consultation)
            if not (t.translations or {}).get(lang, {}).get("title")
        ]
        for t in topics
    }


def _list(
    viewer: Viewer,
    session: Session,
    access: Access,
    *,
    values: dict[str, str] | None = None,
    errors: FieldErrors | None = None,
    status: int = 200,
) -> Response:
    consultation = access.consultation
    topics = consultations.list_topics(session, consultation)
    return render_consultation(
        viewer,
        access,
        "topics.html",
        status=status,
        topics=topics,
        origins=consultations.topic_origins(session, topics),
        missing={
            topic_id: ", ".join(LANGUAGES[lang] for lang in langs)
            for topic_id, langs in missing_translations(consultation, topics).items()
        },
        editable=lifecycle.topics_editable(consultation.state),
        values=values or {"title": "", "description": ""},
        errors=errors,
    )


def _fields(title: str, description: str) -> dict[str, str | None]:
    return {"title": title, "description": description or None}


@router.get("/c/{slug}/topics")
def topics_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    return _list(viewer, session, managed_for(session, slug, viewer))


@router.post("/c/{slug}/topics")
def add_topic(slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep) -> Response:
    access = managed_for(session, slug, viewer)
    values = {"title": text(form, "title"), "description": text(form, "description")}
    errors = FieldErrors()
    try:
        data = TopicCreate.model_validate(_fields(**values))
        consultations.add_topic(
            session, consultation=access.consultation, data=data, actor=access.actor
        )
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
    except Duplicate:
        errors.add("title", Message(TAKEN))
    if errors:
        return _list(viewer, session, access, values=values, errors=errors, status=422)
    return redirect(viewer, f"/c/{slug}/topics#add", flash="topic-added")


def _editor(
    viewer: Viewer,
    access: Access,
    topic: Topic,
    values: dict[str, str],
    *,
    errors: FieldErrors | None = None,
    status: int = 200,
) -> Response:
    return render_consultation(
        viewer,
        access,
        "topic.html",
        status=status,
        topic=topic,
        values=values,
        others=other_languages(access.consultation),
        errors=errors,
        editable=lifecycle.topics_editable(access.consultation.state),
    )


@router.get("/c/{slug}/topics/{topic_id}")
def topic_page(slug: str, topic_id: PathId, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = managed_for(session, slug, viewer)
    topic = consultations.get_topic(session, access.consultation, topic_id)
    values = {"title": topic.title, "description": topic.description or ""}
    values |= translation_values(access.consultation, topic.translations, TOPIC_FIELDS)
    return _editor(viewer, access, topic, values)


@router.post("/c/{slug}/topics/{topic_id}")
def save_topic(
    slug: str, topic_id: PathId, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    access = managed_for(session, slug, viewer)
    topic = consultations.get_topic(session, access.consultation, topic_id)
    values = submitted_texts(form, access.consultation, TOPIC_FIELDS)
    errors = FieldErrors()
    try:
        data = TopicUpdate.model_validate(
            _fields(values["title"], values["description"])
            | {"translations": translations_payload(values, TOPIC_FIELDS)}
        )
        consultations.update_topic(
            session, consultation=access.consultation, topic=topic, data=data, actor=access.actor
        )
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
    except Duplicate:
        errors.add("title", Message(TAKEN))
    if errors:  # refused before anything was set on the topic
        return _editor(viewer, access, topic, values, errors=errors, status=422)
    return redirect(viewer, f"/c/{slug}/topics#topic-{topic_id}", flash="topic-saved")


@router.post("/c/{slug}/topics/{topic_id}/delete")
def delete_topic(
    slug: str, topic_id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    access = managed_for(session, slug, viewer)
    topic = consultations.get_topic(session, access.consultation, topic_id)
    consultations.delete_topic(
        session, consultation=access.consultation, topic=topic, actor=access.actor
    )
    return redirect(viewer, f"/c/{slug}/topics", flash="topic-deleted")


@router.post("/c/{slug}/topics/{topic_id}/move")
def move_topic(
    slug: str, topic_id: PathId, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    """One place up or down; the first cannot go up nor the last down (nothing changes)."""
    access = managed_for(session, slug, viewer)
    consultations.get_topic(session, access.consultation, topic_id)  # 404 for another's
    order = [t.id for t in consultations.list_topics(session, access.consultation)]
    new = moved(order, topic_id, text(form, "direction"))
    if new is not None:
        consultations.reorder_topics(
            session, consultation=access.consultation, order=new, actor=access.actor
        )
    return redirect(viewer, f"/c/{slug}/topics#topic-{topic_id}", flash="topic-moved")


for _path in ("/c/{slug}/topics/{topic_id}/delete", "/c/{slug}/topics/{topic_id}/move"):
    form_address(router, _path, lambda slug, **_: f"/c/{slug}/topics")
