"""Amazon Transcribe batch output JSON (asrOutput.json) read into the core Transcript.

Three generations of the format are understood:

- `results.speaker_labels.segments[].items` map word start times to speakers, and the
  `results.items` carry no speaker (2020 and earlier);
- every item carries its own `speaker_label`, with neither `id` nor `audio_segments` (2023);
- items carry an `id` and `results.audio_segments` group them into utterances, each with
  `id`, `transcript`, `start_time`, `end_time`, `speaker_label` and `items` (a list of item
  ids); when present these groupings and their speakers are used.

Without speaker labels every segment has speaker None. Punctuation items have no timing of
their own and are attached to the word before them (opening marks such as "¿" to the word
after). Segments break at every speaker change and after every sentence end.

A redacted transcript (ContentRedaction) has `[PII]` items whose alternative names the
entity type in `redactions`: each becomes `[PII:<TYPE>]` in our types (`[PII]` when the type
is missing or not one of ours), and a run of such items of one type, as Transcribe writes a
value of several words, becomes one word spanning their times.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import attrs
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from adapters.transcripts.native import validation_reason
from adapters.transcripts.transcribe_pii import FROM_TRANSCRIBE
from interview_core.entities import Segment, Transcript, Word
from interview_core.errors import TranscriptionFailed
from interview_core.personal_data import marker

_SENTENCE_ENDS = frozenset(".?!。？！")
_OPENING_MARKS = frozenset("¿¡([{“‘«„")
_UNSPACED_LANGUAGES = ("ja", "zh", "th")


def _number(value: object, *, lower: float, upper: float = math.inf) -> float:
    """A number that Transcribe writes as a string ("12.34") or, rarely, as a JSON number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be a number or a numeric string")
    try:
        number = float(value)
    except ValueError:
        raise ValueError("must be a numeric string") from None
    if not math.isfinite(number) or not lower <= number <= upper:
        raise ValueError(f"must be a finite number between {lower} and {upper}")
    return number


def _seconds(value: object) -> float:
    return _number(value, lower=0.0)


def _confidence(value: object) -> float | None:
    return None if value is None else _number(value, lower=0.0, upper=1.0)


