"""One contract for every StageStore: memory, a local folder and S3 on moto keep, replace,
separate and lose items alike, and read a corrupt item as nothing kept."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import boto3
import pytest
from botocore.config import Config

from adapters.aws.s3_interview_files import S3InterviewFiles
from adapters.aws.s3_stage_store import S3StageStore
from adapters.local.file_stage_store import LocalFileStageStore
from adapters.local.memory_stage_store import InMemoryStageStore
from adapters.stage_items import QUESTIONS_ITEM, TRANSCRIPT_ITEM, item_folder
from interview_core.categories import QuestionCategory
from interview_core.entities import ExtractedQuestion, KeptQuestions, Segment, Transcript, Word
from interview_core.errors import ConfigurationError, StageStoreUnavailable
from interview_core.ports import InterviewFiles, StageStore

BUCKET = "interview-videos"
PREFIX = "transcribe/"
ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"
OTHER = "5e4d3c2b-1a0f-4c8d-9e6a-4f2b9a1e7d3c"

TRANSCRIPT = Transcript(
    segments=(
        Segment(
            "Tell me about a project you led?",
            0.0,
            3.5,
            "spk_0",
            (Word("Tell", 0.0, 0.4, 0.98), Word("me", 0.4, 0.6, None)),
        ),
        Segment("I led the migration.", 3.5, 6.25, None),
    ),
    language="en",
    duration=6.25,
)
FOUND = KeptQuestions(
    questions=(
        ExtractedQuestion(
            question="Tell me about a project you led?",
            answer="I led a migration of our billing system.",
            context="opening",
            question_context=QuestionCategory.BEHAVIORAL,
            is_global=True,
            start_time=0.0,
            end_time=3.5,
            quote="Tell me about a project",
        ),
        ExtractedQuestion(question="Any questions for us?", answer=""),
    ),
    dropped_count=2,
    answered=True,
)


@attrs.define
class Subject:
    """A stage store under test and a way to place raw bytes where it keeps an item."""

    store: StageStore
    files: InterviewFiles
    put_raw: Callable[[str, int, str, bytes], None]
    names: Callable[[], list[str]]


@pytest.fixture(params=["memory", "local", "s3"])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Subject:
    if request.param == "memory":
        memory = InMemoryStageStore()
        return Subject(memory, memory, memory.put_raw, memory.keys)
    if request.param == "local":
        root = tmp_path / "interviews.sqlite3-stages"
        local = LocalFileStageStore(root)

        def put_file(interview_id: str, generation: int, item: str, raw: bytes) -> None:
            path = root / item_folder(interview_id, generation) / item
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)

        def files() -> list[str]:
            found = root.rglob("*") if root.exists() else iter(())
            return sorted(str(p.relative_to(root)) for p in found if p.is_file())

        return Subject(local, local, put_file, files)
    s3 = s3_client(request)
    s3.create_bucket(Bucket=BUCKET)
    store = S3StageStore(s3, BUCKET, PREFIX)

    def put_object(interview_id: str, generation: int, item: str, raw: bytes) -> None:
        s3.put_object(Bucket=BUCKET, Key=store.key(interview_id, generation, item), Body=raw)

    def objects() -> list[str]:
        listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return sorted(o["Key"].removeprefix(PREFIX) for o in listed)

    return Subject(store, S3InterviewFiles(s3, BUCKET, PREFIX), put_object, objects)


def s3_client(request: pytest.FixtureRequest) -> Any:
    endpoint: str = request.getfixturevalue("aws_endpoint")
    session: boto3.Session = request.getfixturevalue("boto_session")
    config: Config = request.getfixturevalue("client_config")
    return session.client("s3", endpoint_url=endpoint, config=config)


def test_nothing_kept_reads_as_none(subject: Subject) -> None:
    assert subject.store.load_transcript(ID, 0) is None
    assert subject.store.load_questions(ID, 0) is None


def test_a_kept_transcript_and_questions_read_back_equal(subject: Subject) -> None:
    subject.store.save_transcript(ID, 0, TRANSCRIPT)
    subject.store.save_questions(ID, 0, FOUND)

    assert subject.store.load_transcript(ID, 0) == TRANSCRIPT
    assert subject.store.load_questions(ID, 0) == FOUND
    assert subject.names() == [
        f"{ID}/g0/{QUESTIONS_ITEM}",
        f"{ID}/g0/{TRANSCRIPT_ITEM}",
    ]


def test_a_second_save_replaces_the_first(subject: Subject) -> None:
    subject.store.save_questions(ID, 0, FOUND)
    unanswered = KeptQuestions(FOUND.questions[:1])

    subject.store.save_questions(ID, 0, unanswered)

    assert subject.store.load_questions(ID, 0) == unanswered


def test_generations_and_interviews_keep_apart(subject: Subject) -> None:
    subject.store.save_transcript(ID, 1, TRANSCRIPT)

    assert subject.store.load_transcript(ID, 0) is None
    assert subject.store.load_transcript(ID, 2) is None
    assert subject.store.load_transcript(OTHER, 1) is None
    assert subject.store.load_transcript(ID, 1) == TRANSCRIPT


def test_discard_loses_both_items_of_that_generation_only(subject: Subject) -> None:
    for generation in (0, 1):
        subject.store.save_transcript(ID, generation, TRANSCRIPT)
        subject.store.save_questions(ID, generation, FOUND)
    subject.store.save_transcript(OTHER, 0, TRANSCRIPT)

    subject.store.discard(ID, 0)
    subject.store.discard(ID, 7)  # nothing kept there: no error

    assert subject.store.load_transcript(ID, 0) is None
    assert subject.store.load_questions(ID, 0) is None
    assert subject.store.load_questions(ID, 1) == FOUND
    assert subject.store.load_transcript(OTHER, 0) == TRANSCRIPT


def test_discard_keeping_the_transcript_loses_only_the_questions(subject: Subject) -> None:
    subject.store.save_transcript(ID, 0, TRANSCRIPT)
    subject.store.save_questions(ID, 0, FOUND)

    subject.store.discard(ID, 0, keep_transcript=True)
    subject.store.discard(ID, 0, keep_transcript=True)  # again: nothing more to remove

    assert subject.store.load_questions(ID, 0) is None
    assert subject.store.load_transcript(ID, 0) == TRANSCRIPT
    assert subject.names() == [f"{ID}/g0/{TRANSCRIPT_ITEM}"]


def test_removing_an_interviews_files_loses_every_generation_of_it_only(
    subject: Subject,
) -> None:
    for generation in (0, 3):
        subject.store.save_transcript(ID, generation, TRANSCRIPT)
        subject.store.save_questions(ID, generation, FOUND)
    subject.store.save_transcript(OTHER, 0, TRANSCRIPT)
    subject.store.save_transcript(f"{ID}x", 0, TRANSCRIPT)  # a name that starts with ID's

    removed = subject.files.remove_files(ID, 3)

    assert sorted(name.removeprefix(PREFIX) for name in removed) == [
        f"{ID}/g{n}/{item}" for n in (0, 3) for item in (QUESTIONS_ITEM, TRANSCRIPT_ITEM)
    ]
    assert (
        subject.store.load_transcript(ID, 3) is None and subject.store.load_questions(ID, 0) is None
    )
    assert subject.store.load_transcript(OTHER, 0) == TRANSCRIPT
    assert subject.store.load_transcript(f"{ID}x", 0) == TRANSCRIPT
    assert subject.files.remove_files(ID, 3) == []  # nothing left: no error
    with pytest.raises(ValueError):
        subject.files.remove_files(ID, -1)


CORRUPT = [
    b"",
    b"not json at all",
    b"\xff\xfe\x00",
    b"[]",
    b'{"segments": [{"start": "0", "end": 1, "text": "x"}]}',
    b'{"format": 1, "questions": [{"question": 3, "answer": ""}]}',
    b'{"format": 99, "questions": []}',
    b'{"format": 1, "dropped_count": -1, "questions": []}',
    b'{"segments": [{"start": 5, "end": 1, "text": "ends before it starts"}]}',
]


@pytest.mark.parametrize("raw", CORRUPT)
def test_a_corrupt_item_reads_as_nothing_kept_and_is_logged(
    subject: Subject, raw: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    subject.put_raw(ID, 0, TRANSCRIPT_ITEM, raw)
    subject.put_raw(ID, 0, QUESTIONS_ITEM, raw)

    with caplog.at_level(logging.WARNING):
        assert subject.store.load_transcript(ID, 0) is None
        assert subject.store.load_questions(ID, 0) is None

    assert sum("cannot be read" in record.getMessage() for record in caplog.records) == 2


def test_a_transcript_with_a_time_that_is_not_finite_is_not_kept(subject: Subject) -> None:
    broken = Transcript(segments=(Segment("x", 0.0, float("nan")),))

    subject.store.save_transcript(ID, 0, broken)

    assert subject.store.load_transcript(ID, 0) is None


HOSTILE_IDS = ["../../etc", "a/b", "..", ".hidden", "x" * 300, "id with spaces", "ünïcode"]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_an_id_unsafe_in_a_key_is_kept_under_a_digest(subject: Subject, hostile: str) -> None:
    subject.store.save_transcript(hostile, 0, TRANSCRIPT)

    assert subject.store.load_transcript(hostile, 0) == TRANSCRIPT
    [name] = subject.names()
    token = name.split("/")[0]
    assert token.startswith("_")
    assert len(token) == 41
    assert ".." not in name
    assert subject.store.load_transcript("a-b", 0) is None


@pytest.mark.parametrize("generation", [-1, True])
def test_a_generation_that_is_not_a_count_is_refused(subject: Subject, generation: int) -> None:
    with pytest.raises(ValueError, match="generation"):
        subject.store.load_transcript(ID, generation)
    with pytest.raises(ValueError, match="generation"):
        subject.store.save_questions(ID, generation, FOUND)


def test_an_empty_id_is_refused(subject: Subject) -> None:
    with pytest.raises(ValueError, match="interview id"):
        subject.store.discard("", 0)


# --- where each store fails ---------------------------------------------------------------


def test_a_folder_that_is_a_file_is_the_deployments_fault(tmp_path: Path) -> None:
    root = tmp_path / "stages"
    root.write_text("a file where the folder should be")
    store = LocalFileStageStore(root)

    with pytest.raises(ConfigurationError):
        store.save_transcript(ID, 0, TRANSCRIPT)
    with pytest.raises(ConfigurationError):
        store.load_transcript(ID, 0)


def test_the_local_store_writes_inside_its_folder_only(tmp_path: Path) -> None:
    root = tmp_path / "stages"
    LocalFileStageStore(root).save_questions("../../escape", 3, FOUND)

    assert [p.name for p in tmp_path.iterdir()] == ["stages"]
    [kept] = [p for p in root.rglob("*") if p.is_file()]
    assert kept.name == QUESTIONS_ITEM
    assert kept.parent.name == "g3"


def test_a_full_disk_for_the_local_store_is_throttling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_disk = os.open("/dev/full", os.O_WRONLY)  # every write fails with ENOSPC
    monkeypatch.setattr(
        "adapters.local.file_stage_store.tempfile.mkstemp",
        lambda **_: (os.dup(full_disk), str(tmp_path / "stages" / "partial")),
    )

    with pytest.raises(StageStoreUnavailable, match="No space left") as caught:
        LocalFileStageStore(tmp_path / "stages").save_transcript(ID, 0, TRANSCRIPT)

    os.close(full_disk)
    assert caught.value.throttled


def test_an_s3_bucket_that_does_not_exist_is_the_deployments_fault(
    request: pytest.FixtureRequest,
) -> None:
    store = S3StageStore(s3_client(request), "no-such-bucket", PREFIX)

    with pytest.raises(ConfigurationError, match="does not exist"):
        store.save_transcript(ID, 0, TRANSCRIPT)
    with pytest.raises(ConfigurationError, match="does not exist"):
        store.load_transcript(ID, 0)


def test_an_s3_endpoint_that_cannot_be_reached_is_transient() -> None:
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1),
    )
    store = S3StageStore(client, BUCKET, PREFIX)

    with pytest.raises(StageStoreUnavailable):
        store.load_questions(ID, 0)
    with pytest.raises(StageStoreUnavailable):
        store.discard(ID, 0)


def test_s3_keys_sit_under_the_transcript_prefix(request: pytest.FixtureRequest) -> None:
    store = S3StageStore(s3_client(request), BUCKET, "kept")

    assert store.key(ID, 4, TRANSCRIPT_ITEM) == f"kept/{ID}/g4/transcript.json"
    with pytest.raises(ValueError):
        S3StageStore(s3_client(request), BUCKET, "../up")
