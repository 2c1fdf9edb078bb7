"""The task DLQs' consumer: a task message the queue gave up on ends its job `failed` with `worker_crashed`,
and the job's failure webhook is queued (see `processing` for why a message gets here)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ai_interviewer.batches import each_record
from ai_interviewer.errors import FailureCode
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.observability import logger
from ai_interviewer.wiring import Services
from ai_interviewer.worker.lifecycle import (
    audit_job,
    count,
    discard_request,
    fail_job,
    finish_redelivery,
    hand_off,
    receive_count_of,
    task_message,
)

WORKER_CRASHED = FailureCode.WORKER_CRASHED
# Receives of a dead-lettered message that may still fail on its audit record before its job is handed off
# without it (counted from the task queue's own limit: SQS may or may not carry the count into the DLQ).
DEAD_LETTER_AUDIT_RECEIVES = 3


def process_dead_letters(event: dict[str, Any], services: Services) -> PartialItemFailureResponse:
    """Run every record of an SQS event from a task DLQ: each ends its job as `worker_crashed` (see
    `end_dead_lettered_job`). A record that fails (the table did not answer) stays in the DLQ for
    another try."""

    def record_handler(record: SQSRecord) -> None:
        end_dead_lettered_job(record, services)

    return each_record(event, record_handler)


def end_dead_lettered_job(record: SQSRecord, services: Services) -> None:
    """A task message the queue gave up on: its last receive never reported back, so the worker was
    killed. The job, unless it finished after all, fails with `worker_crashed` and is handed to the
    notifier; a finished job only gets a lost hand-off completed."""
    message = task_message(record, "Unparsable dead-lettered task message dropped")
    if message is None:
        return
    logger.set_correlation_id(message.job_id)
    final = receive_count_of(record) >= services.settings.task_max_receive_count + DEAD_LETTER_AUDIT_RECEIVES
    try:
        job = services.jobs.get(message.job_id)
        if job is None:
            logger.warning("Dead-lettered message for an unknown job dropped")
            count("TaskMessagesDropped")
            return
        if not job.status.finished:
            detail = ErrorDetail.of(WORKER_CRASHED)
            logger.error(
                "Dead-lettered job failed", extra={"task": job.task.value, "status": job.status.value}
            )
            count("JobsCrashed")
            if fail_job(job, detail, None, services):
                audit_job(job.job_id, message, services, final=final)
                hand_off(job.job_id, services)
                discard_request(message, services)
                return
            job = services.jobs.get(job.job_id) or job  # finished meanwhile: complete its hand-off
        finish_redelivery(job, message, services, final=final)
    finally:
        logger.set_correlation_id(None)
