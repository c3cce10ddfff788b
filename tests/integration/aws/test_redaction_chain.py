"""Redaction on the `aws` preset, against the moto server: Transcribe's redaction where it
redacts the language, the offline redactor where it does not, and no value anywhere after.

moto accepts ContentRedaction but writes no transcript (nor reports RedactedTranscriptFileUri):
a hook on GetTranscriptionJob writes what Transcribe would, as transcribe_support.Publisher
does, and for a redacting job also reports the redacted transcript's own location.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from dependency_injector import providers

from adapters.aws.bedrock_extractor import BedrockQuestionExtractor
from adapters.aws.dynamodb_tables import create_interview_tables
from entrypoints.container import Container
from entrypoints.settings import Settings
from interview_core.entities import Interview
from interview_core.report import Outcome
from tests.integration.llm.converse_stub import ConverseStub

BUCKET = "interview-videos"
VALUES = ("jane.doe@example.com", "555 123 4567", "4567", "Jane Doe")

LINES: list[tuple[str, str]] = [
    ("spk_0", "Hello Jane Doe , is jane.doe@example.com the best address to reach you ?"),
    ("spk_1", "Yes , or call me on 555 123 4567 ."),
    ("spk_0", "What did you build at your last job ?"),
    ("spk_1", "A payments service ."),
]
REDACTED = {"Jane": "NAME", "Doe": "NAME", "jane.doe@example.com": "EMAIL"}
REDACTED |= dict.fromkeys(("555", "123", "4567"), "PHONE")


def transcribe_output(*, redacted: bool, language: str) -> bytes:
    """A Transcribe batch output of LINES, its values as [PII] items when `redacted`."""
    items: list[dict[str, Any]] = []
    start = 0.0
    for speaker, line in LINES:
        for token in line.split():
            if token in ".,?":
                items.append({"type": "punctuation", "alternatives": [{"content": token}]})
                continue
            alternative: dict[str, Any] = {"content": token, "confidence": "0.99"}
            if redacted and token in REDACTED:
                alternative = {
                    "content": "[PII]",
                    "redactions": [{"type": REDACTED[token], "category": "PII"}],
                }
            items.append(
                {
                    "type": "pronunciation",
                    "start_time": f"{start:.2f}",
                    "end_time": f"{start + 0.4:.2f}",
                    "alternatives": [alternative],
                    "speaker_label": speaker,
                }
            )
            start += 0.5
    results = {"language_code": language, "transcripts": [{"transcript": ""}], "items": items}
    return json.dumps({"isRedacted": redacted, "results": results}).encode()


class TranscribeWriter:
    """Writes the output each completed job would have, and records the jobs' requests."""

    def __init__(self, s3: Any, transcribe: Any) -> None:
        self.s3 = s3
        self.requests: list[dict[str, Any]] = []
        self.redacted_keys: list[str] = []
        self.written: set[str] = set()  # Transcribe writes a job's output once, when it ends
        transcribe.meta.events.register(
            "provide-client-params.transcribe.StartTranscriptionJob", self.on_start
        )
        transcribe.meta.events.register("after-call.transcribe.GetTranscriptionJob", self.on_get)

    def on_start(self, params: dict[str, Any], **_: Any) -> None:
        self.requests.append(dict(params))

    def on_get(self, parsed: dict[str, Any], **_: Any) -> None:
        job = parsed.get("TranscriptionJob", {})
        files = job.get("Transcript", {})
        if job.get("TranscriptionJobStatus") != "COMPLETED" or "TranscriptFileUri" not in files:
            return
        request = next(
            r for r in self.requests if r["TranscriptionJobName"] == job["TranscriptionJobName"]
        )
        language = request.get("LanguageCode", "en-US")
        bucket, _, key = urlsplit(files["TranscriptFileUri"]).path.lstrip("/").partition("/")
        if "ContentRedaction" in request:
            # the redacted transcript gets a location of its own, which the job reports
            folder, _, name = key.rpartition("/")
            key = f"{folder}/redacted-{name}"
            files["RedactedTranscriptFileUri"] = (
                f"https://s3.us-east-1.amazonaws.com/{bucket}/{key}"
            )
            body = transcribe_output(redacted=True, language=language)
        else:
            body = transcribe_output(redacted=False, language=language)
        if job["TranscriptionJobName"] not in self.written:
            self.written.add(job["TranscriptionJobName"])
            self.redacted_keys.extend([key] if "ContentRedaction" in request else [])
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)


