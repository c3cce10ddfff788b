"""SRT and WebVTT subtitles of a transcript: timing, line length, escaping, speakers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.exports import srt_timestamp, transcript_srt, transcript_vtt, vtt_timestamp
from adapters.exports.cue_layout import MIN_CUE_SECONDS, clean_text, columns
from adapters.transcripts import parse_srt, parse_webvtt
from interview_core.entities import Segment, Transcript, Word
from tests.subtitle_checks import assert_fits, read_srt, read_vtt

LONG = (
    "Tell me about a project you led, what went wrong along the way, what you would do "
    "differently next time, and how the rest of the team reacted to the outcome of it all"
)


def timed_words(text: str, start: float, step: float = 0.5) -> tuple[Word, ...]:
    return tuple(
        Word(word, start + index * step, start + index * step + step * 0.8)
        for index, word in enumerate(text.split())
    )


def one(segment: Segment, duration: float | None = None) -> Transcript:
    return Transcript(segments=(segment,), language="en", duration=duration)


# --- timing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "srt", "vtt"),
    [
        (0.0, "00:00:00,000", "00:00:00.000"),
        (62.345, "00:01:02,345", "00:01:02.345"),
        (3599.9994, "00:59:59,999", "00:59:59.999"),
        (3599.9996, "01:00:00,000", "01:00:00.000"),  # rounds up across the hour
        (4 * 3600 + 5.5, "04:00:05,500", "04:00:05.500"),
        (100 * 3600 + 0.001, "100:00:00,001", "100:00:00.001"),
        (1.0005, "00:00:01,001", "00:00:01.001"),  # half a millisecond rounds up
        (-0.2, "00:00:00,000", "00:00:00.000"),
    ],
)
def test_timestamps(seconds: float, srt: str, vtt: str) -> None:
    assert (srt_timestamp(seconds), vtt_timestamp(seconds)) == (srt, vtt)


def test_a_cue_more_than_an_hour_in_is_timed_in_hours() -> None:
    transcript = one(Segment("Any last questions?", 3725.25, 3727.5, "spk_0"))

    srt = transcript_srt(transcript)
    vtt = transcript_vtt(transcript)

    assert srt == "1\n01:02:05,250 --> 01:02:07,500\nspk_0: Any last questions?\n"
    assert vtt == (
        "WEBVTT\n\n1\n01:02:05.250 --> 01:02:07.500\n<v spk_0>spk_0: Any last questions?\n"
    )


def test_a_segment_with_no_length_is_shown_briefly_up_to_the_next_cue() -> None:
    transcript = Transcript(
        segments=(
            Segment("Right.", 10.0, 10.0),
            Segment("So.", 20.0, 20.0),
            Segment("Next one.", 20.2, 22.0),
        )
    )

    for cues in (read_srt(transcript_srt(transcript)), read_vtt(transcript_vtt(transcript))):
        assert [(c.start, c.end) for c in cues] == [
            (10.0, 10.0 + MIN_CUE_SECONDS),
            (20.0, 20.2),  # cut where the next cue starts
            (20.2, 22.0),
        ]


def test_two_cues_in_the_same_millisecond_still_end_after_they_start() -> None:
    transcript = Transcript(segments=(Segment("A.", 5.0, 5.0), Segment("B.", 5.0, 5.0)))

    cues = read_vtt(transcript_vtt(transcript))  # asserts end > start

    assert [c.start for c in cues] == [5.0, 5.0]


def test_cues_come_in_time_order_whatever_the_segments_order() -> None:
    transcript = Transcript(segments=(Segment("Second.", 5.0, 6.0), Segment("First.", 1.0, 2.0)))

    cues = read_srt(transcript_srt(transcript))

    assert [c.lines for c in cues] == [("First.",), ("Second.",)]


# --- line length ---------------------------------------------------------------------------


def test_a_long_segment_is_split_into_cues_of_two_lines_timed_by_its_words() -> None:
    words = timed_words(LONG, 100.0)
    transcript = one(Segment(LONG, 100.0, words[-1].end, "spk_0", words))

    cues = read_srt(transcript_srt(transcript))

    assert len(cues) > 1
    assert_fits(cues)
    shown = " ".join(" ".join(c.lines) for c in cues).replace("spk_0: ", "")
    assert shown == LONG
    assert all(c.lines[0].startswith("spk_0: ") for c in cues)
    # each cue starts when its first word is said and ends when its last one ends
    for cue in cues:
        first = cue.lines[0].removeprefix("spk_0: ").split()[0]
        last = cue.lines[-1].split()[-1]
        starts = {round(w.start, 3) for w in words if w.text == first}
        ends = {round(w.end, 3) for w in words if w.text == last}
        assert cue.start in starts and cue.end in ends, cue
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:], strict=False))


def test_without_word_timings_a_long_segment_is_timed_by_its_characters() -> None:
    transcript = one(Segment(LONG, 0.0, float(len(LONG))))  # one second a character

    cues = read_srt(transcript_srt(transcript))

    assert_fits(cues)
    assert cues[0].start == 0.0 and cues[-1].end == float(len(LONG))
    offset = 0
    for cue in cues:
        text = " ".join(cue.lines)
        offset = LONG.index(text, offset)
        assert cue.start == pytest.approx(offset, abs=0.001)
        assert cue.end == pytest.approx(offset + len(text), abs=0.001)


def test_words_that_do_not_spell_the_text_are_not_used_for_timing() -> None:
    words = timed_words("something else entirely", 50.0, step=0.1)
    transcript = one(Segment(LONG, 0.0, 100.0, words=words))

    cues = read_srt(transcript_srt(transcript))

    assert cues[0].start == 0.0 and cues[-1].end == 100.0


def test_a_word_longer_than_a_line_is_cut_between_characters() -> None:
    url = "https://example.com/" + "very-long-path/" * 6 + "end"
    transcript = one(Segment(f"See {url} for the details", 0.0, 10.0))

    cues = read_vtt(transcript_vtt(transcript))

    assert_fits(cues)
    assert "".join("".join(c.lines) for c in cues).replace(" ", "") == (f"See{url}forthedetails")
    assert cues[0].lines[0] == "See"  # the long word starts a line of its own
    assert cues[0].lines[1] == url[:42]


def test_text_without_spaces_is_split_by_characters_wide_ones_counting_two() -> None:
    chinese = "你好，我叫李明。我在北京工作了五年，主要负责后端系统的设计和开发，也带过一个小团队。"
    transcript = one(Segment(chinese, 0.0, 20.0, "spk_1"))

    cues = read_srt(transcript_srt(transcript))

    assert_fits(cues)
    assert len(cues) >= 2
    shown = "".join("".join(c.lines) for c in cues).replace("spk_1: ", "")
    assert shown == chinese
    assert all(columns(line) > 30 for c in cues[:-1] for line in c.lines)  # lines are filled
    assert not any(line.startswith(("，", "。")) for c in cues for line in c.lines)


def test_combining_marks_stay_with_their_letter() -> None:
    word = "e\u0301" * 60  # é written as e and a combining accent
    cues = read_srt(transcript_srt(one(Segment(word, 0.0, 3.0))))

    assert_fits(cues)
    assert all(not line.startswith("\u0301") for c in cues for line in c.lines)
    assert "".join("".join(c.lines) for c in cues) == word


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.lists(
            st.sampled_from([*"ab cd-> <&\n\t漢字。x", "-->", "\u0301", "\x00"]), max_size=120
        ).map("".join),
        max_size=5,
    ),
    speaker=st.sampled_from([None, "spk_0", "a" * 50]),
)
def test_any_text_gives_cues_that_fit_and_read_back(texts: list[str], speaker: str | None) -> None:
    transcript = Transcript(
        segments=tuple(
            Segment(text, 10.0 * i, 10.0 * i + 5.0, speaker) for i, text in enumerate(texts)
        )
    )

    srt_cues = read_srt(transcript_srt(transcript))
    vtt_cues = read_vtt(transcript_vtt(transcript))

    assert_fits(srt_cues)
    assert_fits(vtt_cues)
    assert [c.lines for c in srt_cues] == [c.lines for c in vtt_cues]
    shown = "".join("".join(c.lines) for c in srt_cues).replace(" ", "")
    if speaker is not None:
        name = clean_text(speaker) if len(speaker) <= 20 else speaker[:19] + "…"
        shown = shown.replace(f"{name}:", "")
    assert shown == "".join(clean_text(t) for t in texts).replace(" ", "")


# --- escaping and hostile text -------------------------------------------------------------


def test_vtt_escapes_ampersands_and_angle_brackets() -> None:
    transcript = one(Segment("<script>alert(1)</script> & </c> ok", 0.0, 4.0))

    vtt = transcript_vtt(transcript)

    assert "\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/c&gt; ok\n" in vtt
    assert "<script>" not in vtt
    assert read_vtt(vtt)[0].lines == ("<script>alert(1)</script> & </c> ok",)


def test_an_arrow_in_the_text_cannot_break_a_cue() -> None:
    transcript = one(
        Segment("we went A --> B ---> C\n\n2\n00:00:01,000 --> 00:00:02,000", 0.0, 4.0)
    )

    srt = transcript_srt(transcript)
    vtt = transcript_vtt(transcript)

    assert srt.count("-->") == 1 and vtt.count("-->") == 1
    assert len(read_srt(srt)) == len(read_vtt(vtt)) == 1
    assert len(parse_srt(srt).segments) == 1
    assert "A -> B -> C" in srt


def test_control_characters_and_lone_surrogates_do_not_reach_the_file() -> None:
    transcript = one(Segment("bell\x07 null\x00 half\ud800 ok", 0.0, 2.0))

    srt = transcript_srt(transcript)

    srt.encode("utf-8")  # writable as UTF-8
    assert read_srt(srt)[0].lines == ("bell null half\ufffd ok",)


# --- speakers ------------------------------------------------------------------------------


def test_speakers_are_prefixed_by_their_labels_and_by_their_roles_when_known() -> None:
    transcript = Transcript(
        segments=(
            Segment("Why this team?", 0.0, 2.0, "spk_0"),
            Segment("Because of the product.", 2.0, 4.0, "spk_1"),
            Segment("And you?", 4.0, 5.0, "spk_2"),
            Segment("No speaker here.", 5.0, 6.0),
        )
    )
    roles = {"spk_0": "interviewer", "spk_1": "candidate", "spk_2": "interviewer"}

    plain = read_srt(transcript_srt(transcript))
    named = read_vtt(transcript_vtt(transcript, roles))

    assert [c.lines[0] for c in plain] == [
        "spk_0: Why this team?",
        "spk_1: Because of the product.",
        "spk_2: And you?",
        "No speaker here.",
    ]
    assert [c.lines[0] for c in named] == [
        "Interviewer 1: Why this team?",  # a panel: two interviewers, numbered
        "Candidate: Because of the product.",
        "Interviewer 2: And you?",
        "No speaker here.",
    ]
    assert [c.voice for c in named] == ["Interviewer 1", "Candidate", "Interviewer 2", None]


def test_a_hostile_speaker_label_is_cut_and_escaped() -> None:
    label = "<b>spk</b>&\n" + "x" * 100
    cues = read_vtt(transcript_vtt(one(Segment("Hello there.", 0.0, 1.0, label))))

    assert cues[0].voice is not None and len(cues[0].voice) <= 20
    assert cues[0].lines[0].startswith("<b>spk</b>& x")
    assert_fits(cues)


def test_read_back_as_a_transcript_the_speakers_and_text_survive() -> None:
    transcript = Transcript(
        segments=(
            Segment("Tell me about yourself.", 0.0, 2.5, "spk_0"),
            Segment("I build data pipelines.", 2.5, 5.0, "spk_1"),
        )
    )

    for parsed in (
        parse_srt(transcript_srt(transcript)),
        parse_webvtt(transcript_vtt(transcript)),
    ):
        assert [(s.text, s.speaker, s.start, s.end) for s in parsed.segments] == [
            (s.text, s.speaker, s.start, s.end) for s in transcript.segments
        ]


# --- nothing to show -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "segments",
    [(), (Segment("", 0.0, 1.0), Segment("   \n ", 1.0, 2.0), Segment("\x00", 2.0, 3.0))],
)
def test_an_empty_transcript_gives_valid_empty_files(segments: tuple[Segment, ...]) -> None:
    transcript = Transcript(segments=segments, duration=30.0)

    assert transcript_srt(transcript) == ""
    assert transcript_vtt(transcript) == "WEBVTT\n"
    assert read_srt("") == [] and read_vtt("WEBVTT\n") == []
