"""An OpenAI-compatible server on 127.0.0.1 whose replies honour `max_tokens`.

POST /v1/chat/completions is answered by a WindowModel (see window_model.py): a forced tool
call whose arguments are cut at `max_tokens` with finish_reason "length" when they do not
fit, and usage counted at about four characters a token. `fail_next` answers the next
requests with an error status and headers instead (a 429 with or without Retry-After). The
server stops when closed, and by itself after `idle_seconds` without a request.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.integration.llm.window_model import WindowModel


class TokenLimitedServer:
    """Serves chat completions from a WindowModel; use as a context manager."""

    def __init__(self, *, idle_seconds: float = 120.0) -> None:
        self.model = WindowModel()
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.requests = 0
        self._last = time.monotonic()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                status, headers, reply = server.answer(body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._closed = threading.Event()
        self._watch = threading.Thread(target=self._stop_when_idle, args=(idle_seconds,))
        self._watch.daemon = True
        self._watch.start()

    def fail_next(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next request with `status` and `headers`, once."""
        self.failures.append((status, headers or {}))

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        """The status, headers and body for one request."""
        self.requests += 1
        self._last = time.monotonic()
        if self.failures:
            status, headers = self.failures.pop(0)
            error = {"message": "Rate limit reached for requests", "type": "requests"}
            return status, headers, {"error": error}
        function = body["tools"][0]["function"]
        messages = body["messages"]
        user = next(m["content"] for m in messages if m["role"] == "user")
        prompt = "".join(str(m.get("content") or "") for m in messages)
        prompt += json.dumps(body.get("tools", ""))
        arguments, cut, input_tokens, output_tokens = self.model.reply(
            function["name"], user, function["parameters"], int(body["max_tokens"]), prompt
        )
        call = {
            "id": f"call_{self.requests}",
            "type": "function",
            "function": {"name": function["name"], "arguments": arguments},
        }
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return (
            200,
            {},
            {
                "id": f"chatcmpl-{self.requests}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "length" if cut else "tool_calls",
                    }
                ],
                "usage": {
                    "prompt_tokens": input_tokens,
                    "completion_tokens": output_tokens,
                    "total_tokens": input_tokens + output_tokens,
                },
            },
        )

    def close(self) -> None:
        """Stop serving and free the port."""
        if not self._closed.is_set():
            self._closed.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def _stop_when_idle(self, idle_seconds: float) -> None:
        while not self._closed.wait(1.0):
            if time.monotonic() - self._last > idle_seconds:
                self.close()

    def __enter__(self) -> TokenLimitedServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
