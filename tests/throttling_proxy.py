"""An HTTP proxy on 127.0.0.1 in front of an AWS endpoint that can be switched to throttle.

Forwarding, it relays each request to the target and its reply back. Throttling, it answers
every request at once with HTTP 503 and a `ThrottlingException` body, what AWS says when a
service sheds load: botocore retries it, then the adapters see a transient error. Runs in
daemon threads; stop it with `close` (or the context manager).
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"}
)
_THROTTLED_BODY = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'


class ThrottlingProxy:
    """Relays 127.0.0.1:<port> to `target_url` until `throttle(True)` is called."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"the target needs a host and a port: {target_url}")
        self._throttling = threading.Event()
        self._count_lock = threading.Lock()
        self.throttled_requests = 0
        self.forwarded_requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                throttled = proxy._count(throttled=proxy.throttling)
                if throttled:
                    self._answer(503, {"Content-Type": "application/x-amz-json-1.0",
                                       "x-amzn-ErrorType": "ThrottlingException"},
                                 _THROTTLED_BODY)  # fmt: skip
                    return
                upstream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                try:
                    headers = {
                        k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP
                    }
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    reply = upstream.getresponse()
                    content = reply.read()
                    # a HEAD reply keeps its Content-Length: the size of what a GET would send
                    dropped = (
                        _HOP_BY_HOP if self.command == "HEAD" else {*_HOP_BY_HOP, "content-length"}
                    )
                    kept = {k: v for k, v in reply.getheaders() if k.lower() not in dropped}
                    self._answer(reply.status, kept, content)
                finally:
                    upstream.close()

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):  # the client went away
                    self.close_connection = True

            def _answer(self, status: int, headers: dict[str, str], content: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if self.command != "HEAD" or "content-length" not in map(str.lower, headers):
                    self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _count(self, *, throttled: bool) -> bool:
        with self._count_lock:
            if throttled:
                self.throttled_requests += 1
            else:
                self.forwarded_requests += 1
        return throttled

    @property
    def url(self) -> str:
        """The proxy's URL, to use as the endpoint instead of the target's."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ThrottlingProxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
