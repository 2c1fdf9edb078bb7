"""What the api function answers: the bodies of its responses, as models for the OpenAPI document, and
the error details that name a request's faults without repeating any of its text."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from ai_interviewer.models.base import LazyModel
from ai_interviewer.models.jobs import DeliveryAttempt, DeliveryState, Job, JobStatus
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName

ACCEPTED_MESSAGE = "Task accepted"


class AcceptedResponse(LazyModel):
    """The `202` of the five task routes (CONTRACT §1); `Location` points at the job."""

    message: str = ACCEPTED_MESSAGE
    job_id: str
    task: TaskName
    status: Literal["queued"] = "queued"


class ErrorLocation(LazyModel):
    loc: list[str | int]
    msg: str
    type: str


# A client string this short says nothing; the check below looks for longer ones in a message.
_ECHO_MIN_CHARS = 3
_GENERIC_MESSAGE = "Invalid value"


def validation_details(
    error: ValidationError, body: dict[str, Any], model: type[BaseModel]
) -> list[dict[str, Any]]:
    """Field paths, positions and codes for each fault of `body` against `model`, and nothing the
    client wrote: a key the schema does not name (an unknown field, a `weights` criterion, a `metadata`
    key) is given by its 0-based position in its object, pydantic's `input` is dropped, and a message
    that would quote the request is replaced by a generic one."""
    # The schema's own field names are not the client's text (and appear in messages by design).
    client_strings = _client_strings(body) - _field_names(model)
    details = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        message = item["msg"]
        if any(text in message for text in client_strings):
            message = _GENERIC_MESSAGE
        details.append(
            {"loc": _safe_location(item["loc"], body, model), "msg": message, "type": item["type"]}
        )
    return details


def _safe_location(loc: tuple[str | int, ...], body: Any, model: type[BaseModel]) -> list[str | int]:
    safe: list[str | int] = []
    current_model: type[BaseModel] | None = model
    value = body
    for part in loc:
        if isinstance(part, int):
            safe.append(part)
            value = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
            continue
        if current_model is not None and part in current_model.model_fields:
            safe.append(part)
            current_model = _model_in(current_model.model_fields[part].annotation)
        else:
            keys = list(value) if isinstance(value, dict) else []
            safe.append(keys.index(part) if part in keys else "*")
            current_model = None
        value = value.get(part) if isinstance(value, dict) else None
    return safe


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside a field's type (`list[ResumeIn]`, `Annotated[...] | None`), if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        nested = _model_in(field.annotation)
        if nested is not None and nested is not model:
            names |= _field_names(nested)
    return names


def json_strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of a parsed JSON value (object keys too), with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from json_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_strings(item, (*path, index))


def _client_strings(value: Any) -> set[str]:
    """Every string of the request, keys included, long enough to matter if it were echoed."""
    return {text for _, text in json_strings(value) if len(text) >= _ECHO_MIN_CHARS}


class ErrorBody(LazyModel):
    code: str
    message: str
    details: list[ErrorLocation] | None = None


class ErrorResponse(LazyModel):
    """Every 4xx and 5xx the api function answers itself."""

    error: ErrorBody


class DeliveryView(LazyModel):
    state: DeliveryState
    attempts: list[DeliveryAttempt]
    last_status_code: int | None = None
    next_attempt_at: datetime | None = None  # while a retry is scheduled


class JobView(LazyModel):
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
                next_attempt_at=job.delivery.next_attempt_at,
            ),
        )


class RedeliveryResponse(LazyModel):
    job_id: str
    status: Literal["redelivery_queued"] = "redelivery_queued"
    chain: int


class HealthResponse(LazyModel):
    status: Literal["ok"] = "ok"
