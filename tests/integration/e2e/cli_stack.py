"""Runs the installed `ai-interviews` command against moto resources and reads what it stored."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.aws.dynamodb_tables import put_interview
from interview_core.entities import Interview

REGION = "us-east-1"
BUCKET = "e2e-interview-videos"
INTERVIEWS_TABLE = "e2e-interviews"
QUESTIONS_TABLE = "e2e-questions"
QUESTIONS_INDEX = "e2e-interview_id-index"
SAMPLE_KEY = "videos/user-7/interview.mp4"
USER_ID = "user-7"
CLI_TIMEOUT_SECONDS = 240
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@dataclass
class CliStack:
    """The moto resources one module's tests share, and the command that runs against them."""

    endpoint: str
    log_file: Path
    work_dir: Path
    dynamodb: Any
    s3: Any

    def add_interview(self, video_path: str = SAMPLE_KEY) -> str:
        """Write a pending interview record as the upstream service does; return its id."""
        interview_id = str(uuid.uuid4())
        put_interview(
            self.dynamodb,
            INTERVIEWS_TABLE,
            Interview(id=interview_id, video_path=video_path, user_id=USER_ID),
        )
        return interview_id

    def interview_item(self, interview_id: str) -> dict[str, Any] | None:
        """The stored interview item, read consistently, or None."""
        response = self.dynamodb.get_item(
            TableName=INTERVIEWS_TABLE, Key={"id": {"S": interview_id}}, ConsistentRead=True
        )
        item: dict[str, Any] | None = response.get("Item")
        return item

    def question_items(self, interview_id: str) -> list[dict[str, Any]]:
        """The interview's stored question items, through the index, ordered by position."""
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": QUESTIONS_TABLE,
            "IndexName": QUESTIONS_INDEX,
            "KeyConditionExpression": "interview_id = :id",
            "ExpressionAttributeValues": {":id": {"S": interview_id}},
        }
        while True:
            page = self.dynamodb.query(**request)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(items, key=lambda item: int(item["position"]["N"]))

    def environment(self, **changes: str | None) -> dict[str, str]:
        """The command's environment: aws preset, whisper and heuristic overrides, moto.

        A change whose value is None removes that variable.
        """
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "BOTO"))
        }
        env.update(FAKE_CREDENTIALS)
        env.update(
            {
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_S3_BUCKET": BUCKET,
                "AWS_DYNAMODB_INTERVIEWS_TABLE": INTERVIEWS_TABLE,
                "AWS_DYNAMODB_QUESTIONS_TABLE": QUESTIONS_TABLE,
                "AWS_DYNAMODB_QUESTIONS_INDEX": QUESTIONS_INDEX,
                "INTERVIEWS_BACKEND": "aws",
                "INTERVIEWS_TRANSCRIBER": "whisper",
                "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
                "INTERVIEWS_LOG_FILE": str(self.log_file),
                "INTERVIEWS_LOG_LEVEL": "INFO",
            }
        )
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run(self, *args: str, **env_changes: str | None) -> subprocess.CompletedProcess[str]:
        """Run `ai-interviews --mode single-interview ARGS` and return the finished process."""
        return subprocess.run(
            [*cli_command(), "--mode", "single-interview", *args],
            env=self.environment(**env_changes),
            cwd=self.work_dir,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )


def cli_command() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("ai-interviews")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "entrypoints.cli"]


def error_lines(stderr: str) -> list[str]:
    """The command's own error lines on stderr (log records are formatted differently)."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]
