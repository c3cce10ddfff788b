"""deploy/template.yaml created in a moto server, read back through the stack's outputs."""

from __future__ import annotations

import ast
import json
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from cfnlint.decode import cfn_yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "deploy" / "template.yaml"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/ai-interviews:test"
STACK = "ai-interviews"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

MOTO_CANNOT_MODEL = frozenset(
    {
        # moto's CloudFormation skips these types with a warning; the stack is created without
        # them. Their properties are checked on the template instead (test_template_rules.py).
        "AWS::S3::BucketPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
    }
)


def load_template() -> dict[str, Any]:
    """The template as data, its short-form tags (`!Ref`, `!Sub`) read as `Ref`, `Fn::Sub`."""
    template: dict[str, Any] = cfn_yaml.load(str(TEMPLATE))
    return template


def session() -> boto3.Session:
    """A boto3 session with moto's test credentials."""
    return boto3.Session(
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=CREDENTIALS["AWS_SESSION_TOKEN"],
    )


def reset(url: str) -> None:
    """Forget everything the moto server holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


class Stack:
    """The template created in moto with `parameters`, in a VPC with one subnet."""

    def __init__(self, url: str, **parameters: str) -> None:
        self.url = url
        self.session = session()
        ec2 = self.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        values = {"ImageUri": IMAGE, "VpcId": vpc, "SubnetIds": subnet, **parameters}
        self.cloudformation = self.client("cloudformation")
        self.cloudformation.create_stack(
            StackName=STACK,
            TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
        described = self.cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
        self.status: str = described["StackStatus"]
        self.outputs: dict[str, str] = {
            output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])
        }

    def client(self, service: str) -> Any:
        """A client of `service` on the moto server."""
        return self.session.client(service, endpoint_url=self.url)

    def created(self) -> dict[str, str]:
        """Logical id -> resource type of every resource the stack created."""
        summaries = self.cloudformation.list_stack_resources(StackName=STACK)[
            "StackResourceSummaries"
        ]
        return {
            summary["LogicalResourceId"]: summary["ResourceType"]
            for summary in summaries
            if summary.get("LogicalResourceId")
        }

    def role_policies(self, role_arn: str) -> list[dict[str, Any]]:
        """Every policy document of the role: attached managed policies and inline ones."""
        iam = self.client("iam")
        name = role_arn.rsplit("/", 1)[1]
        documents: list[dict[str, Any]] = []
        for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(
                PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
            )
            documents.append(_document(version["PolicyVersion"]["Document"]))
        for inline in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            found = iam.get_role_policy(RoleName=name, PolicyName=inline)
            documents.append(_document(found["PolicyDocument"]))
        return documents

    def managed_policy(self, arn: str) -> list[dict[str, Any]]:
        """The default version's document of the managed policy `arn`, as a one-item list."""
        iam = self.client("iam")
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        found = iam.get_policy_version(PolicyArn=arn, VersionId=version)
        return [_document(found["PolicyVersion"]["Document"])]

    def task_environment(self) -> dict[str, str]:
        """The worker container's environment, as the task definition passes it."""
        ecs = self.client("ecs")
        definition = ecs.describe_task_definition(taskDefinition=self.outputs["TaskDefinitionArn"])
        (container,) = definition["taskDefinition"]["containerDefinitions"]
        return {pair["name"]: pair["value"] for pair in container["environment"]}


def _document(raw: Any) -> dict[str, Any]:
    """A policy document as IAM returns it: JSON text, or already parsed. moto keeps the inline
    policies of a role created from a template's `Policies` as Python's repr of the dict."""
    if not isinstance(raw, str):
        return dict(raw)
    try:
        document: dict[str, Any] = json.loads(raw)
    except json.JSONDecodeError:
        document = ast.literal_eval(raw)
    return document
