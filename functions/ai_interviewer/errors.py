"""Domain errors. Their type decides what happens next, so handlers never guess.

- `TransientError`: raised out of a worker so SQS redelivers the message (DLQ after the receive limit).
  It carries a `code` (and the class and HTTP status of what caused it), so a job given up after its last
  attempt can say why in `error.last_cause`.
- `PermanentError`: recorded on the job; the client receives a failure webhook with its `code`.
- `ApiError`: a 4xx answer from the api function, mapped to HTTP in one place.

A failure webhook's `error.message` is the fixed text of its code (`FAILURE_MESSAGES`), never an
exception's own message: that may quote a resume or a provider's answer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ai_interviewer.models.usage import Usage


class FailureCode(StrEnum):
    """Every `error.code` a failed job can carry (README: "Failure codes")."""

    INVALID_REQUEST = "invalid_request"
    INVALID_MODEL_OUTPUT = "invalid_model_output"
    RETRIES_EXHAUSTED = "retries_exhausted"
    LLM_AUTH_FAILED = "llm_auth_failed"
    LLM_QUOTA_EXCEEDED = "llm_quota_exceeded"
    LLM_BAD_REQUEST = "llm_bad_request"
    UNSUPPORTED_TEXT = "unsupported_text"
    QUEUE_UNAVAILABLE = "queue_unavailable"
    WORKER_CRASHED = "worker_crashed"
    UNREADABLE_VACANCY = "unreadable_vacancy"
    INTERNAL_ERROR = "internal_error"


FAILURE_MESSAGES: dict[str, str] = {
    FailureCode.INVALID_REQUEST: "The stored request did not pass validation when the task ran.",
    FailureCode.INVALID_MODEL_OUTPUT: (
        "The model's answer did not have the required shape, even after a repair attempt."
    ),
    FailureCode.RETRIES_EXHAUSTED: (
        "The task kept failing with temporary errors and was given up; error.last_cause names the last one."
    ),
    FailureCode.LLM_AUTH_FAILED: "The LLM endpoint refused the service's credentials.",
    FailureCode.LLM_QUOTA_EXCEEDED: "The LLM account has no quota left.",
    FailureCode.LLM_BAD_REQUEST: "The LLM endpoint rejected the request.",
    FailureCode.UNSUPPORTED_TEXT: "A text could not be stored in the vacancy database.",
    FailureCode.QUEUE_UNAVAILABLE: "The task could not be queued.",
    FailureCode.WORKER_CRASHED: (
        "The task's worker stopped on every attempt (killed for time or memory) before it could record why."
    ),
    FailureCode.UNREADABLE_VACANCY: (
        "The vacancy document could not be read (encrypted, no text layer, damaged, too large, too slow or "
        "unsafe); send its text instead."
    ),
    FailureCode.INTERNAL_ERROR: "The job failed for an unexpected reason.",
}


UNLISTED_CODE_MESSAGE = "The job failed; error.code names the reason."


def failure_message(code: str) -> str:
    """The fixed, text-free message of a failure code."""
    return FAILURE_MESSAGES.get(code, UNLISTED_CODE_MESSAGE)


class TransientCode(StrEnum):
    """What a transient error was about, for `error.last_cause.code`."""

    LLM_UNREACHABLE = "llm_unreachable"  # connection refused, DNS, timeouts
    LLM_UNAVAILABLE = "llm_unavailable"  # 5xx, 408, 409, 429 past the SDK's retries
    DEADLINE_EXCEEDED = "deadline_exceeded"  # the job gave up before the function's timeout
    TRANSIENT_ERROR = "transient_error"  # any other TransientError
    UNEXPECTED_ERROR = "unexpected_error"  # an exception that is no domain error at all


class TransientError(Exception):
    """Worth trying again later: throttling, 5xx, timeouts, a store that did not answer."""

    code: str = TransientCode.TRANSIENT_ERROR

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        error_class: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        # The class of the underlying error (e.g. the SDK's APIConnectionError), when this one wraps it.
        self.error_class = error_class or type(self).__name__
        self.http_status = http_status


def last_cause_fields(error: BaseException) -> dict[str, Any]:
    """The class and code of a transient failure: names and numbers only, never its message."""
    if isinstance(error, TransientError):
        fields: dict[str, Any] = {"code": error.code, "error_class": error.error_class}
        if error.http_status is not None:
            fields["http_status"] = error.http_status
        return fields
    return {"code": TransientCode.UNEXPECTED_ERROR.value, "error_class": type(error).__name__}


class PermanentError(Exception):
    """Cannot succeed by retrying; ends the job as failed with a client-visible code. The message is
    for the developer reading the code; the client sees `failure_message(code)`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidModelOutputError(PermanentError):
    """The engine answered, but not in a shape the contract allows. Carries the usage already spent,
    so a failed job still records what it cost."""

    def __init__(self, message: str, usage: Usage) -> None:
        super().__init__(FailureCode.INVALID_MODEL_OUTPUT, message)
        self.usage = usage


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}
