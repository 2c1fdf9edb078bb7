"""One settings object per process, built from the environment (CONTRACT §6).

In AWS the webhook token and the OpenAI key come from Secrets Manager by ARN and are fetched once per
process; locally they come from the environment or a `.env` file the CLI loads first.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from ai_interviewer import resources
from ai_interviewer.models.jobs import TokenSlot
from ai_interviewer.models.payloads import TagsFormat
from ai_interviewer.resources import TaskName

if TYPE_CHECKING:
    from ai_interviewer.tasks.spec import TaskSpec

# About a day, in the spirit of Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_LLM_MAX_CONCURRENCY = 8
# Lambda takes at most 6 MB a synchronous event, headers and envelope included.
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_JOB_TTL_DAYS = 7
# Backoff before a failed task's next receive (the last step repeats): short enough that a throttled job
# retries within seconds, long enough that an outage is not hammered. Each step gets ±20 % jitter.
DEFAULT_TASK_RETRY_SCHEDULE = (10, 60, 300, 900)
DEFAULT_MAX_CRITERIA = 20
# EU AI Act Art. 26(6): a deployer keeps the logs of a high-risk system for at least six months.
DEFAULT_AUDIT_RETENTION_DAYS = 180


# Each field `Settings.from_env` reads and its variable (the names are in `resources`, the one table); the
# task queues' URLs are read per task (`TaskName.queue_url_env`).
ENVIRONMENT: dict[str, str] = {
    "webhook_secret_token": resources.WEBHOOK_SECRET_TOKEN_ENV,
    "webhook_secret_token_previous": resources.WEBHOOK_SECRET_TOKEN_PREVIOUS_ENV,
    "webhook_secret_arn": resources.WEBHOOK_SECRET_ARN_ENV,
    "llm_engine": resources.LLM_ENGINE_ENV,
    "openai_api_key": resources.OPENAI_API_KEY_ENV,
    "openai_secret_arn": resources.OPENAI_SECRET_ARN_ENV,
    "openai_base_url": resources.OPENAI_BASE_URL_ENV,
    "openai_model": resources.OPENAI_MODEL_ENV,
    "llm_max_concurrency": resources.LLM_MAX_CONCURRENCY_ENV,
    "openai_structured_outputs": resources.OPENAI_STRUCTURED_OUTPUTS_ENV,
    "openai_timeout_seconds": resources.OPENAI_TIMEOUT_SECONDS_ENV,
    "openai_max_retries": resources.OPENAI_MAX_RETRIES_ENV,
    "interview_questions": resources.INTERVIEW_QUESTIONS_ENV,
    "tags_format": resources.TAGS_FORMAT_ENV,
    "pii_minimisation": resources.PII_MINIMISATION_ENV,
    "task_max_receive_count": resources.TASK_MAX_RECEIVE_COUNT_ENV,
    "task_retry_schedule": resources.TASK_RETRY_SCHEDULE_ENV,
    "rank_shortlist": resources.RANK_SHORTLIST_ENV,
    "llm_price_input_per_mtok": resources.LLM_PRICE_INPUT_PER_MTOK_ENV,
    "llm_price_cached_input_per_mtok": resources.LLM_PRICE_CACHED_INPUT_PER_MTOK_ENV,
    "llm_price_output_per_mtok": resources.LLM_PRICE_OUTPUT_PER_MTOK_ENV,
    "allow_private_webhook_urls": resources.ALLOW_PRIVATE_WEBHOOK_URLS_ENV,
    "webhook_retry_schedule": resources.WEBHOOK_RETRY_SCHEDULE_ENV,
    "webhook_timeout_seconds": resources.WEBHOOK_TIMEOUT_SECONDS_ENV,
    "max_resumes": resources.MAX_RESUMES_ENV,
    "max_text_chars": resources.MAX_TEXT_CHARS_ENV,
    "max_criteria": resources.MAX_CRITERIA_ENV,
    "max_body_bytes": resources.MAX_BODY_BYTES_ENV,
    "job_ttl_days": resources.JOB_TTL_DAYS_ENV,
    "jobs_table_name": resources.JOBS_TABLE_ENV,
    "vacancies_table_name": resources.VACANCIES_TABLE_ENV,
    "payload_bucket_name": resources.PAYLOAD_BUCKET_ENV,
    "audit_bucket_name": resources.AUDIT_BUCKET_ENV,
    "notify_queue_url": resources.NOTIFY_QUEUE_URL_ENV,
    "vacancy_store": resources.VACANCY_STORE_ENV,
    "database_url": resources.DATABASE_URL_ENV,
    "database_secret_arn": resources.DATABASE_SECRET_ARN_ENV,
    "database_host": resources.DATABASE_HOST_ENV,
}


class EngineChoice(StrEnum):
    AUTO = "auto"
    OPENAI = "openai"
    HEURISTIC = "heuristic"


class VacancyStoreChoice(StrEnum):
    DYNAMODB = "dynamodb"
    POSTGRES = "postgres"


class Settings(BaseModel):
    """Everything configurable, with the contract's defaults. Built by `Settings.from_env`."""

    model_config = ConfigDict(frozen=True)

    webhook_secret_token: SecretStr | None = None
    webhook_secret_token_previous: SecretStr | None = None
    webhook_secret_arn: str | None = None

    llm_engine: EngineChoice = EngineChoice.AUTO
    openai_api_key: SecretStr | None = None
    openai_secret_arn: str | None = None
    openai_base_url: str | None = None
    openai_model: str = DEFAULT_OPENAI_MODEL
    llm_max_concurrency: int = Field(default=DEFAULT_LLM_MAX_CONCURRENCY, ge=1, le=256)
    # False for endpoints without json_schema support: json_object mode, validated by the same models.
    openai_structured_outputs: bool = True
    openai_timeout_seconds: float = Field(default=60.0, gt=0)
    openai_max_retries: int = Field(default=2, ge=0)
    interview_questions: int = Field(default=6, ge=1, le=20)
    # `string` is the seed's "A, B, C"; `list` sends ["A", "B", "C"] for clients that validate an array.
    tags_format: TagsFormat = TagsFormat.STRING
    # Personal data (contacts, birth date, age, address, photo, the CV's name) replaced by placeholders
    # before any engine reads a resume or a vacancy (`engines.minimising`): screening candidates is
    # high-risk AI under the EU AI Act. `PII_MINIMISATION=off` sends the texts as they are.
    pii_minimisation: bool = True
    # Must equal the task queues' maxReceiveCount: on the last receive a failing job ends with a failure
    # webhook instead of vanishing into the DLQ.
    task_max_receive_count: int = Field(default=resources.TASK_MAX_RECEIVE_COUNT, ge=1)

    task_retry_schedule: tuple[int, ...] = DEFAULT_TASK_RETRY_SCHEDULE

    # Ranking in two stages (rank-resumes' `shortlist`): the heuristic engine ranks every resume and only
    # the best N go to the model; a request's own `shortlist` wins. None: every resume goes to the model.
    rank_shortlist: int | None = Field(default=None, ge=1)
    # USD per million tokens, overriding the price table (`pricing`) or pricing a model it lacks.
    llm_price_input_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    llm_price_cached_input_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    llm_price_output_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    allow_private_webhook_urls: bool = False
    webhook_retry_schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout_seconds: float = 15.0

    max_resumes: int = Field(default=500, ge=1)
    max_text_chars: int = Field(default=200_000, ge=1)
    # A job's cost grows with resumes x criteria: both are bounded so the worst request fits the worker
    # (criterion names are bounded by their schema, `CRITERION_NAME`).
    max_criteria: int = Field(default=DEFAULT_MAX_CRITERIA, ge=1)
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1)
    job_ttl_days: int = Field(default=DEFAULT_JOB_TTL_DAYS, ge=1)

    jobs_table_name: str = resources.LOCAL_JOBS_TABLE
    vacancies_table_name: str = resources.LOCAL_VACANCIES_TABLE
    payload_bucket_name: str = resources.LOCAL_PAYLOAD_BUCKET
    # The audit record (audit.py): written by the workers and the DLQ consumer, read by the api. Its
    # retention is the bucket's default (GOVERNANCE), set where the bucket is made (CDK context
    # `audit_retention_days`, the local stack's provisioning).
    audit_bucket_name: str = resources.LOCAL_AUDIT_BUCKET
    notify_queue_url: str | None = None
    task_queue_urls: dict[TaskName, str] = {}  # pydantic copies it (see models.jobs.Delivery.attempts)

    vacancy_store: VacancyStoreChoice = VacancyStoreChoice.DYNAMODB
    database_url: SecretStr | None = None
    database_secret_arn: str | None = None
    database_host: str | None = None  # the RDS Proxy endpoint, when the secret names the cluster

    @field_validator("webhook_retry_schedule", "task_retry_schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @field_validator("webhook_retry_schedule", "task_retry_schedule")
    @classmethod
    def _schedule_non_negative(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(delay < 0 for delay in value):
            raise ValueError("retry delays must be non-negative seconds")
        return value

    @property
    def engine(self) -> EngineChoice:
        """`auto` resolves to openai when a key or base URL is configured, else heuristic."""
        if self.llm_engine is not EngineChoice.AUTO:
            return self.llm_engine
        return EngineChoice.OPENAI if self.has_model_endpoint else EngineChoice.HEURISTIC

    @property
    def has_model_endpoint(self) -> bool:
        """A key (or its secret) or a base URL is configured."""
        return bool(self.openai_api_key or self.openai_secret_arn or self.openai_base_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Self:
        """Read the contract's variables (and the resource locations the CDK app injects)."""
        values: dict[str, Any] = {
            field: environ[var] for field, var in ENVIRONMENT.items() if is_set(environ, var)
        }
        values["task_queue_urls"] = {
            task: environ[task.queue_url_env] for task in TaskName if is_set(environ, task.queue_url_env)
        }
        return cls.model_validate(values)


def is_set(environ: Mapping[str, str], name: str) -> bool:
    """A blank variable counts as unset, as the CDK app and `.env` files leave optional ones."""
    return bool(environ.get(name, "").strip())


@dataclass(frozen=True)
class FunctionNeeds:
    """What one function cannot start without: the variables it must be given (no local defaults) and
    the settings it needs one of. `Settings` itself keeps every default, for tests and the CLI; a plain
    record, not a model per function, because each model class costs every cold start a few ms."""

    name: str
    # Settings fields whose variables must be set: every function reads jobs and claim-checked bodies.
    required_fields: tuple[str, ...] = ("jobs_table_name", "payload_bucket_name")
    every_task_queue: bool = False  # accepts jobs onto every task queue
    webhook_token: bool = False  # signs webhooks or authenticates requests
    vacancies_table: bool = False  # reads the vacancy store when it is DynamoDB
    vacancy_store: bool = False  # writes the vacancy store, DynamoDB or PostgreSQL
    model_endpoint: bool = False  # asks the configured engine, OpenAI when chosen

    def missing(self, environ: Mapping[str, str], settings: Settings | None) -> list[str]:
        """The unset variables, by name. Needs that depend on a value (the vacancy store, the engine)
        are judged only when every value is valid (`settings`); otherwise the invalid ones are named."""
        missing = [
            ENVIRONMENT[field] for field in self.required_fields if not is_set(environ, ENVIRONMENT[field])
        ]
        if self.every_task_queue:
            missing += [task.queue_url_env for task in TaskName if not is_set(environ, task.queue_url_env)]
        token, arn = resources.WEBHOOK_SECRET_TOKEN_ENV, resources.WEBHOOK_SECRET_ARN_ENV
        if self.webhook_token and not (is_set(environ, token) or is_set(environ, arn)):
            missing.append(f"{token} or {arn}")
        if settings is None:
            return missing
        dynamodb = settings.vacancy_store is VacancyStoreChoice.DYNAMODB
        # Set, not defaulted: the default is the local stack's table.
        table_set = is_set(environ, resources.VACANCIES_TABLE_ENV)
        if (self.vacancies_table or self.vacancy_store) and dynamodb and not table_set:
            missing.append(resources.VACANCIES_TABLE_ENV)
        if (
            self.vacancy_store
            and not dynamodb
            and not (settings.database_url or settings.database_secret_arn)
        ):
            missing.append(f"{resources.DATABASE_URL_ENV} or {resources.DATABASE_SECRET_ARN_ENV}")
        if (
            self.model_endpoint
            and settings.llm_engine is EngineChoice.OPENAI
            and not settings.has_model_endpoint
        ):
            missing.append(
                f"{resources.OPENAI_API_KEY_ENV} or {resources.OPENAI_SECRET_ARN_ENV}"
                f" or {resources.OPENAI_BASE_URL_ENV}"
            )
        return missing


# The notify DLQ's consumer: ends a delivery chain as exhausted in the jobs table.
NOTIFY_DEAD_LETTERS_NEEDS = FunctionNeeds("notify dead letters")
# The notifier: signs each webhook and re-queues the retries on the notify queue.
NOTIFIER_NEEDS = FunctionNeeds(
    "notifier", (*NOTIFY_DEAD_LETTERS_NEEDS.required_fields, "notify_queue_url"), webhook_token=True
)
# The task DLQs' consumer: fails a job `worker_crashed`, records its audit and queues its webhook.
TASK_DEAD_LETTERS_NEEDS = FunctionNeeds(
    "task dead letters", (*NOTIFY_DEAD_LETTERS_NEEDS.required_fields, "notify_queue_url", "audit_bucket_name")
)
# The api (and the PostgreSQL variant's vacancy reader, which runs the same code): authenticates, accepts
# jobs onto every task queue, reads results, audit records and, on DynamoDB, vacancies.
API_NEEDS = dataclasses.replace(
    TASK_DEAD_LETTERS_NEEDS, name="api", every_task_queue=True, webhook_token=True, vacancies_table=True
)

# Each function's needs by its handler setting, which Lambda passes as `_HANDLER`: how a module serving
# two functions (delivery/handler.py) checks the one starting. A task worker's are `task_worker_needs`.
FUNCTION_NEEDS: dict[str, FunctionNeeds] = {
    resources.API_HANDLER: API_NEEDS,
    resources.NOTIFIER_HANDLER: NOTIFIER_NEEDS,
    resources.NOTIFY_DEAD_LETTERS_HANDLER: NOTIFY_DEAD_LETTERS_NEEDS,
    resources.TASK_DEAD_LETTERS_HANDLER: TASK_DEAD_LETTERS_NEEDS,
}


def task_worker_needs(spec: TaskSpec) -> FunctionNeeds:
    """A task worker runs a job and finishes it as the DLQ consumer would fail it, so it needs what that
    consumer needs, and the engine or the vacancy store as its task does."""
    return dataclasses.replace(
        TASK_DEAD_LETTERS_NEEDS,
        name=f"{spec.name.value} worker",
        model_endpoint=spec.calls_model,
        vacancy_store=spec.writes_vacancies,
    )


class FunctionSettingsError(RuntimeError):
    """A function's environment lacks what it needs (any value of the wrong form is listed with it).
    Names the variables, never a value."""

    def __init__(self, needs: FunctionNeeds, problems: list[str]) -> None:
        super().__init__(f"{needs.name}: environment incomplete: {'; '.join(problems)}")
        self.problems = problems


def _invalid(error: ValidationError) -> list[str]:
    problems = []
    for detail in error.errors(include_url=False, include_input=False):
        field = detail["loc"][0] if detail["loc"] else None
        name = ENVIRONMENT.get(field, str(field)) if isinstance(field, str) else None
        # The error's type only: a message may quote the value (a custom validator's ValueError).
        problems.append(f"invalid {name} ({detail['type']})")
    return problems


def check_settings(needs: FunctionNeeds, environ: Mapping[str, str] | None = None) -> None:
    """Validate the settings and `needs` from the environment, at a handler module's import (Lambda's
    init phase), so a missing variable fails the cold start: FunctionSettingsError, naming the variables
    (the pydantic error, which quotes values, is not chained). Values that are only invalid raise
    pydantic's error, as `get_settings` would on the first invocation (secrets are SecretStr, which
    takes any string)."""
    env = os.environ if environ is None else environ
    try:
        settings = Settings.from_env(env)
    except ValidationError as error:
        missing = needs.missing(env, None)
        if not missing:
            raise
        problems = [f"missing {name}" for name in missing] + _invalid(error)
    else:
        problems = [f"missing {name}" for name in needs.missing(env, settings)]
        if not problems:
            return
    raise FunctionSettingsError(needs, problems) from None


def check_cold_start(module_default: FunctionNeeds, environ: Mapping[str, str] | None = None) -> None:
    """`check_settings` for the function Lambda is starting, which `_HANDLER` names; outside Lambda (the
    local stack, tests) for what every function of the importing module needs, `module_default`."""
    env = os.environ if environ is None else environ
    check_settings(FUNCTION_NEEDS.get(env.get(resources.LAMBDA_HANDLER_ENV, ""), module_default), env)


def load_dotenv(path: Path, environ: dict[str, str] | os._Environ[str]) -> None:
    """Fill `environ` from a `KEY=value` file without overriding what is already set. A name given twice
    takes its last value, as a shell sourcing the file (or `export $(grep ...)`) would."""
    if not path.is_file():
        return
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("\"'")
    for key, value in values.items():
        environ.setdefault(key, value)


@functools.cache
def get_settings() -> Settings:
    """The process's settings: read once, reused by every invocation of a warm Lambda."""
    return Settings.from_env(os.environ)


# A warm function re-reads its secrets this often, so a rotated token or key takes effect within minutes
# without a redeploy, while most invocations pay no Secrets Manager call.
SECRET_CACHE_SECONDS = 300.0
_secret_cache: dict[str, tuple[float, str]] = {}


def secret_string(secret_arn: str) -> str:
    cached = _secret_cache.get(secret_arn)
    now = time.monotonic()
    if cached is not None and now - cached[0] < SECRET_CACHE_SECONDS:
        return cached[1]
    from ai_interviewer import aws  # noqa: PLC0415 - only functions with a secret ARN pay for the client

    value = aws.secretsmanager().get_secret_value(SecretId=secret_arn)["SecretString"]
    _secret_cache[secret_arn] = (now, value)
    return value


def _secret_value(secret_arn: str, key: str) -> str | None:
    """A secret is either a bare string (the value itself) or a JSON object holding `key`."""
    raw = secret_string(secret_arn)
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(parsed, dict):
        return raw
    value = parsed.get(key)
    return str(value) if value else None


def webhook_tokens(settings: Settings) -> tuple[str, ...]:
    """Tokens accepted for auth: the current one first (it also signs), then the previous one.

    In AWS the secret holds `{"token": ..., "previous": ...}`; put the old token under `previous` while
    clients move to the new one.
    """
    current = settings.webhook_secret_token
    previous = settings.webhook_secret_token_previous
    if current is not None:
        tokens = [current.get_secret_value(), previous.get_secret_value() if previous else None]
    elif settings.webhook_secret_arn:
        tokens = [
            _secret_value(settings.webhook_secret_arn, "token"),
            _secret_value(settings.webhook_secret_arn, "previous"),
        ]
    else:
        raise RuntimeError("no webhook token configured: set WEBHOOK_SECRET_TOKEN or WEBHOOK_SECRET_ARN")
    if not tokens[0]:
        raise RuntimeError("the webhook token secret has no token")
    return tuple(token for token in tokens if token)


def signing_token(settings: Settings, slot: TokenSlot = TokenSlot.CURRENT) -> str:
    """The token that signs a job's seed header: the one that authenticated its request, or the current
    one once the previous token has been removed."""
    tokens = webhook_tokens(settings)
    return tokens[1] if slot is TokenSlot.PREVIOUS and len(tokens) > 1 else tokens[0]


def openai_api_key(settings: Settings) -> str | None:
    if settings.openai_api_key is not None:
        return settings.openai_api_key.get_secret_value()
    if settings.openai_secret_arn:
        return _secret_value(settings.openai_secret_arn, "api_key")
    return None
