"""The method agreement as the pages show it (templates/_agreement.html): which topics are in
the top under every scoring method, which only under some and under which, each beside its
P(top N) from the stability report, and how closely the methods agree on the whole order."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.consultations.models import Consultation
from app.results import service as results
from app.results.schemas import MethodPublic, Stability

DRAWS = 200  # the API's default: enough to tell a safe topic from a coin flip


@dataclass(frozen=True)
class TopicLine:
    id: int
    title: str
    p_top: float | None  # under the page's method
    methods: list[MethodPublic]  # under which it is in the top (only for the doubtful)


@dataclass(frozen=True)
class MethodPair:
    tau: float
    first: MethodPublic
    second: MethodPublic


@dataclass(frozen=True)
class AgreementView:
    top: int
    methods: list[MethodPublic]
    method: MethodPublic  # the page's method, whose P(top N) is shown
    draws: int
    robust: list[TopicLine]
    doubtful: list[TopicLine]
    least_alike: MethodPair | None  # the two methods whose orders differ most
    kendall_tau: dict[str, dict[str, float | None]]


def agreement_view(
    session: Session,
    consultation: Consultation,
    *,
    method: str,
    top: int | None = None,
    stability: Stability | None = None,
    max_age: float = 0.0,
) -> AgreementView | None:
    """At the cut line `top` (default `agenda_size`); None while nobody has rated. The page's
    `stability` report for `method` is reused if it was computed for the same `top`."""
    found = results.agreement(session, consultation, top=top, max_age=max_age)
    if not found.participants:
        return None
    if stability is None or (stability.method, stability.top) != (method, found.top):
        stability = results.stability(
            session,
            consultation,
            method=method,
            top=found.top,
            draws=DRAWS,
            seed=0,
            max_age=max_age,
        )
    p_top = {e.topic.id: e.p_top for e in stability.entries}
    titles = {d.topic_id: d.title for d in found.in_some}
    titles.update((e.topic.id, e.topic.title) for e in stability.entries)
    by_name = {m.name: m for m in results.methods()}
    pairs = [
        MethodPair(tau, by_name[first], by_name[second])
        for i, first in enumerate(found.methods)
        for second in found.methods[i + 1 :]
        if (tau := found.kendall_tau[first][second]) is not None
    ]
    return AgreementView(
        top=found.top,
        methods=[by_name[m] for m in found.methods],
        method=by_name[method],
        draws=stability.draws,
        robust=[TopicLine(t, titles[t], p_top.get(t), []) for t in found.in_all],
        doubtful=[
            TopicLine(d.topic_id, d.title, p_top.get(d.topic_id), [by_name[m] for m in d.methods])
            for d in found.in_some
        ],
        least_alike=min(pairs, key=lambda pair: pair.tau, default=None),
        kendall_tau=found.kendall_tau,
    )
