"""The task worker shared by every task function: an SQS batch in, partial batch failures out.

Per message: load the job, move it queued -> running, run its task, record the result or the error on
the job, hand the job to the notifier, and drop the claim-checked request. Errors decide retries
(`errors.py`): a transient failure leaves the message to SQS for another receive, hidden for a short
backoff (`task_retry_schedule`, with jitter, through ChangeMessageVisibility) rather than the queue's
whole visibility timeout, except on the last allowed receive, where the job fails with
`retries_exhausted` so that no job ends silent; a permanent one is recorded and still notified, so the
client gets a failure webhook.

A worker killed outright (out of memory, or a timeout the deadline did not prevent) runs no `except`: its
message comes back until the receive limit moves it to the task's DLQ. `dead_letters` consumes those
DLQs: the job ends `failed` with `worker_crashed` and its failure webhook is queued.

A task runs under a deadline set a safety margin before the Lambda timeout (`deadline.py`): slow work
gives up with `DeadlineExceededError`, a transient error, while there is still time to record the outcome,
instead of being killed with the job left `running` (and, on the last receive, dead-lettered silently).

Logs carry ids, task names, error codes and exception type names only: never request text, never an
exception's message (it may quote a resume).
"""

from __future__ import annotations

import math
import random
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from ai_interviewer.batches import each_record
from ai_interviewer.deadline import job_deadline
from ai_interviewer.documents.extraction import run_with_documents
from ai_interviewer.errors import (
    FailureCode,
    InvalidModelOutputError,
    PermanentError,
    TransientError,
    last_cause_fields,
)
from ai_interviewer.models.jobs import Job, TaskMessage
from ai_interviewer.models.payloads import ErrorDetail, LastCause
from ai_interviewer.models.requests import TaskRequest
from ai_interviewer.models.usage import Usage
from ai_interviewer.observability import logger
from ai_interviewer.resources import TaskName
from ai_interviewer.stores.queues.base import load_request
from ai_interviewer.tasks import task_spec
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

RETRIES_EXHAUSTED = FailureCode.RETRIES_EXHAUSTED
INVALID_REQUEST = FailureCode.INVALID_REQUEST
RETRY_JITTER = 0.2  # each backoff is stretched or shrunk by up to 20 %, so retries of a burst spread out


def process_batch(
    task: TaskName, event: dict[str, Any], services: Services, *, deadline: float | None = None
) -> PartialItemFailureResponse:
    """Run every record of an SQS event from the `task` queue, each task under `deadline` (a
    time.monotonic() value; None sets none).

    Returns the records SQS must deliver again (`batches.each_record`).
    """

    def record_handler(record: SQSRecord) -> None:
        handle_record(task, record, services, deadline=deadline)

    return each_record(event, record_handler)


def handle_record(
    task: TaskName, record: SQSRecord, services: Services, *, deadline: float | None = None
) -> None:
    """One SQS record. Returning marks it done (SQS deletes it); raising makes it a batch item failure."""
    message = task_message(record, "Unparsable task message dropped")
    if message is None:
        return
    logger.set_correlation_id(message.job_id)
    try:
        if message.task is not task:
            logger.warning("Task message on another task's queue", extra={"message_task": message.task.value})
        receive_count = receive_count_of(record)
        try:
            run_job(message, receive_count, services, deadline=deadline)
        except TransientError:
            _postpone(task, record, receive_count, services)
            raise
    finally:
        logger.set_correlation_id(None)


