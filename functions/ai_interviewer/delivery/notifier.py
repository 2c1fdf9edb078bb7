"""Delivering a finished job's webhook (CONTRACT §2 and §4), one attempt per notify message receive.

Retries never keep a Lambda waiting: after a failed attempt the notifier hides the same SQS message
for the next delay (ChangeMessageVisibility, up to 12 h) and the handler reports it as a batch item
failure, so SQS hands it back when the delay is over. One message carries a whole attempt chain; the
attempt number is read from the attempts recorded on the job, so a crash between the POST and the
record only repeats that attempt. A redeliver request starts a new chain (`Job.redelivery_chain`)
with a new message; messages of older chains stop on their own.

At most one message carries a chain: before posting, the notifier claims the chain for its message
(by SQS message id, which survives redeliveries) with a conditional write that also checks how many
attempts are recorded. Of two notify messages for one chain (a repeated hand-off) only one posts, a
success is never followed by another, and the hold lasts over the wait for the next attempt; a message
whose invocation was killed gets the chain back when it returns (same id).

A URL refused at delivery (invalid, or resolving only to private addresses) can never succeed: the chain
ends at once, `refused`, with the rule it broke. A notify message dead-lettered by its queue ends its
chain `exhausted` (`give_up`), so the job's delivery state never stays `retrying`.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from ai_interviewer.delivery.poster import DeliveryResult, WebhookPoster
from ai_interviewer.delivery.signing import signature_headers
from ai_interviewer.delivery.url_safety import (
    UnresolvableHostError,
    UnsafeUrlError,
    parse_webhook_url,
    resolve_public_address,
)
from ai_interviewer.errors import FailureCode, TransientError
from ai_interviewer.models.jobs import (
    DeliveryAttempt,
    DeliveryState,
    Job,
    JobStatus,
    NotifyMessage,
    utc_now,
)
from ai_interviewer.models.payloads import Envelope, ErrorDetail, webhook_body
from ai_interviewer.observability import logger
from ai_interviewer.resources import NOTIFIER_TIMEOUT_SECONDS
from ai_interviewer.settings import Settings, signing_token, webhook_tokens
from ai_interviewer.stores.jobs.base import JobStore
from ai_interviewer.stores.queues.base import Queues
from ai_interviewer.stores.queues.sqs import SQS_MAX_VISIBILITY_SECONDS

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


USER_AGENT = "AI-Interviewer-Webhooks/1.2"
RETRY_JITTER = 0.2  # each scheduled delay is stretched or shrunk by up to 20 %
# A message can stay hidden for 12 h from its receive; leave room for the time this invocation used.
MAX_RETRY_DELAY_SECONDS = SQS_MAX_VISIBILITY_SECONDS - 15 * 60
GONE_STATUS = 410
# How long a claim holds the chain beyond the wait for the next attempt: past the notifier's timeout, so
# a hold lapses only when its message is gone (dead-lettered), never while it is being handled.
CLAIM_LEASE_SECONDS = NOTIFIER_TIMEOUT_SECONDS + 30


class NotifyOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retry_scheduled"  # the message stays in the queue, hidden until the next attempt
    GONE = "gone"
    REFUSED = "refused"  # the URL was refused at delivery: the chain ends
    EXHAUSTED = "exhausted"
    STALE_CHAIN = "stale_chain"  # dropped: a newer redelivery chain has started
    CHAIN_FINISHED = "chain_finished"  # dropped: this chain already ended (delivered, gone or exhausted)
    UNKNOWN_JOB = "unknown_job"  # dropped: no such job (expired by TTL or never created)
    CLAIMED_ELSEWHERE = "claimed_elsewhere"  # dropped: another message of the chain holds this attempt

    @property
    def keeps_message(self) -> bool:
        return self is NotifyOutcome.RETRY_SCHEDULED


def webhook_id(job_id: str) -> str:
    """Standard Webhooks' message id: one per job, the same on every attempt and every redelivery."""
    return f"msg_{job_id}"


