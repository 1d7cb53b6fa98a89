from fastapi import Response

from app.consultations import service as consultations
from app.deps import SessionDep
from app.vocabulary import ConsultationState
from app.web.pages.common import form_address, page_router
from app.web.rendering import render
from app.web.visitors import CurrentViewer

router = page_router()
SECTIONS = (
    ConsultationState.proposals,
    ConsultationState.open,
    ConsultationState.closed,
    ConsultationState.finalized,
    ConsultationState.draft,
)


@router.get("/")
def home(viewer: CurrentViewer, session: SessionDep) -> Response:
    rows, _ = consultations.list_visible(session, account=viewer.account, limit=500, offset=0)
    counts = consultations.counts(session, [c.id for c in rows])
    sections = {state.value: [c for c in rows if c.state == state.value] for state in SECTIONS}
    return render(viewer, "home.html", sections=sections, counts=counts)


@router.get("/help/receipt")
def receipt_help(viewer: CurrentViewer) -> Response:
    return render(viewer, "receipt.html")


# Sign-out and the language switch are buttons on every page: a GET there goes home.
form_address(router, "/logout", lambda: "/")
form_address(router, "/lang", lambda: "/")
