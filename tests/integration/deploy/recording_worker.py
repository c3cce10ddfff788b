"""Runs the `ai-interviews` command and records every AWS operation it calls.

Each call appends one JSON line to the file TEST_AWS_CALL_RECORD: the service, the operation
and the parameters that name its resource (table, index, queue, bucket, key, model; for a
Transcribe job also its media, its output and the role it runs as). The
hook is botocore's `before-parameter-build` event on every boto3 session the command makes,
so it sees each call once, before retries. With TEST_STORM_REFUSALS set, the question
extractor is tests/storm_model.py's stand-in, which refuses that many first requests as a
throttled model does. Everything else is the real command.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import boto3.session

from entrypoints.cli import main

RESOURCE_PARAMETERS = (
    "TableName",
    "IndexName",
    "QueueUrl",
    "QueueName",
    "QueueOwnerAWSAccountId",
    "Bucket",
    "Key",
    "Prefix",
    "TranscriptionJobName",
    "OutputBucketName",
    "OutputKey",
    "modelId",
)

_lock = threading.Lock()
_original_init = boto3.session.Session.__init__


def record(params: dict[str, Any], model: Any, **_: Any) -> None:
    """Append the call to the record file."""
    named = {key: params[key] for key in RESOURCE_PARAMETERS if isinstance(params.get(key), str)}
    if isinstance(params.get("RequestItems"), dict):
        named["RequestItems"] = sorted(params["RequestItems"])
    if isinstance(params.get("TransactItems"), list):  # each part: its kind and its table
        named["TransactItems"] = [
            [kind, part["TableName"]]
            for item in params["TransactItems"]
            for kind, part in item.items()
        ]
    if isinstance(params.get("Media"), dict):  # Transcribe: the media the job reads
        named["MediaFileUri"] = params["Media"]["MediaFileUri"]
    if isinstance(params.get("JobExecutionSettings"), dict):  # the role the job runs as
        named["DataAccessRoleArn"] = params["JobExecutionSettings"]["DataAccessRoleArn"]
    line = json.dumps(
        {"service": model.service_model.service_name, "operation": model.name, "params": named}
    )
    with _lock, Path(os.environ["TEST_AWS_CALL_RECORD"]).open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def recording_init(self: boto3.session.Session, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    self.events.register("before-parameter-build", record)


if __name__ == "__main__":
    boto3.session.Session.__init__ = recording_init  # type: ignore[method-assign]
    if os.environ.get("TEST_STORM_REFUSALS"):
        sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository
        from tests.storm_model import install

        install()  # the first requests are refused as throttled: the request is requeued
    sys.exit(main())
