"""Domain errors. Their type decides what happens next, so handlers never guess.

- `TransientError`: raised out of a worker so SQS redelivers the message (DLQ after the receive limit).
- `PermanentError`: recorded on the job; the client receives a failure webhook with its `code`.
- `ApiError`: a 4xx answer from the api function, mapped to HTTP in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ai_interviewer.models.jobs import Usage


class TransientError(Exception):
    """Worth trying again later: throttling, 5xx, timeouts, a store that did not answer."""


class PermanentError(Exception):
    """Cannot succeed by retrying; ends the job as failed with a client-visible code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidModelOutputError(PermanentError):
    """The engine answered, but not in a shape the contract allows. Carries the usage already spent,
    so a failed job still records what it cost."""

    def __init__(self, message: str, usage: Usage) -> None:
        super().__init__("invalid_model_output", message)
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
