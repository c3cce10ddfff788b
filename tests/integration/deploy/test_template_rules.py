"""What moto cannot show, read from deploy/template.yaml itself: cfn-lint finds nothing, the
bucket and queue policies, point-in-time recovery, lifecycle, scaling by backlog per task, and
defaults that agree with the worker's settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from entrypoints.settings import Settings
from tests.integration.deploy.stack import TEMPLATE, load_template

TEMPLATE_DATA = load_template()
RESOURCES: dict[str, Any] = TEMPLATE_DATA["Resources"]
PARAMETERS: dict[str, Any] = TEMPLATE_DATA["Parameters"]
DEFAULTS = Settings()


def default(name: str) -> Any:
    return PARAMETERS[name]["Default"]


def properties(name: str) -> dict[str, Any]:
    found: dict[str, Any] = RESOURCES[name]["Properties"]
    return found


def worker_container() -> dict[str, Any]:
    (container,) = properties("TaskDefinition")["ContainerDefinitions"]
    found: dict[str, Any] = container
    return found


def environment_refs() -> dict[str, Any]:
    return {pair["Name"]: pair["Value"] for pair in worker_container()["Environment"]}


def test_cfn_lint_reports_nothing() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    found = subprocess.run(
        [str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True, timeout=120, check=False
    )

    assert (found.returncode, found.stdout, found.stderr) == (0, "", "")


def test_the_template_is_plain_cloudformation() -> None:
    assert "Transform" not in TEMPLATE_DATA
    assert TEMPLATE_DATA["AWSTemplateFormatVersion"] == "2010-09-09"


def test_the_default_names_are_the_upstreams_and_the_workers() -> None:
    assert default("InterviewsTableName") == DEFAULTS.aws_dynamodb_interviews_table
    assert default("QuestionsTableName") == DEFAULTS.aws_dynamodb_questions_table
    assert default("QuestionsIndexName") == DEFAULTS.aws_dynamodb_questions_index
    assert default("QueueName") == DEFAULTS.aws_sqs_queue_name
    assert default("TranscribePrefix") == DEFAULTS.transcribe_prefix == "transcribe/"


def test_the_bucket_is_private_encrypted_tls_only_and_expires_transcription_files() -> None:
    bucket = properties("VideoBucket")
    statement = properties("VideoBucketPolicy")["PolicyDocument"]["Statement"]

    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (transcription,) = [
        rule for rule in bucket["LifecycleConfiguration"]["Rules"] if "Prefix" in rule
    ]
    assert transcription["Prefix"] == {"Ref": "TranscribePrefix"}
    assert transcription["Status"] == "Enabled"
    assert transcription["ExpirationInDays"] == {"Ref": "TranscriptRetentionDays"}
    (deny,) = statement
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [
        {"Fn::GetAtt": ["VideoBucket", "Arn"]},
        {"Fn::Sub": "${VideoBucket.Arn}/*"},
    ]


@pytest.mark.parametrize("table", ["InterviewsTable", "QuestionsTable"])
def test_the_tables_are_on_demand_with_point_in_time_recovery(table: str) -> None:
    found = properties(table)

    assert found["BillingMode"] == "PAY_PER_REQUEST"
    assert found["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_queues_refuse_plain_http() -> None:
    policy = properties("RequestQueuePolicy")

    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    assert policy["Queues"] == [{"Ref": "RequestQueue"}, {"Ref": "DeadLetterQueue"}]


def test_the_default_limits_fit_together_and_match_the_worker() -> None:
    assert default("WorkerMaxAttempts") == DEFAULTS.worker_max_attempts
    assert default("QueueMaxReceiveCount") > default("WorkerMaxAttempts")
    assert default("WorkerVisibilityTimeoutSeconds") == DEFAULTS.worker_visibility_timeout_seconds
    assert default("QueueVisibilityTimeoutSeconds") > default("WorkerVisibilityTimeoutSeconds")
    assert default("QueueVisibilityTimeoutSeconds") >= default("LambdaTimeoutSeconds")
    assert default("LeaseSeconds") == DEFAULTS.lease_seconds
    lambda_environment = properties("Function")["Environment"]["Variables"]
    assert lambda_environment["INTERVIEWS_LEASE_SECONDS"] == {"Ref": "LambdaTimeoutSeconds"}
    assert default("DeadLetterRetentionSeconds") > default("QueueRetentionSeconds")
    assert default("WorkerWaitSeconds") == DEFAULTS.worker_wait_seconds
    assert default("WorkerShutdownGraceSeconds") == DEFAULTS.worker_shutdown_grace_seconds
    assert default("StopTimeoutSeconds") > (
        default("WorkerShutdownGraceSeconds") + default("WorkerWaitSeconds")
    )
    redrive = properties("RequestQueue")["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == {"Ref": "QueueMaxReceiveCount"}
    assert environment_refs()["WORKER_MAX_ATTEMPTS"] == {"Ref": "WorkerMaxAttempts"}


def test_the_worker_runs_on_fargate_with_its_role_and_a_stop_timeout_from_the_parameter() -> None:
    task = properties("TaskDefinition")
    service = properties("Service")

    assert task["RequiresCompatibilities"] == ["FARGATE"]
    assert task["NetworkMode"] == "awsvpc"
    assert task["TaskRoleArn"] == {"Fn::GetAtt": ["TaskRole", "Arn"]}
    assert worker_container()["StopTimeout"] == {"Ref": "StopTimeoutSeconds"}
    assert service["LaunchType"] == "FARGATE"
    assert "DesiredCount" not in service  # owned by the scalable target


def test_scaling_tracks_visible_messages_divided_by_running_tasks() -> None:
    target = properties("ScalableTarget")
    tracking = properties("BacklogPerTaskScaling")["TargetTrackingScalingPolicyConfiguration"]
    metrics = {
        metric["Id"]: metric for metric in tracking["CustomizedMetricSpecification"]["Metrics"]
    }

    assert (target["MinCapacity"], target["MaxCapacity"]) == (
        {"Ref": "MinTasks"},
        {"Ref": "MaxTasks"},
    )
    assert target["ResourceId"] == {"Fn::Sub": "service/${Cluster}/${Service.Name}"}
    assert tracking["TargetValue"] == {"Ref": "BacklogPerTaskTarget"}
    visible = metrics["visible"]["MetricStat"]["Metric"]
    running = metrics["running"]["MetricStat"]["Metric"]
    assert (visible["Namespace"], visible["MetricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert visible["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["RequestQueue", "QueueName"]}}
    ]
    assert (running["Namespace"], running["MetricName"]) == (
        "ECS/ContainerInsights",
        "RunningTaskCount",
    )
    assert [metric["Id"] for metric in metrics.values() if metric["ReturnData"]] == [
        "backlog_per_task"
    ]
    assert metrics["backlog_per_task"]["Expression"].startswith("visible / ")
    assert "running" in metrics["backlog_per_task"]["Expression"]
    cluster = properties("Cluster")
    assert {"Name": "containerInsights", "Value": "enabled"} in cluster["ClusterSettings"]


def test_the_lambda_form_reports_batch_item_failures_from_the_handler() -> None:
    function = properties("Function")
    source = properties("EventSource")

    assert function["PackageType"] == "Image"
    assert function["Code"]["ImageUri"] == {"Ref": "ImageUri"}
    assert function["ImageConfig"]["Command"] == ["entrypoints.lambda_handler.handler"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert RESOURCES["Function"]["Condition"] == RESOURCES["EventSource"]["Condition"]


def test_the_readme_names_every_output_of_the_template() -> None:
    readme = (TEMPLATE.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploying to AWS", 1)[1].split("\n## ", 1)[0]

    unnamed = [key for key in TEMPLATE_DATA["Outputs"] if f"`{key}`" not in section]

    assert unnamed == []
