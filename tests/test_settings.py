"""Per-function settings: each function's resources are required, checked at import (Lambda's init phase),
so an incomplete environment fails the cold start naming the missing variables, never their values."""

from __future__ import annotations

import os
import subprocess

import pytest
from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import (
    API_NEEDS,
    ENVIRONMENT,
    FUNCTION_NEEDS,
    TASK_DEAD_LETTERS_NEEDS,
    FunctionSettingsError,
    Settings,
    check_settings,
    task_worker_needs,
)
from ai_interviewer.tasks import all_specs, task_spec
from pydantic import ValidationError

from tests.conftest import FUNCTION_ENVIRONMENT
from tests.test_cold_start import in_fresh_interpreter

# As Lambda's runtime resolves a handler setting in its init phase: import the module, look the name up.
PROBE = """
import importlib, sys
module_name, _, attribute = sys.argv[1].rpartition(".")
getattr(importlib.import_module(module_name), attribute)
print("loaded")
"""

RANK_WORKER = resources.task_handler(TaskName.RANK_RESUMES)
VACANCY_WRITER = resources.task_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES)
VACANCY_WRITER_NEEDS = task_worker_needs(task_spec(TaskName.ADD_VACANCY_WITH_CANDIDATES))
TOKEN_OR_ARN = f"{resources.WEBHOOK_SECRET_TOKEN_ENV} or {resources.WEBHOOK_SECRET_ARN_ENV}"


def _cold_start(
    handler: str, *, without: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("POWERTOOLS_TRACE", "LAMBDA_", "_X_AMZN", "LLM_", "OPENAI_", "WEBHOOK_"))
    }
    environment.update(FUNCTION_ENVIRONMENT)
    # What the Lambda runtime sets: the function's handler setting.
    environment.update({"AWS_DEFAULT_REGION": "us-east-1", "LLM_ENGINE": "heuristic", "_HANDLER": handler})
    environment.update(extra)
    if without is not None:
        environment.pop(without)
    return in_fresh_interpreter(PROBE, handler, environment)


@pytest.mark.parametrize(
    ("handler", "without", "named"),
    [
        (resources.API_HANDLER, resources.JOBS_TABLE_ENV, resources.JOBS_TABLE_ENV),
        (resources.API_HANDLER, resources.AUDIT_BUCKET_ENV, resources.AUDIT_BUCKET_ENV),
        (resources.API_HANDLER, TaskName.GENERATE_TAGS.queue_url_env, TaskName.GENERATE_TAGS.queue_url_env),
        (resources.API_HANDLER, resources.WEBHOOK_SECRET_ARN_ENV, TOKEN_OR_ARN),
        (resources.API_HANDLER, resources.VACANCIES_TABLE_ENV, resources.VACANCIES_TABLE_ENV),
        (resources.NOTIFIER_HANDLER, resources.NOTIFY_QUEUE_URL_ENV, resources.NOTIFY_QUEUE_URL_ENV),
        (resources.NOTIFIER_HANDLER, resources.WEBHOOK_SECRET_ARN_ENV, TOKEN_OR_ARN),
        (resources.NOTIFY_DEAD_LETTERS_HANDLER, resources.PAYLOAD_BUCKET_ENV, resources.PAYLOAD_BUCKET_ENV),
        (resources.TASK_DEAD_LETTERS_HANDLER, resources.AUDIT_BUCKET_ENV, resources.AUDIT_BUCKET_ENV),
        (RANK_WORKER, resources.NOTIFY_QUEUE_URL_ENV, resources.NOTIFY_QUEUE_URL_ENV),
        (VACANCY_WRITER, resources.VACANCIES_TABLE_ENV, resources.VACANCIES_TABLE_ENV),
    ],
)
def test_a_cold_start_without_a_required_variable_fails_naming_it(
    handler: str, without: str, named: str
) -> None:
    completed = _cold_start(handler, without=without)
    assert completed.returncode != 0
    assert "FunctionSettingsError" in completed.stderr
    assert named in completed.stderr.splitlines()[-1]


