"""StubTranscriber: a configured transcript, or a sidecar beside the video, never recognition."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from adapters.local.stub_transcriber import StubTranscriber
from adapters.transcripts.native import write_transcript
from interview_core.entities import AudioFile, Segment, Transcript
from interview_core.errors import TranscriptionFailed

CONFIGURED = Transcript((Segment("Why this role?", 0.0, 1.5, "interviewer"),), "en", 90.0)
SRT = "1\n00:00:00,000 --> 00:00:02,000\nInterviewer: From the SRT?\n"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Candidate>From the VTT.\n"


class ProgressSpy:
    """Records every progress call."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []

    def __call__(self, done: float, total: float) -> None:
        self.calls.append((done, total))


def _audio(tmp_path: Path, video_name: str | None = "interview.mp4") -> AudioFile:
    source = tmp_path / video_name if video_name is not None else None
    return AudioFile(path=tmp_path / "audio.wav", duration=61.2, source=source)


def test_the_configured_transcript_is_returned_and_progress_reported_once(tmp_path: Path) -> None:
    spy = ProgressSpy()

    result = StubTranscriber(CONFIGURED).transcribe(_audio(tmp_path), job_id="j", progress=spy)

    assert result is CONFIGURED
    assert spy.calls == [(61.2, 61.2)]


def test_the_configured_transcript_needs_no_source_video(tmp_path: Path) -> None:
    audio = _audio(tmp_path, video_name=None)

    assert StubTranscriber(CONFIGURED).transcribe(audio, job_id="j") is CONFIGURED


def test_our_sidecar_is_read_beside_the_video(tmp_path: Path) -> None:
    write_transcript(CONFIGURED, tmp_path / "interview.transcript.json")

    assert StubTranscriber().transcribe(_audio(tmp_path), job_id="j") == CONFIGURED


def test_a_transcribe_output_sidecar_is_parsed(tmp_path: Path, real_fixtures: Path) -> None:
    shutil.copy(
        real_fixtures / "transcribe_2023_newscast_speaker_labels.json",
        tmp_path / "interview.transcribe.json",
    )

    transcript = StubTranscriber().transcribe(_audio(tmp_path), job_id="j")

    assert transcript.segments[0].text == "From Illinois Public Media News."
    assert {s.speaker for s in transcript.segments} == {"spk_0", "spk_1", "spk_2"}
    assert transcript.duration == 61.2  # the output states no duration: the audio's is used


@pytest.mark.parametrize(
    ("name", "content", "speaker", "text"),
    [
        ("interview.srt", SRT, "Interviewer", "From the SRT?"),
        ("interview.vtt", VTT, "Candidate", "From the VTT."),
    ],
)
def test_subtitle_sidecars_are_parsed(
    tmp_path: Path, name: str, content: str, speaker: str, text: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")

    (segment,) = StubTranscriber().transcribe(_audio(tmp_path), job_id="j").segments

    assert (segment.speaker, segment.text) == (speaker, text)


@pytest.mark.parametrize(
    ("present", "expected_text"),
    [
        (["transcript.json", "transcribe.json", "srt", "vtt"], "Why this role?"),
        (["transcribe.json", "srt", "vtt"], "From Illinois Public Media News."),
        (["srt", "vtt"], "From the SRT?"),
        (["vtt"], "From the VTT."),
    ],
)
def test_sidecars_are_tried_in_order(
    tmp_path: Path, real_fixtures: Path, present: list[str], expected_text: str
) -> None:
    writers = {
        "transcript.json": lambda p: write_transcript(CONFIGURED, p),
        "transcribe.json": lambda p: shutil.copy(
            real_fixtures / "transcribe_2023_newscast_speaker_labels.json", p
        ),
        "srt": lambda p: p.write_text(SRT, encoding="utf-8"),
        "vtt": lambda p: p.write_text(VTT, encoding="utf-8"),
    }
    for suffix in present:
        writers[suffix](tmp_path / f"interview.{suffix}")

    transcript = StubTranscriber().transcribe(_audio(tmp_path), job_id="j")

    assert transcript.segments[0].text == expected_text


def test_the_stem_keeps_every_dot_but_the_extension(tmp_path: Path) -> None:
    (tmp_path / "2024.05.01 call.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "2024.srt").write_text(VTT, encoding="utf-8")  # a wrong stem, never read

    transcript = StubTranscriber().transcribe(_audio(tmp_path, "2024.05.01 call.mkv"), job_id="j")

    assert transcript.segments[0].text == "From the SRT?"


def test_a_sidecar_duration_is_kept_and_a_missing_one_filled_from_the_audio(
    tmp_path: Path,
) -> None:
    write_transcript(CONFIGURED, tmp_path / "a.transcript.json")
    (tmp_path / "b.srt").write_text(SRT, encoding="utf-8")
    stub = StubTranscriber()

    assert stub.transcribe(_audio(tmp_path, "a.mp4"), job_id="j").duration == 90.0
    assert stub.transcribe(_audio(tmp_path, "b.mp4"), job_id="j").duration == 61.2


def test_no_sidecar_fails_naming_every_file_looked_for(tmp_path: Path) -> None:
    spy = ProgressSpy()

    with pytest.raises(TranscriptionFailed) as caught:
        StubTranscriber().transcribe(_audio(tmp_path), job_id="j", progress=spy)

    message = str(caught.value)
    for name in ("transcript.json", "transcribe.json", "srt", "vtt"):
        assert f"interview.{name}" in message
    assert spy.calls == []


def test_no_transcript_and_no_source_video_fails(tmp_path: Path) -> None:
    with pytest.raises(TranscriptionFailed, match="source video"):
        StubTranscriber().transcribe(_audio(tmp_path, video_name=None), job_id="j")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("interview.transcript.json", '{"segments": [{"start": "0"}]}'),
        ("interview.transcribe.json", '{"results": {}}'),
        ("interview.srt", "1\n00:00:01,000 --> later\nHi\n"),
        ("interview.vtt", "no header\n"),
    ],
)
def test_a_malformed_sidecar_fails_naming_it(tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")

    with pytest.raises(TranscriptionFailed, match=name.replace(".", r"\.") + ": "):
        StubTranscriber().transcribe(_audio(tmp_path), job_id="j")


def test_a_sidecar_that_is_a_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "interview.transcript.json").mkdir()
    (tmp_path / "interview.vtt").write_text(VTT, encoding="utf-8")

    transcript = StubTranscriber().transcribe(_audio(tmp_path), job_id="j")

    assert transcript.segments[0].text == "From the VTT."


def test_one_instance_serves_many_threads_with_independent_results(tmp_path: Path) -> None:
    for index in range(8):
        (tmp_path / f"video{index}.srt").write_text(
            f"1\n00:00:00,000 --> 00:00:01,000\nVideo {index}\n", encoding="utf-8"
        )
    stub = StubTranscriber()

    def run(index: int) -> str:
        return stub.transcribe(_audio(tmp_path, f"video{index}.mp4"), job_id=str(index)).text

    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(run, [i % 8 for i in range(64)]))

    assert texts == [f"Video {i % 8}" for i in range(64)]