def webhook_payload(job: Job) -> bytes:
    """The body, serialised once: UTF-8 JSON with non-ASCII kept. Both signatures cover these bytes."""
    if job.status is JobStatus.SUCCEEDED:
        envelope = Envelope(
            job_id=job.job_id,
            task=job.task,
            status="succeeded",
            metadata=job.metadata,
            engine=job.engine,
            model=job.model,
            prompt_version=job.prompt_version,
            usage=job.usage,
        )
        body = webhook_body(envelope, job.result)
    else:
        error = job.error or ErrorDetail.of(FailureCode.INTERNAL_ERROR)
        body = webhook_body(
            Envelope(
                job_id=job.job_id,
                task=job.task,
                status="failed",
                metadata=job.metadata,
                usage=job.usage,
                error=error,
            ),
            None,
        )
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def retry_delay_seconds(scheduled: int, retry_after: float | None, rng: random.Random) -> int:
    """The scheduled delay with jitter, never sooner than the receiver's Retry-After, and never longer
    than SQS can hide a message."""
    delay = scheduled * rng.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(math.ceil(delay), MAX_RETRY_DELAY_SECONDS)


def _ends_chain(attempt: DeliveryAttempt) -> bool:
    refused = attempt.reason is not None
    return refused or attempt.delivered or attempt.status_code == GONE_STATUS


