"""InMemoryStageStore: kept stage results in a dict, for tests and library users."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from adapters.stage_items import (
    QUESTIONS_ITEM,
    TRANSCRIPT_ITEM,
    decode_questions,
    decode_transcript,
    encode_questions,
    encode_transcript,
    item_folder,
    kept_items,
)

if TYPE_CHECKING:
    from interview_core.entities import KeptQuestions, Transcript


class InMemoryStageStore:
    """A StageStore in this process's memory, holding the same bytes the file and S3 stores
    write, so that it reads back and refuses exactly what they do. Thread-safe; raises only
    ValueError (a caller's mistake), as the port says."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, bytes] = {}

    def keys(self) -> list[str]:
        """The names of the items kept, `<token>/g<generation>/<item>`, sorted."""
        with self._lock:
            return sorted(self._items)

    def remove_files(self, interview_id: str, generation: int) -> list[str]:
        """Forget every kept item of the interview, of any generation; their names.
        Raises ValueError for an empty id or a negative generation."""
        if generation < 0:
            raise ValueError(f"a generation is a whole number of at least 0, not {generation}")
        folder = item_folder(interview_id, 0).rsplit("/", 1)[0] + "/"
        with self._lock:
            names = sorted(name for name in self._items if name.startswith(folder))
            for name in names:
                del self._items[name]
        return names

    def put_raw(self, interview_id: str, generation: int, item: str, raw: bytes) -> None:
        """Place `raw` as the named item (`transcript.json` or `questions.json`) as is."""
        self._put(f"{item_folder(interview_id, generation)}/{item}", raw)

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        """The kept transcript, or None when there is none or it cannot be read."""
        name = f"{item_folder(interview_id, generation)}/{TRANSCRIPT_ITEM}"
        raw = self._get(name)
        return None if raw is None else decode_transcript(raw, name)

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        """Keep `transcript`, replacing any kept one."""
        name = f"{item_folder(interview_id, generation)}/{TRANSCRIPT_ITEM}"
        raw = encode_transcript(transcript)
        if raw is not None:
            self._put(name, raw)

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        """The kept questions, or None when there are none or they cannot be read."""
        name = f"{item_folder(interview_id, generation)}/{QUESTIONS_ITEM}"
        raw = self._get(name)
        return None if raw is None else decode_questions(raw, name)

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        """Keep `found`, replacing any kept questions."""
        name = f"{item_folder(interview_id, generation)}/{QUESTIONS_ITEM}"
        raw = encode_questions(found)
        if raw is not None:
            self._put(name, raw)

    def discard(self, interview_id: str, generation: int, *, keep_transcript: bool = False) -> None:
        """Remove both kept items of the generation (only the questions with
        `keep_transcript`)."""
        folder = item_folder(interview_id, generation)
        with self._lock:
            for item in kept_items(keep_transcript=keep_transcript):
                self._items.pop(f"{folder}/{item}", None)

    def _get(self, name: str) -> bytes | None:
        with self._lock:
            return self._items.get(name)

    def _put(self, name: str, raw: bytes) -> None:
        with self._lock:
            self._items[name] = raw