def run_job(
    message: TaskMessage, receive_count: int, services: Services, *, deadline: float | None = None
) -> None:
    """The job lifecycle for one delivery of its task message (`receive_count` counts from 1). The task
    runs under `deadline`; running out of it is a transient failure like any other."""
    jobs = services.jobs
    job = jobs.get(message.job_id)
    if job is None:
        logger.warning("Task message for an unknown job dropped")
        count("TaskMessagesDropped")
        return
    final = receive_count >= services.settings.task_max_receive_count
    if job.status.finished:
        finish_redelivery(job, message, services, final=final)
        return
    if jobs.start(job.job_id) is None:
        # Another delivery finished the job between our read and our start.
        finished = jobs.get(job.job_id)
        if finished is not None:
            finish_redelivery(finished, message, services, final=final)
        return
    logger.info("Job running", extra={"task": job.task.value, "receive_count": receive_count})

    try:
        request = _parse_request(job.task, load_request(message, services.payloads))
        with job_deadline(deadline):
            outcome = run_with_documents(task_spec(job.task).run, request, job.job_id, services)
    except InvalidModelOutputError as error:
        # Model output is not deterministic: while receives remain, the next one asks again, and only for
        # what is still missing (the rank task keeps every resume already assessed).
        detail = ErrorDetail.of(error.code)
        finished_now = _retry_or_fail(
            job, error, detail=detail, usage=error.usage, receive_count=receive_count, services=services
        )
    except PermanentError as error:
        finished_now = fail_job(job, ErrorDetail.of(error.code), None, services)
    except Exception as error:
        # TransientError, or anything unexpected: worth another receive while the queue allows one.
        cause = LastCause.model_validate(last_cause_fields(error))
        finished_now = _retry_or_fail(
            job,
            error,
            detail=ErrorDetail.of(RETRIES_EXHAUSTED, last_cause=cause),
            usage=None,
            receive_count=receive_count,
            services=services,
        )
    else:
        finished_now = jobs.succeed(
            job.job_id,
            outcome.result,
            engine=outcome.engine,
            model=outcome.model,
            prompt_version=outcome.prompt_version,
            usage=outcome.usage,
        )
        if finished_now:
            logger.info("Job succeeded", extra={"engine": outcome.engine, "model": outcome.model})
            count("JobsSucceeded")
    if not finished_now:
        # A racing delivery recorded the outcome first; that delivery hands the job to the notifier.
        logger.info("Job finished by another delivery")
        return
    audit_job(job.job_id, message, services, final=final)
    hand_off(job.job_id, services)
    discard_request(message, services)


def _retry_or_fail(
    job: Job,
    error: Exception,
    *,
    detail: ErrorDetail,
    usage: Usage | None,
    receive_count: int,
    services: Services,
) -> bool:
    """Raise a `TransientError` for another receive while the queue allows one; on the last receive,
    fail the job with `detail` (returns whether this delivery finished it)."""
    error_type = type(error).__name__
    cause_fields = _cause_log_fields(LastCause.model_validate(last_cause_fields(error)))
    if receive_count < services.settings.task_max_receive_count:
        logger.warning(
            "Job attempt failed; SQS will deliver it again",
            extra={"receive_count": receive_count, **cause_fields},
        )
        count("JobAttemptsFailed")
        if isinstance(error, TransientError):
            raise error
        # Re-raised without its message (it may quote request text) or its chain.
        raise TransientError(f"retryable {error_type}") from None
    logger.warning(
        "Job failed after its last attempt", extra={"receive_count": receive_count, **cause_fields}
    )
    return fail_job(job, detail, usage, services)


def _cause_log_fields(cause: LastCause) -> dict[str, Any]:
    """The cause as log fields: class name, code and HTTP status, never the exception's message."""
    return {"error_type": cause.error_class, "cause_code": cause.code, "http_status": cause.http_status}


def _parse_request(task: TaskName, body: dict[str, Any]) -> TaskRequest:
    try:
        return task_spec(task).parse(body)
    except ValidationError as error:
        # Field paths and error types only: pydantic's own text quotes the offending input.
        problems = "; ".join(
            ".".join(str(part) for part in problem["loc"]) + ": " + problem["type"]
            for problem in error.errors(include_url=False, include_input=False, include_context=False)
        )
        raise PermanentError(INVALID_REQUEST, f"the {task.value} request is invalid: {problems}") from None


def retry_delay_seconds(receive_count: int, schedule: tuple[int, ...], rng: random.Random) -> int:
    """The backoff before the receive after `receive_count`: the schedule's step (its last step once
    past its end), with jitter."""
    if not schedule:
        return 0
    step = schedule[min(receive_count, len(schedule)) - 1]
    return max(0, math.ceil(step * rng.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)))


_jitter = random.Random()  # noqa: S311 - jitter only, not security-relevant


def _postpone(task: TaskName, record: SQSRecord, receive_count: int, services: Services) -> None:
    """Hide the failed message for its backoff; SQS hands it back then. Without this it would wait the
    queue's whole visibility timeout (sized for the longest job)."""
    delay = retry_delay_seconds(receive_count, services.settings.task_retry_schedule, _jitter)
    try:
        services.queues.postpone_task(task, record.receipt_handle, delay)
    except Exception as error:
        # The visibility timeout still brings the message back, only later.
        logger.warning("Retry backoff not set", extra={"error_type": type(error).__name__})
        return
    logger.info("Retry scheduled", extra={"retry_in_seconds": delay, "receive_count": receive_count})
