"""What moto cannot show, read from deploy/template.yaml itself: cfn-lint finds nothing, the
bucket and queue policies, point-in-time recovery, lifecycle, scaling by backlog per task, and
defaults that agree with the worker's settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from entrypoints.disk_space import GIB, space_needed
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
def test_the_tables_are_on_demand_with_point_in_time_recovery_for_backup_retention_days(
    table: str,
) -> None:
    found = properties(table)

    assert found["BillingMode"] == "PAY_PER_REQUEST"
    assert found["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": {"Fn::If": ["KeepBackups", True, False]},
        "RecoveryPeriodInDays": {
            "Fn::If": ["KeepBackups", {"Ref": "BackupRetentionDays"}, {"Ref": "AWS::NoValue"}]
        },
    }
    assert TEMPLATE_DATA["Conditions"]["KeepBackups"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BackupRetentionDays"}, 0]}]
    }
    backups = PARAMETERS["BackupRetentionDays"]
    assert (backups["Default"], backups["MinValue"], backups["MaxValue"]) == (35, 0, 35)


def test_videos_are_kept_unless_video_retention_days_is_set() -> None:
    rules = properties("VideoBucket")["LifecycleConfiguration"]["Rules"]

    (videos,) = [rule for rule in rules if "Fn::If" in rule]
    condition, rule, otherwise = videos["Fn::If"]
    assert condition == "ExpireVideos" and otherwise == {"Ref": "AWS::NoValue"}
    assert rule == {
        "Id": "expire-videos",
        "Status": "Enabled",
        "Prefix": "videos/",
        "ExpirationInDays": {"Ref": "VideoRetentionDays"},
    }
    assert TEMPLATE_DATA["Conditions"]["ExpireVideos"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "VideoRetentionDays"}, 0]}]
    }
    assert (default("VideoRetentionDays"), PARAMETERS["VideoRetentionDays"]["MinValue"]) == (0, 0)
    assert (
        default("TranscriptRetentionDays"),
        PARAMETERS["TranscriptRetentionDays"]["MinValue"],
    ) == (
        30,
        1,
    )


def test_the_delete_policys_two_forms_differ_in_the_transcribe_statement_only() -> None:
    document = properties("DeleteInterviewsPolicy")["PolicyDocument"]

    condition, with_transcribe, without = document["Statement"]["Fn::If"]

    assert condition == "UseTranscribe"
    assert with_transcribe[:-1] == without
    assert with_transcribe[-1]["Action"] == [
        "transcribe:DeleteTranscriptionJob",
        "transcribe:ListTranscriptionJobs",
    ]
    assert "Roles" not in properties("DeleteInterviewsPolicy")  # the operator's to attach


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


IMAGE_GIB = 5
"""Room on the task's disk for the image, which Fargate keeps in the same ephemeral storage."""


@pytest.mark.parametrize("transcriber", ["transcribe", "whisper"])
def test_the_tasks_disk_holds_every_job_at_once_with_the_default_limits(transcriber: str) -> None:
    settings = Settings(
        INTERVIEWS_BACKEND="aws",
        INTERVIEWS_TRANSCRIBER=transcriber,
        INTERVIEWS_MAX_VIDEO_BYTES=default("MaxVideoBytes"),
        WORKER_CONCURRENCY=default("WorkerConcurrency"),
    )
    needed = space_needed(settings, settings.worker_concurrency) / GIB + IMAGE_GIB

    assert default("MaxVideoBytes") == DEFAULTS.max_video_bytes
    assert PARAMETERS["TaskStorageGiB"]["MinValue"] == 21  # Fargate's range
    assert PARAMETERS["TaskStorageGiB"]["MaxValue"] == 200
    assert needed <= default("TaskStorageGiB") < needed + 5
    assert properties("TaskDefinition")["EphemeralStorage"] == {
        "SizeInGiB": {"Ref": "TaskStorageGiB"}
    }
    assert environment_refs()["INTERVIEWS_MAX_VIDEO_BYTES"] == {"Ref": "MaxVideoBytes"}
    assert environment_refs()["WORKER_CONCURRENCY"] == {"Ref": "WorkerConcurrency"}


def test_the_functions_tmp_holds_its_one_job_at_a_time() -> None:
    function = properties("Function")
    video_limit = int(function["Environment"]["Variables"]["INTERVIEWS_MAX_VIDEO_BYTES"])
    settings = Settings(INTERVIEWS_BACKEND="aws", INTERVIEWS_MAX_VIDEO_BYTES=video_limit)

    assert function["EphemeralStorage"] == {"Size": 10240}  # MiB, Lambda's largest
    assert space_needed(settings, 1) <= 10240 * 1024**2 - 256 * 1024**2  # some room to spare


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


