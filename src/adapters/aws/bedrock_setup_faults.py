"""Bedrock replies that blame the deployment (role, model id, region), as configuration errors."""

from __future__ import annotations

import logging

from adapters.aws.errors import describe_safely, error_codes, error_message, is_access_denied
from interview_core.errors import ConfigurationError

logger = logging.getLogger(__name__)

MODEL_SETTING = "INTERVIEWS_BEDROCK_MODEL_ID"
"""The setting that names the model, which every message here points at."""

_PROFILE_PREFIXES = ("us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "ca.", "global.")
"""Prefixes of the ids of cross-region (system-defined) inference profiles."""

_UNKNOWN_MODEL_HINTS = ("identifier is invalid", "model id is invalid", "profile id is invalid")
"""Phrases of a ValidationException that says the model id names no model."""


def is_inference_profile(model_id: str) -> bool:
    """Whether `model_id` names an inference profile (a prefixed id or a profile's ARN)
    rather than a foundation model."""
    return (
        model_id.startswith(_PROFILE_PREFIXES)
        or ":inference-profile/" in model_id
        or (":application-inference-profile/" in model_id)
    )


def setup_fault(exc: BaseException, model_id: str) -> ConfigurationError | None:
    """A ConfigurationError naming the setting or permission at fault, or None when the error
    is not the deployment's.

    AccessDeniedException (the role may not invoke the model, or the account has no access
    to it) names bedrock:InvokeModel; ResourceNotFoundException, or a ValidationException
    that calls the model identifier invalid, names the model setting (the region does not
    know the model); a ValidationException that on-demand throughput is not supported asks
    for an inference profile id in the model setting. The message ends with the service's
    reply, its ARNs and endpoints redacted.
    """
    codes = error_codes(exc)
    said = error_message(exc).lower()
    if is_access_denied(exc):
        fault = ConfigurationError(
            f"the task role may not invoke model {model_id}: grant bedrock:InvokeModel on it "
            f"(and enable access to the model in the account), or change {MODEL_SETTING}"
        )
    elif "ResourceNotFoundException" in codes or (
        "ValidationException" in codes and any(hint in said for hint in _UNKNOWN_MODEL_HINTS)
    ):
        fault = ConfigurationError(
            f"model {model_id} is not known in this region: set {MODEL_SETTING} to a model "
            "or inference profile that AWS_REGION offers"
        )
    elif "ValidationException" in codes and "on-demand throughput" in said:
        fault = ConfigurationError(
            f"model {model_id} cannot be invoked on demand: set {MODEL_SETTING} to the id or "
            f"ARN of an inference profile for it (such as us.{model_id})"
        )
    else:
        return None
    reason = describe_safely(exc)
    logger.error("Bedrock refused model %s for the deployment: %s", model_id, reason)
    return ConfigurationError(f"{fault.message} ({reason})")
