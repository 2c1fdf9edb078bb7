"""What Lambda's SQS event source mapping does for a worker function: receive batches, invoke the
function with an SQS event, delete what succeeded and leave the rest to the queue.

As deployed (infra/work_queue.py): batches of `EVENT_SOURCE_BATCH_SIZE` messages, and as many invocations
in flight per queue as the event source's maximum concurrency, here one poller thread each. Failed records
are not touched: their visibility timeout (or a visibility change the function made) and the queue's
redrive policy decide when and whether they come back, exactly as in AWS.
"""

from __future__ import annotations

import base64
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ai_interviewer.local.lambda_runtime import LOCAL_REGION, Invocable
from ai_interviewer.resources import EVENT_SOURCE_BATCH_SIZE

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageAttributeValueOutputTypeDef, MessageTypeDef

# Lambda's pollers long-poll for the longest time SQS allows: an idle poller costs one request in 20 s.
# A stop does not wait for a poll: it waits for the invocations in flight, then the emulation goes.
WAIT_TIME_SECONDS = 20


@dataclass(frozen=True)
class QueueSource:
    """A queue and the label the stack's job lines use for it."""

    label: str
    url: str
    arn: str


def _lambda_message_attribute(value: MessageAttributeValueOutputTypeDef) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [base64.b64encode(item).decode() for item in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return attribute


def sqs_event(
    messages: Iterable[MessageTypeDef], queue_arn: str, region: str = LOCAL_REGION
) -> dict[str, Any]:
    """The event Lambda builds from a ReceiveMessage batch."""
    records = []
    for message in messages:
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {
                name: _lambda_message_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        records.append(record)
    return {"Records": records}


def failed_message_ids(result: Any, message_ids: set[str]) -> set[str]:
    """Which records stay on the queue, by Lambda's ReportBatchItemFailures rules: no response or an
    empty list is complete success; a malformed list, or an identifier that is empty or not in the
    batch, fails the whole batch."""
    if not isinstance(result, dict):
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            return set(message_ids)
        failed.add(identifier)
    return failed


# Called with the queue's label and the event's records before the invocation; the callable it
# returns is called with the ids of the records that failed once the batch is settled.
BatchObserver = Callable[[str, list[dict[str, Any]]], Callable[[set[str]], None]]


class SqsPoller:
    """One queue's event source mapping: `concurrency` threads, each receiving up to `batch_size`
    messages, invoking the function with them, and deleting the successes. Give it
    `ExecutionEnvironments` with the same limit, so that each concurrent invocation has its own."""

    def __init__(
        self,
        client: SQSClient,
        source: QueueSource,
        function: Invocable,
        observer: BatchObserver | None = None,
        *,
        concurrency: int = 1,
        batch_size: int = EVENT_SOURCE_BATCH_SIZE,
        wait_time_seconds: int = WAIT_TIME_SECONDS,
    ) -> None:
        self._client = client
        self._source = source
        self._function = function
        self._observer = observer
        self._batch_size = batch_size
        self._wait_time_seconds = wait_time_seconds
        self._stopping = threading.Event()
        self._in_flight = 0
        self._settled = threading.Condition()
        self._threads = [
            threading.Thread(target=self._run, name=f"poller-{source.label}-{index}", daemon=True)
            for index in range(concurrency)
        ]

    @property
    def source(self) -> QueueSource:
        return self._source

    @property
    def concurrency(self) -> int:
        return len(self._threads)

    def poll_once(self) -> set[str] | None:
        """Receive one batch and settle it. Returns the ids left on the queue, or None if nothing was
        invoked (an empty receive, or a batch received once the stop was requested)."""
        messages = self._client.receive_message(
            QueueUrl=self._source.url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=self._wait_time_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return None
        with self._settled:  # the check and the count change together, as `request_stop` sees them
            stopping = self._stopping.is_set()
            if not stopping:
                self._in_flight += 1
        if stopping:
            # A long poll that returned during the stop: the batch goes back to the queue untouched, at once.
            self._client.change_message_visibility_batch(
                QueueUrl=self._source.url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"], "VisibilityTimeout": 0}
                    for index, message in enumerate(messages)
                ],
            )
            return None
        try:
            return self._invoke(messages)
        finally:
            with self._settled:
                self._in_flight -= 1
                self._settled.notify_all()

    def _invoke(self, messages: list[MessageTypeDef]) -> set[str]:
        event = sqs_event(messages, self._source.arn)
        settled = self._observer(self._source.label, event["Records"]) if self._observer else None
        message_ids = {message["MessageId"] for message in messages}
        try:
            failed = failed_message_ids(self._function.invoke(event), message_ids)
        except Exception:
            # An unhandled error fails the whole batch: every message returns after its timeout.
            traceback.print_exc()
            failed = set(message_ids)
        succeeded = [message for message in messages if message["MessageId"] not in failed]
        if succeeded:
            self._client.delete_message_batch(
                QueueUrl=self._source.url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(succeeded)
                ],
            )
        if settled is not None:
            settled(failed)
        return failed

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                if self._stopping.is_set():
                    return  # the emulation is going away with us
                print(f"poller {self._source.label}: receive failed", file=sys.stderr)
                traceback.print_exc()
                self._stopping.wait(1)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def request_stop(self) -> None:
        """No new invocations from now on; the ones in flight run to their end."""
        with self._settled:
            self._stopping.set()

    def settle(self, timeout: float) -> bool:
        """After `request_stop`: wait for the invocations in flight; True once none is left."""
        with self._settled:
            return self._settled.wait_for(lambda: self._in_flight == 0, timeout)

    def join(self, timeout: float) -> bool:
        """Wait for the threads to end (a thread in a long poll ends when its receive returns or fails);
        True if all did."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)
