"""The boto3 client factory against the moto server, and the botocore error classification."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    IncompleteReadError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from adapters.aws import clients as clients_module
from adapters.aws.clients import AwsClientFactory
from adapters.aws.errors import (
    describe,
    error_code,
    error_codes,
    http_status,
    is_access_denied,
    is_throttling,
    is_transient,
)
from entrypoints import builders
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError

REGION = "us-east-1"


def client_error(code: str, status: int, message: str = "", **extra: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message, **extra},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "AnyOperation",
    )


class EmptyBody:
    """The raw body of a canned HTTP response with no content."""

    def stream(self, **kwargs: object) -> list[bytes]:
        return []


# --- The factory ------------------------------------------------------------------------


def test_clients_reach_the_endpoint_with_credentials_from_the_default_chain(
    aws_endpoint: str,
) -> None:
    factory = AwsClientFactory(REGION, aws_endpoint)

    s3 = factory.s3()
    s3.create_bucket(Bucket="videos")
    queue_url = factory.sqs().create_queue(QueueName="interviews")["QueueUrl"]

    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["videos"]
    assert queue_url in factory.sqs().list_queues()["QueueUrls"]
    assert factory.dynamodb().list_tables()["TableNames"] == []
    credentials = s3._request_signer._credentials
    assert credentials is not None and credentials.access_key == "testing"
    assert s3.meta.endpoint_url == aws_endpoint
    assert s3.meta.region_name == REGION


def test_endpoint_from_aws_endpoint_url_when_none_is_given(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    factory = AwsClientFactory(REGION)

    factory.s3().create_bucket(Bucket="from-env")

    assert factory.s3().meta.endpoint_url == aws_endpoint
    assert factory.endpoint_url is None


def test_one_client_per_service_is_cached(aws_endpoint: str) -> None:
    factory = AwsClientFactory(REGION, aws_endpoint)

    assert factory.s3() is factory.s3()
    assert factory.sqs() is factory.sqs()
    assert factory.transcribe() is factory.transcribe()
    assert factory.bedrock_runtime() is factory.bedrock_runtime()
    assert factory.s3() is not factory.sqs()
    assert factory.bedrock_runtime().meta.service_model.service_name == "bedrock-runtime"


def test_concurrent_first_use_creates_one_session_and_one_client(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions: list[object] = []
    real_session = boto3.session.Session

    def counting_session(*args: object, **kwargs: object) -> boto3.session.Session:
        session = real_session(*args, **kwargs)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    monkeypatch.setattr(clients_module.boto3.session, "Session", counting_session)
    factory = AwsClientFactory(REGION, aws_endpoint)
    barrier = threading.Barrier(12)
    seen: list[object] = []

    def first_use() -> None:
        barrier.wait()
        seen.append(factory.sqs())

    threads = [threading.Thread(target=first_use) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 12
    assert len({id(client) for client in seen}) == 1
    assert len(sessions) == 1


def test_a_prompt_factory_has_short_timeouts_and_shares_the_session(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions: list[object] = []
    real_session = boto3.session.Session

    def counting_session(*args: object, **kwargs: object) -> boto3.session.Session:
        session = real_session(*args, **kwargs)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    monkeypatch.setattr(clients_module.boto3.session, "Session", counting_session)
    factory = AwsClientFactory(REGION, aws_endpoint)
    prompt = factory.prompt(connect_timeout=1, read_timeout=2, max_attempts=1)
    config = prompt.config_for("sqs")
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert factory.config_for("sqs").read_timeout == 30  # the long-polling factory is unchanged
    assert prompt.sqs() is not factory.sqs()
    assert prompt.sqs().list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(sessions) == 1


def test_a_read_timeout_shorter_than_the_poll_is_refused_only_for_long_polling_clients() -> None:
    with pytest.raises(ConfigurationError, match="long poll"):
        AwsClientFactory(REGION, read_timeout=2)
    assert AwsClientFactory(REGION, read_timeout=2, long_polls=False).config_for("s3")
    with pytest.raises(ConfigurationError, match="positive"):
        AwsClientFactory(REGION, read_timeout=0, long_polls=False)


def test_construction_creates_no_session_or_client(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a session was created")

    monkeypatch.setattr(clients_module.boto3.session, "Session", refuse)

    factory = AwsClientFactory(REGION, "http://127.0.0.1:9")

    with pytest.raises(AssertionError, match="a session was created"):
        factory.s3()


def test_clients_use_standard_retries_and_the_configured_timeouts(aws_endpoint: str) -> None:
    factory = AwsClientFactory(
        REGION,
        aws_endpoint,
        connect_timeout=2,
        read_timeout=25,
        max_attempts=4,
        read_timeouts={"bedrock-runtime": 300},
    )

    s3_config = factory.s3().meta.config
    bedrock_config = factory.bedrock_runtime().meta.config

    assert s3_config.retries is not None and s3_config.retries["mode"] == "standard"
    assert s3_config.retries["total_max_attempts"] == 4
    assert (s3_config.connect_timeout, s3_config.read_timeout) == (2, 25)
    assert bedrock_config.read_timeout == 300
    assert factory.config_for("sqs").read_timeout == 25


def test_a_5xx_is_retried_at_the_client_layer_max_attempts_times(aws_endpoint: str) -> None:
    factory = AwsClientFactory(REGION, aws_endpoint, max_attempts=2)
    s3 = factory.s3()
    sends: list[str] = []

    def unavailable(request: object, **kwargs: object) -> AWSResponse:
        sends.append("sent")
        return AWSResponse("http://local", 503, {}, EmptyBody())

    s3.meta.events.register("before-send.s3.ListBuckets", unavailable)

    with pytest.raises(ClientError) as caught:
        s3.list_buckets()

    assert len(sends) == 2
    assert is_transient(caught.value)


@pytest.mark.parametrize(
    "arguments",
    [
        {"region": ""},
        {"region": REGION, "read_timeout": 20},
        {"region": REGION, "read_timeout": 5},
        {"region": REGION, "read_timeouts": {"bedrock-runtime": 10}},
        {"region": REGION, "connect_timeout": 0},
        {"region": REGION, "max_attempts": 0},
        {"region": REGION, "max_pool_connections": 0},
    ],
)
def test_bad_settings_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        AwsClientFactory(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("region", "endpoint", "named"),
    [
        ("us east", None, "us east"),
        (REGION, "notaurl", "notaurl"),
        (REGION, "ftp://127.0.0.1:4566", "ftp://127.0.0.1:4566"),
    ],
)
def test_a_malformed_region_or_endpoint_is_a_configuration_error_at_first_use(
    region: str, endpoint: str | None, named: str
) -> None:
    factory = AwsClientFactory(region, endpoint)

    with pytest.raises(ConfigurationError) as refused:
        factory.dynamodb()

    assert named in str(refused.value)
    assert "AWS_ENDPOINT_URL" in str(refused.value)


def test_a_malformed_endpoint_from_the_environment_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "notaurl")

    with pytest.raises(ConfigurationError, match="notaurl"):
        AwsClientFactory(REGION).sqs()


# --- Error classification -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("RequestLimitExceeded", 503),
        ("SlowDown", 503),
        ("RequestThrottled", 403),
        ("Throttling", 400),
        ("TooManyRequestsException", 429),
        ("SomethingNew", 429),
    ],
)
def test_throttling_codes_are_throttling_and_transient(code: str, status: int) -> None:
    error = client_error(code, status)

    assert is_throttling(error)
    assert is_transient(error)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("InternalError", 500),
        ("503", 503),
        ("ServiceUnavailable", 503),
        ("SomethingNew", 502),
        ("RequestTimeout", 400),
        ("ExpiredToken", 400),
    ],
)
def test_5xx_and_timeout_codes_are_transient_not_throttling(code: str, status: int) -> None:
    error = client_error(code, status)

    assert is_transient(error)
    assert not is_throttling(error)


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:9"),
        ResponseStreamingError(error="connection reset"),
        IncompleteReadError(actual_bytes=1, expected_bytes=2),
    ],
)
def test_connection_failures_are_transient(error: Exception) -> None:
    assert is_transient(error)
    assert not is_throttling(error)


@pytest.mark.parametrize(
    "error",
    [
        client_error("NoSuchKey", 404),
        client_error("AccessDenied", 403),
        client_error("ValidationException", 400),
        client_error("ReceiptHandleIsInvalid", 400),
        NoCredentialsError(),
        ParamValidationError(report="bad"),
        ValueError("not botocore"),
    ],
)
def test_permanent_and_foreign_errors_are_not_transient(error: Exception) -> None:
    assert not is_transient(error)
    assert not is_throttling(error)


def test_access_denied_codes() -> None:
    assert is_access_denied(client_error("AccessDenied", 403))
    assert is_access_denied(client_error("AccessDeniedException", 400))
    assert not is_access_denied(client_error("NoSuchKey", 404))
    assert not is_access_denied(ValueError("x"))


def test_query_compatible_codes_are_matched_without_their_prefix() -> None:
    error = client_error(
        "AWS.SimpleQueueService.NonExistentQueue", 400, QueryErrorCode="QueueDoesNotExist"
    )

    assert error_codes(error) == {
        "AWS.SimpleQueueService.NonExistentQueue",
        "NonExistentQueue",
        "QueueDoesNotExist",
    }
    assert error_code(error) == "AWS.SimpleQueueService.NonExistentQueue"


def test_description_carries_code_status_and_message() -> None:
    error = client_error("SlowDown", 503, "Please reduce your request rate.")

    assert describe(error) == "SlowDown (HTTP 503): Please reduce your request rate."
    assert http_status(error) == 503
    assert describe(ValueError("plain")) == "ValueError: plain"
    assert error_codes(ValueError("plain")) == frozenset()


def test_a_description_is_one_line_and_cut_when_the_service_answers_a_whole_page() -> None:
    page = "<!doctype html>\n<html>\n  <body>\n" + "Internal error. " * 100 + "</body></html>"
    error = client_error("500", 500, page)

    described = describe(error)

    assert "\n" not in described
    assert described.startswith("500 (HTTP 500): <!doctype html> <html> <body> Internal error.")
    assert described.endswith("…")
    assert len(described) < 330


# --- boto3's own endpoint configuration ------------------------------------------------------


class ConverseStandIn:
    """A local stand-in for Bedrock's runtime endpoint: answers Converse, records each path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stand_in.paths.append(unquote(self.path))
                body = json.dumps(CONVERSE_REPLY).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


