"""The moto server fixture answers on 127.0.0.1 and starts empty for every test."""

from __future__ import annotations

import boto3
from botocore.config import Config


def test_server_listens_on_loopback(aws_endpoint: str) -> None:
    assert aws_endpoint.startswith("http://127.0.0.1:")


def test_state_is_reset_between_tests_first(
    aws_endpoint: str, boto_session: boto3.Session, client_config: Config
) -> None:
    s3 = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="left-behind")


def test_state_is_reset_between_tests_second(
    aws_endpoint: str, boto_session: boto3.Session, client_config: Config
) -> None:
    s3 = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="left-behind")
