"""deploy/template.yaml with its defaults, created in moto: every resource moto can model, the
upstream's names, and outputs that name what was created."""

from __future__ import annotations

import json

import pytest

from entrypoints.settings import Settings
from tests.integration.deploy.iam_check import Permission, allows
from tests.integration.deploy.stack import MOTO_CANNOT_MODEL, Stack, load_template

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")  # MOTO_CANNOT_MODEL

SETTING_NAMES = {
    alias
    for field in Settings.model_fields.values()
    for alias in getattr(field.validation_alias, "choices", [])
}


def expected_resources(compute: str, transcriber: str = "transcribe") -> dict[str, str]:
    """Logical id -> type of the template's resources for `compute` and `transcriber`, as
    CloudFormation makes them."""
    holding = {
        None,
        {"ecs": "OnEcs", "lambda": "OnLambda"}[compute],
        {"transcribe": "UseTranscribe", "whisper": "UseWhisper"}[transcriber],
    }
    return {
        name: resource["Type"]
        for name, resource in load_template()["Resources"].items()
        if resource.get("Condition") in holding
    }


def test_the_stack_creates_every_resource_moto_models_and_skips_only_the_known_few(
    ecs_stack: Stack,
) -> None:
    expected = expected_resources("ecs")
    created = ecs_stack.created()

    assert ecs_stack.status == "CREATE_COMPLETE"
    skipped = {name: kind for name, kind in expected.items() if name not in created}
    assert set(skipped.values()) == MOTO_CANNOT_MODEL, skipped
    assert {name: expected[name] for name in created} == created


