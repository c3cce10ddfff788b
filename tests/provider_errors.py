"""One harness for the AWS adapters' error tests: a client only a Stubber answers, and the
check that a provider's error code becomes exactly the expected core error."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from interview_core.errors import InterviewError

REGION = "us-east-1"


def offline_client(service: str, region: str = REGION) -> Any:
    """A client of `service` with test credentials and no endpoint: only a Stubber answers."""
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )
    return session.client(service, config=Config(retries={"mode": "standard"}))  # type: ignore[call-overload]


@contextmanager
def stubbed(client: Any, *, check_pending: bool = True) -> Iterator[Stubber]:
    """A Stubber active on `client`; on exit, every queued answer must have been used."""
    with Stubber(client) as stubber:
        yield stubber
        if check_pending:
            stubber.assert_no_pending_responses()


def raises_core_error(
    stubber: Stubber,
    operation: str,
    code: str,
    status: int,
    expected: type[InterviewError],
    act: Callable[[], object],
    *,
    message: str = "provider says no",
    meta: Mapping[str, str] | None = None,
    expected_params: Mapping[str, Any] | None = None,
) -> InterviewError:
    """Answer `operation` with the provider error `code`, run `act`, and return the error.

    The error must be exactly `expected` (not a subclass) and raised from the provider's
    ClientError carrying `code`.
    """
    stubber.add_client_error(
        operation,
        code,
        message,
        status,
        dict(meta or {}),
        expected_params=dict(expected_params) if expected_params is not None else None,
    )
    with pytest.raises(expected) as caught:
        act()
    assert type(caught.value) is expected
    cause = caught.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == code
    return caught.value
