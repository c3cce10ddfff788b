"""The template's other forms in moto: the Lambda worker, and every name chosen by parameter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.deploy.stack import IMAGE, MOTO_CANNOT_MODEL, Stack
from tests.integration.deploy.test_stack_created import SETTING_NAMES, expected_resources

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")  # MOTO_CANNOT_MODEL

LAMBDA_RESERVED = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"}


def test_the_lambda_form_runs_the_same_image_on_the_queue_reporting_item_failures(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(Compute="lambda")
    outputs = stack.outputs
    functions = stack.client("lambda")

    function = functions.get_function(FunctionName=outputs["FunctionName"])
    (mapping,) = functions.list_event_source_mappings(FunctionName=outputs["FunctionName"])[
        "EventSourceMappings"
    ]
    created = stack.created()

    assert stack.status == "CREATE_COMPLETE"
    expected = expected_resources("lambda")
    assert {expected[name] for name in expected if name not in created} <= MOTO_CANNOT_MODEL
    assert "Cluster" not in created and "Service" not in created
    assert "ClusterName" not in outputs
    assert function["Code"]["ImageUri"] == IMAGE
    assert function["Configuration"]["Role"] == outputs["TaskRoleArn"]
    variables = function["Configuration"]["Environment"]["Variables"]
    assert set(variables) <= SETTING_NAMES - LAMBDA_RESERVED
    assert variables["AWS_SQS_QUEUE_URL"] == outputs["QueueUrl"]
    assert variables["AWS_S3_BUCKET"] == outputs["BucketName"]
    assert mapping["EventSourceArn"] == outputs["QueueArn"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == 1
    assert outputs["LogGroupName"] == "/aws/lambda/app-interviews-worker"


def test_every_name_is_a_parameter_and_the_outputs_follow_it(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(
        BucketName="my-videos",
        InterviewsTableName="my-interviews",
        QuestionsTableName="my-questions",
        QuestionsIndexName="by-interview",
        QueueName="my-requests",
        DeadLetterQueueName="my-requests-dlq",
        ClusterName="my-cluster",
        ServiceName="my-worker",
    )
    outputs = stack.outputs

    questions = stack.client("dynamodb").describe_table(TableName="my-questions")["Table"]
    stack.client("s3").head_bucket(Bucket="my-videos")

    assert {key: outputs[key] for key in ("BucketName", "InterviewsTableName")} == {
        "BucketName": "my-videos",
        "InterviewsTableName": "my-interviews",
    }
    assert outputs["QuestionsIndexName"] == "by-interview"
    assert [index["IndexName"] for index in questions["GlobalSecondaryIndexes"]] == ["by-interview"]
    assert outputs["QueueUrl"].endswith("/my-requests")
    assert outputs["DeadLetterQueueName"] == "my-requests-dlq"
    assert (outputs["ClusterName"], outputs["ServiceName"]) == ("my-cluster", "my-worker")
    assert stack.task_environment()["AWS_DYNAMODB_QUESTIONS_INDEX"] == "by-interview"


@pytest.mark.parametrize("compute", ["ecs", "lambda"])
def test_the_whisper_form_recognises_speech_in_the_worker_without_any_transcribe_grant(
    make_stack: Callable[..., Stack], compute: str
) -> None:
    from entrypoints.settings import Settings
    from tests.integration.deploy.iam_check import Permission, allows, granted_actions

    stack = make_stack(Compute=compute, Transcriber="whisper")
    outputs = stack.outputs
    created = stack.created()
    role = stack.role_policies(outputs["TaskRoleArn"])

    assert stack.status == "CREATE_COMPLETE"
    expected = expected_resources(compute, "whisper")
    assert "TranscribeDataAccessRole" not in expected
    assert {name: expected[name] for name in created} == created
    assert "TranscribeDataAccessRoleArn" not in outputs
    assert not {a for a in granted_actions(role) if a.startswith(("transcribe:", "iam:"))}
    assert not allows(role, Permission("transcribe:StartTranscriptionJob", "*"))
    deletes = stack.managed_policy(outputs["DeleteInterviewsPolicyArn"])
    assert granted_actions(deletes) and not {
        a for a in granted_actions(deletes) if a.startswith("transcribe:")
    }
    if compute == "ecs":
        environment = stack.task_environment()
        definition = stack.client("ecs").describe_task_definition(
            taskDefinition=outputs["TaskDefinitionArn"]
        )["taskDefinition"]
        assert definition["memory"] == "8192"  # WhisperTaskMemory, not TaskMemory
    else:
        function = stack.client("lambda").get_function(FunctionName=outputs["FunctionName"])
        environment = function["Configuration"]["Environment"]["Variables"]
    settings = Settings.model_validate({"INTERVIEWS_BACKEND": "aws", **environment})
    assert environment["INTERVIEWS_TRANSCRIBER"] == settings.transcriber == "whisper"
    assert settings.transcribe_data_access_role_arn is None
    assert settings.in_place_transcription == "off"


def test_the_lambda_form_runs_transcribe_jobs_deferred_as_the_data_access_role(
    make_stack: Callable[..., Stack],
) -> None:
    from tests.integration.deploy.iam_check import Permission, allows

    stack = make_stack(Compute="lambda")
    outputs = stack.outputs
    function = stack.client("lambda").get_function(FunctionName=outputs["FunctionName"])
    variables = function["Configuration"]["Environment"]["Variables"]
    passed = (("iam:PassedToService", "transcribe.amazonaws.com"),)
    data_access = outputs["TranscribeDataAccessRoleArn"]

    assert variables["INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"] == data_access
    assert variables["INTERVIEWS_TRANSCRIBER"] == "transcribe"
    role = stack.role_policies(outputs["TaskRoleArn"])
    assert allows(role, Permission("iam:PassRole", data_access, passed))
    assert not allows(role, Permission("iam:PassRole", data_access))


def test_the_retention_parameters_make_a_stack_with_either_choice(
    make_stack: Callable[..., Stack],
) -> None:
    kept = make_stack(VideoRetentionDays="365", BackupRetentionDays="0")
    assert kept.status == "CREATE_COMPLETE"

    shortest = make_stack(TranscriptRetentionDays="1", BackupRetentionDays="1")
    assert shortest.status == "CREATE_COMPLETE"
