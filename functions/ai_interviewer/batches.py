"""Running an SQS event's records through a handler, the same way for every queue consumer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def each_record(event: dict[str, Any], handler: Callable[[SQSRecord], None]) -> PartialItemFailureResponse:
    """`handler` on every record; `{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}` names
    the records it raised for, which SQS delivers again. A fully failed batch is reported the same way
    rather than raised (retries are expected, not function errors; a local poller gets the response
    too). A processor per call: it keeps per-batch state, and a local poller may call from threads."""
    if not event.get("Records"):
        return {"batchItemFailures": []}  # an empty receive; Powertools refuses a batch without records
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=handler, processor=processor)
