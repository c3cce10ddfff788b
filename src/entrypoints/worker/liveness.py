"""The liveness file a container health check watches: touched on every loop of the worker."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger("ai_interviews.worker")


class LivenessFile:
    """Updates the modification time of `path` (creating it) on each `touch`; no-op for None.

    A health check such as `test $(( $(date +%s) - $(stat -c %Y FILE) )) -lt 60` then fails
    when the worker's loop stalls. A file that cannot be written is reported once.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._warned = False

    def touch(self) -> None:
        """Mark the worker alive now; never raises."""
        if self._path is None:
            return
        try:
            self._path.touch()
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("cannot touch the heartbeat file %s: %s", self._path, exc.strerror)
