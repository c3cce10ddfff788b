"""SRT and WebVTT subtitles: cues become segments, speakers come from voices and names."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.transcripts.subtitles import parse_srt, parse_webvtt, read_subtitles
from interview_core.entities import Segment
from interview_core.errors import TranscriptionFailed

SRT = """1
00:00:01,000 --> 00:00:04,200
Interviewer: Tell me about
a project you led.

2
00:00:04,500 --> 00:00:09,750
Candidate: I led the <i>billing</i> migration
&amp; kept the lights on.

3
00:00:10,000 --> 00:01:02,005
It took six months.
"""

VTT = """WEBVTT - interview
Kind: captions
Language: en

NOTE This file was exported
by a captioning tool.

STYLE
::cue(v[voice="Interviewer"]) { color: yellow }

REGION
id:left width:40%

intro
00:01.000 --> 00:04.200 align:start position:10%
<v Interviewer>Tell me about
a project you led.</v>

00:00:04.500 --> 00:00:09.750 line:0
<v.loud Candidate>I led the <c.yellow>billing</c> <00:00:06.000>migration.</v>

01:00:00.000 --> 01:00:02.500
<v Interviewer>Why that one?</v>
<v Candidate>It was the riskiest.</v>
"""


def test_srt_cues_become_segments_with_named_speakers() -> None:
    transcript = parse_srt(SRT)

    assert transcript.segments == (
        Segment("Tell me about a project you led.", 1.0, 4.2, "Interviewer"),
        Segment("I led the billing migration & kept the lights on.", 4.5, 9.75, "Candidate"),
        Segment("It took six months.", 10.0, 62.005, None),
    )
    assert transcript.language is None
    assert transcript.duration is None


def test_srt_tolerates_bom_crlf_missing_numbers_dots_and_coordinates() -> None:
    text = (
        "\ufeff00:00:01.5 --> 00:00:02,25 X1:100 X2:600 Y1:20 Y2:50\r\n"
        '{\\an8}<font color="#ffff00">Hello</font> there\r\n\r\n\r\n'
        "7\r\n00:00:03,000 --> 00:00:04,000\r\nAgain\r\n"
    )

    assert parse_srt(text).segments == (
        Segment("Hello there", 1.5, 2.25),
        Segment("Again", 3.0, 4.0),
    )


def test_webvtt_voices_settings_and_skipped_blocks() -> None:
    transcript = parse_webvtt(VTT)

    assert transcript.language == "en"
    assert [(s.speaker, s.text, s.start, s.end) for s in transcript.segments] == [
        ("Interviewer", "Tell me about a project you led.", 1.0, 4.2),
        ("Candidate", "I led the billing migration.", 4.5, 9.75),
        ("Interviewer", "Why that one?", 3600.0, 3602.5),
        ("Candidate", "It was the riskiest.", 3600.0, 3602.5),
    ]
    assert all(s.words == () for s in transcript.segments)


def test_webvtt_tolerates_bom_and_crlf() -> None:
    crlf = "\ufeff" + VTT.replace("\n", "\r\n")

    assert parse_webvtt(crlf) == parse_webvtt(VTT)


def test_a_speaker_carries_over_to_the_following_lines_of_a_cue() -> None:
    text = "1\n00:00:00,000 --> 00:00:03,000\nSPEAKER 1:\nGood morning.\nThanks for coming.\n"

    (segment,) = parse_srt(text).segments

    assert (segment.speaker, segment.text) == ("SPEAKER 1", "Good morning. Thanks for coming.")


@pytest.mark.parametrize(
    ("line", "speaker", "text"),
    [
        ("Dr. Jones: Next question.", "Dr. Jones", "Next question."),
        ("spk_0: Hello.", "spk_0", "Hello."),
        (">> ANNA SMITH: Welcome.", "ANNA SMITH", "Welcome."),
        ("So basically: it failed.", None, "So basically: it failed."),
        ("At 10:30 we met.", None, "At 10:30 we met."),
        ("The plan had three parts: design, build, test.", None, None),
    ],
)
def test_a_leading_name_becomes_the_speaker_but_ordinary_colons_do_not(
    line: str, speaker: str | None, text: str | None
) -> None:
    (segment,) = parse_srt(f"1\n00:00:00,000 --> 00:00:01,000\n{line}\n").segments

    assert segment.speaker == speaker
    assert segment.text == (text or line)


def test_cues_out_of_order_are_sorted_and_empty_cues_skipped() -> None:
    text = (
        "1\n00:00:05,000 --> 00:00:06,000\nSecond\n\n"
        "2\n00:00:01,000 --> 00:00:02,000\nFirst\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\n<i></i>\n"
    )

    assert [s.text for s in parse_srt(text).segments] == ["First", "Second"]


@pytest.mark.parametrize(
    "timing",
    [
        "00:00:01,000 --> soon",
        "00:00:01,000 -> 00:00:02,000 -->",
        "00:61:00,000 --> 00:62:00,000",
        "00:00:01,000 --> 00:00:02,000,5",
        "1 --> 2",
    ],
)
def test_malformed_srt_timings_are_refused(timing: str) -> None:
    with pytest.raises(TranscriptionFailed, match="cue 1 has a malformed timing"):
        parse_srt(f"1\n{timing}\nText\n")


def test_a_cue_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(TranscriptionFailed, match="cue 2 ends before it starts"):
        parse_srt("1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:05,000 --> 00:00:04,000\nB\n")


def test_an_srt_block_without_timing_is_refused() -> None:
    with pytest.raises(TranscriptionFailed, match="block 2 has no cue timing"):
        parse_srt("1\n00:00:01,000 --> 00:00:02,000\nA\n\nstray text\n")


@pytest.mark.parametrize("text", ["", "\ufeff\r\n", "1\n00:00:01,000 --> 00:00:02,000\n<b></b>\n"])
def test_subtitles_without_any_text_are_refused(text: str) -> None:
    with pytest.raises(TranscriptionFailed, match="no cue with text"):
        parse_srt(text)


def test_webvtt_without_header_is_refused() -> None:
    with pytest.raises(TranscriptionFailed, match="WEBVTT header"):
        parse_webvtt("00:01.000 --> 00:02.000\nHello\n")


def test_webvtt_with_a_malformed_timing_is_refused() -> None:
    with pytest.raises(TranscriptionFailed, match="malformed timing"):
        parse_webvtt("WEBVTT\n\n00:01.000 --> 00:0x.000\nHello\n")


def test_webvtt_with_only_a_header_is_refused() -> None:
    with pytest.raises(TranscriptionFailed, match="no cue with text"):
        parse_webvtt("WEBVTT\n\nNOTE nothing here\n")


def test_read_subtitles_picks_the_format_from_the_suffix(tmp_path: Path) -> None:
    srt, vtt = tmp_path / "a.srt", tmp_path / "a.vtt"
    srt.write_text(SRT, encoding="utf-8")
    vtt.write_text(VTT, encoding="utf-8")

    assert read_subtitles(srt) == parse_srt(SRT)
    assert read_subtitles(vtt) == parse_webvtt(VTT)


def test_read_subtitles_detects_webvtt_by_its_header_under_another_name(tmp_path: Path) -> None:
    path = tmp_path / "captions.txt"
    path.write_text(VTT, encoding="utf-8")

    assert read_subtitles(path) == parse_webvtt(VTT)


def test_read_subtitles_decodes_utf16_and_legacy_windows_1252(tmp_path: Path) -> None:
    cue = "1\n00:00:00,000 --> 00:00:01,000\nCafé – naïve\n"
    utf16, legacy = tmp_path / "a.srt", tmp_path / "b.srt"
    utf16.write_bytes(cue.encode("utf-16"))
    legacy.write_bytes(cue.encode("cp1252"))

    assert read_subtitles(utf16).segments[0].text == "Café – naïve"
    assert read_subtitles(legacy).segments[0].text == "Café – naïve"


def test_read_subtitles_names_the_file_on_failure(tmp_path: Path) -> None:
    broken = tmp_path / "broken.vtt"
    broken.write_text("not subtitles\n", encoding="utf-8")

    with pytest.raises(TranscriptionFailed, match=r"broken\.vtt: .*WEBVTT"):
        read_subtitles(broken)
    with pytest.raises(TranscriptionFailed, match=r"cannot read subtitles missing\.srt"):
        read_subtitles(tmp_path / "missing.srt")
