"""What a deployer may change (read from CDK context: cdk.json or `cdk deploy -c key=value`) and the
infra-only constants the constructs share. Resource names, env var names and handler paths live in
`ai_interviewer.resources`, which the functions and the local stack read too.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from ai_interviewer.engines.openai.budget import attempt_timeout_seconds
from ai_interviewer.models.payloads import TagsFormat
from ai_interviewer.resources import (
    NOTIFIER_MAX_CONCURRENCY,
    WORKER_MAX_CONCURRENCY,
    TaskName,
)
from ai_interviewer.settings import (
    DEFAULT_AUDIT_RETENTION_DAYS,
    DEFAULT_JOB_TTL_DAYS,
    DEFAULT_LLM_MAX_CONCURRENCY,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_OPENAI_MODEL,
    EngineChoice,
    VacancyStoreChoice,
)
from ai_interviewer.tasks import task_spec
from aws_cdk import aws_logs as logs
from pydantic import BaseModel, ConfigDict, Field, field_validator

# The stack's construct id (and so cdk.out's file names); the deployed stack is named per stage.
STACK_NAME = "AiInterviewer"
SERVICE_NAME = "ai-interviewer"

# AWS's advice for SQS event sources: the queue's visibility timeout at least six times the function's.
VISIBILITY_TIMEOUT_FACTOR = 6
DLQ_RETENTION_DAYS = 14
QUEUE_RETENTION_DAYS = 14
WAF_MIN_RATE_LIMIT = 10


@dataclass(frozen=True)
class WorkerProfile:
    """How long one task may run, and whether it calls the model (and so reads the OpenAI key): from the
    task's spec."""

    timeout_seconds: int
    calls_model: bool
    # The SDK's retries per model call (its defaults, 2 retries of up to 10 minutes, outlive any Lambda).
    openai_max_retries: int

    @classmethod
    def of(cls, task: TaskName) -> WorkerProfile:
        spec = task_spec(task)
        return cls(spec.timeout_seconds, spec.calls_model, spec.openai_max_retries)

    @property
    def openai_timeout_seconds(self) -> int:
        # The ceiling for one attempt: one call with all its retries and their backoffs (the engine's own
        # worst case, engines.openai.budget) fits in the function's timeout, less ten seconds for the
        # job's bookkeeping. A job makes many calls, so this alone cannot keep a job inside the timeout;
        # the worker's job deadline (ai_interviewer.deadline) does, by capping every call's timeout
        # and retries to the time the job has left.
        return attempt_timeout_seconds(self.timeout_seconds - 10, self.openai_max_retries)


# CloudWatch Logs retention periods, in days, in the order of CDK's RetentionDays (INFINITE aside).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


class Architecture(StrEnum):
    ARM_64 = "arm64"
    X86_64 = "x86_64"


class ContextReader(Protocol):
    def try_get_context(self, key: str) -> Any: ...


