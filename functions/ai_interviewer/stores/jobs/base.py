"""The job store port: what the api, the workers and the notifier need of a job's record.

Every state change is a conditional write in the adapter, so a message seen twice cannot run a finished
job again, and two workers racing on one job cannot both win.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from ai_interviewer.models.jobs import DeliveryAttempt, DeliveryState, Job
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage


class IdempotencyKeyHeldError(Exception):
    """`create` was given an Idempotency-Key that is already bound: nothing was written."""

    def __init__(self, job_id: str, request_sha256: str) -> None:
        super().__init__("idempotency key already bound")
        self.job_id = job_id
        self.request_sha256 = request_sha256


class JobStore(ABC):
    @abstractmethod
    def create(self, job: Job, *, idempotency_key: str | None = None, key_expires_at: int = 0) -> None:
        """Store a new job; a second create of the same id is an error. With `idempotency_key`, the key
        is bound to the job in the same transaction, so a kill can never leave one without the other;
        a key already bound raises `IdempotencyKeyHeldError` with its binding."""

    @abstractmethod
    def mark_task_sent(self, job_id: str) -> None:
        """Record that the job's task message was queued (a replay of its key re-sends it otherwise)."""

    @abstractmethod
    def record_progress(self, job_id: str, part: str, index: int, data_json: str, expires_at: int) -> None:
        """Keep one finished piece of a job's work (`part` names the kind: a resume's assessment, an
        interview's turn), so a redelivery does not do it again."""

    @abstractmethod
    def progress(self, job_id: str, part: str, count: int) -> dict[int, str]:
        """The pieces of `part` recorded for indexes 0..count-1, by index."""

    @abstractmethod
    def claim_attempt(
        self, job_id: str, chain: int, carrier: str, *, recorded_attempts: int, lease_seconds: int
    ) -> bool:
        """Claim the next delivery attempt of `chain` for the notify message `carrier` before its POST.
        True only if no other message carries the chain (or its hold has lapsed) and `recorded_attempts`
        attempts are on the job, so no stale reader posts. The hold lasts `lease_seconds`; recording the
        attempt can extend it over the wait for the next one."""

    @abstractmethod
    def mark_delivery_exhausted(self, job_id: str, chain: int) -> bool:
        """The chain's notify message was dead-lettered: its state becomes exhausted unless it already
        ended. False if it had ended or a newer chain started."""

    @abstractmethod
    def get(self, job_id: str) -> Job | None: ...

    @abstractmethod
    def start(self, job_id: str) -> Job | None:
        """queued (or running, for a redelivered message) -> running. None if the job already finished."""

    @abstractmethod
    def succeed(
        self,
        job_id: str,
        result: dict[str, Any],
        *,
        engine: str | None,
        model: str | None,
        prompt_version: str | None,
        usage: Usage | None,
    ) -> bool:
        """running -> succeeded with its result. False if the job had already finished."""

    @abstractmethod
    def fail(self, job_id: str, error: ErrorDetail, *, usage: Usage | None = None) -> bool:
        """queued|running -> failed with its error. False if the job had already finished."""

    @abstractmethod
    def mark_notify_enqueued(self, job_id: str) -> None: ...

    @abstractmethod
    def begin_redelivery(self, job_id: str) -> int:
        """Start a new delivery chain (state back to pending); return its number."""

    @abstractmethod
    def record_attempt(
        self, job_id: str, attempt: DeliveryAttempt, state: DeliveryState, *, hold_seconds: int = 0
    ) -> None:
        """Append the attempt and set the delivery state; `hold_seconds` keeps the chain's carrier for
        that long (the wait before its next attempt, plus a lease)."""
