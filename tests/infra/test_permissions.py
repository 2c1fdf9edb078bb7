"""Least privilege where it matters most: who can read which secret, and what the api can touch."""

from __future__ import annotations

from ai_interviewer import resources
from ai_interviewer.resources import TaskName

from infra.deploy_settings import WorkerProfile
from infra.storage import REQUESTS_PREFIX, RESULTS_PREFIX
from tests.infra.synthesis import (
    Synthesized,
    actions_of,
    function_ids,
    python_function_ids,
    role_of,
    roles_referencing,
    statements_of,
)


def secret_id(stack: Synthesized, name: str) -> str:
    return stack.logical_id("AWS::SecretsManager::Secret", name)


def role_for(stack: Synthesized, handler: str) -> str:
    (function_id,) = function_ids(stack, handler)
    return role_of(stack, function_id)


def test_api_role_cannot_touch_the_openai_secret(default_stack: Synthesized) -> None:
    openai_secret = secret_id(default_stack, "OpenAiKeySecret")
    api_role = role_for(default_stack, resources.API_HANDLER)
    assert api_role not in roles_referencing(default_stack, openai_secret)
    # Nor anything else that could reach it: no wildcard resources beyond X-Ray, no managed policies.
    for statement in statements_of(default_stack, api_role):
        if statement["Resource"] == "*":
            assert statement["Action"] == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_only_the_model_calling_workers_read_the_openai_secret(default_stack: Synthesized) -> None:
    expected = {
        role_for(default_stack, resources.task_handler(task))
        for task in TaskName
        if WorkerProfile.of(task).calls_model
    }
    assert roles_referencing(default_stack, secret_id(default_stack, "OpenAiKeySecret")) == expected
    assert len(expected) == sum(WorkerProfile.of(task).calls_model for task in TaskName)  # a role each


def test_only_the_notifier_and_the_api_read_the_webhook_token(default_stack: Synthesized) -> None:
    expected = {
        role_for(default_stack, resources.API_HANDLER),
        role_for(default_stack, resources.NOTIFIER_HANDLER),
    }
    assert roles_referencing(default_stack, secret_id(default_stack, "WebhookTokenSecret")) == expected


def test_secret_grants_are_read_only_and_per_secret(default_stack: Synthesized) -> None:
    for function_id in python_function_ids(default_stack):
        for statement in statements_of(default_stack, role_of(default_stack, function_id)):
            actions = actions_of(statement)
            if any(action.startswith("secretsmanager:") for action in actions):
                assert sorted(actions) == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
                assert statement["Resource"] != "*"


def payload_grants(stack: Synthesized, role_id: str) -> dict[str, set[str]]:
    """Object prefix -> S3 actions the role has on the payload bucket."""
    bucket = stack.logical_id("AWS::S3::Bucket", "PayloadBucket")
    grants: dict[str, set[str]] = {}
    for statement in statements_of(stack, role_id):
        listed = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in listed:  # one statement may list several buckets' prefixes (minimizePolicies)
            if isinstance(resource, dict) and "Fn::Join" in resource:
                parts = resource["Fn::Join"][1]
                if parts[0] == {"Fn::GetAtt": [bucket, "Arn"]}:
                    actions = actions_of(statement)
                    grants.setdefault(parts[1], set()).update(actions)
    return grants


def test_payload_bucket_access_follows_the_claim_check_flow(default_stack: Synthesized) -> None:
    requests, results = f"/{REQUESTS_PREFIX}*", f"/{RESULTS_PREFIX}*"
    assert payload_grants(default_stack, role_for(default_stack, resources.API_HANDLER)) == {
        requests: {"s3:PutObject"},
        results: {"s3:GetObject"},
    }
    assert payload_grants(default_stack, role_for(default_stack, resources.NOTIFIER_HANDLER)) == {
        results: {"s3:GetObject"}
    }
    for task in TaskName:
        assert payload_grants(default_stack, role_for(default_stack, resources.task_handler(task))) == {
            requests: {"s3:GetObject", "s3:DeleteObject"},
            results: {"s3:PutObject"},
        }


def test_only_the_vacancy_writer_writes_the_vacancies_table_and_the_api_only_reads_it(
    default_stack: Synthesized,
) -> None:
    table = default_stack.logical_id("AWS::DynamoDB::Table", "VacanciesTable")
    writer = role_for(default_stack, resources.task_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES))
    api = role_for(default_stack, resources.API_HANDLER)
    assert roles_referencing(default_stack, table) == {writer, api}
    api_actions = {
        action
        for statement in statements_of(default_stack, api)
        if table in str(statement["Resource"])
        for action in statement["Action"]
    }
    assert api_actions and not any(
        action.endswith(("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")) for action in api_actions
    )


def test_no_function_role_has_managed_policies(default_stack: Synthesized) -> None:
    for function_id in python_function_ids(default_stack):
        role = default_stack.raw["Resources"][role_of(default_stack, function_id)]["Properties"]
        assert "ManagedPolicyArns" not in role