@pytest.mark.parametrize("handler", list(resources.function_handlers().values()))
def test_with_the_complete_environment_every_function_loads(handler: str) -> None:
    completed = _cold_start(handler)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "loaded"


def test_the_notify_dlq_consumer_starts_without_what_only_the_notifier_needs() -> None:
    handler = resources.NOTIFY_DEAD_LETTERS_HANDLER
    completed = _cold_start(handler, without=resources.WEBHOOK_SECRET_ARN_ENV)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert _cold_start(handler, without=resources.NOTIFY_QUEUE_URL_ENV).returncode == 0


def test_a_model_worker_told_to_use_openai_needs_a_key_or_an_endpoint() -> None:
    completed = _cold_start(RANK_WORKER, LLM_ENGINE="openai")
    assert completed.returncode != 0
    assert resources.OPENAI_SECRET_ARN_ENV in completed.stderr.splitlines()[-1]
    with_secret = {"LLM_ENGINE": "openai", resources.OPENAI_SECRET_ARN_ENV: "arn:aws:secretsmanager:x"}
    assert _cold_start(RANK_WORKER, **with_secret).returncode == 0


def test_the_error_names_every_missing_variable_and_never_a_value() -> None:
    environ = {resources.JOBS_TABLE_ENV: "jobs", resources.MAX_RESUMES_ENV: "sk-not-a-number"}
    with pytest.raises(FunctionSettingsError) as raised:
        check_settings(TASK_DEAD_LETTERS_NEEDS, environ)
    message = str(raised.value)
    for name in (resources.PAYLOAD_BUCKET_ENV, resources.AUDIT_BUCKET_ENV, resources.NOTIFY_QUEUE_URL_ENV):
        assert f"missing {name}" in message
    assert f"invalid {resources.MAX_RESUMES_ENV}" in message
    assert "sk-not-a-number" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_value_that_is_only_invalid_fails_as_it_would_on_first_use() -> None:
    environ = {**FUNCTION_ENVIRONMENT, resources.LLM_ENGINE_ENV: "no-such-engine"}
    with pytest.raises(ValidationError, match="llm_engine"):
        check_settings(API_NEEDS, environ)


def test_the_vacancy_writer_needs_a_database_on_postgres_and_the_api_does_not() -> None:
    environ = {**FUNCTION_ENVIRONMENT, resources.VACANCY_STORE_ENV: "postgres"}
    environ.pop(resources.VACANCIES_TABLE_ENV)
    with pytest.raises(FunctionSettingsError, match="DATABASE_URL or DATABASE_SECRET_ARN"):
        check_settings(VACANCY_WRITER_NEEDS, environ)
    check_settings(VACANCY_WRITER_NEEDS, {**environ, resources.DATABASE_SECRET_ARN_ENV: "arn:db"})
    check_settings(API_NEEDS, environ)


def test_a_defaulted_table_name_does_not_count_as_configured() -> None:
    environ = dict(FUNCTION_ENVIRONMENT)
    environ.pop(resources.VACANCIES_TABLE_ENV)
    assert Settings.from_env(environ).vacancies_table_name == resources.LOCAL_VACANCIES_TABLE
    with pytest.raises(FunctionSettingsError, match=resources.VACANCIES_TABLE_ENV):
        check_settings(API_NEEDS, environ)


def test_every_function_needs_only_variables_of_the_one_table() -> None:
    needs = [*FUNCTION_NEEDS.values(), *(task_worker_needs(spec) for spec in all_specs())]
    for function in needs:
        assert set(function.required_fields) <= set(ENVIRONMENT), function.name
    # The table's names are the resources module's, one per field.
    assert len(set(ENVIRONMENT.values())) == len(ENVIRONMENT)
    assert set(ENVIRONMENT) <= set(Settings.model_fields)


def test_a_blank_variable_counts_as_missing() -> None:
    environ = {**FUNCTION_ENVIRONMENT, resources.NOTIFY_QUEUE_URL_ENV: "  "}
    with pytest.raises(FunctionSettingsError, match=f"missing {resources.NOTIFY_QUEUE_URL_ENV}"):
        check_settings(TASK_DEAD_LETTERS_NEEDS, environ)
