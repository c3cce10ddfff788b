"""Records SmolLM2's replies to the bundled samples into tests/fixtures/llm (the replay set).

Run after `make test-llm` has installed the llm-server extra:
`.venv/bin/python scripts/record_llm_replies.py`. Writes one reply body per structured
output mode (`llamacpp_*.json`) and every tool input to `replay_set.json`, keeping the
constructed cases there (invented questions, paraphrases) as they are.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx2
import openai

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from scripts.local_llm import MODEL_ALIAS, local_llm  # noqa: E402

from adapters.openai_compatible.chat import ChatSettings, StructuredOutput  # noqa: E402
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor  # noqa: E402
from adapters.transcripts.native import read_transcript  # noqa: E402
from interview_core.errors import InvalidModelOutput  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "llm"
SAMPLES = ("interview", "technical")


def _record(url: str, sample: str, mode: StructuredOutput) -> list[dict[str, object]]:
    """The reply bodies of one extraction (several when the model was asked again)."""
    replies: list[dict[str, object]] = []

    def keep(response: httpx2.Response) -> None:
        if response.request.url.path.endswith("/chat/completions"):
            response.read()
            replies.append(json.loads(response.text))

    http = httpx2.Client(event_hooks={"response": [keep]})
    client = openai.OpenAI(base_url=url, api_key="local", http_client=http, timeout=600)
    chat = ChatSettings(MODEL_ALIAS, max_tokens=1024, temperature=0.0, structured_output=mode)
    transcript = read_transcript(ROOT / "samples" / sample / f"{sample}.transcript.json")
    try:
        OpenAIQuestionExtractor(client, chat, max_questions=10, max_field_chars=160).extract(
            transcript
        )
    except InvalidModelOutput as exc:
        print(f"{sample} {mode}: {exc}", file=sys.stderr)
    return replies


def _tool_input(body: dict[str, object], mode: StructuredOutput) -> object:
    message = body["choices"][0]["message"]  # type: ignore[index]
    if mode is StructuredOutput.TOOL:
        calls = message.get("tool_calls") or []
        text = calls[0]["function"]["arguments"] if calls else None
    else:
        text = message.get("content")
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def main() -> int:
    """Run the extractor on each sample in each mode, keeping every reply body."""
    path = FIXTURES / "replay_set.json"
    kept = json.loads(path.read_text()) if path.exists() else []
    cases = [case for case in kept if str(case["source"]).startswith("constructed")]
    with local_llm() as url:
        for mode in (StructuredOutput.TOOL, StructuredOutput.JSON_OBJECT):
            for sample in SAMPLES:
                bodies = _record(url, sample, mode)
                if sample == "interview" and bodies:
                    name = "tool_call" if mode is StructuredOutput.TOOL else "json_object"
                    path = FIXTURES / f"llamacpp_{name}.json"
                    path.write_text(json.dumps(bodies[-1], indent=2) + "\n")
                source = f"SmolLM2-135M-Instruct Q4_1, llama-cpp-python 0.3.36, {mode}"
                for body in bodies:
                    tool_input = _tool_input(body, mode)
                    if isinstance(tool_input, dict):
                        cases.append({"sample": sample, "source": source, "tool_input": tool_input})
    path.write_text(json.dumps(cases, indent=2) + "\n")
    print(f"recorded {len(cases)} tool inputs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
