"""Notifier function: notify queue batches in, signed webhook deliveries out (partial batch failures).

A record whose delivery must be retried was already hidden for its delay by the notifier; reporting it
as a batch item failure leaves it in the queue, so SQS hands it back when the delay is over.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ai_interviewer.batches import each_record
from ai_interviewer.delivery.notifier import Notifier
from ai_interviewer.errors import TransientError
from ai_interviewer.models.jobs import NotifyMessage
from ai_interviewer.observability import logger, metrics, tracer
from ai_interviewer.settings import NOTIFY_DEAD_LETTERS_NEEDS, check_cold_start
from ai_interviewer.wiring import default_services

# In Lambda's init phase: the notifier's or the notify DLQ consumer's settings (`_HANDLER` says which).
check_cold_start(NOTIFY_DEAD_LETTERS_NEEDS)


class DeliveryPostponedError(TransientError):
    """Not an error: marks the record failed so SQS keeps the (now hidden) message for the next attempt."""


@functools.cache
def default_notifier() -> Notifier:
    return Notifier.from_services(default_services())


def handle_notify_batch(
    event: dict[str, Any], notifier: Notifier | None = None
) -> PartialItemFailureResponse:
    """One SQS event in, `{"batchItemFailures": [...]}` out. The local stack's poller calls this too."""
    active = notifier or default_notifier()

    def deliver(record: SQSRecord) -> None:
        try:
            message = NotifyMessage.model_validate_json(record.body)
            logger.set_correlation_id(message.job_id)
            outcome = active.notify(
                message, receipt_handle=record.receipt_handle, message_id=record.message_id
            )
        except Exception:
            logger.exception(
                "notify record failed; SQS will deliver it again", extra={"message_id": record.message_id}
            )
            raise
        metrics.add_metric(name=f"Webhook_{outcome.value}", unit=MetricUnit.Count, value=1)
        if outcome.keeps_message:
            raise DeliveryPostponedError(message.job_id)

    return each_record(event, deliver)


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return handle_notify_batch(event)


def handle_notify_dead_letters(
    event: dict[str, Any], notifier: Notifier | None = None
) -> PartialItemFailureResponse:
    """The notify DLQ: each dead-lettered message ends its chain as exhausted (`Notifier.give_up`)."""
    active = notifier or default_notifier()

    def give_up(record: SQSRecord) -> None:
        try:
            message = NotifyMessage.model_validate_json(record.body)
        except ValueError:
            logger.error(
                "unparsable dead-lettered notify message dropped", extra={"message_id": record.message_id}
            )
            return
        logger.set_correlation_id(message.job_id)
        if active.give_up(message):
            metrics.add_metric(name="Webhook_dead_lettered", unit=MetricUnit.Count, value=1)

    return each_record(event, give_up)


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def dead_letter_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Lambda entry point of the notify DLQ's consumer."""
    return handle_notify_dead_letters(event)
