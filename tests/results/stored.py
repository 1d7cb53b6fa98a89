"""Ratings arranged straight in the database (as an import would store them), for results tests
that need more participants than it is sensible to register one by one."""

import random
from collections.abc import Sequence

from fastapi import FastAPI
from sqlalchemy import insert, select

from app.db import transaction
from app.models import Consultation, Participant, Rating, Topic
from app.results import tally
from app.scoring import Rating as Row

GROUPS = ("government", "private_sector", "civil_society", "technical_community", "academia")


def random_ballots(
    seed: int, topic_ids: Sequence[int], participants: int, lo: int = 1, hi: int = 5
) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []
    for p in range(participants):
        group = rng.choices(GROUPS, weights=(5, 3, 8, 4, 1))[0]
        rated = [t for t in topic_ids if rng.random() < 0.75] or [topic_ids[0]]
        bias = rng.randint(-1, 1)
        for topic in rated:
            rows.append(
                (f"k{seed}-{p:05d}", group, topic, min(hi, max(lo, rng.randint(lo, hi) + bias)))
            )
    return rows


def store(app: FastAPI, slug: str, rows: Sequence[Row]) -> None:
    with transaction(app.state.sessions, write=True) as session:
        consultation = session.scalar(select(Consultation).where(Consultation.slug == slug))
        assert consultation is not None
        ids: dict[str, int] = {}
        for key, group, _, _ in rows:
            if key not in ids:
                participant = Participant(
                    consultation_id=consultation.id, stakeholder_group=group, ballot_key=key
                )
                session.add(participant)
                session.flush()
                ids[key] = participant.id
        session.execute(
            insert(Rating),
            [
                {
                    "participant_id": ids[k],
                    "topic_id": t,
                    "consultation_id": consultation.id,
                    "stakeholder_group": g,
                    "score": s,
                }
                for k, g, t, s in rows
            ],
        )
        tally.bump(session, consultation.id)


def topic_ids(app: FastAPI, slug: str) -> list[int]:
    with app.state.sessions() as session:
        return list(
            session.scalars(
                select(Topic.id)
                .join(Consultation)
                .where(Consultation.slug == slug)
                .order_by(Topic.position)
            )
        )
