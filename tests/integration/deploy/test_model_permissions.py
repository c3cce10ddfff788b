"""The template's model parameter takes a foundation model, a cross-Region inference profile's
id or its ARN, and the task role is granted exactly what that model needs: the start-up check
(GetFoundationModel or GetInferenceProfile) and InvokeModel on the profile and on its model in
the Regions the profile routes to, nothing on other models, profiles or Regions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.deploy.iam_check import (
    PROFILE_DESTINATIONS,
    Call,
    Permission,
    allows,
    granted_actions,
    profile_parts,
    required,
)
from tests.integration.deploy.stack import ACCOUNT, REGION, Stack

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
PROFILE_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/eu.{MODEL}"
FOUNDATION = "arn:aws:bedrock:{}::foundation-model/{}"


def needed(model: str) -> list[Permission]:
    """What the worker calls for `model`: the start-up check, then Converse."""
    if profile_parts(model) is not None:
        check = Call("bedrock", "GetInferenceProfile", {"inferenceProfileIdentifier": model})
    else:
        check = Call("bedrock", "GetFoundationModel", {"modelIdentifier": model})
    converse = Call("bedrock-runtime", "Converse", {"modelId": model})
    return [*required(check, REGION, ACCOUNT), *required(converse, REGION, ACCOUNT)]


def bedrock_statements(stack: Stack) -> list[dict[str, object]]:
    documents = stack.role_policies(stack.outputs["TaskRoleArn"])
    return [
        {"Version": "2012-10-17", "Statement": [statement]}
        for document in documents
        for statement in document["Statement"]
        if any(str(action).startswith("bedrock:") for action in _actions(statement))
    ]


def _actions(statement: dict[str, object]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "model",
    [
        MODEL,
        f"us.{MODEL}",
        f"eu.{MODEL}",
        f"apac.{MODEL}",
        f"jp.{MODEL}",
        f"global.{MODEL}",
        PROFILE_ARN,
        f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL}",
    ],
)
def test_the_role_may_check_and_invoke_the_model_and_nothing_else(
    make_stack: Callable[..., Stack], model: str
) -> None:
    stack = make_stack(BedrockModelId=model)
    role = bedrock_statements(stack)
    parts = profile_parts(model)
    profile = parts is not None

    refused = [p for p in needed(model) if not allows(role, p)]

    assert stack.status == "CREATE_COMPLETE"
    assert stack.task_environment()["INTERVIEWS_BEDROCK_MODEL_ID"] == model
    assert refused == []
    check = "bedrock:GetInferenceProfile" if profile else "bedrock:GetFoundationModel"
    assert granted_actions(role) == {"bedrock:InvokeModel", check}
    other_profile = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.meta.llama3-v1:0"
    for permission in [
        Permission("bedrock:InvokeModel", FOUNDATION.format(REGION, "meta.llama3-v1:0")),
        Permission("bedrock:InvokeModel", other_profile),
        Permission(check, FOUNDATION.format(REGION, "meta.llama3-v1:0")),
        Permission(check, other_profile),
    ]:
        assert not allows(role, permission), permission
    if not profile:  # a foundation model is invoked in this Region only
        assert not allows(role, Permission("bedrock:InvokeModel", FOUNDATION.format("", MODEL)))
        assert not allows(
            role, Permission("bedrock:InvokeModel", FOUNDATION.format("us-west-2", MODEL))
        )


@pytest.mark.parametrize(
    ("geography", "outside"),
    [
        ("us", ["eu-west-1", "ap-northeast-1", ""]),
        ("eu", ["us-east-1", "ap-southeast-2", ""]),
        ("apac", ["us-east-1", "eu-central-1", ""]),
        ("jp", ["ap-southeast-2", "us-east-1"]),
    ],
)
def test_a_geographic_profile_reaches_its_model_only_within_its_geography(
    make_stack: Callable[..., Stack], geography: str, outside: list[str]
) -> None:
    stack = make_stack(BedrockModelId=f"{geography}.{MODEL}")
    role = bedrock_statements(stack)

    inside = [FOUNDATION.format(region, MODEL) for region in PROFILE_DESTINATIONS[geography]]

    assert all(allows(role, Permission("bedrock:InvokeModel", arn)) for arn in inside)
    for region in outside:
        arn = FOUNDATION.format(region, MODEL)
        assert not allows(role, Permission("bedrock:InvokeModel", arn)), arn


def test_a_global_profile_reaches_its_model_in_any_region_and_by_its_region_less_arn(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(BedrockModelId=f"global.{MODEL}")
    role = bedrock_statements(stack)

    for region in ("", "us-east-1", "eu-west-1", "me-central-1", "sa-east-1"):
        assert allows(role, Permission("bedrock:InvokeModel", FOUNDATION.format(region, MODEL)))
    assert not allows(
        role, Permission("bedrock:InvokeModel", FOUNDATION.format("", "meta.llama3-v1:0"))
    )
