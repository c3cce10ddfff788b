"""Sentence segmentation of transcripts, from word timings or from timed text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_core.entities import Segment, Transcript, Word
from interview_core.sentences import TERMINALS, ends_sentence, split_sentences


def timed_words(text: str, start: float, step: float = 0.5) -> tuple[Word, ...]:
    """One word per whitespace-separated piece, each `step` seconds long, back to back."""
    return tuple(
        Word(piece, start + i * step, start + (i + 1) * step)
        for i, piece in enumerate(text.split())
    )


def worded(text: str, start: float, speaker: str | None = None) -> Segment:
    words = timed_words(text, start)
    return Segment(text, words[0].start, words[-1].end, speaker, words)


def texts(transcript: Transcript) -> list[str]:
    return [segment.text for segment in transcript.segments]


def test_word_stream_is_cut_after_terminal_punctuation_with_times_from_words() -> None:
    transcript = Transcript((worded("Tell me about yourself. Why here? Great!", 10.0),))
    sentences = split_sentences(transcript).segments
    assert [s.text for s in sentences] == ["Tell me about yourself.", "Why here?", "Great!"]
    assert [(s.start, s.end) for s in sentences] == [(10.0, 12.0), (12.0, 13.0), (13.0, 13.5)]
    assert [w.text for w in sentences[1].words] == ["Why", "here?"]


def test_sentences_crossing_recogniser_segments_are_joined_and_cut_apart() -> None:
    transcript = Transcript(
        (worded("Hello there. How", 0.0), worded("are you? Fine", 5.0), worded("thanks.", 9.0)),
        language="en",
        duration=12.0,
    )
    result = split_sentences(transcript)
    assert texts(result) == ["Hello there.", "How are you?", "Fine thanks."]
    how = result.segments[1]
    assert (how.start, how.end) == (1.0, 6.0)
    assert [w.text for w in how.words] == ["How", "are", "you?"]
    assert (result.language, result.duration) == ("en", 12.0)


def test_a_sentence_never_spans_a_change_of_speaker() -> None:
    transcript = Transcript(
        (worded("so what do you think", 0.0, "interviewer"), worded("I think so.", 3.0, "cand"))
    )
    sentences = split_sentences(transcript).segments
    assert [(s.text, s.speaker) for s in sentences] == [
        ("so what do you think", "interviewer"),
        ("I think so.", "cand"),
    ]


def test_abbreviations_decimals_and_initials_do_not_end_a_sentence() -> None:
    text = "I met Dr. Smith and Mr. J. Jones, e.g. at 5 p.m. today. It cost 3. 5 dollars."
    sentences = split_sentences(Transcript((worded(text, 0.0),)))
    assert texts(sentences) == [
        "I met Dr. Smith and Mr. J. Jones, e.g. at 5 p.m. today.",
        "It cost 3. 5 dollars.",
    ]


def test_ambiguous_abbreviations_end_a_sentence_before_a_capital() -> None:
    text = "We used Go, Rust, etc. Then we moved to the U.S. and it was 9 a.m. Really..."
    assert texts(split_sentences(Transcript((worded(text, 0.0),)))) == [
        "We used Go, Rust, etc.",
        "Then we moved to the U.S. and it was 9 a.m.",
        "Really...",
    ]


def test_punctuation_given_as_its_own_word_sticks_to_the_word_before() -> None:
    words = (Word("Why", 0.0, 0.4), Word("?", 0.4, 0.4), Word("Because", 1.0, 1.5))
    sentences = split_sentences(Transcript((Segment("Why ? Because", 0.0, 1.5, None, words),)))
    assert texts(sentences) == ["Why?", "Because"]
    assert len(sentences.segments[0].words) == 2


def test_a_long_pause_ends_an_unpunctuated_sentence_only_when_asked() -> None:
    transcript = Transcript(
        (worded("walk me through your design", 0.0), worded("sure we start with", 6.0))
    )
    assert len(split_sentences(transcript).segments) == 1
    cut = split_sentences(transcript, pause_break=2.0)
    assert texts(cut) == ["walk me through your design", "sure we start with"]


def test_text_without_word_timings_is_split_and_timed_by_character_share() -> None:
    transcript = Transcript((Segment("Hi. How are you?", 0.0, 16.0, "a"),))
    first, second = split_sentences(transcript).segments
    assert (first.text, first.start, first.end) == ("Hi.", 0.0, 3.0)
    assert (second.text, second.start, second.end) == ("How are you?", 4.0, 16.0)
    assert first.words == () and second.speaker == "a"


def test_text_sentences_run_across_segments_without_word_timings() -> None:
    transcript = Transcript(
        (Segment("Tell me about", 0.0, 2.0), Segment("yourself. Thanks.", 3.0, 4.0))
    )
    sentences = split_sentences(transcript).segments
    assert [s.text for s in sentences] == ["Tell me about yourself.", "Thanks."]
    assert sentences[0].start == 0.0 and 3.0 < sentences[0].end < 4.0
    assert sentences[1].end == 4.0


def test_segments_without_words_or_text_vanish_and_empty_gives_empty() -> None:
    assert split_sentences(Transcript(())).segments == ()
    blank = Segment("   ", 0.0, 1.0, words=(Word(" ", 0.0, 1.0),))
    assert split_sentences(Transcript((blank,))).segments == ()


@pytest.mark.parametrize(
    ("word", "following", "ends"),
    [
        ("here.", "Then", True),
        ("here?", "then", True),
        ('done!"', None, True),
        ("(yes.)", "So", True),
        ("here,", "Then", False),
        ("Dr.", "Smith", False),
        ("e.g.", "Python", False),
        ("A.", "Smith", False),
        ("etc.", "then", False),
        ("etc.", "Then", True),
        ("U.S.", "and", False),
        ("U.S.", None, True),
        ("3.", "5", False),
        ("3.", "Then", True),
        ("wait...", "maybe", False),
        ("wait...", "Maybe", True),
        ("", "Then", False),
    ],
)
def test_ends_sentence(word: str, following: str | None, ends: bool) -> None:
    assert ends_sentence(word, following) is ends


# --- properties -------------------------------------------------------------------------

VOCABULARY = [
    "Tell", "me", "about", "yourself.", "why", "Why?", "really!", "e.g.", "Dr.", "Mr.",
    "etc.", "3.", "5", "U.S.", "so", "and", "it", "works", "fine.", "p.m.", "Okay,",
    "wait...", '"done."', "(yes.)", "A.", "?", ".", "Then", "how", "are", "you?",
]  # fmt: skip


_WORD = st.tuples(st.sampled_from(VOCABULARY), st.integers(0, 10), st.integers(0, 10))
_SEGMENT = st.tuples(
    st.sampled_from([None, "a", "b"]),
    st.integers(0, 30),  # tenths of a second of silence before the segment
    st.lists(_WORD, min_size=1, max_size=8),  # (text, tenths of silence, tenths of speech)
    st.booleans(),  # whether the segment carries its word timings
)


@st.composite
def transcripts(draw: st.DrawFn, *, with_words: bool | None = None) -> Transcript:
    """Transcripts in time order, mixing speakers and segments with or without words."""
    clock = draw(st.integers(0, 1000)) / 10
    segments = []
    for speaker, silence, pieces, use_words in draw(st.lists(_SEGMENT, max_size=8)):
        clock += silence / 10
        start = clock
        words = []
        for piece, pause, length in pieces:
            word_start = clock + pause / 10
            clock = word_start + length / 10
            words.append(Word(piece, word_start, clock))
        keep = use_words if with_words is None else with_words
        text = " ".join(piece for piece, _, _ in pieces)
        segments.append(Segment(text, start, clock, speaker, tuple(words) if keep else ()))
    return Transcript(tuple(segments))


def _characters(transcript: Transcript) -> str:
    return "".join("".join(segment.text.split()) for segment in transcript.segments)


@settings(max_examples=75, deadline=None)
@given(transcripts())
def test_no_word_is_lost_added_or_reordered(transcript: Transcript) -> None:
    sentences = split_sentences(transcript)
    assert _characters(sentences) == _characters(transcript)


@settings(max_examples=75, deadline=None)
@given(transcripts(with_words=True))
def test_recognised_words_are_kept_in_order(transcript: Transcript) -> None:
    sentences = split_sentences(transcript)
    given_words = [w for segment in transcript.segments for w in segment.words]
    assert [w for segment in sentences.segments for w in segment.words] == given_words


@settings(max_examples=75, deadline=None)
@given(transcripts(), st.sampled_from([None, 1.5]))
def test_times_are_ordered_and_inside_the_original_span(
    transcript: Transcript, pause_break: float | None
) -> None:
    sentences = split_sentences(transcript, pause_break=pause_break).segments
    if not sentences:
        return
    earliest = min(segment.start for segment in transcript.segments)
    latest = max(segment.end for segment in transcript.segments)
    for sentence in sentences:
        assert earliest <= sentence.start <= sentence.end <= latest
    starts = [sentence.start for sentence in sentences]
    assert starts == sorted(starts)


@settings(max_examples=75, deadline=None)
@given(transcripts(), st.sampled_from([None, 1.5]))
def test_every_sentence_but_the_last_of_a_run_ends_with_terminal_punctuation(
    transcript: Transcript, pause_break: float | None
) -> None:
    sentences = split_sentences(transcript, pause_break=pause_break).segments
    for sentence, following in zip(sentences, sentences[1:], strict=False):
        ended = sentence.text.rstrip("\"')]}").endswith(tuple(TERMINALS))
        speaker_changed = following.speaker != sentence.speaker
        paused = pause_break is not None and following.start - sentence.end >= pause_break
        assert ended or speaker_changed or paused, (sentence.text, following.text)


@settings(max_examples=75, deadline=None)
@given(transcripts(with_words=True))
def test_sentences_are_cut_at_every_sentence_end_and_nowhere_else(
    transcript: Transcript,
) -> None:
    sentences = split_sentences(transcript).segments
    for sentence in sentences:
        inner = [w.text for w in sentence.words]
        for word, following in zip(inner, inner[1:], strict=False):
            assert not ends_sentence(word, following), sentence.text
    for sentence, following in zip(sentences, sentences[1:], strict=False):
        assert following.speaker != sentence.speaker or ends_sentence(
            sentence.words[-1].text, following.words[0].text
        )


def test_text_without_spaces_is_cut_after_full_width_terminals() -> None:
    transcript = Transcript(
        (
            Segment("你好，欢迎。请问你为什么想加入我们公司？好的", 0.0, 22.0, "interviewer"),
            Segment("「自己紹介をお願いします。」はい", 30.0, 40.0, "candidate"),
        )
    )

    sentences = split_sentences(transcript).segments

    assert [s.text for s in sentences] == [
        "你好，欢迎。",
        "请问你为什么想加入我们公司？",
        "好的",
        "「自己紹介をお願いします。」",
        "はい",
    ]
    # the time is spread by characters, as over the words of spaced text
    assert [s.start for s in sentences[:3]] == [0.0, pytest.approx(22 * 7 / 24), 22 * 22 / 24]
    assert sentences[2].end == 22.0
