"""An HTTP proxy on 127.0.0.1 in front of an S3 endpoint that refuses chosen writes.

A PUT whose path starts with `denied_prefix` is answered 403 `AccessDenied`, as S3 answers a
role without s3:PutObject there; every other request is relayed to the target and its reply
back. Stop it with `close`.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"}
)
_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>User is not authorized to perform: s3:PutObject</Message></Error>"
)


class DenyingProxy:
    """Relays 127.0.0.1:<port> to `target_url`, refusing PUTs under `denied_prefix`."""

    def __init__(self, target_url: str, denied_prefix: str) -> None:
        parts = urlsplit(target_url)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"the target needs a host and a port: {target_url}")
        self.denied: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.command == "PUT" and self.path.startswith(denied_prefix):
                    proxy.denied.append(self.path)
                    self._answer(403, {"Content-Type": "application/xml"}, _DENIED)
                    return
                upstream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                try:
                    headers = {
                        k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP
                    }
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    reply = upstream.getresponse()
                    content = reply.read()
                    dropped = (
                        _HOP_BY_HOP if self.command == "HEAD" else {*_HOP_BY_HOP, "content-length"}
                    )
                    kept = {k: v for k, v in reply.getheaders() if k.lower() not in dropped}
                    self._answer(reply.status, kept, content)
                finally:
                    upstream.close()

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

    @property
    def url(self) -> str:
        """The proxy's URL, to use as the endpoint instead of the target's."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
