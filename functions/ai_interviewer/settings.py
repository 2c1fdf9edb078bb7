"""One settings object per process, built from the environment (CONTRACT §6).

In AWS the webhook token and the OpenAI key come from Secrets Manager by ARN and are fetched once per
process; locally they come from the environment or a `.env` file the CLI loads first.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from ai_interviewer import resources
from ai_interviewer.models.jobs import TokenSlot
from ai_interviewer.models.payloads import TagsFormat
from ai_interviewer.resources import TaskName

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
    task_queue_urls: dict[TaskName, str] = Field(default_factory=dict)

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
        has_endpoint = self.openai_api_key or self.openai_secret_arn or self.openai_base_url
        return EngineChoice.OPENAI if has_endpoint else EngineChoice.HEURISTIC

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read the contract's variables (and the resource locations the CDK app injects)."""
        plain = {
            "webhook_secret_token": "WEBHOOK_SECRET_TOKEN",
            "webhook_secret_token_previous": "WEBHOOK_SECRET_TOKEN_PREVIOUS",
            "webhook_secret_arn": resources.WEBHOOK_SECRET_ARN_ENV,
            "llm_engine": "LLM_ENGINE",
            "openai_api_key": "OPENAI_API_KEY",
            "openai_secret_arn": resources.OPENAI_SECRET_ARN_ENV,
            "openai_base_url": "OPENAI_BASE_URL",
            "openai_model": "OPENAI_MODEL",
            "llm_max_concurrency": "LLM_MAX_CONCURRENCY",
            "openai_structured_outputs": "OPENAI_STRUCTURED_OUTPUTS",
            "openai_timeout_seconds": "OPENAI_TIMEOUT_SECONDS",
            "openai_max_retries": "OPENAI_MAX_RETRIES",
            "interview_questions": "INTERVIEW_QUESTIONS",
            "tags_format": "TAGS_FORMAT",
            "pii_minimisation": "PII_MINIMISATION",
            "task_max_receive_count": "TASK_MAX_RECEIVE_COUNT",
            "task_retry_schedule": "TASK_RETRY_SCHEDULE",
            "rank_shortlist": "RANK_SHORTLIST",
            "llm_price_input_per_mtok": "LLM_PRICE_INPUT_PER_MTOK",
            "llm_price_cached_input_per_mtok": "LLM_PRICE_CACHED_INPUT_PER_MTOK",
            "llm_price_output_per_mtok": "LLM_PRICE_OUTPUT_PER_MTOK",
            "allow_private_webhook_urls": "ALLOW_PRIVATE_WEBHOOK_URLS",
            "webhook_retry_schedule": "WEBHOOK_RETRY_SCHEDULE",
            "webhook_timeout_seconds": "WEBHOOK_TIMEOUT_SECONDS",
            "max_resumes": "MAX_RESUMES",
            "max_text_chars": "MAX_TEXT_CHARS",
            "max_criteria": "MAX_CRITERIA",
            "max_body_bytes": "MAX_BODY_BYTES",
            "job_ttl_days": "JOB_TTL_DAYS",
            "jobs_table_name": resources.JOBS_TABLE_ENV,
            "vacancies_table_name": resources.VACANCIES_TABLE_ENV,
            "payload_bucket_name": resources.PAYLOAD_BUCKET_ENV,
            "audit_bucket_name": resources.AUDIT_BUCKET_ENV,
            "notify_queue_url": resources.NOTIFY_QUEUE_URL_ENV,
            "vacancy_store": "VACANCY_STORE",
            "database_url": "DATABASE_URL",
            "database_secret_arn": resources.DATABASE_SECRET_ARN_ENV,
            "database_host": resources.DATABASE_HOST_ENV,
        }
        values: dict[str, Any] = {
            field: environ[var] for field, var in plain.items() if environ.get(var, "").strip()
        }
        values["task_queue_urls"] = {
            task: environ[task.queue_url_env] for task in TaskName if environ.get(task.queue_url_env)
        }
        return cls.model_validate(values)


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
