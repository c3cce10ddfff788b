"""An HTTP proxy on 127.0.0.1 that relays to a target endpoint unless told to answer itself.

Each request goes to `answer`; when it returns a reply, that reply is sent, otherwise the
request is relayed to the target and the target's reply sent back. Runs in daemon threads;
stop it with `close` (or the context manager).
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"}
)

Reply = tuple[int, dict[str, str], bytes]
"""Status, headers and body of an answer the proxy gives itself."""


class RelayProxy:
    """Relays 127.0.0.1:<port> to `target_url`, except where `answer` replies itself."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"the target needs a host and a port: {target_url}")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                own = proxy.answer(self.command, self.path)
                if own is not None:
                    self._answer(*own)
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

    def answer(self, command: str, path: str) -> Reply | None:
        """The proxy's own reply to a request, or None to relay it (always, here)."""
        del command, path
        return None

    @property
    def url(self) -> str:
        """The proxy's URL, to use as the endpoint instead of the target's."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
