"""Integration fixtures: a moto server on 127.0.0.1 for AWS adapters, reset between tests."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from tests.media_factory import MediaFactory
from tests.moto_support import moto_server

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server listening on a free port of 127.0.0.1 for this session."""
    with moto_server() as url:
        yield url


@pytest.fixture
def aws_endpoint(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A freshly reset moto server, with fake credentials so nothing can reach real AWS."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    yield moto_endpoint


@pytest.fixture
def boto_session(aws_endpoint: str) -> boto3.Session:
    """A boto3 session with test credentials in the test region."""
    return boto3.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        region_name=REGION,
    )


@pytest.fixture
def client_config() -> Config:
    """The client configuration the adapters use: standard retries, short timeouts."""
    return Config(
        retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=30
    )


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """Generated test media (clips, a video without audio, truncated files), made on first use."""
    return MediaFactory(tmp_path_factory.mktemp("media"))
