"""The start-up check of the Bedrock model against Bedrock's control plane, answered offline
by a Stubber: which call each model id makes, and what each reply means for the deployment."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from adapters.aws.bedrock_model_check import BedrockModelCheck
from interview_core.errors import ConfigurationError, ExtractionUnavailable, InterviewError
from tests.provider_errors import offline_client, raises_core_error, stubbed

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
FOUNDATION_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{MODEL}"
PROFILE_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{MODEL}"


def model_details(model: str, kinds: list[str]) -> dict[str, Any]:
    return {
        "modelDetails": {
            "modelArn": FOUNDATION_ARN,
            "modelId": model,
            "inferenceTypesSupported": kinds,
        }
    }


def profile(profile_id: str) -> dict[str, Any]:
    return {
        "inferenceProfileName": profile_id,
        "inferenceProfileArn": PROFILE_ARN,
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
        "models": [{"modelArn": FOUNDATION_ARN}],
    }


@pytest.fixture
def client() -> Any:
    return offline_client("bedrock")


@pytest.mark.parametrize("model", [MODEL, FOUNDATION_ARN])
def test_a_foundation_model_that_runs_on_demand_is_ready(client: Any, model: str) -> None:
    with stubbed(client) as stubber:
        stubber.add_response(
            "get_foundation_model",
            model_details(MODEL, ["ON_DEMAND", "INFERENCE_PROFILE"]),
            {"modelIdentifier": model},
        )
        BedrockModelCheck(client, model).check_ready()


@pytest.mark.parametrize(
    "model",
    [f"us.{MODEL}", f"eu.{MODEL}", f"apac.{MODEL}", f"global.{MODEL}", PROFILE_ARN],
)
def test_an_inference_profile_is_looked_up_as_a_profile(client: Any, model: str) -> None:
    with stubbed(client) as stubber:
        stubber.add_response(
            "get_inference_profile", profile(model), {"inferenceProfileIdentifier": model}
        )
        BedrockModelCheck(client, model).check_ready()


def test_a_model_that_needs_an_inference_profile_is_refused_naming_the_setting(
    client: Any,
) -> None:
    with stubbed(client) as stubber:
        stubber.add_response("get_foundation_model", model_details(MODEL, ["INFERENCE_PROFILE"]))
        with pytest.raises(ConfigurationError) as caught:
            BedrockModelCheck(client, MODEL).check_ready()

    assert "INTERVIEWS_BEDROCK_MODEL_ID" in caught.value.message
    assert f"us.{MODEL}" in caught.value.message


def test_a_provisioned_models_arn_is_not_checked(client: Any) -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123"
    check = BedrockModelCheck(client, arn)

    with stubbed(client):  # any call would fail: nothing is queued
        check.check_ready()

    assert check.operation is None


@pytest.mark.parametrize(
    ("model", "operation", "code", "status", "error", "names"),
    [
        (MODEL, "get_foundation_model", "AccessDeniedException", 403, ConfigurationError,
         "bedrock:GetFoundationModel"),
        (f"us.{MODEL}", "get_inference_profile", "AccessDeniedException", 403,
         ConfigurationError, "bedrock:GetInferenceProfile"),
        (MODEL, "get_foundation_model", "ResourceNotFoundException", 404, ConfigurationError,
         "INTERVIEWS_BEDROCK_MODEL_ID"),
        (f"eu.{MODEL}", "get_inference_profile", "ValidationException", 400,
         ConfigurationError, "AWS_REGION"),
        (MODEL, "get_foundation_model", "ThrottlingException", 429, ExtractionUnavailable,
         "GetFoundationModel"),
        (MODEL, "get_foundation_model", "InternalServerException", 500,
         ExtractionUnavailable, "GetFoundationModel"),
    ],
)  # fmt: skip
def test_each_refusal_names_what_to_fix(
    client: Any,
    model: str,
    operation: str,
    code: str,
    status: int,
    error: type[InterviewError],
    names: str,
) -> None:
    with Stubber(client) as stubber:
        raised = raises_core_error(
            stubber,
            operation,
            code,
            status,
            error,
            lambda: BedrockModelCheck(client, model).check_ready(),
            message=f"{code}: Bedrock explains",
        )

    assert names in raised.message
    assert f"{code}: Bedrock explains" in raised.message
