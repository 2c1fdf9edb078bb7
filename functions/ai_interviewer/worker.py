"""The task worker shared by the five task functions: an SQS batch in, partial batch failures out.

Per message: load the job, move it queued -> running, run its task, record the result or the error on
the job, hand the job to the notifier, and drop the claim-checked request. Errors decide retries
(`errors.py`): a transient failure leaves the message to SQS for another receive, except on the last
allowed receive, where the job fails with `retries_exhausted` so that no job ends silent; a permanent
one is recorded and still notified, so the client gets a failure webhook.

A task runs under a deadline set a safety margin before the Lambda timeout (`deadline.py`): slow work
gives up with `DeadlineExceededError`, a transient error, while there is still time to record the outcome,
instead of being killed with the job left `running` (and, on the last receive, dead-lettered silently).

Logs carry ids, task names, error codes and exception type names only: never request text, never an
exception's message (it may quote a resume).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from ai_interviewer.deadline import invocation_deadline, job_deadline
from ai_interviewer.documents.extraction import run_with_documents
from ai_interviewer.errors import InvalidModelOutputError, PermanentError, TransientError
from ai_interviewer.models.jobs import Job, NotifyMessage, TaskMessage, Usage
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.requests import REQUEST_MODELS, TaskRequest
from ai_interviewer.queues import load_request
from ai_interviewer.resources import METRICS_NAMESPACE, TaskName
from ai_interviewer.tasks import TASKS
from ai_interviewer.wiring import Services, default_services

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)

RETRIES_EXHAUSTED = "retries_exhausted"
INVALID_REQUEST = "invalid_request"


def process_batch(
    task: TaskName, event: dict[str, Any], services: Services, *, deadline: float | None = None
) -> PartialItemFailureResponse:
    """Run every record of an SQS event from the `task` queue, each task under `deadline` (a
    time.monotonic() value; None sets none).

    Returns `{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}` naming the records SQS must
    deliver again. A fully failed batch is reported the same way rather than raised, so a local poller
    gets the response too (for Lambda, listing every record is the same as raising).
    """
    if not event.get("Records"):
        return {"batchItemFailures": []}  # an empty receive; Powertools refuses a batch without records
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> None:
        handle_record(task, record, services, deadline=deadline)

    return process_partial_response(event=event, record_handler=record_handler, processor=processor)


def task_lambda_handler(
    task: TaskName,
) -> Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]:
    """The Lambda entry point of one task's worker: the same decorators and batch loop for all five."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        deadline = invocation_deadline(context.get_remaining_time_in_millis())
        return process_batch(task, event, default_services(), deadline=deadline)

    return handler


def handle_record(
    task: TaskName, record: SQSRecord, services: Services, *, deadline: float | None = None
) -> None:
    """One SQS record. Returning marks it done (SQS deletes it); raising makes it a batch item failure."""
    try:
        message = TaskMessage.model_validate_json(record.body)
    except ValidationError:
        # No job to fail: a retry cannot fix the body, so the message is dropped.
        logger.error("Unparsable task message dropped", extra={"message_id": record.message_id})
        _count("TaskMessagesDropped")
        return
    logger.set_correlation_id(message.job_id)
    try:
        if message.task is not task:
            logger.warning("Task message on another task's queue", extra={"message_task": message.task.value})
        run_job(message, _receive_count(record), services, deadline=deadline)
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
        _count("TaskMessagesDropped")
        return
    if job.status.finished:
        _finish_redelivery(job, message, services)
        return
    if jobs.start(job.job_id) is None:
        # Another delivery finished the job between our read and our start.
        finished = jobs.get(job.job_id)
        if finished is not None:
            _finish_redelivery(finished, message, services)
        return
    logger.info("Job running", extra={"task": job.task.value, "receive_count": receive_count})

    try:
        request = _parse_request(job.task, load_request(message, services.payloads))
        with job_deadline(deadline):
            outcome = run_with_documents(TASKS[job.task], request, job.job_id, services)
    except PermanentError as error:
        usage = error.usage if isinstance(error, InvalidModelOutputError) else None
        finished_now = _fail(job, ErrorDetail(code=error.code, message=error.message), usage, services)
    except Exception as error:
        # TransientError, or anything unexpected: worth another receive while the queue allows one.
        error_type = type(error).__name__
        max_receives = services.settings.task_max_receive_count
        if receive_count < max_receives:
            logger.warning(
                "Job attempt failed; SQS will deliver it again",
                extra={"error_type": error_type, "receive_count": receive_count},
            )
            _count("JobAttemptsFailed")
            if isinstance(error, TransientError):
                raise
            # Re-raised without its message (it may quote request text) or its chain.
            raise TransientError(f"unexpected {error_type}") from None
        detail = ErrorDetail(
            code=RETRIES_EXHAUSTED,
            message=f"the task kept failing temporarily and was given up after {receive_count} attempts",
        )
        logger.error("Job failed after its last attempt", extra={"error_type": error_type})
        finished_now = _fail(job, detail, None, services)
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
            _count("JobsSucceeded")
    if not finished_now:
        # A racing delivery recorded the outcome first; that delivery hands the job to the notifier.
        logger.info("Job finished by another delivery")
        return
    _hand_off(job.job_id, services)
    _discard_request(message, services)


def _parse_request(task: TaskName, body: dict[str, Any]) -> TaskRequest:
    try:
        return REQUEST_MODELS[task].model_validate(body)
    except ValidationError as error:
        # Field paths and error types only: pydantic's own text quotes the offending input.
        problems = "; ".join(
            ".".join(str(part) for part in problem["loc"]) + ": " + problem["type"]
            for problem in error.errors(include_url=False, include_input=False, include_context=False)
        )
        raise PermanentError(INVALID_REQUEST, f"the {task.value} request is invalid: {problems}") from None


def _fail(job: Job, error: ErrorDetail, usage: Usage | None, services: Services) -> bool:
    failed = services.jobs.fail(job.job_id, error, usage=usage)
    if failed:
        logger.info("Job failed", extra={"task": job.task.value, "error_code": error.code})
        _count("JobsFailed")
    return failed


def _finish_redelivery(job: Job, message: TaskMessage, services: Services) -> None:
    """A message for a finished job never runs the task again; it only completes a lost hand-off."""
    if job.notify_enqueued:
        logger.info("Task message for a finished job ignored", extra={"status": job.status.value})
    else:
        logger.info("Finished job handed to the notifier again", extra={"status": job.status.value})
        _hand_off(job.job_id, services)
    _discard_request(message, services)


def _hand_off(job_id: str, services: Services) -> None:
    """Queue the webhook, then record that it was queued (a crash in between only repeats the send)."""
    services.queues.send_notify(NotifyMessage(job_id=job_id))
    services.jobs.mark_notify_enqueued(job_id)


def _discard_request(message: TaskMessage, services: Services) -> None:
    """Resume text is kept no longer than the job needs it: drop the claim-checked request."""
    if message.request_s3_key is None:
        return
    try:
        services.payloads.delete(message.request_s3_key)
    except Exception as error:
        # The job's outcome is recorded and notified; the bucket's expiry rule removes it later.
        logger.warning("Claim-checked request not deleted", extra={"error_type": type(error).__name__})


def _receive_count(record: SQSRecord) -> int:
    try:
        return max(1, int(record.attributes.approximate_receive_count))
    except (KeyError, ValueError):
        return 1  # a hand-made event without the attribute: treat it as the first receive


def _count(name: str) -> None:
    """Job outcome counts for the failure-rate alarms; the handlers flush them per invocation."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