class DeploySettings(BaseModel):
    """The deployer's knobs, one CDK context key each (values given with `-c` arrive as strings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The environment: names the stack (AiInterviewer-<stage>), the API stage and every resource, so
    # dev, staging and prod deploy side by side in one account.
    stage: str = Field(default="prod", pattern=r"^[a-z][a-z0-9]{0,11}$")
    # API Gateway's CloudWatch role is one per account and region: the first stack sets it (and keeps it
    # on destroy, the other stages log through it); later stages in the same account pass false.
    api_gateway_cloudwatch_role: bool = True
    # Who may call the API at all (an API Gateway resource policy); empty means any address.
    allowed_source_cidrs: tuple[str, ...] = ()
    # A WAF web ACL blocking any one address above this many requests per 5 minutes; 0 means no WAF.
    # (WAF's rate-based rules count from 10 upwards.)
    waf_rate_limit_per_ip: int = Field(default=0, ge=0, le=2_000_000_000)
    architecture: Architecture = Architecture.ARM_64
    llm_engine: EngineChoice = EngineChoice.AUTO
    openai_model: str = Field(default=DEFAULT_OPENAI_MODEL, min_length=1)
    openai_base_url: str | None = None
    # Parallel model calls inside one job (the in-job semaphore).
    llm_max_concurrency: int = Field(default=DEFAULT_LLM_MAX_CONCURRENCY, ge=1, le=256)
    # `list` sends generate-tags' `tags` as a JSON array (TAGS_FORMAT); the default is the seed's string.
    tags_format: TagsFormat = TagsFormat.STRING
    # A default shortlist for rank-resumes (RANK_SHORTLIST): the model judges only the heuristic's best N.
    rank_shortlist: int | None = Field(default=None, ge=1)
    # USD per million tokens (LLM_PRICE_*_PER_MTOK) over the price table, for `usage.cost_usd`.
    llm_price_input_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    llm_price_cached_input_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    llm_price_output_per_mtok: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    # Personal data replaced by placeholders before any engine reads a text (PII_MINIMISATION).
    pii_minimisation: bool = True
    # Concurrent invocations per task queue (SQS event source maximum concurrency, 2..1000): with
    # llm_max_concurrency this caps the calls in flight against the provider's rate limit.
    worker_max_concurrency: int = Field(default=WORKER_MAX_CONCURRENCY, ge=2, le=1000)
    notifier_max_concurrency: int = Field(default=NOTIFIER_MAX_CONCURRENCY, ge=2, le=1000)
    # Sized from bench/memory.py (peak RSS on the largest allowed input: api 138 MiB, workers 165,
    # notifier 78). Lambda's CPU grows with memory: the api keeps 512 for its cold start, and workers
    # mostly wait on the model, while the heuristic engine ranks 500 long resumes in about 36 s here.
    api_memory_mb: int = Field(default=512, ge=128, le=10240)
    worker_memory_mb: int = Field(default=512, ge=128, le=10240)
    notifier_memory_mb: int = Field(default=256, ge=128, le=10240)
    api_rate_limit: float = Field(default=50, gt=0)
    api_burst_limit: int = Field(default=100, ge=1)
    # Lambda takes at most 6 MB a synchronous event, headers included: the api answers 413 below it.
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024, le=6 * 1024 * 1024)
    job_ttl_days: int = Field(default=DEFAULT_JOB_TTL_DAYS, ge=1, le=365)
    # The audit bucket's default Object Lock retention (GOVERNANCE): EU AI Act Art. 26(6) asks for at
    # least six months unless other law says otherwise; a longer period is the deployer's choice.
    audit_retention_days: int = Field(default=DEFAULT_AUDIT_RETENTION_DAYS, ge=1, le=36500)
    log_retention_days: int = 30
    log_level: str = "INFO"
    # Alarms always go to an SNS topic the stack creates, unless alarm_topic_arn names an existing one
    # (Chatbot to Slack, PagerDuty...); alarm_email subscribes an address to whichever it is.
    alarm_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    alarm_topic_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$"
    )
    vacancy_store: VacancyStoreChoice = VacancyStoreChoice.DYNAMODB
    # Aurora Serverless v2 capacity in ACUs. RDS Proxy holds a connection to the writer, so it never
    # pauses: the minimum is what an idle month bills (see the README's Cost section).
    database_min_capacity: float = Field(default=0.5, ge=0.5, le=256)
    database_max_capacity: float = Field(default=2, ge=1, le=256)

    @field_validator(
        "openai_base_url",
        "alarm_email",
        "alarm_topic_arn",
        "rank_shortlist",
        "llm_price_input_per_mtok",
        "llm_price_cached_input_per_mtok",
        "llm_price_output_per_mtok",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("allowed_source_cidrs", mode="before")
    @classmethod
    def _cidr_list(cls, value: Any) -> Any:
        # `-c allowed_source_cidrs=203.0.113.0/24,198.51.100.7/32` arrives as one string.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("allowed_source_cidrs")
    @classmethod
    def _valid_cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(str(ipaddress.ip_network(cidr, strict=True)) for cidr in value)

    @field_validator("waf_rate_limit_per_ip")
    @classmethod
    def _waf_minimum(cls, value: int) -> int:
        if 0 < value < WAF_MIN_RATE_LIMIT:
            raise ValueError(f"waf_rate_limit_per_ip must be 0 (no WAF) or at least {WAF_MIN_RATE_LIMIT}")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _known_retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days must be one of {LOG_RETENTION_DAYS}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @classmethod
    def from_context(cls, node: ContextReader) -> DeploySettings:
        """Read every known key from the construct tree's context; unset keys keep their defaults."""
        values = {name: node.try_get_context(name) for name in cls.model_fields}
        return cls.model_validate({name: value for name, value in values.items() if value is not None})

    @property
    def log_retention(self) -> logs.RetentionDays:
        finite = [member for member in logs.RetentionDays if member is not logs.RetentionDays.INFINITE]
        return dict(zip(LOG_RETENTION_DAYS, finite, strict=True))[self.log_retention_days]

    @property
    def stack_name(self) -> str:
        return f"{STACK_NAME}-{self.stage}"

    @property
    def service_name(self) -> str:
        """Powertools' service (logs' `service`, the metrics' dimension): one per stage."""
        return f"{SERVICE_NAME}-{self.stage}"

    def resource_name(self, suffix: str) -> str:
        """The name of a resource that needs one (API, dashboard, web ACL...): service, stage, suffix."""
        return f"{self.service_name}-{suffix}"

    @property
    def uses_postgres(self) -> bool:
        return self.vacancy_store is VacancyStoreChoice.POSTGRES


def construct_name(task: TaskName) -> str:
    """rank_resumes -> RankResumes, for construct ids (and so the logical ids CloudFormation shows)."""
    return "".join(part.capitalize() for part in task.value.split("_"))


def visibility_timeout_seconds(function_timeout_seconds: int) -> int:
    return VISIBILITY_TIMEOUT_FACTOR * function_timeout_seconds
