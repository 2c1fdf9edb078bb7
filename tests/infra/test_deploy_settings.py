"""The deployer's knobs: cdk.json holds exactly them, `-c key=value` strings parse, bad values fail."""

from __future__ import annotations

from typing import Any

import pytest
from ai_interviewer.engines.openai.budget import worst_case_call_seconds
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import DEFAULT_OPENAI_MODEL, VacancyStoreChoice
from aws_cdk import aws_logs as logs
from pydantic import ValidationError

from infra.deploy_settings import DeploySettings, WorkerProfile
from tests.infra.synthesis import cdk_json_context


class Context:
    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def try_get_context(self, key: str) -> Any:
        return self._values.get(key)


def test_cdk_json_sets_every_deploy_setting_and_matches_the_defaults() -> None:
    context = cdk_json_context()
    settings_keys = set(DeploySettings.model_fields)
    assert settings_keys <= set(context)
    assert DeploySettings.from_context(Context(context)) == DeploySettings()


def test_cli_strings_are_parsed_and_blank_means_unset() -> None:
    settings = DeploySettings.from_context(
        Context(
            {
                "worker_max_concurrency": "12",
                "vacancy_store": "postgres",
                "alarm_email": "",
                "log_level": "debug",
            }
        )
    )
    assert settings.worker_max_concurrency == 12
    assert settings.vacancy_store is VacancyStoreChoice.POSTGRES
    assert settings.alarm_email is None
    assert settings.log_level == "DEBUG"
    assert settings.openai_model == DEFAULT_OPENAI_MODEL


@pytest.mark.parametrize(
    "bad",
    [
        {"worker_max_concurrency": 1},  # SQS event sources accept 2..1000
        {"vacancy_store": "mysql"},
        {"architecture": "arm"},
        {"log_retention_days": 31},
        {"alarm_email": "not-an-address"},
        {"max_body_bytes": 7 * 1024 * 1024},
        {"api_memory_mb": 64},
        {"openai_modle": "typo"},
    ],
)
def test_bad_values_fail_the_synth(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DeploySettings.model_validate(bad)


def test_log_retention_maps_days_to_cdk_periods() -> None:
    assert DeploySettings(log_retention_days=30).log_retention is logs.RetentionDays.ONE_MONTH
    assert DeploySettings(log_retention_days=3653).log_retention is logs.RetentionDays.TEN_YEARS
    assert DeploySettings(log_retention_days=1).log_retention is logs.RetentionDays.ONE_DAY


def test_model_call_budget_leaves_room_inside_each_worker_timeout() -> None:
    for profile in map(WorkerProfile.of, TaskName):
        budget = profile.openai_timeout_seconds * (profile.openai_max_retries + 1)
        assert 0 < budget <= profile.timeout_seconds - 10


def test_each_worker_gets_the_longest_attempt_timeout_whose_worst_case_call_fits() -> None:
    # The engine's own worst case (attempts and backoffs), not a second formula of infra's.
    for profile in map(WorkerProfile.of, TaskName):
        timeout, retries = profile.openai_timeout_seconds, profile.openai_max_retries
        assert worst_case_call_seconds(timeout, retries) <= profile.timeout_seconds - 10
        assert worst_case_call_seconds(timeout + 1, retries) > profile.timeout_seconds - 10
