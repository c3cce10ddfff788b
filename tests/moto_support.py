"""A moto server on 127.0.0.1 that applies DynamoDB item writes atomically, as DynamoDB does."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.server import ThreadedMotoServer

_ITEM_OPERATIONS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "transact_write_items",
)


@contextmanager
def atomic_dynamodb_writes() -> Iterator[None]:
    """Serialise moto's item operations.

    moto checks a condition and applies the update in separate unlocked steps, so two
    concurrent conditional claims could both succeed; DynamoDB never allows that. A
    transaction is applied item by item and undone by restoring copies of its tables, so it
    is serialised with the rest, as DynamoDB isolates it.
    """
    lock = threading.RLock()
    originals: dict[str, Callable[..., Any]] = {}
    for name in _ITEM_OPERATIONS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue
        originals[name] = original

        def locked(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with lock:
                return _original(*args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(DynamoDBBackend, name, original)


@contextmanager
def moto_server() -> Iterator[str]:
    """Run a moto server on a free port of 127.0.0.1 and yield its URL."""
    with atomic_dynamodb_writes():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()
