"""The ballot write's SQL, written once. The grouped writer (app.ballots.writer) runs these
statements on the driver itself; the general path (app.ballots.service) and the import
(app.ballots.imports) run the same text through SQLAlchemy, so every path stores a ballot the
same way. Parameters are `:name` (app.db.driver_sql adapts them for psycopg); `:now` is a
timestamp as app.db.bound_time hands it to the driver. The tally bump that every write ends
with is app.results.tally.BUMP."""

# The participant row is created at the first rating (which fixes the group) and counts every
# ballot write; the upsert also locks it, so one participant's writes never interleave. It is
# active while it has at least one rating.
JOIN = """
INSERT INTO participants
    (consultation_id, account_id, stakeholder_group, ballot_key, ballot_writes, active, created_at)
VALUES (:consultation_id, :account_id, :stakeholder_group, :ballot_key, 1, :active, :now)
ON CONFLICT (consultation_id, account_id)
DO UPDATE SET ballot_writes = participants.ballot_writes + 1, active = :active
RETURNING id, stakeholder_group, ballot_key
"""

# A withdrawal counts as a write too, and leaves the participant active while any rating stays.
COUNT_WRITE = """
UPDATE participants SET ballot_writes = ballot_writes + 1
WHERE consultation_id = :consultation_id AND account_id = :account_id
RETURNING id
"""
REFRESH_ACTIVE = """
UPDATE participants
SET active = EXISTS (SELECT 1 FROM ratings WHERE ratings.participant_id = participants.id)
WHERE id = :participant_id
"""

_RATING_COLUMNS = (
    "(participant_id, topic_id, consultation_id, stakeholder_group, score, updated_at)"
)
_ON_RATING = """
ON CONFLICT (participant_id, topic_id)
DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
"""
RATE = f"""
INSERT INTO ratings {_RATING_COLUMNS}
VALUES (:participant_id, :topic_id, :consultation_id, :stakeholder_group, :score, :now)
{_ON_RATING}"""  # noqa: S608
# PostgreSQL: a whole group's ratings as one statement over arrays.
RATE_ARRAYS = f"""
INSERT INTO ratings {_RATING_COLUMNS}
SELECT r.participant_id, r.topic_id, r.consultation_id, r.stakeholder_group, r.score, :now
FROM unnest(
    CAST(:participant_id AS integer[]), CAST(:topic_id AS integer[]),
    CAST(:consultation_id AS integer[]), CAST(:stakeholder_group AS text[]),
    CAST(:score AS integer[])
) AS r(participant_id, topic_id, consultation_id, stakeholder_group, score)
{_ON_RATING}"""  # noqa: S608
# PostgreSQL: an import's ratings, COPYed into a temporary table first.
IMPORT_TABLE = "import_ratings"
CREATE_IMPORT_TABLE = f"""
CREATE TEMP TABLE {IMPORT_TABLE} (participant_id int, topic_id int, consultation_id int,
    stakeholder_group varchar(32), score int, updated_at timestamptz) ON COMMIT DROP
"""
RATE_FROM_IMPORT = f"""
INSERT INTO ratings {_RATING_COLUMNS}
SELECT * FROM {IMPORT_TABLE}
{_ON_RATING}"""  # noqa: S608

UNRATE = "DELETE FROM ratings WHERE participant_id = :participant_id AND topic_id = :topic_id"