@dataclass
class Notifier:
    settings: Settings
    jobs: JobStore
    queues: Queues
    poster: WebhookPoster
    rng: random.Random = field(default_factory=random.Random)  # jitter only; not security-relevant
    clock: Callable[[], datetime] = utc_now

    @classmethod
    def from_services(cls, services: Services, *, poster: WebhookPoster | None = None) -> Notifier:
        settings = services.settings
        return cls(
            settings=settings,
            jobs=services.jobs,
            queues=services.queues,
            poster=poster or WebhookPoster(settings.webhook_timeout_seconds),
        )

    def notify(
        self, message: NotifyMessage, *, receipt_handle: str, message_id: str | None = None
    ) -> NotifyOutcome:
        """One attempt for the message's chain; on a retryable failure the message is postponed.
        `message_id` (SQS's, stable across receives) names the message that claims the chain."""
        job = self.jobs.get(message.job_id)
        if job is None:
            logger.warning("notify message for an unknown job dropped", extra={"job_id": message.job_id})
            return NotifyOutcome.UNKNOWN_JOB
        if not job.status.finished:
            raise TransientError("job has not finished; the notify message came too early")
        if message.chain < job.redelivery_chain:
            self._log_dropped(message, NotifyOutcome.STALE_CHAIN)
            return NotifyOutcome.STALE_CHAIN
        if message.chain > job.redelivery_chain:
            raise TransientError("redelivery chain not recorded on the job yet")

        schedule = self.settings.webhook_retry_schedule
        chain_attempts = [a for a in job.delivery.attempts if a.chain == message.chain]
        if any(_ends_chain(a) for a in chain_attempts) or len(chain_attempts) > len(schedule):
            # Never a second success after one was acknowledged, nor a POST after 410 or exhaustion.
            self._log_dropped(message, NotifyOutcome.CHAIN_FINISHED)
            return NotifyOutcome.CHAIN_FINISHED

        attempt_number = len(chain_attempts) + 1
        claimed = self.jobs.claim_attempt(
            job.job_id,
            message.chain,
            message_id or receipt_handle,
            recorded_attempts=len(job.delivery.attempts),
            lease_seconds=CLAIM_LEASE_SECONDS,
        )
        if not claimed:
            # Another message carries this chain (or a racing one recorded an attempt first): drop this one.
            self._log_dropped(message, NotifyOutcome.CLAIMED_ELSEWHERE)
            return NotifyOutcome.CLAIMED_ELSEWHERE
        started_at = self.clock()
        result, refusal = self._post(job, attempt_number, timestamp=int(started_at.timestamp()))

        delay: int | None = None
        if result.delivered:
            outcome, state = NotifyOutcome.DELIVERED, DeliveryState.DELIVERED
        elif refusal is not None:
            outcome, state = NotifyOutcome.REFUSED, DeliveryState.REFUSED
        elif result.status_code == GONE_STATUS:
            outcome, state = NotifyOutcome.GONE, DeliveryState.GONE
        elif attempt_number > len(schedule):
            outcome, state = NotifyOutcome.EXHAUSTED, DeliveryState.EXHAUSTED
        else:
            outcome, state = NotifyOutcome.RETRY_SCHEDULED, DeliveryState.RETRYING
            delay = retry_delay_seconds(schedule[attempt_number - 1], result.retry_after_seconds, self.rng)

        self.jobs.record_attempt(
            job.job_id,
            DeliveryAttempt(
                attempt=attempt_number,
                chain=message.chain,
                at=started_at,
                duration_ms=result.duration_ms,
                status_code=result.status_code,
                error=result.error,
                reason=refusal,
                next_attempt_at=self.clock() + timedelta(seconds=delay) if delay is not None else None,
            ),
            state,
            hold_seconds=CLAIM_LEASE_SECONDS + (delay or 0),
        )
        # Ids, numbers and error class names only: never the body, the URL or the token.
        logger.info(
            "webhook attempt",
            extra={
                "job_id": job.job_id,
                "chain": message.chain,
                "attempt": attempt_number,
                "status_code": result.status_code,
                "error": result.error,
                "duration_ms": result.duration_ms,
                "outcome": outcome.value,
                "retry_in_seconds": delay,
            },
        )
        if delay is not None:
            self.queues.postpone_notify(receipt_handle, delay)
        return outcome

    def give_up(self, message: NotifyMessage) -> bool:
        """A notify message its queue dead-lettered: the chain's delivery is recorded as exhausted unless
        it already ended or a newer chain took over. Returns whether the state changed."""
        job = self.jobs.get(message.job_id)
        if job is None or not job.status.finished:
            # Unknown, or never finished: the task DLQ's consumer ends that job and hands it off anew.
            logger.warning("dead-lettered notify message dropped", extra={"job_id": message.job_id})
            return False
        exhausted = self.jobs.mark_delivery_exhausted(job.job_id, message.chain)
        logger.warning(
            "dead-lettered notify message",
            extra={"job_id": job.job_id, "chain": message.chain, "delivery_exhausted": exhausted},
        )
        return exhausted

    def _post(self, job: Job, attempt_number: int, *, timestamp: int) -> tuple[DeliveryResult, str | None]:
        """The attempt's result, and the rule the URL broke when it was refused before any connection."""
        body = webhook_payload(job)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-AI-Interviewer-Job-Id": job.job_id,
            "X-AI-Interviewer-Task": job.task.value,
            "X-AI-Interviewer-Attempt": str(attempt_number),
            **signature_headers(
                body,
                signing_token(self.settings, job.authenticated_by),
                webhook_id=webhook_id(job.job_id),
                timestamp=timestamp,
                other_tokens=webhook_tokens(self.settings),
            ),
        }
        started = time.monotonic()
        allow_private = self.settings.allow_private_webhook_urls
        try:
            # Vetted again at delivery: the name is resolved now and the POST goes to that address.
            target = parse_webhook_url(job.webhook_url, allow_private=allow_private)
            address = resolve_public_address(target, allow_private=allow_private)
        except UnsafeUrlError as error:
            result = DeliveryResult(
                duration_ms=int((time.monotonic() - started) * 1000), error=type(error).__name__
            )
            # A name that does not resolve may resolve later (DNS being set up); every other rule is final.
            return result, None if isinstance(error, UnresolvableHostError) else str(error)
        return self.poster.post(target, address, body, headers), None

    @staticmethod
    def _log_dropped(message: NotifyMessage, outcome: NotifyOutcome) -> None:
        logger.info(
            "notify message dropped",
            extra={"job_id": message.job_id, "chain": message.chain, "outcome": outcome.value},
        )
