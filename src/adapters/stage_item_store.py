"""The StageStore methods every store shares: items encoded and decoded as stage_items says."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from adapters.stage_items import (
    QUESTIONS_ITEM,
    TRANSCRIPT_ITEM,
    decode_questions,
    decode_transcript,
    encode_questions,
    encode_transcript,
)

if TYPE_CHECKING:
    from interview_core.entities import KeptQuestions, Transcript


class EncodedStageStore(ABC):
    """Loads and saves the kept transcript and questions through two hooks, `_read_item`
    and `_write_item`, so that every store writes the same bytes and reads back, and
    refuses, exactly what the others do."""

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        """The kept transcript, or None when there is none or it cannot be read."""
        raw, where = self._read_item(interview_id, generation, TRANSCRIPT_ITEM)
        return None if raw is None else decode_transcript(raw, where)

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        """Keep `transcript`, replacing any kept one."""
        raw = encode_transcript(transcript)
        if raw is not None:
            self._write_item(interview_id, generation, TRANSCRIPT_ITEM, raw)

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        """The kept questions, or None when there are none or they cannot be read."""
        raw, where = self._read_item(interview_id, generation, QUESTIONS_ITEM)
        return None if raw is None else decode_questions(raw, where)

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        """Keep `found`, replacing any kept questions."""
        raw = encode_questions(found)
        if raw is not None:
            self._write_item(interview_id, generation, QUESTIONS_ITEM, raw)

    @abstractmethod
    def _read_item(self, interview_id: str, generation: int, item: str) -> tuple[bytes | None, str]:
        """The item's bytes (None when not kept) and the name logs give it."""

    @abstractmethod
    def _write_item(self, interview_id: str, generation: int, item: str, raw: bytes) -> None:
        """Keep `raw` as the item, replacing any kept one."""
