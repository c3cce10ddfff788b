"""An HTTP proxy on 127.0.0.1 in front of an AWS endpoint that can be switched to throttle.

Forwarding, it relays each request to the target and its reply back. Throttling, it answers
every request at once with HTTP 503 and a `ThrottlingException` body, what AWS says when a
service sheds load: botocore retries it, then the adapters see a transient error. Runs in
daemon threads; stop it with `close` (or the context manager).
"""

from __future__ import annotations

import threading

from tests.relay_proxy import RelayProxy, Reply

_THROTTLED_BODY = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
_THROTTLED_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "x-amzn-ErrorType": "ThrottlingException",
}


class ThrottlingProxy(RelayProxy):
    """Relays 127.0.0.1:<port> to `target_url` until `throttle(True)` is called."""

    def __init__(self, target_url: str) -> None:
        self._throttling = threading.Event()
        self._count_lock = threading.Lock()
        self.throttled_requests = 0
        self.forwarded_requests = 0
        super().__init__(target_url)

    def answer(self, command: str, path: str) -> Reply | None:
        """503 ThrottlingException while throttling; every request is counted either way."""
        del command, path
        throttled = self.throttling
        with self._count_lock:
            if throttled:
                self.throttled_requests += 1
            else:
                self.forwarded_requests += 1
        return (503, dict(_THROTTLED_HEADERS), _THROTTLED_BODY) if throttled else None

    @property
    def throttling(self) -> bool:
        """Whether every request is answered with 503 now."""
        return self._throttling.is_set()

    def throttle(self, on: bool) -> None:
        """Start or stop answering every request with 503 ThrottlingException."""
        if on:
            self._throttling.set()
        else:
            self._throttling.clear()
