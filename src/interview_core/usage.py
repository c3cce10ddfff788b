"""What the models spent on one interview: windows, requests, tokens, questions left out."""

from __future__ import annotations

import threading

import attrs


@attrs.frozen
class ModelUsage:
    """Counts over the model requests of one interview (zero for a model-free extractor).

    `windows` are the pieces of the transcript (or batches of questions) a model was shown;
    `requests` every request sent, re-asks and split pieces included; tokens are the server's
    own counts where it reports them, else estimates; `questions_left_out` counts questions a
    limit kept out (a reply's question cap, an answer that could not be had, a skipped window).
    """

    windows: int = 0
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    questions_left_out: int = 0

    def __add__(self, other: ModelUsage) -> ModelUsage:
        return ModelUsage(
            self.windows + other.windows,
            self.requests + other.requests,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.questions_left_out + other.questions_left_out,
        )


class UsageMeter:
    """Adds up ModelUsage for one run; an extractor or suggester records into it as it works.

    One meter belongs to one interview's run, so that concurrent runs never mix their counts;
    recording is thread-safe all the same.
    """

    def __init__(self) -> None:
        self._usage = ModelUsage()
        self._lock = threading.Lock()

    def record_request(self, input_tokens: int, output_tokens: int) -> None:
        """One request sent, with the tokens it took in and gave out."""
        self._add(ModelUsage(requests=1, input_tokens=input_tokens, output_tokens=output_tokens))

    def record_windows(self, count: int = 1) -> None:
        """`count` more windows (or batches) shown to a model."""
        self._add(ModelUsage(windows=count))

    def leave_out(self, count: int) -> None:
        """`count` questions a limit kept out of the result."""
        self._add(ModelUsage(questions_left_out=count))

    @property
    def usage(self) -> ModelUsage:
        """The counts so far."""
        with self._lock:
            return self._usage

    def _add(self, more: ModelUsage) -> None:
        with self._lock:
            self._usage = self._usage + more
