"""`make demo-aws`: the production path on a laptop, against the template created in moto.

Creates the stack, submits the bundled sample with `ai-interviews submit`, runs the worker
until the queue is idle, and prints the questions stored in DynamoDB. Speech and question
finding stay local (moto has no Transcribe output and no Bedrock).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from entrypoints.dev_stack import DevStack

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview" / "interview.mp4"
COMMAND = str(Path(sys.executable).with_name("ai-interviews"))


def run(*args: str, env: dict[str, str]) -> str:
    """Run the command, show what it printed, and stop the demo if it failed."""
    print(f"$ ai-interviews {' '.join(args)}", flush=True)
    done = subprocess.run([COMMAND, *args], env=env, capture_output=True, text=True, check=False)
    print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        print(done.stderr, end="", file=sys.stderr)
        raise SystemExit(done.returncode)
    return done.stdout


def main() -> int:
    started = time.monotonic()
    stack = DevStack(REPO_ROOT / "deploy" / "template.yaml", port=0)
    try:
        print(f"stack created in moto at {stack.url}; skipped: {', '.join(stack.skipped)}")
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_"))
        }
        env.update(stack.environment())
        env.update(
            INTERVIEWS_LOG_FILE=str(REPO_ROOT / "out" / "demo-aws.log"), WORKER_WAIT_SECONDS="1"
        )
        interview_id = run("submit", str(SAMPLE), env=env).strip().splitlines()[-1]
        run("--mode", "sqs", "--idle-exit", "3", env=env)
        run("status", interview_id, "--format", "table", env=env)
        run("questions", interview_id, "--format", "table", env=env)
    finally:
        stack.stop()
    print(f"demo-aws took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
