"""One factory for the boto3 clients of every AWS adapter: created lazily, cached, thread-safe."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast

import boto3.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from adapters.aws.errors import NO_CREDENTIALS, describe
from interview_core.errors import ConfigurationError
from interview_core.limits import MAX_WAIT_SECONDS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_bedrock import BedrockClient
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_transcribe import TranscribeServiceClient

SQS_LONG_POLL_SECONDS = MAX_WAIT_SECONDS
"""The longest ReceiveMessage wait SQS allows; the read timeout must outlast it."""

_Client = TypeVar("_Client")


class _ClientOptions(TypedDict):
    endpoint_url: str | None
    config: Config


class AwsClientFactory:
    """Creates at most one boto3 client per service, on first use, from one boto3 session.

    Credentials come only from boto3's default chain (environment, profile, container or
    instance role). Every client uses the `standard` retry mode with at most `max_attempts`
    attempts per call, the first one included, so retries happen at this one layer.
    `endpoint_url`, when given, points every client at that one endpoint; when None (as the
    container builds it), botocore resolves each client's endpoint from its standard
    configuration: `AWS_ENDPOINT_URL_<SERVICE>` (such as `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`),
    then `AWS_ENDPOINT_URL`, then the profile's `services` section in the config file, then
    the profile's `endpoint_url`, else the service's AWS endpoint for the region.
    Constructing the factory does no I/O; the session is created with the first client.
    Clients are thread-safe and shared; the session is only touched under a lock. `prompt`
    gives a sibling factory with short timeouts on the same session.
    """

    def __init__(
        self,
        region: str,
        endpoint_url: str | None = None,
        *,
        connect_timeout: float = 5,
        read_timeout: float = 30,
        max_attempts: int = 3,
        max_pool_connections: int = 20,
        read_timeouts: Mapping[str, float] | None = None,
        long_polls: bool = True,
    ) -> None:
        """Raise ConfigurationError for an empty region, a read timeout that does not outlast
        the SQS long poll (when `long_polls`), or non-positive timeouts, attempts or pool size.

        `read_timeouts` overrides the read timeout per service name (e.g. a longer one for
        "bedrock-runtime", whose replies can take minutes); each must also outlast the poll.
        With `long_polls` False the clients are for calls that answer at once (never a
        receive), and any positive read timeout is accepted.
        """
        if not region:
            raise ConfigurationError("an AWS region is required")
        overrides = dict(read_timeouts or {})
        for name, timeout in {"default": read_timeout, **overrides}.items():
            if long_polls and timeout <= SQS_LONG_POLL_SECONDS:
                raise ConfigurationError(
                    f"read timeout {timeout} s for {name} must exceed the "
                    f"{SQS_LONG_POLL_SECONDS} s SQS long poll"
                )
            if timeout <= 0:
                raise ConfigurationError(f"read timeout {timeout} s for {name} must be positive")
        if connect_timeout <= 0 or max_attempts < 1 or max_pool_connections < 1:
            raise ConfigurationError(
                "connect timeout, max attempts and max pool connections must be positive"
            )
        self.region = region
        self.endpoint_url = endpoint_url
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._read_timeouts = overrides
        self._max_attempts = max_attempts
        self._max_pool_connections = max_pool_connections
        self._lock = threading.Lock()
        self._session: boto3.session.Session | None = None
        self._clients: dict[str, object] = {}
        self._session_owner: AwsClientFactory = self

    def prompt(
        self, *, connect_timeout: float, read_timeout: float, max_attempts: int
    ) -> AwsClientFactory:
        """A factory of clients with short timeouts that shares this one's session (and so
        its credentials), for calls that must answer at once or give up, such as giving work
        back at shutdown. Its clients never long-poll. Raises ConfigurationError like the
        constructor."""
        sibling = AwsClientFactory(
            self.region,
            self.endpoint_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            max_pool_connections=self._max_pool_connections,
            long_polls=False,
        )
        sibling._session_owner = self._session_owner
        sibling._lock = self._lock  # one lock guards the shared session and every cache
        return sibling

    def config_for(self, service_name: str) -> Config:
        """The botocore configuration a client of `service_name` is created with."""
        return Config(
            region_name=self.region,
            connect_timeout=self._connect_timeout,
            read_timeout=self._read_timeouts.get(service_name, self._read_timeout),
            retries={"mode": "standard", "total_max_attempts": self._max_attempts},
            max_pool_connections=self._max_pool_connections,
        )

    def s3(self) -> S3Client:
        """The shared S3 client."""
        return self._cached("s3", lambda s: s.client("s3", **self._options("s3")))

    def s3_link_signer(self) -> S3Client:
        """An S3 client that signs presigned links with Signature Version 4, which every
        region accepts, for links handed to a browser; it shares the session's credentials."""
        config = self.config_for("s3").merge(Config(signature_version="s3v4"))
        return self._cached(
            "s3-links",
            lambda s: s.client("s3", endpoint_url=self.endpoint_url, config=config),
        )

    def sqs(self) -> SQSClient:
        """The shared SQS client."""
        return self._cached("sqs", lambda s: s.client("sqs", **self._options("sqs")))

    def dynamodb(self) -> DynamoDBClient:
        """The shared DynamoDB client."""
        return self._cached("dynamodb", lambda s: s.client("dynamodb", **self._options("dynamodb")))

    def transcribe(self) -> TranscribeServiceClient:
        """The shared Amazon Transcribe client."""
        name = "transcribe"
        return self._cached(name, lambda s: s.client("transcribe", **self._options(name)))

    def bedrock_runtime(self) -> BedrockRuntimeClient:
        """The shared Bedrock runtime client (Converse)."""
        name = "bedrock-runtime"
        return self._cached(name, lambda s: s.client("bedrock-runtime", **self._options(name)))

    def bedrock(self) -> BedrockClient:
        """The shared Bedrock control-plane client (the start-up check of the model)."""
        return self._cached("bedrock", lambda s: s.client("bedrock", **self._options("bedrock")))

    def check_credentials(self) -> None:
        """Raise ConfigurationError when boto3's default chain finds no credentials at all.

        Whether they are accepted shows on the first call to a service.
        """
        with self._lock:
            credentials = self._shared_session().get_credentials()
        if credentials is None:
            raise ConfigurationError(NO_CREDENTIALS)

    def _shared_session(self) -> boto3.session.Session:
        """The one session of this factory and its prompt siblings; call holding the lock."""
        owner = self._session_owner
        if owner._session is None:
            owner._session = boto3.session.Session(region_name=owner.region)
        return owner._session

    def _options(self, service_name: str) -> _ClientOptions:
        return {"endpoint_url": self.endpoint_url, "config": self.config_for(service_name)}

    def _cached(
        self, service_name: str, create: Callable[[boto3.session.Session], _Client]
    ) -> _Client:
        with self._lock:
            client = self._clients.get(service_name)
            if client is None:
                try:
                    client = create(self._shared_session())
                except (BotoCoreError, ValueError) as exc:
                    # A malformed region or endpoint (from the settings, AWS_ENDPOINT_URL or
                    # the profile) is refused here, before any call: no retry can mend it.
                    raise ConfigurationError(_unusable_client(service_name, exc)) from exc
                _check_endpoint_scheme(service_name, client)
                self._clients[service_name] = client
            return cast("_Client", client)


def _unusable_client(service_name: str, exc: BaseException) -> str:
    return (
        f"the {service_name} client cannot be made: {describe(exc)}; check AWS_REGION and "
        "AWS_ENDPOINT_URL (or the profile's endpoint_url)"
    )


def _check_endpoint_scheme(service_name: str, client: object) -> None:
    """Raise ConfigurationError when the client's endpoint is neither http nor https."""
    endpoint = str(getattr(getattr(client, "meta", None), "endpoint_url", "") or "")
    scheme = endpoint.partition("://")[0].lower() if "://" in endpoint else ""
    if scheme not in {"http", "https"}:
        raise ConfigurationError(
            _unusable_client(service_name, ValueError(f"{endpoint!r} is not an http(s) URL"))
        )
