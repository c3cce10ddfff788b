"""S3TranscribeOutputs: which keys it removes, and how S3's refusals read."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from adapters.aws.transcribe_jobs import job_token
from adapters.aws.transcribe_outputs import S3TranscribeOutputs
from interview_core.errors import ConfigurationError, StageStoreUnavailable

BUCKET = "interview-videos"
ID = "5b2e8f1a-7c3d-4e9b-a0f1-2c3d4e5f6a7b"


def outputs() -> tuple[S3TranscribeOutputs, Stubber]:
    client: Any = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return S3TranscribeOutputs(client, BUCKET, "transcribe"), Stubber(client)


def test_both_names_in_the_generations_folder_are_removed_and_nothing_else() -> None:
    removing, stub = outputs()
    for name in ("transcript.json", "redacted-transcript.json"):
        stub.add_response(
            "delete_object", {}, {"Bucket": BUCKET, "Key": f"transcribe/{ID}-g2/{name}"}
        )

    with stub:
        removed = removing.remove_outputs(ID, 2)

    assert removed == [
        f"transcribe/{ID}-g2/transcript.json",
        f"transcribe/{ID}-g2/redacted-transcript.json",
    ]
    stub.assert_no_pending_responses()


def test_an_unsafe_id_uses_the_transcribers_token_and_never_leaves_the_prefix() -> None:
    removing, _ = outputs()

    keys = removing.keys("../../videos/x", 0)

    assert keys[0] == f"transcribe/{job_token('../../videos/x')}/transcript.json"
    assert all(key.startswith("transcribe/") and ".." not in key for key in keys)


def test_a_negative_generation_and_an_empty_id_are_refused() -> None:
    removing, _ = outputs()

    with pytest.raises(ValueError, match="generation"):
        removing.remove_outputs(ID, -1)
    with pytest.raises(ValueError, match="job id"):
        removing.remove_outputs("", 0)


@pytest.mark.parametrize(
    ("code", "status", "error", "throttled"),
    [
        ("AccessDenied", 403, ConfigurationError, False),
        ("NoSuchBucket", 404, ConfigurationError, False),
        ("SlowDown", 503, StageStoreUnavailable, True),
        ("InternalError", 500, StageStoreUnavailable, False),
    ],
)
def test_s3s_refusals_become_core_errors(
    code: str, status: int, error: type[Exception], throttled: bool
) -> None:
    removing, stub = outputs()
    stub.add_client_error("delete_object", code, http_status_code=status)

    with stub, pytest.raises(error) as raised:
        removing.remove_outputs(ID, 0)

    assert getattr(raised.value, "throttled", False) is throttled
    if code == "AccessDenied":
        assert "s3:DeleteObject on transcribe/*/transcript.json" in str(raised.value)