class RecordingConverse(ConverseStub):
    """The Converse stand-in, keeping every request as sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def converse(self, **request: Any) -> dict[str, Any]:
        self.sent.append(json.dumps(request))
        return super().converse(**request)


@pytest.fixture
def stack(aws_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("INTERVIEWS_", "WORKER_", "AWS_ENDPOINT_URL")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    monkeypatch.setenv("AWS_S3_BUCKET", BUCKET)
    monkeypatch.setenv("AWS_SQS_QUEUE_URL", f"{aws_endpoint}/123456789012/interviews")
    monkeypatch.setenv("INTERVIEWS_BEDROCK_MODEL_ID", "anthropic.claude-test")
    monkeypatch.setenv("INTERVIEWS_REDACT_PII", "true")
    yield


def _run(
    language: str,
    caplog: pytest.LogCaptureFixture,
    *,
    fail_model_first: bool = False,
    lose_kept_transcript: bool = False,
) -> dict[str, Any]:
    """One interview through the chain; with `fail_model_first` the model fails the first
    attempt (a retry follows), and with `lose_kept_transcript` the transcript that attempt
    kept is lost before the retry."""
    container = Container()
    container.settings.override(Settings(INTERVIEWS_TRANSCRIBE_LANGUAGE=language))  # type: ignore[call-arg]
    aws = container.aws()
    s3 = aws.s3()
    s3.create_bucket(Bucket=BUCKET)
    create_interview_tables(aws.dynamodb())
    writer = TranscribeWriter(s3, aws.transcribe())
    container.transcriber()._sleep = lambda _: None  # type: ignore[attr-defined]
    model = RecordingConverse()
    if fail_model_first:
        model.fail_next("ServiceUnavailableException", 503)
    container.question_extractor.override(
        providers.Object(BedrockQuestionExtractor(model, "anthropic.claude-test"))  # type: ignore[arg-type]
    )
    interview_id = str(uuid.uuid4())
    key = f"videos/{uuid.uuid4()}/{interview_id}/interview.mp4"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    repository = container.repository()
    repository.create(Interview(id=interview_id, video_path=key))  # type: ignore[attr-defined]

    reports = []
    with caplog.at_level(logging.INFO):
        reports.append(container.process_interview().execute(interview_id, final_attempt=False))
        if fail_model_first:
            if lose_kept_transcript:
                s3.delete_object(Bucket=BUCKET, Key=f"transcribe/{interview_id}/g0/transcript.json")
            reports.append(container.process_interview().execute(interview_id))

    questions = repository.list_questions(interview_id)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="transcribe/").get("Contents", [])
    objects = {
        entry["Key"]: s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read()
        for entry in listed
    }
    return {
        "id": interview_id,
        "report": reports[-1],
        "reports": reports,
        "requests": writer.requests,
        "redacted_keys": writer.redacted_keys,
        "objects": objects,
        "questions": json.dumps([[q.question, q.answer, q.context] for q in questions]),
        "model": "\n".join(model.sent),
        "log": caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str),
    }


def stored_text(objects: dict[str, bytes]) -> str:
    """Every transcript and kept stage in the bucket, as one text (the audio left out)."""
    return "\n".join(body.decode() for key, body in objects.items() if key.endswith(".json"))


def test_transcribe_redacts_a_language_it_supports_and_its_redacted_transcript_is_read(
    stack: None, caplog: pytest.LogCaptureFixture
) -> None:
    run = _run("en-US", caplog)

    (request,) = run["requests"]
    assert request["ContentRedaction"]["RedactionType"] == "PII"
    assert request["ContentRedaction"]["RedactionOutput"] == "redacted"
    assert len(request["ContentRedaction"]["PiiEntityTypes"]) == 11
    assert run["redacted_keys"], "the redacted transcript's own location was read"
    report = run["report"]
    assert report.outcome is Outcome.COMPLETED, report.error
    assert report.redactions == (("EMAIL", 1), ("NAME", 1), ("PHONE", 1))
    assert "[PII:EMAIL]" in run["questions"]
    for value in VALUES:
        assert value not in run["questions"]
        assert value not in run["model"]
        assert value not in run["log"]
    assert "Transcribe cannot redact" not in run["log"]


def test_where_transcribe_cannot_redact_the_offline_redactor_does_and_the_log_says_so(
    stack: None, caplog: pytest.LogCaptureFixture
) -> None:
    run = _run("en-GB", caplog)

    (request,) = run["requests"]
    assert "ContentRedaction" not in request
    assert "Transcribe cannot redact this transcript (it does not redact en-GB)" in run["log"]
    report = run["report"]
    assert report.outcome is Outcome.COMPLETED, report.error
    assert report.redactions == (("EMAIL", 1), ("PHONE", 1))  # names need Transcribe
    assert "[PII:EMAIL]" in run["questions"]
    for value in ("jane.doe@example.com", "555 123 4567", "4567"):
        assert value not in run["questions"]
        assert value not in run["model"]
        assert value not in run["log"]


@pytest.mark.parametrize("language", ["en-US", "en-GB"])
def test_transcribes_own_transcript_is_removed_once_the_redacted_one_is_kept(
    stack: None, caplog: pytest.LogCaptureFixture, language: str
) -> None:
    run = _run(language, caplog)

    folder = f"transcribe/{run['id']}/"
    assert run["report"].outcome is Outcome.COMPLETED, run["report"].error
    assert f"{folder}transcript.json" not in run["objects"]
    assert f"{folder}redacted-transcript.json" not in run["objects"]
    assert sorted(run["objects"]) == [f"{folder}g0/transcript.json"]  # the kept, redacted one
    assert "[PII:EMAIL]" in stored_text(run["objects"])
    for value in ("jane.doe@example.com", "555", "4567"):
        assert value not in stored_text(run["objects"])


def test_a_retry_after_the_removal_completes_from_the_kept_transcript_without_a_new_job(
    stack: None, caplog: pytest.LogCaptureFixture
) -> None:
    run = _run("en-GB", caplog, fail_model_first=True)

    first, second = run["reports"]
    assert first.outcome is Outcome.RETRY
    assert second.outcome is Outcome.COMPLETED, second.error
    assert second.resumed == ("transcribe",)
    assert len(run["requests"]) == 1  # one job, reused through the kept transcript
    assert "jane.doe@example.com" not in stored_text(run["objects"])


def test_a_retry_without_the_kept_transcript_runs_a_new_job_and_removes_its_output_too(
    stack: None, caplog: pytest.LogCaptureFixture
) -> None:
    run = _run("en-GB", caplog, fail_model_first=True, lose_kept_transcript=True)

    first, second = run["reports"]
    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    names = [request["TranscriptionJobName"] for request in run["requests"]]
    assert names == [f"interview-{run['id']}", f"interview-{run['id']}-r2"]
    assert sorted(run["objects"]) == [f"transcribe/{run['id']}/g0/transcript.json"]
    assert "jane.doe@example.com" not in stored_text(run["objects"])


SAMPLE_VIDEO = Path(__file__).resolve().parents[3] / "samples" / "interview" / "interview.mp4"


def test_with_a_transcriber_of_its_own_nothing_unredacted_is_kept_in_the_bucket_or_on_disk(
    stack: None,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # whisper (here the stub, which needs no model) on the aws preset: the audio is
    # extracted on the worker's disk, nothing is uploaded, and only kept stages are stored
    said = "Mail jane.doe@example.com or call 555 123 4567 , card 4111 1111 1111 1111 ."
    stub = tmp_path / "stub.transcript.json"
    segments = [
        {"start": 0.0, "end": 4.0, "speaker": "interviewer", "text": LINES[2][1]},
        {"start": 4.0, "end": 12.0, "speaker": "candidate", "text": said},
    ]
    stub.write_text(json.dumps({"language": "en", "duration": 70.2, "segments": segments}))
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "stub")
    monkeypatch.setenv("INTERVIEWS_STUB_TRANSCRIPT", str(stub))
    (tmp_path / "work").mkdir()
    monkeypatch.setenv("INTERVIEWS_TEMP_DIR", str(tmp_path / "work"))
    container = Container()
    aws = container.aws()
    s3 = aws.s3()
    s3.create_bucket(Bucket=BUCKET)
    create_interview_tables(aws.dynamodb())
    model = RecordingConverse()
    model.fail_next("ServiceUnavailableException", 503)  # the first attempt keeps its stages
    container.question_extractor.override(
        providers.Object(BedrockQuestionExtractor(model, "anthropic.claude-test"))  # type: ignore[arg-type]
    )
    interview_id = str(uuid.uuid4())
    video = f"videos/{uuid.uuid4()}/{interview_id}/interview.mp4"
    s3.upload_file(str(SAMPLE_VIDEO), BUCKET, video)
    container.repository().create(Interview(id=interview_id, video_path=video))  # type: ignore[attr-defined]

    first = container.process_interview().execute(interview_id, final_attempt=False)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="transcribe/").get("Contents", [])
    kept = {e["Key"]: s3.get_object(Bucket=BUCKET, Key=e["Key"])["Body"].read() for e in listed}
    second = container.process_interview().execute(interview_id)

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED), second.error
    folder = f"transcribe/{interview_id}/g0/"
    assert sorted(kept) == [f"{folder}transcript.json"]  # no audio upload, no other file
    after = s3.list_objects_v2(Bucket=BUCKET, Prefix="transcribe/").get("Contents", [])
    assert [e["Key"] for e in after] == [f"{folder}transcript.json"]  # kept for the exports
    text = stored_text(
        kept
        | {
            k: s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
            for k in [f"{folder}transcript.json"]
        }
    )
    assert "[PII:EMAIL]" in text and "[PII:PHONE]" in text and "[PII:CARD]" in text
    for value in ("jane.doe@example.com", "555 123", "4567", "4111"):
        assert value not in text
        assert value not in "\n".join(model.sent)
    leftovers = [p for p in (tmp_path / "work").rglob("*") if p.is_file()]
    assert leftovers == []  # the fetched video and the extracted audio are gone
