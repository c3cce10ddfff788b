"""An OpenAI-compatible endpoint on 127.0.0.1 that replays queued replies and records requests."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "llm"


def reply_body(name: str) -> dict[str, Any]:
    """A stored reply body from tests/fixtures/llm (see SOURCES.md there)."""
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return body


def with_arguments(name: str, arguments: Any, *, tool: str | None = None) -> dict[str, Any]:
    """The stored tool-call reply `name` with its first call's arguments (JSON-encoded unless
    already text) and, when given, its function name replaced."""
    body = reply_body(name)
    function = body["choices"][0]["message"]["tool_calls"][0]["function"]
    function["arguments"] = arguments if isinstance(arguments, str) else json.dumps(arguments)
    if tool is not None:
        function["name"] = tool
    return body


def with_content(name: str, content: Any) -> dict[str, Any]:
    """The stored text reply `name` with its content (JSON-encoded unless already text)."""
    body = reply_body(name)
    message = body["choices"][0]["message"]
    message["content"] = content if isinstance(content, str) else json.dumps(content)
    return body


@attrs.define
class Reply:
    """One queued answer: status, JSON body, extra headers, and a delay before answering."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0


class ReplayServer:
    """Serves POST /v1/chat/completions from `replies` in order; records each request body."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                length = int(self.headers.get("Content-Length", "0"))
                server.requests.append({"path": self.path, **json.loads(self.rfile.read(length))})
                reply = server.replies.pop(0) if server.replies else Reply({}, status=500)
                time.sleep(reply.delay)
                data = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in {
                        "Content-Type": "application/json",
                        **reply.headers,
                    }.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with `replies`, in order."""
        self.replies.extend(replies)

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def refused_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens, so connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
