"""A deployment that is wrong on day one (a model the role may not invoke, one the region does
not know, one that needs an inference profile; Amazon Transcribe or the audio upload to S3
refusing the role) stops the worker with exit code 2 and one line naming the fix: no interview
is failed, every message comes back."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from interview_core.state import InterviewState
from tests.bedrock_stand_in import BedrockStandIn, ServiceError
from tests.denying_proxy import DenyingProxy
from tests.integration.worker.conftest import BUCKET, AwsStack, wait_for
from tests.media_factory import MediaFactory

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
PROFILE_NEEDED = (
    f"Invocation of model ID {MODEL} with on-demand throughput isn't supported. Retry your "
    "request with the ID or ARN of an inference profile that contains this model."
)


@pytest.fixture
def bedrock() -> Iterator[BedrockStandIn]:
    stand_in = BedrockStandIn()
    yield stand_in
    stand_in.close()


def three_requests(stack: AwsStack, media: MediaFactory) -> list[str]:
    key = stack.upload("videos/talk.mp4", media.speech_mp4)
    interview_ids = [stack.add_interview(key) for _ in range(3)]
    for interview_id in interview_ids:
        stack.request(interview_id)
    return interview_ids


def bedrock_env(stack: AwsStack, bedrock: BedrockStandIn, **overrides: str) -> dict[str, str]:
    settings = {
        "INTERVIEWS_QUESTION_EXTRACTOR": "bedrock",
        "INTERVIEWS_BEDROCK_MODEL_ID": MODEL,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.url,
        "AWS_ENDPOINT_URL_BEDROCK": bedrock.url,
    }
    return stack.env(**{**settings, **overrides})


def assert_halted_and_kept(
    stack: AwsStack, interview_ids: list[str], stderr: str, names: str
) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "CONFIGURATION_ERROR" in lines[0] and names in lines[0], lines[0]
    for interview_id in interview_ids:
        record = stack.record(interview_id)
        assert record.state is not InterviewState.FAILED
        assert record.lease_owner is None
        assert stack.questions(interview_id) == []
    assert sum(stack.queue_counts()) == 3
    assert stack.dead_letter_ids() == set()


@pytest.mark.parametrize(
    ("error", "names"),
    [
        (
            ServiceError(403, "AccessDeniedException", "You don't have access to the model"),
            "bedrock:InvokeModel",
        ),
        (
            ServiceError(404, "ResourceNotFoundException", "Model not found"),
            "INTERVIEWS_BEDROCK_MODEL_ID",
        ),
        (ServiceError(400, "ValidationException", PROFILE_NEEDED), "inference profile"),
    ],
    ids=["access-denied", "unknown-model", "needs-inference-profile"],
)
def test_a_model_the_deployment_cannot_use_stops_the_worker_and_fails_nothing(
    make_stack: Callable[..., AwsStack],
    media: MediaFactory,
    bedrock: BedrockStandIn,
    error: ServiceError,
    names: str,
) -> None:
    stack = make_stack()
    interview_ids = three_requests(stack, media)
    bedrock.converse_error = error
    # a kept message comes back when its visibility lapses: a short one keeps the wait short
    env = bedrock_env(stack, bedrock, WORKER_VISIBILITY_TIMEOUT_SECONDS="3")

    worker = stack.run("--idle-exit", "10", env=env)

    assert worker.returncode == 2, worker.stderr
    assert any(path.endswith("/converse") for _, path in bedrock.calls)
    assert_halted_and_kept(stack, interview_ids, worker.stderr, names)
    wait_for(lambda: stack.queue_counts() == (3, 0), 20, "the kept messages to come back")


@pytest.mark.parametrize(
    ("control", "on_demand", "names"),
    [
        (
            ServiceError(403, "AccessDeniedException", "not authorized"),
            True,
            "bedrock:GetFoundationModel",
        ),
        (
            ServiceError(404, "ResourceNotFoundException", "no such model"),
            True,
            "INTERVIEWS_BEDROCK_MODEL_ID",
        ),
        (None, False, "inference profile"),
    ],
    ids=["refused", "unknown", "on-demand-unsupported"],
)
def test_a_model_the_start_up_check_refuses_stops_the_worker_before_any_receive(
    make_stack: Callable[..., AwsStack],
    media: MediaFactory,
    bedrock: BedrockStandIn,
    control: ServiceError | None,
    on_demand: bool,
    names: str,
) -> None:
    stack = make_stack()
    interview_ids = three_requests(stack, media)
    bedrock.control_error = control
    bedrock.on_demand = on_demand

    worker = stack.run("--idle-exit", "10", env=bedrock_env(stack, bedrock))

    assert worker.returncode == 2, worker.stderr
    assert bedrock.calls == [("GET", f"/foundation-models/{MODEL}")]
    assert_halted_and_kept(stack, interview_ids, worker.stderr, names)
    assert stack.queue_counts() == (3, 0)  # nothing received
    assert {stack.record(i).state for i in interview_ids} == {InterviewState.PENDING}


def test_an_inference_profile_is_checked_with_get_inference_profile(
    make_stack: Callable[..., AwsStack], media: MediaFactory, bedrock: BedrockStandIn
) -> None:
    stack = make_stack()
    interview_ids = three_requests(stack, media)
    profile = f"us.{MODEL}"
    bedrock.control_error = ServiceError(403, "AccessDeniedException", "not authorized")

    worker = stack.run(
        "--idle-exit", "10", env=bedrock_env(stack, bedrock, INTERVIEWS_BEDROCK_MODEL_ID=profile)
    )

    assert worker.returncode == 2, worker.stderr
    assert bedrock.calls == [("GET", f"/inference-profiles/{profile}")]
    assert_halted_and_kept(stack, interview_ids, worker.stderr, "bedrock:GetInferenceProfile")


def test_amazon_transcribe_refusing_the_role_stops_the_worker_and_fails_nothing(
    make_stack: Callable[..., AwsStack], media: MediaFactory, bedrock: BedrockStandIn
) -> None:
    stack = make_stack()
    interview_ids = three_requests(stack, media)
    bedrock.transcribe_error = ServiceError(
        400, "AccessDeniedException", "User is not authorized to perform: transcribe:*"
    )

    worker = stack.run(
        "--idle-exit",
        "10",
        env=stack.env(INTERVIEWS_TRANSCRIBER="transcribe", AWS_ENDPOINT_URL_TRANSCRIBE=bedrock.url),
    )

    assert worker.returncode == 2, worker.stderr
    assert any(target.startswith("Transcribe.") for _, target in bedrock.calls)
    assert_halted_and_kept(stack, interview_ids, worker.stderr, "transcribe:StartTranscriptionJob")


def test_s3_refusing_the_audio_upload_stops_the_worker_and_fails_nothing(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_ids = three_requests(stack, media)
    proxy = DenyingProxy(stack.url, f"/{BUCKET}/transcribe/")
    try:
        env = stack.env(
            INTERVIEWS_TRANSCRIBER="transcribe",
            INTERVIEWS_TRANSCRIBE_DIRECT="false",
            AWS_ENDPOINT_URL_S3=proxy.url,
        )
        worker = stack.run("--idle-exit", "10", env=env)
    finally:
        proxy.close()

    assert worker.returncode == 2, worker.stderr
    assert proxy.denied and all("/audio" in path for path in proxy.denied), proxy.denied
    assert_halted_and_kept(stack, interview_ids, worker.stderr, "s3:PutObject")
