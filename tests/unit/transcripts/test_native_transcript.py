"""Our transcript JSON: round trips, tolerance of missing optional fields, typed failures."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.transcripts.native import (
    read_transcript,
    transcript_from_dict,
    transcript_from_json,
    transcript_to_dict,
    write_transcript,
)
from interview_core.entities import Segment, Transcript, Word
from interview_core.errors import TranscriptionFailed
from interview_core.speaker_roles import Role

EXAMPLE: dict[str, Any] = {
    "language": "en",
    "duration": 61.2,
    "segments": [
        {
            "start": 0.0,
            "end": 3.2,
            "speaker": "interviewer",
            "text": "Tell me about yourself.",
            "words": [
                {"text": "Tell", "start": 0.0, "end": 0.3, "confidence": 0.98},
                {"text": "me", "start": 0.3, "end": 0.5, "confidence": None},
                {"text": "about", "start": 0.5, "end": 0.9, "confidence": 0.9},
                {"text": "yourself.", "start": 0.9, "end": 3.2, "confidence": 1},
            ],
        },
        {"start": 3.5, "end": 9.0, "speaker": None, "text": "I build data pipelines."},
    ],
}

times = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
spans = st.tuples(times, st.floats(min_value=0, max_value=1e4, allow_nan=False)).map(
    lambda pair: (pair[0], pair[0] + pair[1])
)
words = st.builds(
    lambda span, text, confidence: Word(text, span[0], span[1], confidence),
    spans,
    st.text(),
    st.none() | st.floats(min_value=0, max_value=1),
)
segments = st.builds(
    lambda span, text, speaker, ws: Segment(text, span[0], span[1], speaker, tuple(ws)),
    spans,
    st.text(),
    st.none() | st.sampled_from(["interviewer", "candidate", "spk_0"]) | st.text(),
    st.lists(words, max_size=4),
)
transcripts = st.builds(
    lambda ss, language, duration: Transcript(tuple(ss), language, duration),
    st.lists(segments, max_size=5),
    st.none() | st.sampled_from(["en", "en-US", "de"]),
    st.none() | times,
)


@st.composite
def with_roles(draw: st.DrawFn) -> Transcript:
    """A transcript whose speakers (some or all of them) carry roles."""
    transcript = draw(transcripts)
    chosen = draw(st.lists(st.sampled_from(transcript.speakers))) if transcript.speakers else []
    roles = {speaker: draw(st.sampled_from(list(Role))) for speaker in chosen}
    return Transcript(transcript.segments, transcript.language, transcript.duration, roles)


@given(transcripts | with_roles())
def test_a_transcript_survives_a_round_trip_through_json_text(transcript: Transcript) -> None:
    text = json.dumps(transcript_to_dict(transcript), allow_nan=False)
    assert transcript_from_json(text) == transcript


def test_roles_are_written_as_the_top_level_speaker_roles_key() -> None:
    transcript = Transcript(
        (Segment("Why here?", 0, 1, "spk_0"), Segment("I like it.", 1, 2, "spk_1")),
        speaker_roles={"spk_0": Role.INTERVIEWER, "spk_1": Role.CANDIDATE},
    )
    data = json.loads(json.dumps(transcript_to_dict(transcript)))
    assert data["speaker_roles"] == {"spk_0": "interviewer", "spk_1": "candidate"}
    assert transcript_from_dict(data).speaker_roles == transcript.speaker_roles
    assert "speaker_roles" not in transcript_to_dict(Transcript(transcript.segments))


@pytest.mark.parametrize(
    ("roles", "reason"),
    [
        ({"interviewer": "boss"}, "speaker_roles.interviewer: Input should be 'interviewer'"),
        ({"interviewer": 1}, "speaker_roles.interviewer: Input should be 'interviewer'"),
        ({"spk_9": "candidate"}, "speaker_roles names 1 speaker(s) no segment has"),
        (["interviewer"], "speaker_roles: Input should be a valid dictionary"),
    ],
)
def test_bad_speaker_roles_are_refused_with_a_one_line_reason(roles: object, reason: str) -> None:
    data = {**copy.deepcopy(EXAMPLE), "speaker_roles": roles}
    with pytest.raises(TranscriptionFailed, match="invalid transcript") as caught:
        transcript_from_dict(data)
    assert reason in caught.value.message


def test_a_hostile_speaker_label_named_in_a_refusal_is_one_short_line() -> None:
    label = "spk\n" * 100 + "\nFORGED"
    data = copy.deepcopy(EXAMPLE)
    data["segments"][0]["speaker"] = label
    data["speaker_roles"] = {label: "judge"}
    with pytest.raises(TranscriptionFailed) as caught:
        transcript_from_dict(data)
    assert "\n" not in caught.value.message and len(caught.value.message) < 250


def test_the_shared_example_reads_into_entities() -> None:
    transcript = transcript_from_dict(EXAMPLE)

    assert transcript.language == "en"
    assert transcript.duration == 61.2
    first, second = transcript.segments
    assert first.speaker == "interviewer"
    assert [w.text for w in first.words] == ["Tell", "me", "about", "yourself."]
    assert first.words[0] == Word("Tell", 0.0, 0.3, 0.98)
    assert first.words[1].confidence is None
    assert first.words[3].confidence == 1.0
    assert second == Segment("I build data pipelines.", 3.5, 9.0, None, ())


def test_the_dict_has_exactly_the_shared_keys() -> None:
    data = transcript_to_dict(transcript_from_dict(EXAMPLE))

    assert set(data) == {"language", "duration", "segments"}
    assert set(data["segments"][0]) == {"start", "end", "speaker", "text", "words"}
    assert set(data["segments"][0]["words"][0]) == {"text", "start", "end", "confidence"}
    assert data["segments"][1]["words"] == []


def test_missing_optional_fields_take_their_defaults() -> None:
    transcript = transcript_from_dict(
        {
            "segments": [
                {
                    "start": 1,
                    "end": 2,
                    "text": "Hi.",
                    "words": [{"text": "Hi.", "start": 1, "end": 2}],
                }
            ]
        }
    )

    assert transcript == Transcript(
        segments=(Segment("Hi.", 1.0, 2.0, None, (Word("Hi.", 1.0, 2.0, None),)),),
        language=None,
        duration=None,
    )


def test_unknown_fields_are_ignored() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["model"] = "whisper-tiny"
    data["segments"][0]["avg_logprob"] = -0.2

    assert transcript_from_dict(data) == transcript_from_dict(EXAMPLE)


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _without(path: tuple[str | int, ...]) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (_without(("segments",)), "segments"),
        (_with(("segments",), {"start": 0}), "segments"),
        (_without(("segments", 0, "text")), "segments.0.text"),
        (_without(("segments", 0, "start")), "segments.0.start"),
        (_with(("segments", 0, "start"), "0.0"), "segments.0.start"),
        (_with(("segments", 0, "start"), True), "segments.0.start"),
        (_with(("segments", 0, "start"), -0.5), "segments.0.start"),
        (_with(("segments", 0, "start"), math.nan), "segments.0.start"),
        (_with(("segments", 0, "end"), math.inf), "segments.0.end"),
        (_with(("segments", 1, "end"), 1.0), "segments.1"),
        (_with(("segments", 0, "speaker"), 7), "segments.0.speaker"),
        (_with(("segments", 0, "text"), ["Tell"]), "segments.0.text"),
        (_with(("segments", 0, "words", 1, "end"), 0.1), "segments.0.words.1"),
        (_with(("segments", 0, "words", 0, "confidence"), 1.5), "segments.0.words.0.confidence"),
        (_with(("segments", 0, "words", 0, "confidence"), "high"), "words.0.confidence"),
        (_with(("segments", 0, "words"), "Tell me"), "segments.0.words"),
        (_with(("duration",), -1.0), "duration"),
        (_with(("language",), 5), "language"),
    ],
)
def test_malformed_data_is_refused_with_a_one_line_reason_naming_the_field(
    data: dict[str, Any], where: str
) -> None:
    with pytest.raises(TranscriptionFailed) as caught:
        transcript_from_dict(data)

    message = str(caught.value)
    assert where in message
    assert "\n" not in message
    assert "Tell me about yourself" not in message  # transcript text never reaches messages


@pytest.mark.parametrize("data", [[], None, "segments", 3])
def test_a_top_level_that_is_not_an_object_is_refused(data: object) -> None:
    with pytest.raises(TranscriptionFailed, match="invalid transcript"):
        transcript_from_dict(data)


@pytest.mark.parametrize("text", ["", "{", "not json", '{"segments": [}', b"\xff\xfe\x00"])
def test_text_that_is_not_json_is_refused(text: str | bytes) -> None:
    with pytest.raises(TranscriptionFailed, match="not valid JSON"):
        transcript_from_json(text)


def test_json_nan_literals_are_refused() -> None:
    text = json.dumps(EXAMPLE).replace("61.2", "NaN")

    with pytest.raises(TranscriptionFailed, match="duration"):
        transcript_from_json(text)


def test_write_then_read_gives_the_same_transcript(tmp_path: Path) -> None:
    transcript = transcript_from_dict(EXAMPLE)
    path = tmp_path / "interview.transcript.json"

    write_transcript(transcript, path)

    assert read_transcript(path) == transcript
    assert json.loads(path.read_text(encoding="utf-8")) == transcript_to_dict(transcript)


def test_write_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "transcript.json"
    path.write_text("old", encoding="utf-8")
    transcript = Transcript((Segment("Größe — naïve?", 0.0, 1.0, "spk_0"),), "de", 1.0)

    write_transcript(transcript, path)

    assert [p.name for p in tmp_path.iterdir()] == ["transcript.json"]
    assert "Größe — naïve?" in path.read_text(encoding="utf-8")  # written as UTF-8, unescaped
    assert read_transcript(path) == transcript


def test_writing_a_non_finite_time_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "transcript.json"

    with pytest.raises(TranscriptionFailed, match="finite"):
        write_transcript(Transcript((Segment("x", 0.0, math.inf),)), path)

    assert list(tmp_path.iterdir()) == []


def test_reading_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(TranscriptionFailed, match=r"missing\.transcript\.json"):
        read_transcript(tmp_path / "missing.transcript.json")


def test_reading_a_malformed_file_names_it_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.transcript.json"
    path.write_text(json.dumps(_with(("segments", 0, "end"), -2)), encoding="utf-8")

    with pytest.raises(TranscriptionFailed, match=r"broken\.transcript\.json: .*segments\.0\.end"):
        read_transcript(path)


def test_a_utf8_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.transcript.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(EXAMPLE).encode())

    assert read_transcript(path) == transcript_from_dict(EXAMPLE)