def test_the_deployment_guide_names_every_output_of_the_template() -> None:
    guide = (TEMPLATE.parents[1] / "docs" / "how-to" / "deploy.md").read_text(encoding="utf-8")
    section = guide.split("## The stack", 1)[1].split("\n## ", 1)[0]

    unnamed = [key for key in TEMPLATE_DATA["Outputs"] if f"`{key}`" not in section]

    assert unnamed == []


# --- the transcriber: Amazon Transcribe with its data access role, or Whisper in the worker --

FARGATE_MEMORY = {  # CPU units -> the task memory sizes (MiB) Fargate accepts with them
    "1024": range(2048, 8192 + 1, 1024),
    "2048": range(4096, 16384 + 1, 1024),
    "4096": range(8192, 30720 + 1, 1024),
    "8192": range(16384, 61440 + 1, 4096),
    "16384": range(32768, 122880 + 1, 8192),
}


def test_the_transcriber_is_a_choice_of_the_workers_own_and_transcribe_by_default() -> None:
    from entrypoints.settings import TranscriberKind

    parameter = PARAMETERS["Transcriber"]

    assert parameter["Default"] == "transcribe"
    assert parameter["AllowedValues"] == ["transcribe", "whisper"]
    assert set(parameter["AllowedValues"]) <= {kind.value for kind in TranscriberKind}
    assert environment_refs()["INTERVIEWS_TRANSCRIBER"] == {"Ref": "Transcriber"}
    lambda_environment = properties("Function")["Environment"]["Variables"]
    assert lambda_environment["INTERVIEWS_TRANSCRIBER"] == {"Ref": "Transcriber"}


def test_whisper_tasks_get_their_own_cpu_and_memory_that_fargate_accepts() -> None:
    task = properties("TaskDefinition")

    assert task["Cpu"] == {"Fn::If": ["UseWhisper", {"Ref": "WhisperTaskCpu"}, {"Ref": "TaskCpu"}]}
    assert task["Memory"] == {
        "Fn::If": ["UseWhisper", {"Ref": "WhisperTaskMemory"}, {"Ref": "TaskMemory"}]
    }
    assert int(default("WhisperTaskMemory")) in FARGATE_MEMORY[default("WhisperTaskCpu")]
    assert int(default("TaskMemory")) in FARGATE_MEMORY[default("TaskCpu")]
    assert int(default("WhisperTaskCpu")) > int(default("TaskCpu"))
    assert TEMPLATE_DATA["Conditions"]["UseWhisper"] == {
        "Fn::Equals": [{"Ref": "Transcriber"}, "whisper"]
    }


def test_only_the_transcribe_choice_makes_the_data_access_role_and_its_grants() -> None:
    role = RESOURCES["TranscribeDataAccessRole"]
    grants = properties("TaskRole")["Policies"]["Fn::If"]
    output = TEMPLATE_DATA["Outputs"]["TranscribeDataAccessRoleArn"]
    arn = {"Fn::GetAtt": ["TranscribeDataAccessRole", "Arn"]}

    assert role["Condition"] == output["Condition"] == grants[0] == "UseTranscribe"
    assert grants[2] == {"Ref": "AWS::NoValue"}
    (inline,) = grants[1]
    transcribe, pass_role = inline["PolicyDocument"]["Statement"]
    assert {action.split(":")[0] for action in transcribe["Action"]} == {"transcribe"}
    assert pass_role["Action"] == "iam:PassRole"
    assert pass_role["Resource"] == arn
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "transcribe.amazonaws.com"}
    }
    worker_policy = properties("WorkerPolicy")["PolicyDocument"]["Statement"]
    assert not [s for s in worker_policy if "transcribe" in str(s.get("Action")).lower()]
    assert environment_refs()["INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"] == {
        "Fn::If": ["UseTranscribe", arn, ""]
    }
    lambda_environment = properties("Function")["Environment"]["Variables"]
    assert lambda_environment["INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"] == {
        "Fn::If": ["UseTranscribe", arn, {"Ref": "AWS::NoValue"}]
    }


def test_the_data_access_role_needs_no_key_since_the_bucket_uses_s3_managed_keys() -> None:
    (rule,) = properties("VideoBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policies = properties("TranscribeDataAccessRole")["Policies"]

    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "kms" not in str(policies).lower()
    assert not [name for name, r in RESOURCES.items() if r["Type"].startswith("AWS::KMS::")]
