"""The baseline: a no-op FastAPI endpoint with the same shape as `PUT /ballot/{topic_id}`
(path parameter, JSON body validated by the same model), served by uvicorn in the same mode."""

from fastapi import FastAPI

from app.ballots.schemas import Score

app = FastAPI()


@app.put("/noop/{topic_id}")
def noop(topic_id: int, data: Score) -> dict[str, int]:
    return {"topic_id": topic_id, "score": data.score}
