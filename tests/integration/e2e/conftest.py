"""A module-wide moto stack for the `ai-interviews` subprocess tests.

A bucket holding the bundled sample video, the interview and question tables (with the index
on `interview_id`), and a way to run the installed command with the `aws` preset pointed at
the moto server and a local transcriber and question extractor.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from cli_stack import (
    BUCKET,
    FAKE_CREDENTIALS,
    INTERVIEWS_TABLE,
    QUESTIONS_INDEX,
    QUESTIONS_TABLE,
    REGION,
    SAMPLE_KEY,
    CliStack,
)

from adapters.aws.dynamodb_tables import create_interview_tables


@pytest.fixture(scope="module")
def sample_video(samples_dir: Path) -> Path:
    """The bundled demo interview video."""
    video = samples_dir / "interview" / "interview.mp4"
    if not video.is_file():
        pytest.fail(f"the bundled sample video is missing: {video}")
    return video


@pytest.fixture(scope="module")
def cli_stack(
    moto_endpoint: str, sample_video: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliStack]:
    """A freshly reset moto server holding the bucket, the sample video and both tables."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    session = boto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        region_name=REGION,
    )
    s3 = session.client("s3", endpoint_url=moto_endpoint)
    dynamodb = session.client("dynamodb", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket=BUCKET)
    s3.upload_file(str(sample_video), BUCKET, SAMPLE_KEY)
    create_interview_tables(
        dynamodb, INTERVIEWS_TABLE, QUESTIONS_TABLE, questions_index=QUESTIONS_INDEX
    )
    folder = tmp_path_factory.mktemp("single-interview")
    yield CliStack(
        endpoint=moto_endpoint,
        log_file=folder / "logs" / "interview_processing.log",
        work_dir=folder,
        dynamodb=dynamodb,
        s3=s3,
    )
