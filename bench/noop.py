"""The baselines: no-op FastAPI endpoints with the same shapes as `PUT /ballot/{topic_id}` and
`PUT /ballot` (path parameter, JSON body validated by the same models), served by uvicorn in
the same mode."""

from fastapi import FastAPI

from app.ballots.schemas import BallotIn, Score

app = FastAPI()


@app.put("/noop/{topic_id}")
def noop(topic_id: int, data: Score) -> dict[str, int]:
    return {"topic_id": topic_id, "score": data.score}


@app.put("/noop")
def noop_ballot(data: BallotIn) -> dict[str, int]:
    return {"ratings": len(data.ratings)}
