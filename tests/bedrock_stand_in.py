"""A local stand-in for Bedrock (control plane and Converse) and Amazon Transcribe on
127.0.0.1: each answers with the reply or service error a test sets."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import attrs

PROFILE_ARN_PREFIX = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"


@attrs.frozen
class ServiceError:
    """An error reply: HTTP status, the service's error code and its message."""

    status: int
    code: str
    message: str


class BedrockStandIn:
    """Answers GetFoundationModel, GetInferenceProfile, Converse and every Transcribe call.

    `converse_error` and `control_error` (None: a success) pick Bedrock's replies;
    `transcribe_error` is what every Transcribe request gets. `calls` records
    `(method, path or target)` of every request.
    """

    def __init__(self) -> None:
        self.converse_error: ServiceError | None = None
        self.control_error: ServiceError | None = None
        self.transcribe_error = ServiceError(500, "InternalFailureException", "not set")
        self.on_demand = True
        self.calls: list[tuple[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server naming
                stand_in.calls.append(("GET", unquote(self.path)))
                if stand_in.control_error is not None:
                    self._error(stand_in.control_error, json_protocol=False)
                elif self.path.startswith("/inference-profiles/"):
                    self._reply(stand_in.profile(unquote(self.path).split("/", 2)[2]))
                else:
                    self._reply(stand_in.foundation_model(unquote(self.path).split("/", 2)[2]))

            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                target = self.headers.get("X-Amz-Target")
                stand_in.calls.append(("POST", target or unquote(self.path)))
                if target is not None:
                    self._error(stand_in.transcribe_error, json_protocol=True)
                elif stand_in.converse_error is not None:
                    self._error(stand_in.converse_error, json_protocol=False)
                else:
                    self._reply({"output": {"message": {"role": "assistant", "content": []}}})

            def _error(self, error: ServiceError, *, json_protocol: bool) -> None:
                body = {"__type": error.code, "message": error.message, "Message": error.message}
                self._reply(body, status=error.status, code=None if json_protocol else error.code)

            def _reply(self, body: Any, *, status: int = 200, code: str | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if code is not None:
                    self.send_header("x-amzn-ErrorType", code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def foundation_model(self, model_id: str) -> dict[str, Any]:
        """GetFoundationModel's reply for `model_id`."""
        kinds = ["ON_DEMAND"] if self.on_demand else ["INFERENCE_PROFILE"]
        return {
            "modelDetails": {
                "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}",
                "modelId": model_id,
                "inferenceTypesSupported": kinds,
            }
        }

    def profile(self, profile_id: str) -> dict[str, Any]:
        """GetInferenceProfile's reply for `profile_id`."""
        return {
            "inferenceProfileId": profile_id,
            "inferenceProfileName": profile_id,
            "inferenceProfileArn": f"{PROFILE_ARN_PREFIX}{profile_id}",
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
            "models": [],
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
