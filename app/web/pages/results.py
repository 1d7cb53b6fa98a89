"""Results: the ranking by any method as a chart and a table, each topic's ratings folded
away, the method chosen in a compact form with its explanation on demand."""

from fastapi import Response

from app.consultations import service as consultations
from app.deps import SessionDep, SettingsDep
from app.results import service as results
from app.translations import text_in
from app.web.agreement import agreement_view
from app.web.charts import bar_chart
from app.web.i18n import N_
from app.web.pages.common import consultation_for, not_yet, page_router, render_consultation, tabs
from app.web.pages.consultation import scale
from app.web.visitors import CurrentViewer

router = page_router()


@router.get("/c/{slug}/results")
def results_page(
    slug: str,
    viewer: CurrentViewer,
    session: SessionDep,
    settings: SettingsDep,
    method: str | None = None,
) -> Response:
    access = consultation_for(session, slug, viewer)
    consultation = access.consultation
    if not tabs(access).results:  # the same rule as its tab
        return not_yet(
            viewer,
            access,
            current="results",
            heading=N_("Results"),
            message=N_("The results are published when the consultation closes."),
        )
    name = results.method_or_default(consultation, method or None)
    ranking = results.ranking(
        session,
        consultation,
        method=name,
        max_age=settings.live_results_max_age_seconds,
    )
    topics = {t.id: t for t in consultations.list_topics(session, consultation)}
    titles = {i: text_in(t.title, "title", t.translations, viewer.lang) for i, t in topics.items()}
    return render_consultation(
        viewer,
        access,
        "results.html",
        topics=topics,
        ranking=ranking,
        chart=bar_chart(name, consultation, ranking.entries, viewer.lang, titles),
        methods=results.methods(),
        method=name,
        levels=scale(consultation, viewer.lang),
        ballots_published=results.ballots_published(consultation),
        agreement=agreement_view(
            session, consultation, method=name, max_age=settings.live_results_max_age_seconds
        ),
    )
