"""Data kept no longer, and access no wider, than the service needs: the jobs table's recovery window
within the job lifetime, the vacancies' full window, the exact DynamoDB actions each role calls; for
PostgreSQL an honest minimum capacity behind the proxy, exported logs that expire, and the
credentials kept as long as the snapshot they open."""

from __future__ import annotations

import pytest
from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from pydantic import ValidationError

from infra.deploy_settings import DeploySettings
from tests.infra.synthesis import Synthesized, actions_of, function_ids, ref_ids, role_of, statements_of


def dynamodb_actions(stack: Synthesized, function_id: str) -> dict[str, set[str]]:
    """Table logical id -> the DynamoDB actions the function's role has on it."""
    grants: dict[str, set[str]] = {}
    tables = set(stack.resources("AWS::DynamoDB::Table"))
    for statement in statements_of(stack, role_of(stack, function_id)):
        actions = {a for a in actions_of(statement) if a.startswith("dynamodb:")}
        if not actions:
            continue
        targets = ref_ids(statement["Resource"]) & tables
        assert targets, f"DynamoDB actions on something else: {statement}"
        for table in targets:
            grants.setdefault(table, set()).update(a.removeprefix("dynamodb:") for a in actions)
    return grants


def test_jobs_table_recovery_window_is_the_job_lifetime_and_vacancies_keep_35_days(
    default_stack: Synthesized,
) -> None:
    jobs = default_stack.logical_id("AWS::DynamoDB::Table", "JobsTable")
    vacancies = default_stack.logical_id("AWS::DynamoDB::Table", "VacanciesTable")
    recovery = {
        table: default_stack.raw["Resources"][table]["Properties"]["PointInTimeRecoverySpecification"]
        for table in (jobs, vacancies)
    }
    assert recovery[jobs] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": default_stack.context["job_ttl_days"],
    }
    assert recovery[vacancies] == {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 35}


def test_each_role_has_exactly_the_dynamodb_actions_its_code_calls(default_stack: Synthesized) -> None:
    jobs = default_stack.logical_id("AWS::DynamoDB::Table", "JobsTable")
    vacancies = default_stack.logical_id("AWS::DynamoDB::Table", "VacanciesTable")
    (api,) = function_ids(default_stack, resources.API_HANDLER)
    (notifier,) = function_ids(default_stack, resources.NOTIFIER_HANDLER)
    assert dynamodb_actions(default_stack, api) == {
        jobs: {"GetItem", "PutItem", "UpdateItem", "DeleteItem"},
        vacancies: {"GetItem", "Query"},
    }
    assert dynamodb_actions(default_stack, notifier) == {jobs: {"GetItem", "UpdateItem"}}
    for task in TaskName:
        (worker,) = function_ids(default_stack, resources.task_handler(task))
        expected = {jobs: {"GetItem", "UpdateItem"}}
        if task in (TaskName.RANK_RESUMES, TaskName.START_INTERVIEW):
            # Progress items: one per assessed resume or interview round, read back in batches.
            expected[jobs] |= {"PutItem", "BatchGetItem"}
        if task is TaskName.ADD_VACANCY_WITH_CANDIDATES:
            expected[vacancies] = {"GetItem", "PutItem", "UpdateItem", "BatchWriteItem"}
        assert dynamodb_actions(default_stack, worker) == expected, task


def test_the_writer_stays_up_at_an_explicit_minimum_behind_the_proxy(postgres_stack: Synthesized) -> None:
    (cluster,) = postgres_stack.resources("AWS::RDS::DBCluster").values()
    scaling = cluster["Properties"]["ServerlessV2ScalingConfiguration"]
    assert scaling["MinCapacity"] == postgres_stack.context["database_min_capacity"] >= 0.5
    assert "SecondsUntilAutoPause" not in scaling  # the proxy would keep it from ever pausing
    (target_group,) = postgres_stack.resources("AWS::RDS::DBProxyTargetGroup").values()
    # The proxy stops waiting for a database connection no later than the store's connect timeout.
    pool = target_group["Properties"]["ConnectionPoolConfigurationInfo"]
    assert pool["ConnectionBorrowTimeout"] <= 10


def test_a_minimum_capacity_of_zero_is_refused() -> None:
    with pytest.raises(ValidationError):
        DeploySettings(database_min_capacity=0)


def test_exported_postgresql_logs_expire_with_the_other_logs(postgres_stack: Synthesized) -> None:
    ((cluster_id, cluster),) = postgres_stack.resources("AWS::RDS::DBCluster").items()
    identifier = cluster["Properties"]["DBClusterIdentifier"]
    assert cluster["Properties"]["EnableCloudwatchLogsExports"] == ["postgresql"]
    (group_id,) = [
        logical_id
        for logical_id, group in postgres_stack.resources("AWS::Logs::LogGroup").items()
        if group["Properties"].get("LogGroupName") == f"/aws/rds/cluster/{identifier}/postgresql"
    ]
    group = postgres_stack.raw["Resources"][group_id]["Properties"]
    assert group["RetentionInDays"] == postgres_stack.context["log_retention_days"]
    assert group_id in postgres_stack.raw["Resources"][cluster_id]["DependsOn"]


def test_the_database_secret_outlives_the_cluster_like_its_snapshot(postgres_stack: Synthesized) -> None:
    (cluster,) = postgres_stack.resources("AWS::RDS::DBCluster").values()
    assert cluster["DeletionPolicy"] == "Snapshot"
    secrets = postgres_stack.resources("AWS::SecretsManager::Secret")
    (secret,) = [secret for logical_id, secret in secrets.items() if "Cluster" in logical_id]
    assert secret["DeletionPolicy"] == "Retain" and secret["UpdateReplacePolicy"] == "Retain"
