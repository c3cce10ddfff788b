"""A Bedrock runtime client stub that answers `converse` like the service, honouring
`inferenceConfig.maxTokens` with stopReason "max_tokens" (see window_model.py)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from tests.integration.llm.window_model import WindowModel


class ConverseStub:
    """Answers Converse requests from a WindowModel; `fail_next` raises a service error."""

    def __init__(self) -> None:
        self.model = WindowModel()
        self.failures: list[tuple[str, int, dict[str, str]]] = []
        self.requests = 0

    def fail_next(self, code: str, status: int, headers: dict[str, str] | None = None) -> None:
        """Raise a ClientError with `code`, `status` and `headers` on the next request."""
        self.failures.append((code, status, headers or {}))

    def converse(self, **request: Any) -> dict[str, Any]:
        """The reply Converse would give: a toolUse block, or a cut one at maxTokens."""
        self.requests += 1
        if self.failures:
            code, status, headers = self.failures.pop(0)
            response: Any = {
                "Error": {"Code": code, "Message": f"{code}: too many requests"},
                "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers},
            }
            raise ClientError(response, "Converse")
        spec = request["toolConfig"]["tools"][0]["toolSpec"]
        user = request["messages"][0]["content"][0]["text"]
        prompt = request["system"][0]["text"] + json.dumps(request["messages"]) + json.dumps(spec)
        text, cut, input_tokens, output_tokens = self.model.reply(
            spec["name"],
            user,
            spec["inputSchema"]["json"],
            int(request["inferenceConfig"]["maxTokens"]),
            prompt,
        )
        # a cut tool call carries no usable input: Converse cannot parse half a JSON document
        tool_input = {} if cut else json.loads(text)
        call = {"toolUseId": f"tooluse_{self.requests}", "name": spec["name"], "input": tool_input}
        return {
            "output": {"message": {"role": "assistant", "content": [{"toolUse": call}]}},
            "stopReason": "max_tokens" if cut else "tool_use",
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": 1},
        }
