"""The start-up check that the configured Bedrock model exists here and the role may use it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.bedrock_setup_faults import MODEL_SETTING, is_inference_profile
from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe_safely,
    error_codes,
    is_access_denied,
    is_missing_credentials,
    is_transient,
)
from interview_core.errors import ConfigurationError, ExtractionUnavailable, InterviewError

if TYPE_CHECKING:
    from mypy_boto3_bedrock import BedrockClient

logger = logging.getLogger(__name__)

_UNKNOWN_CODES = frozenset({"ResourceNotFoundException", "ValidationException"})


class BedrockModelCheck:
    """Asks Bedrock's control plane about the model before any interview is claimed:
    GetFoundationModel for a foundation model's id or ARN, GetInferenceProfile for an
    inference profile's id or ARN. Other ARNs (a provisioned or custom model) are not
    checked: their first Converse tells."""

    def __init__(self, client: BedrockClient, model_id: str) -> None:
        self._client = client
        self._model_id = model_id

    @property
    def operation(self) -> str | None:
        """The control-plane call the check makes, or None when none is possible."""
        model = self._model_id
        if is_inference_profile(model):
            return "GetInferenceProfile"
        if not model.startswith("arn:") or ":foundation-model/" in model:
            return "GetFoundationModel"
        return None

    def check_ready(self) -> None:
        """Return when the model is there and can be invoked on demand (or is a profile).

        Raises ConfigurationError naming the permission (bedrock:GetFoundationModel or
        bedrock:GetInferenceProfile) when the role is refused, naming INTERVIEWS_BEDROCK_MODEL_ID
        when the region does not know the model or the model needs an inference profile;
        ExtractionUnavailable when Bedrock cannot answer now.
        """
        operation = self.operation
        if operation is None:
            logger.info("model %s is not checked at start-up", self._model_id)
            return
        try:
            if operation == "GetInferenceProfile":
                self._client.get_inference_profile(inferenceProfileIdentifier=self._model_id)
                return
            details = self._client.get_foundation_model(modelIdentifier=self._model_id)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, operation) from exc
        supported = details.get("modelDetails", {}).get("inferenceTypesSupported", [])
        if supported and "ON_DEMAND" not in supported:
            raise ConfigurationError(
                f"model {self._model_id} cannot be invoked on demand: set {MODEL_SETTING} to "
                f"the id or ARN of an inference profile for it (such as us.{self._model_id})"
            )

    def _error(self, exc: BaseException, operation: str) -> InterviewError:
        reason = describe_safely(exc)
        logger.warning("Bedrock %s for %s failed: %s", operation, self._model_id, reason)
        if is_missing_credentials(exc):
            return ConfigurationError(NO_CREDENTIALS)
        if is_transient(exc):
            return ExtractionUnavailable(f"Bedrock cannot answer {operation} now: {reason}")
        if is_access_denied(exc):
            return ConfigurationError(
                f"the task role may not call bedrock:{operation} on model {self._model_id}: "
                f"grant it, or change {MODEL_SETTING} ({reason})"
            )
        if error_codes(exc) & _UNKNOWN_CODES:
            return ConfigurationError(
                f"model {self._model_id} is not known in this region: set {MODEL_SETTING} to "
                f"a model or inference profile that AWS_REGION offers ({reason})"
            )
        return ConfigurationError(f"Bedrock refused {operation} for {self._model_id}: {reason}")
