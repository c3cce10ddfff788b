"""The health checks of the image and of the ECS task, run by /bin/sh against a heartbeat file
that is fresh, stale or missing, as the container runtime would run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.deploy.stack import REPO_ROOT, load_template

DOCKERFILE = REPO_ROOT / "Dockerfile"


def dockerfile_instructions() -> dict[str, str]:
    """Instruction -> its arguments, continuation lines joined (the last one of each wins)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, arguments = line.strip().partition(" ")
            found[instruction.upper()] = arguments.strip()
    return found


def image_health_check() -> list[str]:
    arguments = dockerfile_instructions()["HEALTHCHECK"]
    command: list[str] = json.loads(arguments.split(" CMD ", 1)[1])
    return command


def task_health_check() -> list[str]:
    (container,) = load_template()["Resources"]["TaskDefinition"]["Properties"][
        "ContainerDefinitions"
    ]
    kind, script = container["HealthCheck"]["Command"]
    assert kind == "CMD-SHELL"
    return ["/bin/sh", "-c", script]


def healthy(command: list[str], heartbeat: Path) -> bool:
    env = {"PATH": os.environ["PATH"], "WORKER_HEARTBEAT_FILE": str(heartbeat)}
    return (
        subprocess.run(command, env=env, capture_output=True, timeout=10, check=False).returncode
        == 0
    )


@pytest.mark.parametrize("check", [image_health_check, task_health_check])
def test_a_fresh_heartbeat_is_healthy_a_stale_or_missing_one_is_not(
    check: Callable[[], list[str]], tmp_path: Path
) -> None:
    command = check()
    heartbeat = tmp_path / "heartbeat"

    missing = healthy(command, heartbeat)
    heartbeat.touch()
    fresh = healthy(command, heartbeat)
    three_polls_ago = time.time() - 61
    os.utime(heartbeat, (three_polls_ago, three_polls_ago))
    stale = healthy(command, heartbeat)

    assert (missing, fresh, stale) == (False, True, False)


def test_the_image_runs_the_worker_as_a_non_root_user_and_stops_on_sigterm() -> None:
    instructions = dockerfile_instructions()

    assert json.loads(instructions["ENTRYPOINT"]) + json.loads(instructions["CMD"]) == [
        "ai-interviews",
        "--mode",
        "sqs",
    ]
    assert instructions["STOPSIGNAL"] == "SIGTERM"
    assert instructions["USER"].split(":")[0] not in ("0", "root")
    assert "WORKER_HEARTBEAT_FILE=/tmp/" in instructions["ENV"]
