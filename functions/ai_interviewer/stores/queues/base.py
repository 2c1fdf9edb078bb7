"""The queue port: task messages (with claim-check) and notify messages."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from ai_interviewer.errors import PermanentError
from ai_interviewer.models.jobs import NotifyMessage, TaskMessage
from ai_interviewer.resources import TaskName
from ai_interviewer.stores.payloads.base import PayloadStore


class Queues(ABC):
    @abstractmethod
    def send_task(self, message: TaskMessage) -> None: ...

    @abstractmethod
    def send_notify(self, message: NotifyMessage, delay_seconds: int = 0) -> None: ...

    @abstractmethod
    def postpone_task(self, task: TaskName, receipt_handle: str, delay_seconds: int) -> None:
        """Hide a received task message for `delay_seconds` (a retry's backoff)."""

    @abstractmethod
    def postpone_notify(self, receipt_handle: str, delay_seconds: int) -> None:
        """Hide a received notify message for `delay_seconds`; left undeleted, it comes back then."""


def load_request(message: TaskMessage, payloads: PayloadStore) -> dict[str, Any]:
    """The request a task message stands for, read back from S3 when it was claim-checked."""
    if message.request is not None:
        return message.request
    if message.request_s3_key is None:
        # A retry cannot add what the message lacks: the job fails.
        raise PermanentError("invalid_request", "the task message carries no request")
    loaded: dict[str, Any] = json.loads(payloads.get(message.request_s3_key))
    return loaded
