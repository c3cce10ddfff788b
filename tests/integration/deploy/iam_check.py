"""The IAM permissions an AWS call needs, and whether a role's policies allow them.

The evaluation covers what the stack's policies use: Allow statements with actions and
resources, `*` and `?` wildcards, explicit Deny, and Conditions of the string operators
(StringEquals, StringLike and their negations, ArnEquals, ArnLike) on the keys a call brings
in its context (`iam:PassedToService` for PassRole). A key the call does not bring fails its
condition, as in IAM; any other operator makes the statement not apply.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, order=True)
class Permission:
    """One IAM action on one resource ARN, with the condition keys the request carries."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()


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
        if call.operation == "ListObjectsV2":  # authorised on the bucket, for its prefix
            prefix = (("s3:prefix", str(params.get("Prefix", ""))),)
            return [Permission("s3:ListBucket", f"arn:aws:s3:::{params['Bucket']}", prefix)]
        action, on_object = _S3[call.operation]
        arn = f"arn:aws:s3:::{params['Bucket']}" + (f"/{params['Key']}" if on_object else "")
        return [Permission(action, arn)]
    if call.service == "transcribe":
        own = [Permission(f"transcribe:{_TRANSCRIBE[call.operation]}", "*")]
        role = params.get("DataAccessRoleArn")
        if call.operation == "StartTranscriptionJob" and role:
            passed = (("iam:PassedToService", "transcribe.amazonaws.com"),)
            own.append(Permission("iam:PassRole", role, passed))
        return own
    if call.service == "bedrock-runtime":
        return _bedrock_runtime(call, region, account)
    if call.service == "bedrock":
        model = params.get("modelIdentifier") or params["inferenceProfileIdentifier"]
        return [Permission(f"bedrock:{call.operation}", _model_arn(model, region, account))]
    raise KeyError(f"{call.service}:{call.operation}")


PROFILE_DESTINATIONS = {
    "us": ("us-east-1", "us-east-2", "us-west-2"),
    "us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "eu": ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"),
    "apac": ("ap-northeast-1", "ap-south-1", "ap-southeast-2"),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
    "ca": ("ca-central-1", "ca-west-1"),
    "global": ("us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", ""),
}
"""Regions a cross-Region inference profile of each geography routes to, as Bedrock's model
pages list them; "" is the Region-less ARN of a global profile's model."""


def profile_parts(model: str) -> tuple[str, str] | None:
    """(geography, foundation model id) of an inference profile's id or ARN, else None."""
    name = model.rsplit("/", 1)[-1]
    prefix, _, rest = name.partition(".")
    return (prefix, rest) if prefix in PROFILE_DESTINATIONS else None


def _model_arn(model: str, region: str, account: str) -> str:
    if model.startswith("arn:"):
        return model
    if profile_parts(model) is not None:
        return f"arn:aws:bedrock:{region}:{account}:inference-profile/{model}"
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def _bedrock_runtime(call: Call, region: str, account: str) -> list[Permission]:
    """InvokeModel on the model; for an inference profile, on the profile and on its model in
    every Region the profile may route the request to (IAM checks each)."""
    model = call.params["modelId"]
    action = f"bedrock:{_BEDROCK[call.operation]}"
    needed = [Permission(action, _model_arn(model, region, account))]
    parts = profile_parts(model)
    if parts is not None:
        geography, foundation = parts
        needed += [
            Permission(action, f"arn:aws:bedrock:{destination}::foundation-model/{foundation}")
            for destination in PROFILE_DESTINATIONS[geography]
        ]
    return needed


def delegated(call: Call) -> list[Permission]:
    """What Amazon Transcribe does as the job's data access role, for a StartTranscriptionJob
    that names one: read the media, write the transcript at the output key. Nothing for other
    calls, or for a job without a role (Transcribe then uses the caller's permissions)."""
    params = call.params
    if call.operation != "StartTranscriptionJob" or not params.get("DataAccessRoleArn"):
        return []
    media = params["MediaFileUri"].removeprefix("s3://")
    output = f"{params['OutputBucketName']}/{params['OutputKey']}"
    return [
        Permission("s3:GetObject", f"arn:aws:s3:::{media}"),
        Permission("s3:PutObject", f"arn:aws:s3:::{output}"),
    ]


def _dynamodb(call: Call, region: str, account: str) -> list[Permission]:
    if call.operation == "TransactWriteItems":  # IAM authorises each part by its own action
        return [
            Permission(
                f"dynamodb:{_TRANSACT_PARTS[kind]}",
                f"arn:aws:dynamodb:{region}:{account}:table/{table}",
            )
            for kind, table in call.params["TransactItems"]
        ]
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
    name: name
    for name in (
        "DescribeTable",
        "GetItem",
        "UpdateItem",
        "Query",
        "BatchWriteItem",
        "DeleteItem",
        "PutItem",
    )
}
_TRANSACT_PARTS = {
    "ConditionCheck": "ConditionCheckItem",
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
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
    "DeleteObject": ("s3:DeleteObject", True),
}
_TRANSCRIBE = {
    name: name
    for name in (
        "StartTranscriptionJob",
        "GetTranscriptionJob",
        "ListTranscriptionJobs",
        "DeleteTranscriptionJob",
    )
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


_STRING_OPERATORS = {
    "StringEquals": (lambda pattern, value: pattern == value, False),
    "StringNotEquals": (lambda pattern, value: pattern == value, True),
    "StringLike": (_matches, False),
    "StringNotLike": (_matches, True),
    "ArnEquals": (lambda pattern, value: pattern == value, False),
    "ArnLike": (_matches, False),
}


def _conditions_hold(statement: Mapping[str, Any], permission: Permission) -> bool:
    context = dict(permission.context)
    for operator, tests in statement.get("Condition", {}).items():
        if operator not in _STRING_OPERATORS:
            return False
        match, negated = _STRING_OPERATORS[operator]
        for key, patterns in tests.items():
            value = context.get(key)
            if value is None:
                return False
            if any(match(pattern, value) for pattern in _as_list(patterns)) is negated:
                return False
    return True


def _covers(statement: Mapping[str, Any], permission: Permission) -> bool:
    return (
        _conditions_hold(statement, permission)
        and any(
            _matches(action.lower(), permission.action.lower())
            for action in _as_list(statement["Action"])
        )
        and any(
            _matches(resource, permission.resource) for resource in _as_list(statement["Resource"])
        )
    )


def allows(documents: list[Mapping[str, Any]], permission: Permission) -> bool:
    """Whether the policies allow `permission` (an Allow covers it and no Deny does)."""
    statements = list(_statements(documents))
    if any(s["Effect"] == "Deny" and _covers(s, permission) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _covers(s, permission) for s in statements)


def granted_actions(documents: list[Mapping[str, Any]]) -> set[str]:
    """Every action an Allow statement of the policies names."""
    return {
        action
        for statement in _statements(documents)
        if statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"])
    }
