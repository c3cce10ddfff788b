"""A model stand-in for quota storms: it refuses as a throttled model does, then answers.

While the storm lasts (until TEST_STORM_UNTIL, epoch seconds, and for the first
TEST_STORM_REFUSALS requests) every request raises what the model adapters raise for an HTTP
429 or a Bedrock ThrottlingException: ExtractionUnavailable with `throttled`. Afterwards the
offline heuristic extractor answers. `install` puts it in the container a worker script runs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping

from dependency_injector import providers

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from entrypoints.container import Container
from interview_core.entities import ExtractedQuestion, Transcript
from interview_core.errors import ExtractionUnavailable
from interview_core.ports import QuestionExtractor
from interview_core.usage import UsageMeter


class StormQuestionExtractor:
    """Refuses with a throttled ExtractionUnavailable until `until` (epoch seconds) and for
    the first `refusals` requests, then answers through `inner`; counts both."""

    def __init__(self, inner: QuestionExtractor, *, until: float = 0.0, refusals: int = 0) -> None:
        self._inner = inner
        self._until = until
        self._refusals_left = refusals
        self._lock = threading.Lock()
        self.refused = 0

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        with self._lock:
            refuse = time.time() < self._until or self._refusals_left > 0
            if refuse:
                self._refusals_left = max(self._refusals_left - 1, 0)
                self.refused += 1
        if refuse:
            raise ExtractionUnavailable("model answered HTTP 429 Too Many Requests", throttled=True)
        return self._inner.extract(transcript)


def from_environment(environ: Mapping[str, str] = os.environ) -> StormQuestionExtractor:
    """The stand-in as TEST_STORM_UNTIL and TEST_STORM_REFUSALS describe it."""
    return StormQuestionExtractor(
        HeuristicQuestionExtractor(),
        until=float(environ.get("TEST_STORM_UNTIL", "0")),
        refusals=int(environ.get("TEST_STORM_REFUSALS", "0")),
    )


def install() -> None:
    """Make the container's question extractor the stand-in, from the environment."""
    Container.question_extractor.override(providers.Singleton(from_environment))
