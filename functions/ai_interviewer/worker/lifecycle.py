"""What the task workers and the task DLQs' consumer both do to a job: parse its task message, fail it,
write its audit record, hand it to the notifier and drop its claim-checked request. Neither the task
pipeline nor the documents are imported here, so the DLQ consumer loads none of them.

Logs carry ids, task names, error codes and exception type names only (see `processing`).
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from ai_interviewer.audit import record_audit
from ai_interviewer.errors import TransientError
from ai_interviewer.models.jobs import Job, NotifyMessage, TaskMessage
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage
from ai_interviewer.observability import logger, metrics
from ai_interviewer.wiring import Services


def task_message(record: SQSRecord, dropped: str) -> TaskMessage | None:
    """The record's task message, or None for a body that does not parse: there is no job to fail and a
    retry cannot fix the body, so it is logged as `dropped` (ids only) and counted."""
    try:
        return TaskMessage.model_validate_json(record.body)
    except ValidationError:
        logger.error(dropped, extra={"message_id": record.message_id})
        count("TaskMessagesDropped")
        return None


def audit_job(job_id: str, message: TaskMessage, services: Services, *, final: bool) -> None:
    """The job's audit record before its webhook. A failed write brings the message back while receives
    remain; on the last one (`final`) the webhook goes without it: the client's webhook is the contract,
    and a lost record is counted (`AuditRecordsLost`, alarmed) for the deployer to see."""
    try:
        record_audit(job_id, message, services)
    except TransientError:
        if not final:
            raise
        logger.error("Audit record lost: the last receive hands the job off without it")
        count("AuditRecordsLost")


def fail_job(job: Job, error: ErrorDetail, usage: Usage | None, services: Services) -> bool:
    failed = services.jobs.fail(job.job_id, error, usage=usage)
    if failed:
        logger.info("Job failed", extra={"task": job.task.value, "error_code": error.code})
        count("JobsFailed")
    return failed


def finish_redelivery(job: Job, message: TaskMessage, services: Services, *, final: bool) -> None:
    """A message for a finished job never runs the task again; it only completes a lost hand-off."""
    if job.notify_enqueued:
        logger.info("Task message for a finished job ignored", extra={"status": job.status.value})
    else:
        logger.info("Finished job handed to the notifier again", extra={"status": job.status.value})
        # Lost with the hand-off if the worker died first.
        audit_job(job.job_id, message, services, final=final)
        hand_off(job.job_id, services)
    discard_request(message, services)


def hand_off(job_id: str, services: Services) -> None:
    """Queue the webhook, then record that it was queued (a crash in between only repeats the send)."""
    services.queues.send_notify(NotifyMessage(job_id=job_id))
    services.jobs.mark_notify_enqueued(job_id)


def discard_request(message: TaskMessage, services: Services) -> None:
    """Resume text is kept no longer than the job needs it: drop the claim-checked request."""
    if message.request_s3_key is None:
        return
    try:
        services.payloads.delete(message.request_s3_key)
    except Exception as error:
        # The job's outcome is recorded and notified; the bucket's expiry rule removes it later.
        logger.warning("Claim-checked request not deleted", extra={"error_type": type(error).__name__})


def receive_count_of(record: SQSRecord) -> int:
    try:
        return max(1, int(record.attributes.approximate_receive_count))
    except (KeyError, ValueError):
        return 1  # a hand-made event without the attribute: treat it as the first receive


def count(name: str) -> None:
    """Job outcome counts for the failure-rate alarms; the handlers flush them per invocation."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
