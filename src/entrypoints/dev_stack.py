"""`ai-interviews dev-stack`: the production template created in a local moto server.

Needs the `dev` extra (moto's server). The stack is `deploy/template.yaml` itself; resource
types moto cannot model are skipped by moto and named in a note. Speech and question
finding stay local in the printed environment: moto's Transcribe writes no transcript and it
has no Bedrock.
"""

from __future__ import annotations

import argparse
import logging
import re
import shlex
import signal
import socket
import sys
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_core.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_TEMPLATE = Path("deploy/template.yaml")
STACK_NAME = "ai-interviews"
REGION = "us-east-1"
TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
_RESOURCE = re.compile(r"^  (?P<id>[A-Za-z0-9]+):\n(?P<body>(?:    .*\n|\s*\n)*)", re.MULTILINE)
_TYPE = re.compile(r"^    Type:\s*(\S+)", re.MULTILINE)
_CONDITION = re.compile(r"^    Condition:\s*(\S+)", re.MULTILINE)


class DevStack:
    """A moto server on 127.0.0.1 holding the template's stack; stop it with `stop`."""

    def __init__(self, template: Path = DEFAULT_TEMPLATE, port: int = DEFAULT_PORT) -> None:
        """Start the server and create the stack. Raises ConfigurationError when moto is not
        installed, the template is missing, the port is taken or the stack fails."""
        if not template.is_file():
            raise ConfigurationError(f"no template at {template}: run from the project folder")
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:
            raise ConfigurationError(
                "dev-stack needs moto's server: install the project's 'dev' extra"
            ) from exc
        _check_free(port)
        _quiet_moto()
        self._server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
        self._server.start()
        host, bound = self._server.get_host_and_port()
        self.url = f"http://{host}:{bound}"
        try:
            self.outputs, self.skipped = _create_stack(self.url, template)
        except BaseException:
            self._server.stop()
            raise

    def environment(self) -> dict[str, str]:
        """The settings a worker or a command needs to use the stack."""
        return {
            **TEST_CREDENTIALS,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_S3_BUCKET": self.outputs["BucketName"],
            "AWS_SQS_QUEUE_URL": self.outputs["QueueUrl"],
            "AWS_DYNAMODB_INTERVIEWS_TABLE": self.outputs["InterviewsTableName"],
            "AWS_DYNAMODB_QUESTIONS_TABLE": self.outputs["QuestionsTableName"],
            "AWS_DYNAMODB_QUESTIONS_INDEX": self.outputs["QuestionsIndexName"],
            "INTERVIEWS_BACKEND": "aws",
            "INTERVIEWS_TRANSCRIBER": "whisper",
            "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
        }

    def stop(self) -> None:
        """Stop the server; everything it held is gone."""
        self._server.stop()


def _check_free(port: int) -> None:
    """Raise ConfigurationError when `port` is taken (moto's server thread would only log it)."""
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise ConfigurationError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from exc


def _quiet_moto() -> None:
    """Keep moto's request log and its notes on unsupported resources off the terminal, and
    the server's trace of a request moto failed on: the client's error says what failed."""
    logging.getLogger("moto").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module=r"moto(\.|$)")


def _create_stack(url: str, template: Path) -> tuple[dict[str, str], list[str]]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    from adapters.aws.errors import describe

    session = boto3.Session(
        region_name=REGION,
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=TEST_CREDENTIALS["AWS_SESSION_TOKEN"],
    )
    body = template.read_text(encoding="utf-8")
    try:
        ec2 = session.client("ec2", endpoint_url=url)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        cloudformation = session.client("cloudformation", endpoint_url=url)
        parameters = {
            "ImageUri": "000000000000.dkr.ecr.us-east-1.amazonaws.com/ai-interviews:local",
            "VpcId": vpc,
            "SubnetIds": subnet,
        }
        cloudformation.create_stack(
            StackName=STACK_NAME,
            TemplateBody=body,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
        stack: Any = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        created = {summary["LogicalResourceId"] for summary in _resources(cloudformation)}
    except (BotoCoreError, ClientError, ResponseParserError) as exc:
        raise ConfigurationError(
            f"the stack could not be created in moto from {template}: {describe(exc)}"
        ) from exc
    if not str(stack["StackStatus"]).endswith("_COMPLETE"):
        raise ConfigurationError(f"the stack ended {stack['StackStatus']} in moto")
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}
    skipped = sorted(
        f"{logical_id} ({kind})"
        for logical_id, kind in _ecs_resources(body).items()
        if logical_id not in created
    )
    return outputs, skipped


def _ecs_resources(body: str) -> dict[str, str]:
    """Logical id -> type of every resource the ECS form creates (none of the Lambda form's)."""
    resources_section = body.split("\nResources:\n", 1)[1].split("\nOutputs:\n", 1)[0]
    found: dict[str, str] = {}
    for match in _RESOURCE.finditer(resources_section + "\n"):
        block = match.group("body")
        kind = _TYPE.search(block)
        condition = _CONDITION.search(block)
        if kind is not None and (condition is None or condition.group(1) != "OnLambda"):
            found[match.group("id")] = kind.group(1)
    return found


def _resources(cloudformation: Any) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {"StackName": STACK_NAME}
    while True:
        page = cloudformation.list_stack_resources(**request)
        yield from page["StackResourceSummaries"]
        if not page.get("NextToken"):
            return
        request["NextToken"] = page["NextToken"]


def exports(environment: dict[str, str]) -> str:
    """`export NAME=value` lines a shell can evaluate."""
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in environment.items())


def _port(text: str) -> int:
    """A TCP port number, 0 to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The `dev-stack` command line."""
    parser = argparse.ArgumentParser(
        prog="ai-interviews dev-stack",
        description="The production template in a local moto server, for trying the AWS path.",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument(
        "--template", type=Path, default=DEFAULT_TEMPLATE, help="the CloudFormation template"
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """Start the stack, print its environment, and serve until Ctrl-C or SIGTERM."""
    args = build_parser().parse_args(argv)
    try:
        stack = DevStack(args.template, args.port)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    print(f"# moto at {stack.url}; stack {STACK_NAME} created from {args.template}")
    if stack.skipped:
        print(f"# moto cannot model, so skipped: {', '.join(stack.skipped)}")
    print(exports(stack.environment()))
    print("# Ctrl-C stops the stack", flush=True)
    try:
        stopped.wait()
    finally:
        stack.stop()
    return 0
