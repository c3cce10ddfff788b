"""Amazon Transcribe output parsing: two real outputs, the audio_segments form, bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from adapters.transcripts.aws_transcribe import parse_transcribe_output
from interview_core.entities import Transcript, Word
from interview_core.errors import TranscriptionFailed

OUTPUT_2020 = "transcribe_2020_speaker_labels_3spk.json"
OUTPUT_2023 = "transcribe_2023_newscast_speaker_labels.json"


def _load(real_fixtures: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((real_fixtures / name).read_bytes())
    return data


def _pronunciations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in document["results"]["items"] if item["type"] == "pronunciation"]


def _words(transcript: Transcript) -> list[Word]:
    return [word for segment in transcript.segments for word in segment.words]


def _turns(speakers: list[str | None]) -> list[str | None]:
    """The speakers in order with consecutive repeats collapsed."""
    return [s for i, s in enumerate(speakers) if i == 0 or speakers[i - 1] != s]


def _assert_ordered_and_consistent(transcript: Transcript) -> None:
    words = _words(transcript)
    assert all(w.start <= w.end for w in words)
    assert all(a.start <= b.start for a, b in zip(words, words[1:], strict=False))
    for segment in transcript.segments:
        assert segment.start == segment.words[0].start
        assert segment.end == max(w.end for w in segment.words)
        assert segment.text == " ".join(w.text for w in segment.words)
        assert " ," not in segment.text and " ." not in segment.text
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts)


# --- The 2020 format: speaker_labels.segments[].items, items without speaker_label ---------


@pytest.fixture(scope="module")
def document_2020(real_fixtures: Path) -> dict[str, Any]:
    return _load(real_fixtures, OUTPUT_2020)


@pytest.fixture(scope="module")
def transcript_2020(document_2020: dict[str, Any]) -> Transcript:
    return parse_transcribe_output(document_2020)


def test_2020_has_three_speakers_and_every_word(
    document_2020: dict[str, Any], transcript_2020: Transcript
) -> None:
    assert {s.speaker for s in transcript_2020.segments} == {"spk_0", "spk_1", "spk_2"}
    assert len(_pronunciations(document_2020)) == 354
    assert len(_words(transcript_2020)) == 354
    assert transcript_2020.language is None  # the file has no language_code
    assert transcript_2020.duration is None


def test_2020_text_matches_the_transcript_transcribe_wrote(
    document_2020: dict[str, Any], transcript_2020: Transcript
) -> None:
    assert transcript_2020.text == document_2020["results"]["transcripts"][0]["transcript"]


def test_2020_opens_with_the_first_reader(transcript_2020: Transcript) -> None:
    first = transcript_2020.segments[0]
    assert first.speaker == "spk_0"
    assert first.words[:3] == (
        Word("She", 0.49, 0.7, 1.0),
        Word("was", 0.7, 0.86, 1.0),
        Word("gone", 0.86, 1.17, 1.0),
    )
    assert first.text.startswith("She was gone out into the village on some errand when, as")
    assert first.text.endswith("her foot slipped on the ice and she fell.")
    assert (first.start, first.end) == (0.49, 7.2)


def test_2020_speakers_follow_the_speaker_label_segments(
    document_2020: dict[str, Any], transcript_2020: Transcript
) -> None:
    speaker_at = {
        float(span["start_time"]): span["speaker_label"]
        for segment in document_2020["results"]["speaker_labels"]["segments"]
        for span in segment["items"]
    }
    for segment in transcript_2020.segments:
        assert {speaker_at[w.start] for w in segment.words} == {segment.speaker}

    turns = [s.speaker for s in transcript_2020.segments]
    labelled = [s["speaker_label"] for s in document_2020["results"]["speaker_labels"]["segments"]]
    expected_turns = "spk_0 spk_1 spk_0 spk_2 spk_0 spk_1 spk_0".split()
    assert _turns(turns) == _turns(labelled) == expected_turns


def test_2020_breaks_at_sentence_ends_and_at_speaker_changes(transcript_2020: Transcript) -> None:
    segments = transcript_2020.segments
    assert segments[1].text == "He was dark and no one saw her mischance till after a time."
    assert segments[2].text == "Her groans attracted the attention of a passer by."
    for before, after in zip(segments, segments[1:], strict=False):
        assert before.text[-1] in ".?!" or before.speaker != after.speaker
    # The readers hand over mid-sentence twice: those segments end without a full stop.
    assert sum(1 for s in segments[:-1] if s.text[-1] not in ".?!") == 2


def test_2020_times_are_ordered_and_end_with_the_audio(transcript_2020: Transcript) -> None:
    _assert_ordered_and_consistent(transcript_2020)
    assert transcript_2020.segments[-1].end == 141.54  # the audio lasts 142 s
    assert all(0.0 <= w.confidence <= 1.0 for w in _words(transcript_2020) if w.confidence)


# --- The 2023 format: items carry speaker_label, no id, no audio_segments -----------------


@pytest.fixture(scope="module")
def document_2023(real_fixtures: Path) -> dict[str, Any]:
    return _load(real_fixtures, OUTPUT_2023)


@pytest.fixture(scope="module")
def transcript_2023(document_2023: dict[str, Any]) -> Transcript:
    return parse_transcribe_output(json.dumps(document_2023))


def test_2023_has_three_speakers_and_every_word(
    document_2023: dict[str, Any], transcript_2023: Transcript
) -> None:
    pronunciations = _pronunciations(document_2023)
    assert len(pronunciations) == 443
    assert len(_words(transcript_2023)) == 443
    assert {s.speaker for s in transcript_2023.segments} == {"spk_0", "spk_1", "spk_2"}
    speakers = [p["speaker_label"] for p in pronunciations]
    parsed = [s.speaker for s in transcript_2023.segments for _ in s.words]
    assert parsed == speakers


def test_2023_keeps_the_custom_vocabulary_phrase_as_one_word(transcript_2023: Transcript) -> None:
    first = transcript_2023.segments[0]
    assert first.text == "From Illinois Public Media News."
    assert first.speaker == "spk_0"
    assert first.words == (
        Word("From", 2.42, 2.839, 0.997),
        Word("Illinois Public Media News.", 2.849, 4.349, 0.997),
    )
    assert [s.text for s in transcript_2023.segments[1:4]] == [
        "I'm Kimberly Schofield.",
        "This is Morning Edition.",
        "Good morning.",
    ]


def test_2023_text_matches_and_every_segment_is_a_sentence(
    document_2023: dict[str, Any], transcript_2023: Transcript
) -> None:
    assert transcript_2023.text == document_2023["results"]["transcripts"][0]["transcript"]
    assert all(s.text[-1] in ".?!" for s in transcript_2023.segments)
    _assert_ordered_and_consistent(transcript_2023)
    last = transcript_2023.segments[-1]
    assert last.text == "I'm Kimberly Schofield on Morning Edition."
    assert 188.0 < last.end <= 189.07  # the newscast lasts 189 s


def test_the_mapping_the_bytes_and_the_text_give_the_same_transcript(
    real_fixtures: Path, document_2023: dict[str, Any]
) -> None:
    raw = (real_fixtures / OUTPUT_2023).read_bytes()
    assert parse_transcribe_output(raw) == parse_transcribe_output(raw.decode("utf-8"))
    assert parse_transcribe_output(raw) == parse_transcribe_output(document_2023)


# --- The current format with audio_segments (shape from the Amazon Transcribe guide) -------


def _item(
    item_id: int,
    content: str,
    start: str | None = None,
    end: str | None = None,
    speaker: str = "spk_0",
    confidence: str | None = "0.99",
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "type": "pronunciation" if start is not None else "punctuation",
        "alternatives": [{"confidence": confidence, "content": content}],
        "speaker_label": speaker,
    }
    if start is not None:
        item["start_time"], item["end_time"] = start, end
    return item


AUDIO_SEGMENTS_OUTPUT: dict[str, Any] = {
    "jobName": "interview-0a1b",
    "accountId": "111122223333",
    "status": "COMPLETED",
    "results": {
        "language_code": "en-US",
        "transcripts": [
            {"transcript": "Tell me about a hard bug you fixed Sure it was a race. It took a week!"}
        ],
        "speaker_labels": {
            "channel_label": "ch_0",
            "speakers": 2,
            "segments": [
                {
                    "start_time": "0.5",
                    "end_time": "2.9",
                    "speaker_label": "spk_0",
                    "items": [{"start_time": "0.5", "end_time": "0.7", "speaker_label": "spk_0"}],
                },
            ],
        },
        "items": [
            _item(0, "Tell", "0.5", "0.7"),
            _item(1, "me", "0.7", "0.8"),
            _item(2, "about", "0.8", "1.1"),
            _item(3, "a", "1.1", "1.2"),
            _item(4, "hard", "1.2", "1.5"),
            _item(5, "bug", "1.5", "1.8"),
            _item(6, "you", "1.8", "2.0"),
            _item(7, "fixed", "2.0", "2.9"),
            _item(8, "Sure", "3.4", "3.8", "spk_1"),
            _item(9, ",", speaker="spk_1", confidence="0.0"),
            _item(10, "it", "3.9", "4.0", "spk_1"),
            _item(11, "was", "4.0", "4.2", "spk_1"),
            _item(12, "a", "4.2", "4.3", "spk_1"),
            _item(13, "race", "4.3", "4.8", "spk_1"),
            _item(14, ".", speaker="spk_1", confidence="0.0"),
            _item(15, "It", "5.0", "5.1", "spk_1"),
            _item(16, "took", "5.1", "5.4", "spk_1"),
            _item(17, "a", "5.4", "5.5", "spk_1"),
            _item(18, "week", "5.5", "6.0", "spk_1", confidence="0.871"),
            _item(19, "!", speaker="spk_1", confidence=None),
        ],
        "audio_segments": [
            {
                "id": 0,
                "transcript": "Tell me about a hard bug",
                "start_time": "0.5",
                "end_time": "1.8",
                "speaker_label": "spk_0",
                "items": [0, 1, 2, 3, 4, 5],
            },
            {
                "id": 1,
                "transcript": "you fixed",
                "start_time": "1.8",
                "end_time": "2.9",
                "speaker_label": "spk_0",
                "items": [6, 7],
            },
            {
                "id": 2,
                "transcript": "Sure, it was a race. It took a week!",
                "start_time": "3.4",
                "end_time": "6.0",
                "speaker_label": "spk_1",
                "items": [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
            },
        ],
    },
}


def test_audio_segments_group_words_and_sentences_still_split() -> None:
    transcript = parse_transcribe_output(AUDIO_SEGMENTS_OUTPUT)

    assert [(s.speaker, s.text, s.start, s.end) for s in transcript.segments] == [
        ("spk_0", "Tell me about a hard bug", 0.5, 1.8),
        ("spk_0", "you fixed", 1.8, 2.9),
        ("spk_1", "Sure, it was a race.", 3.4, 4.8),
        ("spk_1", "It took a week!", 5.0, 6.0),
    ]
    assert transcript.language == "en-US"
    assert transcript.segments[3].words[-1] == Word("week!", 5.5, 6.0, 0.871)
    assert len(_words(transcript)) == len(_pronunciations(AUDIO_SEGMENTS_OUTPUT)) == 17


def test_without_audio_segments_the_same_items_group_by_speaker() -> None:
    document = copy.deepcopy(AUDIO_SEGMENTS_OUTPUT)
    del document["results"]["audio_segments"]

    transcript = parse_transcribe_output(document)

    assert [s.text for s in transcript.segments] == [
        "Tell me about a hard bug you fixed",
        "Sure, it was a race.",
        "It took a week!",
    ]


def test_audio_segment_speakers_are_used_when_items_carry_none() -> None:
    document = copy.deepcopy(AUDIO_SEGMENTS_OUTPUT)
    for item in document["results"]["items"]:
        del item["speaker_label"]
    del document["results"]["speaker_labels"]

    transcript = parse_transcribe_output(document)

    assert [s.speaker for s in transcript.segments] == ["spk_0", "spk_0", "spk_1", "spk_1"]


def test_items_without_ids_are_named_by_position() -> None:
    document = copy.deepcopy(AUDIO_SEGMENTS_OUTPUT)
    for item in document["results"]["items"]:
        del item["id"]

    assert parse_transcribe_output(document) == parse_transcribe_output(AUDIO_SEGMENTS_OUTPUT)


# --- No speaker labels, punctuation, language ---------------------------------------------


def _plain(*items: dict[str, Any], **results: Any) -> dict[str, Any]:
    for item in items:
        item.pop("speaker_label", None)
    return {"results": {"transcripts": [{"transcript": ""}], "items": list(items), **results}}


def test_without_speaker_labels_every_segment_has_no_speaker() -> None:
    document = _plain(
        _item(0, "Hello", "0.0", "0.4"),
        _item(1, ","),
        _item(2, "world", "0.5", "0.9"),
        _item(3, "."),
        _item(4, "Why", "1.2", "1.4"),
        _item(5, "?"),
    )

    transcript = parse_transcribe_output(document)

    assert [(s.speaker, s.text) for s in transcript.segments] == [
        (None, "Hello, world."),
        (None, "Why?"),
    ]
    assert not transcript.has_speakers


def test_opening_marks_attach_to_the_next_word_and_stray_marks_are_dropped() -> None:
    document = _plain(
        _item(0, "."),
        _item(1, "¿"),
        _item(2, "Qué", "0.0", "0.3"),
        _item(3, "tal", "0.3", "0.6"),
        _item(4, "?"),
        language_code="es-US",
    )

    transcript = parse_transcribe_output(document)

    assert [w.text for w in _words(transcript)] == ["¿Qué", "tal?"]
    assert transcript.segments[0].text == "¿Qué tal?"
    assert transcript.language == "es-US"


def test_the_dominant_language_is_taken_from_language_codes() -> None:
    document = _plain(
        _item(0, "Hallo", "0.0", "0.4"),
        language_codes=[
            {"language_code": "en-US", "duration_in_seconds": 3.0},
            {"language_code": "de-DE", "duration_in_seconds": 40.5},
        ],
    )

    assert parse_transcribe_output(document).language == "de-DE"


def test_null_punctuation_confidence_and_numeric_times_are_accepted() -> None:
    word = _item(0, "Yes", "1.0", "1.2")
    word["start_time"], word["end_time"] = 1, 1.25
    document = _plain(word, _item(1, ".", confidence=None))

    (segment,) = parse_transcribe_output(document).segments

    assert segment.words == (Word("Yes.", 1.0, 1.25, 0.99),)


def test_an_output_with_no_items_is_an_empty_transcript() -> None:
    assert parse_transcribe_output(_plain()).segments == ()


def test_unspaced_languages_join_words_without_spaces() -> None:
    document = _plain(
        _item(0, "今日", "0.0", "0.4"),
        _item(1, "は", "0.4", "0.5"),
        _item(2, "。"),
        language_code="ja-JP",
    )

    assert parse_transcribe_output(document).segments[0].text == "今日は。"


# --- Malformed input ------------------------------------------------------------------------


def _broken(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(AUDIO_SEGMENTS_OUTPUT)
    change(document["results"])
    return document


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"jobName": "x"}, id="no results"),
        pytest.param({"results": {"transcripts": []}}, id="no items"),
        pytest.param({"results": {"items": {"0": "Tell"}}}, id="items not a list"),
        pytest.param(_broken(lambda r: r["items"][0].pop("start_time")), id="word without time"),
        pytest.param(_broken(lambda r: r["items"][0].update(start_time="abc")), id="bad time"),
        pytest.param(_broken(lambda r: r["items"][0].update(start_time="-1.0")), id="negative"),
        pytest.param(_broken(lambda r: r["items"][0].update(end_time="NaN")), id="nan time"),
        pytest.param(_broken(lambda r: r["items"][0].update(end_time=True)), id="bool time"),
        pytest.param(_broken(lambda r: r["items"][1].update(end_time="0.1")), id="end < start"),
        pytest.param(_broken(lambda r: r["items"][0].update(type="filler")), id="unknown type"),
        pytest.param(_broken(lambda r: r["items"][0].update(alternatives=[])), id="no alternative"),
        pytest.param(
            _broken(lambda r: r["items"][0]["alternatives"][0].update(confidence="2.5")),
            id="confidence above 1",
        ),
        pytest.param(
            _broken(lambda r: r["items"][0]["alternatives"][0].update(content=None)),
            id="content not text",
        ),
        pytest.param(
            _broken(lambda r: r["audio_segments"][0]["items"].append(99)), id="unknown item id"
        ),
        pytest.param(
            _broken(lambda r: r["audio_segments"][0].update(items="0-5")), id="segment items"
        ),
    ],
)
def test_malformed_output_is_refused_with_a_one_line_reason(document: dict[str, Any]) -> None:
    with pytest.raises(TranscriptionFailed) as caught:
        parse_transcribe_output(document)

    message = str(caught.value)
    assert "Transcribe output" in message
    assert "\n" not in message


@pytest.mark.parametrize("data", ["", "{", b"\x00\x01", "[1, 2]", '"results"', b"null"])
def test_text_that_is_not_a_json_object_is_refused(data: str | bytes) -> None:
    with pytest.raises(TranscriptionFailed, match="Transcribe output"):
        parse_transcribe_output(data)
