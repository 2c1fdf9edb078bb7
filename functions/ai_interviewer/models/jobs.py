"""The job record (one source of truth for a job) and the queue messages that move it along."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage  # the job's, also on its webhook (models.payloads)
from ai_interviewer.resources import TaskName


def utc_now() -> datetime:
    return datetime.now(UTC)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class TokenSlot(StrEnum):
    """Which configured webhook token authenticated a request: the job records this, never the token."""

    CURRENT = "current"
    PREVIOUS = "previous"


class DeliveryState(StrEnum):
    PENDING = "pending"  # the job has not finished, or its notify message is queued
    RETRYING = "retrying"  # at least one attempt failed; another is scheduled
    DELIVERED = "delivered"  # a 2xx was received
    GONE = "gone"  # the receiver answered 410: never again
    EXHAUSTED = "exhausted"  # the retry schedule ran out
    REFUSED = "refused"  # the URL was refused at delivery (unsafe or invalid): it can never succeed


def is_delivered(status_code: int | None) -> bool:
    """A webhook attempt the receiver accepted: any 2xx answer."""
    return status_code is not None and 200 <= status_code < 300


class DeliveryAttempt(BaseModel):
    attempt: int
    chain: int = 0  # 0 for the first delivery, n for the n-th redelivery request
    at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None  # error class when no HTTP status came back (timeout, refused, unsafe URL)
    reason: str | None = None  # why the URL was refused at delivery (the rule, never the URL itself)
    next_attempt_at: datetime | None = None  # when this attempt failed and another is scheduled

    @property
    def delivered(self) -> bool:
        return is_delivered(self.status_code)


class Delivery(BaseModel):
    state: DeliveryState = DeliveryState.PENDING
    # A default pydantic copies per instance, not `default_factory=list`: reading a builtin's signature
    # compiles tokenize's patterns, about 2.5 ms of every cold start.
    attempts: list[DeliveryAttempt] = []

    @property
    def last_status_code(self) -> int | None:
        return self.attempts[-1].status_code if self.attempts else None

    @property
    def next_attempt_at(self) -> datetime | None:
        """When the next attempt is due, while one is scheduled."""
        if self.state is not DeliveryState.RETRYING or not self.attempts:
            return None
        return self.attempts[-1].next_attempt_at


class Job(BaseModel):
    job_id: str
    task: TaskName
    status: JobStatus = JobStatus.QUEUED
    webhook_url: str
    metadata: dict[str, str] | None = None
    request_sha256: str
    # The token that authenticated the request signs the job's webhooks (seed header), so a client still
    # on the previous token during a rotation can verify them; the current one signs once it is removed.
    authenticated_by: TokenSlot = TokenSlot.CURRENT
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: ErrorDetail | None = None
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None
    notify_enqueued: bool = False  # the hand-off to the notifier was recorded
    task_sent: bool = False  # the task message was queued (a replay of the Idempotency-Key re-sends it)
    redelivery_chain: int = 0  # bumped by each redeliver request
    delivery: Delivery = Field(default_factory=Delivery)
    expires_at: int  # epoch seconds, the table's TTL


class TaskMessage(BaseModel):
    """A task queue message. The request travels inline or, when too large for SQS, as an S3 key."""

    job_id: str
    task: TaskName
    request: dict[str, Any] | None = None
    request_s3_key: str | None = None


class NotifyMessage(BaseModel):
    """A notify queue message: deliver the job's finished payload. `chain` identifies the attempt chain
    (0 for the first delivery, n for the n-th redelivery), so a stale chain stops on its own."""

    job_id: str
    chain: int = 0
