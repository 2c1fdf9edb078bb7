"""What the api function answers: the bodies of its responses, as models for the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from ai_interviewer.models.jobs import DeliveryAttempt, DeliveryState, Job, JobStatus, Usage
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.resources import TaskName

ACCEPTED_MESSAGE = "Task accepted"


class AcceptedResponse(BaseModel):
    """The `202` of the five task routes (CONTRACT §1); `Location` points at the job."""

    message: str = ACCEPTED_MESSAGE
    job_id: str
    task: TaskName
    status: Literal["queued"] = "queued"


class ErrorLocation(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorLocation] | None = None


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx the api function answers itself."""

    error: ErrorBody


class DeliveryView(BaseModel):
    state: DeliveryState
    attempts: list[DeliveryAttempt]
    last_status_code: int | None = None


class JobView(BaseModel):
    """A job as its client may see it: never the request texts, never the webhook URL (it may carry a
    receiver's secret in its query)."""

    job_id: str
    task: TaskName
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: ErrorDetail | None = None
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None
    metadata: dict[str, str] | None = None
    delivery: DeliveryView

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(
            job_id=job.job_id,
            task=job.task,
            status=job.status,
            created_at=job.created_at,
            updated_at=job.updated_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            result=job.result if job.status is JobStatus.SUCCEEDED else None,
            error=job.error if job.status is JobStatus.FAILED else None,
            engine=job.engine,
            model=job.model,
            prompt_version=job.prompt_version,
            usage=job.usage,
            metadata=job.metadata,
            delivery=DeliveryView(
                state=job.delivery.state,
                attempts=job.delivery.attempts,
                last_status_code=job.delivery.last_status_code,
            ),
        )


class RedeliveryResponse(BaseModel):
    job_id: str
    status: Literal["redelivery_queued"] = "redelivery_queued"
    chain: int


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