def test_the_tables_have_the_upstreams_names_keys_and_the_interview_id_index(
    ecs_stack: Stack,
) -> None:
    dynamodb = ecs_stack.client("dynamodb")
    outputs = ecs_stack.outputs

    interviews = dynamodb.describe_table(TableName=outputs["InterviewsTableName"])["Table"]
    questions = dynamodb.describe_table(TableName=outputs["QuestionsTableName"])["Table"]

    assert outputs["InterviewsTableName"] == "app-interviews-interviews"
    assert outputs["QuestionsTableName"] == "app-interviews-questions"
    assert outputs["QuestionsIndexName"] == "interview_id-index"
    for table in (interviews, questions):
        assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    (index,) = questions["GlobalSecondaryIndexes"]
    assert index["IndexName"] == outputs["QuestionsIndexName"]
    assert index["KeySchema"] == [{"AttributeName": "interview_id", "KeyType": "HASH"}]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_the_queue_redrives_to_the_dead_letter_queue_after_more_receives_than_the_worker_tries(
    ecs_stack: Stack,
) -> None:
    sqs = ecs_stack.client("sqs")
    outputs = ecs_stack.outputs
    environment = ecs_stack.task_environment()
    names = ["All"]

    queue = sqs.get_queue_attributes(QueueUrl=outputs["QueueUrl"], AttributeNames=names)
    dead = sqs.get_queue_attributes(QueueUrl=outputs["DeadLetterQueueUrl"], AttributeNames=names)
    queue, dead = queue["Attributes"], dead["Attributes"]

    assert outputs["QueueName"] == "app-interviews-sqs-videos"
    found = sqs.get_queue_url(QueueName=outputs["QueueName"])["QueueUrl"]
    assert found.split("/")[-2:] == outputs["QueueUrl"].split("/")[-2:]  # moto's host differs
    assert queue["QueueArn"] == outputs["QueueArn"]
    redrive = json.loads(queue["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dead["QueueArn"]
    assert int(redrive["maxReceiveCount"]) > int(environment["WORKER_MAX_ATTEMPTS"])
    assert int(queue["VisibilityTimeout"]) > int(environment["WORKER_VISIBILITY_TIMEOUT_SECONDS"])
    assert int(dead["MessageRetentionPeriod"]) > int(queue["MessageRetentionPeriod"])
    assert queue["SqsManagedSseEnabled"] == dead["SqsManagedSseEnabled"] == "true"


def test_the_bucket_exists_encrypted_under_the_output_name(ecs_stack: Stack) -> None:
    s3 = ecs_stack.client("s3")
    bucket = ecs_stack.outputs["BucketName"]

    s3.head_bucket(Bucket=bucket)
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]

    assert bucket == "app-interviews-videos-123456789012-us-east-1"
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_the_task_passes_the_stacks_own_names_as_settings_the_worker_reads(
    ecs_stack: Stack,
) -> None:
    outputs = ecs_stack.outputs
    environment = ecs_stack.task_environment()

    assert set(environment) <= SETTING_NAMES, set(environment) - SETTING_NAMES
    assert environment["INTERVIEWS_BACKEND"] == "aws"
    assert environment["AWS_S3_BUCKET"] == outputs["BucketName"]
    assert environment["AWS_SQS_QUEUE_URL"] == outputs["QueueUrl"]
    assert environment["AWS_SQS_QUEUE_NAME"] == outputs["QueueName"]
    assert environment["AWS_DYNAMODB_INTERVIEWS_TABLE"] == outputs["InterviewsTableName"]
    assert environment["AWS_DYNAMODB_QUESTIONS_TABLE"] == outputs["QuestionsTableName"]
    assert environment["AWS_DYNAMODB_QUESTIONS_INDEX"] == outputs["QuestionsIndexName"]
    Settings.model_validate(environment)  # every value parses as the worker will read it


def test_the_worker_container_stops_gracefully_checks_its_heartbeat_and_keeps_logs(
    ecs_stack: Stack,
) -> None:
    ecs = ecs_stack.client("ecs")
    definition = ecs.describe_task_definition(
        taskDefinition=ecs_stack.outputs["TaskDefinitionArn"]
    )["taskDefinition"]
    (container,) = definition["containerDefinitions"]
    environment = ecs_stack.task_environment()
    groups = ecs_stack.client("logs").describe_log_groups(
        logGroupNamePrefix=ecs_stack.outputs["LogGroupName"]
    )["logGroups"]

    grace = float(environment["WORKER_SHUTDOWN_GRACE_SECONDS"])
    assert container["stopTimeout"] > grace + float(environment["WORKER_WAIT_SECONDS"])
    assert container["command"] == ["--mode", "sqs"]
    assert environment["WORKER_HEARTBEAT_FILE"].startswith("/tmp/")
    assert '"$WORKER_HEARTBEAT_FILE"' in container["healthCheck"]["command"][1]
    options = container["logConfiguration"]["options"]
    assert options["awslogs-group"] == ecs_stack.outputs["LogGroupName"]
    assert [group["retentionInDays"] for group in groups] == [30]


def test_the_service_runs_the_task_in_the_cluster_the_outputs_name(ecs_stack: Stack) -> None:
    ecs = ecs_stack.client("ecs")
    outputs = ecs_stack.outputs

    (service,) = ecs.describe_services(
        cluster=outputs["ClusterName"], services=[outputs["ServiceName"]]
    )["services"]

    assert (outputs["ClusterName"], outputs["ServiceName"]) == (
        "app-interviews",
        "app-interviews-worker",
    )
    assert service["taskDefinition"] == outputs["TaskDefinitionArn"]


def test_without_redaction_the_worker_may_not_remove_transcribes_transcripts(
    ecs_stack: Stack,
) -> None:
    role = ecs_stack.role_policies(ecs_stack.outputs["TaskRoleArn"])
    bucket = f"arn:aws:s3:::{ecs_stack.outputs['BucketName']}"
    prefix = ecs_stack.task_environment()["INTERVIEWS_TRANSCRIBE_PREFIX"]

    assert ecs_stack.task_environment()["INTERVIEWS_REDACT_PII"] == "false"
    for name in ("transcript.json", "redacted-transcript.json"):
        assert not allows(role, Permission("s3:DeleteObject", f"{bucket}/{prefix}i/{name}"))
    assert allows(role, Permission("s3:DeleteObject", f"{bucket}/{prefix}i/g0/transcript.json"))
