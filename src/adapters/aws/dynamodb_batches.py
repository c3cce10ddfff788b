"""BatchWriteItem in chunks of 25, retrying unprocessed requests with capped, jittered backoff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.dynamodb_errors import translated_errors
from interview_core.errors import RepositoryUnavailable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestUnionTypeDef

BATCH_SIZE = 25
"""The most write requests DynamoDB accepts in one BatchWriteItem call."""


class BatchWriter:
    """Writes put and delete requests to one table in as few BatchWriteItem calls as possible.

    Requests DynamoDB returns as `UnprocessedItems` are sent again after
    `jitter() * min(backoff_cap, backoff_base * 2**(retry - 1))` seconds (full jitter), at
    most `max_retries` times per chunk.
    """

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        max_retries: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], None],
        jitter: Callable[[], float],
    ) -> None:
        if max_retries < 0 or backoff_base < 0 or backoff_cap < 0:
            raise ValueError("batch retries and backoff must not be negative")
        self._client = client
        self._table = table
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._jitter = jitter

    def write(self, requests: Sequence[WriteRequestUnionTypeDef]) -> None:
        """Send `requests` in order, in chunks of at most 25, each chunk until all are processed.

        The requests must name distinct keys. Raises RepositoryUnavailable when a chunk still
        has unprocessed requests after every retry, or as translated_errors says.
        """
        for start in range(0, len(requests), BATCH_SIZE):
            self._write_chunk(requests[start : start + BATCH_SIZE])

    def _write_chunk(self, chunk: Sequence[WriteRequestUnionTypeDef]) -> None:
        pending = chunk
        for retry in range(self._max_retries + 1):
            if retry:
                ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (retry - 1))
                self._sleep(self._jitter() * ceiling)
            with translated_errors(self._table):
                response = self._client.batch_write_item(RequestItems={self._table: pending})
            pending = response.get("UnprocessedItems", {}).get(self._table, [])
            if not pending:
                return
        raise RepositoryUnavailable(  # what DynamoDB leaves unprocessed is over its throughput
            f"DynamoDB left {len(pending)} writes to table {self._table} unprocessed"
            f" after {self._max_retries} retries",
            throttled=True,
        )