_Seconds = Annotated[float, BeforeValidator(_seconds)]
_Confidence = Annotated[float | None, BeforeValidator(_confidence)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Redaction(_Model):
    type: str | None = None


class _Alternative(_Model):
    content: str
    confidence: _Confidence = None
    redactions: list[_Redaction] = []


class _Item(_Model):
    type: Literal["pronunciation", "punctuation"]
    alternatives: list[_Alternative] = Field(min_length=1)
    start_time: _Seconds | None = None
    end_time: _Seconds | None = None
    speaker_label: str | None = None
    id: int | None = None


class _LabelledSpan(_Model):
    start_time: _Seconds
    speaker_label: str


class _SpeakerSegment(_Model):
    speaker_label: str
    items: list[_LabelledSpan] = []


class _SpeakerLabels(_Model):
    segments: list[_SpeakerSegment] = []


class _AudioSegment(_Model):
    speaker_label: str | None = None
    items: list[int] = []


class _LanguageShare(_Model):
    language_code: str
    duration_in_seconds: _Seconds = 0.0


class _Results(_Model):
    items: list[_Item]
    speaker_labels: _SpeakerLabels | None = None
    audio_segments: list[_AudioSegment] | None = None
    language_code: str | None = None
    language_codes: list[_LanguageShare] | None = None


class _Output(_Model):
    results: _Results


def parse_transcribe_output(data: Mapping[str, Any] | bytes | str) -> Transcript:
    """Read an Amazon Transcribe batch output document into a Transcript.

    `data` is the parsed JSON object or its raw text. Words keep their confidence; the
    language comes from `results.language_code` (or the longest of `language_codes`).
    The duration is left None: the output does not state the audio's length. Raises
    TranscriptionFailed with a one-line reason when the text is not JSON or the document
    does not have the shape above.
    """
    document = _load(data)
    try:
        results = _Output.model_validate(document).results
    except ValidationError as exc:
        raise TranscriptionFailed(f"invalid Transcribe output: {validation_reason(exc)}") from exc
    language = _language(results)
    spaced = not (language or "").lower().startswith(_UNSPACED_LANGUAGES)
    builder = _SegmentBuilder(spaced=spaced)
    if results.audio_segments:
        _group_by_audio_segments(results, builder)
    else:
        _group_by_speaker(results, builder)
    return Transcript(segments=builder.finish(), language=language, duration=None)


def _load(data: Mapping[str, Any] | bytes | str) -> Mapping[str, Any]:
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            message = " ".join(str(exc).split())
            raise TranscriptionFailed(f"Transcribe output is not valid JSON: {message}") from exc
    if not isinstance(data, Mapping):
        raise TranscriptionFailed("invalid Transcribe output: the top level is not an object")
    return data


def _language(results: _Results) -> str | None:
    if results.language_code:
        return results.language_code
    if results.language_codes:
        return max(
            results.language_codes, key=lambda share: share.duration_in_seconds
        ).language_code
    return None


def _group_by_speaker(results: _Results, builder: _SegmentBuilder) -> None:
    """Items carry their speaker, or speaker_labels map their start time to one."""
    speaker_at: dict[float, str] = {}
    if results.speaker_labels is not None:
        for segment in results.speaker_labels.segments:
            for span in segment.items:
                speaker_at[round(span.start_time, 3)] = span.speaker_label
    for item in results.items:
        speaker = item.speaker_label
        if speaker is None and item.start_time is not None:
            speaker = speaker_at.get(round(item.start_time, 3))
        builder.add(item, group=speaker, speaker=speaker)


def _group_by_audio_segments(results: _Results, builder: _SegmentBuilder) -> None:
    """Audio segments name the items (by id, else by position) that each utterance holds."""
    items_by_id = {
        (item.id if item.id is not None else position): item
        for position, item in enumerate(results.items)
    }
    owner: dict[int, tuple[int, str | None]] = {}
    for index, segment in enumerate(results.audio_segments or ()):
        for item_id in segment.items:
            if item_id not in items_by_id:
                raise TranscriptionFailed(
                    f"invalid Transcribe output: audio segment {index} names unknown item {item_id}"
                )
            owner.setdefault(item_id, (index, segment.speaker_label))
    for position, item in enumerate(results.items):
        item_id = item.id if item.id is not None else position
        group, speaker = owner.get(item_id, (None, item.speaker_label))
        builder.add(item, group=group, speaker=speaker)


def _pii_marker(alternative: _Alternative) -> str:
    """`[PII:<TYPE>]` for a redacted item of a type we know, else `[PII]`."""
    kinds = {FROM_TRANSCRIBE.get(r.type or "") for r in alternative.redactions}
    return marker(kinds.pop() if len(kinds) == 1 else None)


@attrs.define
class _SegmentBuilder:
    """Collects words into segments: a new one per group change and after a sentence end."""

    spaced: bool
    segments: list[Segment] = attrs.Factory(list)
    words: list[Word] = attrs.Factory(list)
    group: object = None
    speaker: str | None = None
    sentence_ended: bool = False
    opening: str = ""

    def add(self, item: _Item, *, group: object, speaker: str | None) -> None:
        best = item.alternatives[0]
        content = best.content.strip()
        if not content:
            return
        if item.type == "punctuation":
            self._punctuation(content)
            return
        if item.start_time is None or item.end_time is None:
            raise TranscriptionFailed("invalid Transcribe output: a word has no start/end time")
        if item.end_time < item.start_time:
            raise TranscriptionFailed("invalid Transcribe output: a word ends before it starts")
        if self.words and (self.sentence_ended or group != self.group):
            self._close()
        self.group, self.speaker = group, speaker
        if content == "[PII]":
            content = _pii_marker(best)
            last = self.words[-1] if self.words else None
            if last is not None and last.text == content and not self.opening:
                self.words[-1] = Word(content, last.start, max(last.end, item.end_time))
                return
        text = self.opening + content
        self.opening = ""
        self.words.append(Word(text, item.start_time, item.end_time, best.confidence))

    def _punctuation(self, mark: str) -> None:
        if mark in _OPENING_MARKS:
            self.opening += mark
            return
        if not self.words:  # a closing mark with no word before it has nothing to attach to
            return
        last = self.words[-1]
        self.words[-1] = attrs.evolve(last, text=last.text + mark)
        if mark[-1] in _SENTENCE_ENDS:
            self.sentence_ended = True

    def _close(self) -> None:
        separator = " " if self.spaced else ""
        self.segments.append(
            Segment(
                text=separator.join(word.text for word in self.words),
                start=self.words[0].start,
                end=max(word.end for word in self.words),
                speaker=self.speaker,
                words=tuple(self.words),
            )
        )
        self.words = []
        self.sentence_ended = False

    def finish(self) -> tuple[Segment, ...]:
        if self.words:
            self._close()
        return tuple(self.segments)
