"""Webhook payloads: the contract's envelope around the seed's result (CONTRACT §2); the results' shapes are
in `results` (only the task that makes one, and the api's document, load them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ai_interviewer.errors import failure_message
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName


class TagsFormat(StrEnum):
    """How `tags` travels (TAGS_FORMAT): the seed's one string, or a JSON array for clients that validate
    `'tags' => 'required|array'`."""

    STRING = "string"
    LIST = "list"


class LastCause(BaseModel):
    """The last transient error of a job given up after its retries: class names and codes, no text."""

    code: str
    error_class: str
    http_status: int | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str
    last_cause: LastCause | None = None

    @classmethod
    def of(cls, code: str, last_cause: LastCause | None = None) -> ErrorDetail:
        """A failure with its code's fixed message (`errors.FAILURE_MESSAGES`)."""
        return cls(code=code, message=failure_message(code), last_cause=last_cause)


class Envelope(BaseModel):
    """The contract's top-level additions, merged into every webhook body."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    task: TaskName
    status: Literal["succeeded", "failed"]
    metadata: dict[str, str] | None = None
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None  # what the job spent, summed over its model calls, with its price
    error: ErrorDetail | None = None


def webhook_body(envelope: Envelope, result: dict[str, Any] | None) -> dict[str, Any]:
    """The seed's payload first (so a reader sees it first), then the envelope; absent fields dropped."""
    body: dict[str, Any] = dict(result or {})
    body.update(envelope.model_dump(mode="json", exclude_none=True))
    if envelope.usage is not None:  # whole: `cost_usd: null` says the price is unknown
        body["usage"] = envelope.usage.model_dump(mode="json")
    return body
