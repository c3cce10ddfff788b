"""`ai-interviews delete` on the local preset (SQLite, a video folder, kept stages beside the
database), as subprocesses: what goes (rows, kept stages, the video when asked, and the bytes
in the database file), refusals, a delete cut short, and the worker meeting the deleted."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from adapters.local.file_stage_store import LocalFileStageStore
from entrypoints.operator import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from interview_core.analysis import build_questions
from interview_core.entities import ExtractedQuestion, Interview, KeptQuestions
from interview_core.state import InterviewState
from tests.integration.cli.test_operator_commands_sqlite import SAMPLE, LocalStack
from tests.unit.fakes import sample_transcript

COUNT = 3
"""Interviews submitted and processed once for the module; each test deletes its own."""


class Processed:
    """The module's stack: COUNT completed interviews, each with six questions, its video in
    the folder and kept stages, written as a worker and the upstream would."""

    def __init__(self, folder: Path) -> None:
        self.stack = LocalStack(folder)
        self.ids = [str(uuid.uuid4()) for _ in range(COUNT)]
        repository = self.stack.repository()
        stages = self.stages()
        for interview_id in self.ids:
            video = f"videos/{uuid.uuid4()}/{interview_id}/interview.mp4"
            (self.stack.videos / video).parent.mkdir(parents=True)
            shutil.copyfile(SAMPLE / "interview.mp4", self.stack.videos / video)
            repository.add(Interview(id=interview_id, video_path=video))
            repository.claim(interview_id, "worker", 60)
            found = [
                ExtractedQuestion(f"What did you build in year {n} of the project?", "A lot.")
                for n in range(6)
            ]
            repository.replace_questions(
                interview_id, build_questions(interview_id, found), owner="worker", generation=0
            )
            repository.mark_completed(interview_id, "worker", 6)
            stages.save_transcript(interview_id, 0, sample_transcript())  # as an attempt
            stages.save_questions(interview_id, 0, KeptQuestions(()))  # cut short leaves them
        self.question_text = repository.list_questions(self.ids[0])[0].question

    def stages(self) -> LocalFileStageStore:
        return LocalFileStageStore(self.stack.folder / "interviews.sqlite3-stages")

    def take(self) -> str:
        return self.ids.pop()

    def video(self, interview_id: str) -> Path:
        return self.stack.videos / self.stack.repository().get(interview_id).video_path

    def delete(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.stack.run("delete", *args)


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Processed:
    return Processed(tmp_path_factory.mktemp("delete-sqlite"))


def kept_items(done: Processed, interview_id: str) -> list[Path]:
    return sorted((done.stages().root / interview_id).rglob("*.json"))


def test_delete_removes_rows_kept_stages_and_the_video_and_says_what_went(done: Processed) -> None:
    interview_id = done.take()
    video = done.video(interview_id)
    assert kept_items(done, interview_id) and video.is_file()

    deleted = done.delete(interview_id, "--yes", "--include-video")

    assert deleted.returncode == EXIT_OK, deleted.stderr
    assert deleted.stdout.splitlines()[:2] == [f"deleted interview {interview_id}", "questions: 6"]
    assert f"  {interview_id}/g0/transcript.json" in deleted.stdout
    assert "video: removed videos/" in deleted.stdout
    assert "record: removed" in deleted.stdout
    repository = done.stack.repository()
    assert interview_id not in {record.id for record in repository.all()}
    assert [q for q in repository.all_questions() if q.interview_id == interview_id] == []
    assert not (done.stages().root / interview_id).exists()
    assert not video.exists() and not video.parent.exists()  # its empty folder too


def test_without_yes_and_no_terminal_it_refuses_and_removes_nothing(done: Processed) -> None:
    interview_id = done.ids[-1]

    refused = done.delete(interview_id)

    assert refused.returncode == EXIT_USAGE
    assert "pass --yes" in refused.stderr
    assert done.stack.repository().get(interview_id).state is InterviewState.COMPLETED
    assert kept_items(done, interview_id)


def test_an_unknown_interview_exits_1(done: Processed) -> None:
    refused = done.delete("no-such-interview", "--yes")

    assert refused.returncode == EXIT_REFUSED
    assert refused.stderr.strip() == (
        "error: INTERVIEW_NOT_FOUND: interview no-such-interview does not exist"
    )


def test_an_interview_in_progress_is_refused_and_nothing_is_removed(done: Processed) -> None:
    interview_id = done.ids[-1]
    repository = done.stack.repository()
    repository.reset_for_reprocess(interview_id)
    repository.claim(interview_id, "worker-elsewhere", 600)

    refused = done.delete(interview_id, "--yes", "--include-video")

    assert refused.returncode == EXIT_REFUSED
    assert "LEASE_HELD" in refused.stderr
    record = repository.get(interview_id)
    assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, "worker-elsewhere")
    assert len(repository.list_questions(interview_id)) == 6
    assert kept_items(done, interview_id) and done.video(interview_id).is_file()
    repository.release(interview_id, "worker-elsewhere")


def test_a_delete_cut_short_is_finished_and_a_kept_record_acks_its_requests(
    done: Processed,
) -> None:
    interview_id = done.take()
    done.stack.repository().begin_deletion(interview_id)  # a delete that stopped there
    done.stack.queue().send_request(interview_id)

    worker = done.stack.run("--mode", "sqs", "--max-messages", "1")
    assert worker.returncode == 0, worker.stderr
    queue = done.stack.queue()
    assert queue.visible() == queue.in_flight() == queue.delayed() == []  # acknowledged
    assert queue.dead_letters == []
    assert done.stack.repository().get(interview_id).state is InterviewState.DELETING
    assert len(done.stack.repository().list_questions(interview_id)) == 6  # nothing written

    finished = done.delete(interview_id, "--yes", "--keep-record")

    assert finished.returncode == EXIT_OK, finished.stderr
    assert "questions: 6" in finished.stdout and "record: kept as deleted" in finished.stdout
    record = done.stack.repository().get(interview_id)
    assert (record.state, record.video_path, record.user_id) == (InterviewState.DELETED, "", None)
    reprocess = done.stack.run("reprocess", interview_id)
    assert reprocess.returncode == EXIT_REFUSED
    assert "INTERVIEW_DELETED" in reprocess.stderr
    forced = done.stack.run("--mode", "single-interview", "--interview-id", interview_id, "--force")
    assert forced.returncode == 1
    assert forced.stdout.strip() == f"interview {interview_id}: skipped, it is deleted"
    assert done.stack.repository().get(interview_id) == record


def test_the_database_file_keeps_no_copy_of_the_deleted_questions(done: Processed) -> None:
    # every interview of the module is of the same sample, with the same questions: the
    # last test removes them all, and then no byte of a question's text may remain
    text = done.question_text.encode()
    files = [done.stack.database, done.stack.database.with_name("interviews.sqlite3-wal")]
    assert any(text in path.read_bytes() for path in files if path.exists())

    for interview_id in done.ids:
        assert done.delete(interview_id, "--yes").returncode == EXIT_OK
    done.ids.clear()

    assert not any(text in path.read_bytes() for path in files if path.exists())
