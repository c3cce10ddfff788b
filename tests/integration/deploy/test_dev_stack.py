"""`ai-interviews dev-stack` and `make demo-aws`: the template in a local moto server."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
COMMAND = str(Path(sys.executable).with_name("ai-interviews"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}


def test_dev_stack_prints_a_usable_environment_and_stops_on_ctrl_c() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [COMMAND, "dev-stack", "--port", str(port)],
        cwd=REPO_ROOT,
        env=_clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("# Ctrl-C"):
                break
        exported = dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1)
            for line in lines
            if line.startswith("export ")
        )
        assert exported["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
        assert any("skipped" in line and "AWS::S3::BucketPolicy" in line for line in lines)
        session = boto3.Session(
            region_name=exported["AWS_REGION"],
            aws_access_key_id=exported["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exported["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=exported["AWS_SESSION_TOKEN"],
        )
        endpoint = exported["AWS_ENDPOINT_URL"]
        dynamodb = session.client("dynamodb", endpoint_url=endpoint)
        table = dynamodb.describe_table(TableName=exported["AWS_DYNAMODB_QUESTIONS_TABLE"])
        indexes = [index["IndexName"] for index in table["Table"]["GlobalSecondaryIndexes"]]
        assert indexes == [exported["AWS_DYNAMODB_QUESTIONS_INDEX"]]
        session.client("s3", endpoint_url=endpoint).head_bucket(Bucket=exported["AWS_S3_BUCKET"])
        sqs = session.client("sqs", endpoint_url=endpoint)
        attributes = sqs.get_queue_attributes(
            QueueUrl=exported["AWS_SQS_QUEUE_URL"], AttributeNames=["RedrivePolicy"]
        )
        assert "deadLetterTargetArn" in attributes["Attributes"]["RedrivePolicy"]
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_dev_stack_on_a_taken_port_exits_2_with_one_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [COMMAND, "dev-stack", "--port", str(port)],
            cwd=REPO_ROOT,
            env=_clean_environment(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: CONFIGURATION_ERROR: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_dev_stack_refuses_a_port_out_of_range_as_a_usage_error(port: str) -> None:
    done = subprocess.run(
        [COMMAND, "dev-stack", "--port", port],
        cwd=REPO_ROOT, env=_clean_environment(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("ai-interviews dev-stack: error: argument --port: must be")
    )


def test_dev_stack_with_a_template_moto_cannot_read_exits_2_with_one_line(
    tmp_path: Path,
) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text("garbage: [\n", encoding="utf-8")

    done = subprocess.run(
        [COMMAND, "dev-stack", "--port", str(_free_port()), "--template", str(template)],
        cwd=REPO_ROOT, env=_clean_environment(), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    opening = (
        f"error: CONFIGURATION_ERROR: the stack could not be created in moto from {template}: "
    )
    assert error.startswith(opening + "ResponseParserError: ")
    assert len(error) <= len(opening + "ResponseParserError: ") + 300


def test_demo_aws_stores_and_lists_the_sample_questions() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "demo_aws.py")],
        cwd=REPO_ROOT,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^state\s+completed$", done.stdout, re.MULTILINE)
    listed = [line for line in done.stdout.splitlines() if re.match(r"^\d+\s+\w+\s+[\d.]+\s", line)]
    assert len(listed) == 6
    assert "Why do you want to work here?" in done.stdout
