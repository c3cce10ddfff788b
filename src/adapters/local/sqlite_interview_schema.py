"""The SQLite interview repository's tables, their migrations and column lists."""

from __future__ import annotations

SCHEMA_VERSION = 5

INTERVIEW_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS interviews (
        id TEXT PRIMARY KEY,
        video_path TEXT NOT NULL,
        user_id TEXT,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at TEXT,
        error_code TEXT,
        error_message TEXT,
        question_count INTEGER,
        created_at TEXT,
        updated_at TEXT,
        generation INTEGER NOT NULL DEFAULT 0,
        throttled_since TEXT,
        questions_left_out INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS questions (
        interview_id TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        context TEXT NOT NULL,
        question_context TEXT NOT NULL,
        "global" INTEGER NOT NULL,
        start_time REAL,
        end_time REAL,
        user_id TEXT,
        created_at TEXT,
        updated_at TEXT,
        PRIMARY KEY (interview_id, id)
    )""",
    "CREATE INDEX IF NOT EXISTS questions_by_position ON questions (interview_id, position)",
)
INTERVIEW_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # version 1 -> 2: the upstream's field names, and question timestamps
    1: (
        "ALTER TABLE interviews RENAME COLUMN video_key TO video_path",
        'ALTER TABLE questions RENAME COLUMN is_global TO "global"',
        "ALTER TABLE questions ADD COLUMN created_at TEXT",
        "ALTER TABLE questions ADD COLUMN updated_at TEXT",
    ),
    # version 2 -> 3: the interview's generation
    2: ("ALTER TABLE interviews ADD COLUMN generation INTEGER NOT NULL DEFAULT 0",),
    # version 3 -> 4: when an interview's throttle patience started
    3: ("ALTER TABLE interviews ADD COLUMN throttled_since TEXT",),
    # version 4 -> 5: how many questions a model limit kept out
    4: ("ALTER TABLE interviews ADD COLUMN questions_left_out INTEGER",),
}

INTERVIEW_COLUMNS = (
    "id, video_path, user_id, state, attempts, lease_owner, lease_expires_at, error_code,"
    " error_message, question_count, created_at, updated_at, generation, throttled_since,"
    " questions_left_out"
)
QUESTION_COLUMNS = (
    'id, interview_id, position, question, answer, context, question_context, "global",'
    " start_time, end_time, user_id, created_at, updated_at"
)
UPSERT_INTERVIEW = (
    f"INSERT INTO interviews ({INTERVIEW_COLUMNS}) VALUES ({', '.join('?' * 15)})"
    " ON CONFLICT (id) DO UPDATE SET video_path = excluded.video_path,"
    " user_id = excluded.user_id, state = excluded.state, attempts = excluded.attempts,"
    " lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at,"
    " error_code = excluded.error_code, error_message = excluded.error_message,"
    " question_count = excluded.question_count, created_at = excluded.created_at,"
    " updated_at = excluded.updated_at, generation = excluded.generation,"
    " throttled_since = excluded.throttled_since, questions_left_out = excluded.questions_left_out"
)
