"""InMemoryStageStore: kept stage results in a dict, for tests and library users."""

from __future__ import annotations

import threading

from adapters.stage_item_store import EncodedStageStore
from adapters.stage_items import (
    item_folder,
    kept_items,
)


class InMemoryStageStore(EncodedStageStore):
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

    def _read_item(self, interview_id: str, generation: int, item: str) -> tuple[bytes | None, str]:
        name = f"{item_folder(interview_id, generation)}/{item}"
        return self._get(name), name

    def _write_item(self, interview_id: str, generation: int, item: str, raw: bytes) -> None:
        self._put(f"{item_folder(interview_id, generation)}/{item}", raw)
