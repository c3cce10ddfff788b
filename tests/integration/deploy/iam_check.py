"""The IAM permissions an AWS call needs, and whether a role's policies allow them.

The evaluation covers what the worker's policy uses: Allow statements with actions and
resources, `*` and `?` wildcards, and explicit Deny; a statement with a Condition is left out
(none of the worker's grants has one).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, order=True)
class Permission:
    """One IAM action on one resource ARN."""

    action: str
    resource: str


@dataclass(frozen=True)
class Call:
    """One AWS operation as the worker called it, with the parameters that name its resource."""

    service: str
    operation: str
    params: Mapping[str, Any]


def required(call: Call, region: str, account: str) -> list[Permission]:
    """The permissions `call` needs; KeyError for an operation this mapping does not know, so
    that a new call in the code fails the test until it is mapped and granted."""
    params = call.params
    if call.service == "dynamodb":
        return _dynamodb(call, region, account)
    if call.service == "sqs":
        if call.operation == "GetQueueUrl":
            owner = params.get("QueueOwnerAWSAccountId", account)
            arn = f"arn:aws:sqs:{region}:{owner}:{params['QueueName']}"
        else:
            owner, name = urlsplit(params["QueueUrl"]).path.strip("/").split("/")
            arn = f"arn:aws:sqs:{region}:{owner}:{name}"
        return [Permission(f"sqs:{_SQS[call.operation]}", arn)]
    if call.service == "s3":
        action, on_object = _S3[call.operation]
        arn = f"arn:aws:s3:::{params['Bucket']}" + (f"/{params['Key']}" if on_object else "")
        return [Permission(action, arn)]
    if call.service == "transcribe":
        return [Permission(f"transcribe:{_TRANSCRIBE[call.operation]}", "*")]
    if call.service == "bedrock-runtime":
        model = params["modelId"]
        arn = (
            model
            if model.startswith("arn:")
            else (f"arn:aws:bedrock:{region}::foundation-model/{model}")
        )
        return [Permission(f"bedrock:{_BEDROCK[call.operation]}", arn)]
    raise KeyError(f"{call.service}:{call.operation}")


def _dynamodb(call: Call, region: str, account: str) -> list[Permission]:
    action = f"dynamodb:{_DYNAMODB[call.operation]}"
    tables = call.params.get("RequestItems") or [call.params["TableName"]]
    permissions = []
    for table in tables:
        arn = f"arn:aws:dynamodb:{region}:{account}:table/{table}"
        if call.params.get("IndexName"):
            arn += f"/index/{call.params['IndexName']}"
        permissions.append(Permission(action, arn))
    return permissions


# operation -> IAM action, for every operation the adapters call
_DYNAMODB = {
    name: name for name in ("DescribeTable", "GetItem", "UpdateItem", "Query", "BatchWriteItem")
}
_SQS = {
    name: name
    for name in (
        "GetQueueUrl",
        "GetQueueAttributes",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "SendMessage",
    )
}
_S3 = {
    "HeadBucket": ("s3:ListBucket", False),
    "HeadObject": ("s3:GetObject", True),
    "GetObject": ("s3:GetObject", True),
    "PutObject": ("s3:PutObject", True),
}
_TRANSCRIBE = {
    name: name for name in ("StartTranscriptionJob", "GetTranscriptionJob", "ListTranscriptionJobs")
}
_BEDROCK = {"Converse": "InvokeModel"}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _statements(documents: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for document in documents:
        statements = document["Statement"]
        yield from [statements] if isinstance(statements, Mapping) else statements


def _covers(statement: Mapping[str, Any], permission: Permission) -> bool:
    return any(
        _matches(action.lower(), permission.action.lower())
        for action in _as_list(statement["Action"])
    ) and any(
        _matches(resource, permission.resource) for resource in _as_list(statement["Resource"])
    )


def allows(documents: list[Mapping[str, Any]], permission: Permission) -> bool:
    """Whether the policies allow `permission` (an Allow covers it and no Deny does)."""
    plain = [s for s in _statements(documents) if "Condition" not in s]
    if any(s["Effect"] == "Deny" and _covers(s, permission) for s in plain):
        return False
    return any(s["Effect"] == "Allow" and _covers(s, permission) for s in plain)


def granted_actions(documents: list[Mapping[str, Any]]) -> set[str]:
    """Every action an Allow statement of the policies names."""
    return {
        action
        for statement in _statements(documents)
        if statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"])
    }