CONVERSE_REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 1},
}


@pytest.fixture
def converse_stand_in() -> Iterator[ConverseStandIn]:
    stand_in = ConverseStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture
def no_endpoint_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No endpoint from the machine running the tests: an empty config file, no variables."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS":
            monkeypatch.delenv(name)
    config = tmp_path / "aws-config"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    return config


def converse_once(factory: AwsClientFactory) -> None:
    factory.bedrock_runtime().converse(
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        messages=[{"role": "user", "content": [{"text": "hello"}]}],
    )


def test_a_service_specific_endpoint_variable_wins_over_the_global_one(
    aws_endpoint: str,
    converse_stand_in: ConverseStandIn,
    no_endpoint_configuration: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", converse_stand_in.url)
    factory = builders.aws_clients(Settings())

    converse_once(factory)
    factory.s3().create_bucket(Bucket="videos")

    assert converse_stand_in.paths == ["/model/anthropic.claude-3-haiku-20240307-v1:0/converse"]
    assert factory.bedrock_runtime().meta.endpoint_url == converse_stand_in.url
    assert factory.s3().meta.endpoint_url == aws_endpoint
    assert [b["Name"] for b in factory.s3().list_buckets()["Buckets"]] == ["videos"]


def test_the_config_files_services_section_wins_over_its_global_endpoint(
    aws_endpoint: str,
    converse_stand_in: ConverseStandIn,
    no_endpoint_configuration: Path,
) -> None:
    no_endpoint_configuration.write_text(
        "[default]\n"
        f"endpoint_url = {aws_endpoint}\n"
        "services = gateway\n"
        "\n"
        "[services gateway]\n"
        "bedrock_runtime =\n"
        f"  endpoint_url = {converse_stand_in.url}\n",
        encoding="utf-8",
    )
    factory = builders.aws_clients(Settings())

    converse_once(factory)
    queue_url = factory.sqs().create_queue(QueueName="interviews")["QueueUrl"]

    assert len(converse_stand_in.paths) == 1
    assert factory.sqs().meta.endpoint_url == aws_endpoint
    assert queue_url in factory.sqs().list_queues()["QueueUrls"]


def test_the_global_variable_alone_points_every_client_at_one_endpoint(
    aws_endpoint: str, no_endpoint_configuration: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    factory = builders.aws_clients(Settings())

    endpoints = {
        factory.s3().meta.endpoint_url,
        factory.sqs().meta.endpoint_url,
        factory.dynamodb().meta.endpoint_url,
        factory.transcribe().meta.endpoint_url,
        factory.bedrock_runtime().meta.endpoint_url,
    }

    assert endpoints == {aws_endpoint}
