"""The local SQS event source: batches become Lambda SQS events (the deployed batch size, as many in
flight as the deployed concurrency), and partial batch failures leave exactly the failed messages to the
queue's visibility timeout, as AWS does."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from ai_interviewer.local.lambda_runtime import LocalFunction
from ai_interviewer.local.pollers import QueueSource, SqsPoller, failed_message_ids, sqs_event
from ai_interviewer.resources import EVENT_SOURCE_BATCH_SIZE

from tests.conftest import AwsStack


def _queue(aws: AwsStack, name: str, visibility_timeout: int = 30) -> QueueSource:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": str(visibility_timeout)})[
        "QueueUrl"
    ]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return QueueSource(name, url, arn)


def _counts(aws: AwsStack, source: QueueSource) -> tuple[int, int]:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=source.url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


class RecordingWorker:
    """A worker that fails the records whose body is listed, the way a BatchProcessor reports them."""

    def __init__(self, failing_bodies: set[str] | None = None) -> None:
        self.failing_bodies = failing_bodies or set()
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        self.contexts.append(context)
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["messageId"]}
                for record in event["Records"]
                if record["body"] in self.failing_bodies
            ]
        }


def _poll_until_received(poller: SqsPoller, deadline_seconds: float = 20) -> set[str]:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        failed = poller.poll_once()
        if failed is not None:
            return failed
    raise AssertionError("no batch arrived in time")


def test_sqs_event_has_the_lambda_record_shape(aws: AwsStack) -> None:
    source = _queue(aws, "shape")
    sqs = aws.client("sqs")
    sqs.send_message(
        QueueUrl=source.url,
        MessageBody='{"job_id": "j-1"}',
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "task"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    worker = RecordingWorker()
    poller = SqsPoller(sqs, source, LocalFunction("shape-worker", worker, 60))
    assert _poll_until_received(poller) == set()

    [record] = worker.events[0]["Records"]
    assert record["body"] == '{"job_id": "j-1"}'
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == source.arn
    assert record["awsRegion"] == "us-east-1"
    assert record["messageId"] and record["receiptHandle"] and record["md5OfBody"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "task",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AAE="
    context = worker.contexts[0]
    assert context.function_name == "shape-worker"
    assert context.invoked_function_arn.endswith(":function:shape-worker")
    assert 0 < context.get_remaining_time_in_millis() <= 60_000


def test_the_event_is_what_powertools_batch_processing_expects(aws: AwsStack) -> None:
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.parser.models import SqsRecordModel  # noqa: PLC0415

    processor = BatchProcessor(event_type=EventType.SQS, model=SqsRecordModel)
    handled: list[str] = []

    def record_handler(record: SqsRecordModel) -> None:
        if record.body == "bad":
            raise ValueError("bad record")
        handled.append(str(record.body))

    def handler(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(event, record_handler, processor, context)

    source = _queue(aws, "powertools")
    sqs = aws.client("sqs")
    for body in ("good", "bad"):
        sqs.send_message(QueueUrl=source.url, MessageBody=body)
    poller = SqsPoller(sqs, source, LocalFunction("powertools-worker", handler, 60))
    failed: set[str] = set()
    while len(handled) + len(failed) < 2:
        failed |= _poll_until_received(poller)
    assert handled == ["good"]
    assert len(failed) == 1
    assert _counts(aws, source) == (0, 1)


def test_only_successful_records_are_deleted_and_failed_ones_come_back_after_the_visibility_timeout(
    aws: AwsStack,
) -> None:
    source = _queue(aws, "partial", visibility_timeout=1)
    sqs = aws.client("sqs")
    for body in ("ok-1", "fail", "ok-2"):
        sqs.send_message(QueueUrl=source.url, MessageBody=body)
    worker = RecordingWorker(failing_bodies={"fail"})
    poller = SqsPoller(sqs, source, LocalFunction("partial-worker", worker, 60))

    received: list[str] = []
    while len(received) < 3:
        _poll_until_received(poller)
        received.extend(record["body"] for record in worker.events[-1]["Records"])
    assert sorted(received) == ["fail", "ok-1", "ok-2"]

    # Nothing was done to the failed message: the queue's visibility timeout brings it back.
    worker.failing_bodies = set()
    _poll_until_received(poller)
    [redelivered] = worker.events[-1]["Records"]
    assert redelivered["body"] == "fail"
    assert redelivered["attributes"]["ApproximateReceiveCount"] == "2"
    assert _counts(aws, source) == (0, 0)


def test_a_visibility_change_made_by_the_function_decides_when_a_failed_record_returns(aws: AwsStack) -> None:
    source = _queue(aws, "backoff", visibility_timeout=300)
    sqs = aws.client("sqs")
    sqs.send_message(QueueUrl=source.url, MessageBody="retry-now")

    def worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
        [record] = event["Records"]
        if record["attributes"]["ApproximateReceiveCount"] == "1":
            sqs.change_message_visibility(
                QueueUrl=source.url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
            )
            return {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
        return {"batchItemFailures": []}

    poller = SqsPoller(sqs, source, LocalFunction("backoff-worker", worker, 60))
    assert len(_poll_until_received(poller)) == 1
    # Well inside the queue's 300 s timeout: only the function's own change can have brought it back.
    assert _poll_until_received(poller) == set()
    assert _counts(aws, source) == (0, 0)


def test_an_unhandled_error_leaves_the_whole_batch_on_the_queue(aws: AwsStack) -> None:
    source = _queue(aws, "crash")
    sqs = aws.client("sqs")
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=source.url, MessageBody=body)

    def worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("crashed")

    poller = SqsPoller(sqs, source, LocalFunction("crash-worker", worker, 60))
    failed: set[str] = set()
    while len(failed) < 2:
        failed |= _poll_until_received(poller)
    assert _counts(aws, source) == (0, 2)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": None}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, {"m2"}),
        # Malformed reports fail the whole batch, as Lambda does.
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"m1", "m2"}),
        ({"batchItemFailures": [{"itemIdentifier": None}]}, {"m1", "m2"}),
        ({"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}, {"m1", "m2"}),
        ({"batchItemFailures": [{"id": "m1"}]}, {"m1", "m2"}),
        ({"batchItemFailures": "m1"}, {"m1", "m2"}),
    ],
)
def test_batch_item_failures_follow_lambdas_rules(result: Any, expected: set[str]) -> None:
    assert failed_message_ids(result, {"m1", "m2"}) == expected


def test_a_started_poller_feeds_its_worker_and_stops_promptly(aws: AwsStack) -> None:
    source = _queue(aws, "threaded")
    sqs = aws.client("sqs")
    arrived = threading.Event()
    settled_with: list[set[str]] = []

    def worker(event: dict[str, Any], context: Any) -> None:
        arrived.set()

    def observer(label: str, records: list[dict[str, Any]]) -> Any:
        assert label == "threaded"
        return settled_with.append

    poller = SqsPoller(
        sqs, source, LocalFunction("threaded-worker", worker, 60), observer, wait_time_seconds=1
    )
    poller.start()
    try:
        sqs.send_message(QueueUrl=source.url, MessageBody="hello")
        assert arrived.wait(20)
    finally:
        poller.request_stop()
        assert poller.settle(20)
        assert poller.join(20)
    assert settled_with == [set()]
    assert _counts(aws, source) == (0, 0)
    assert sqs_event([], source.arn) == {"Records": []}


def test_each_invocation_gets_one_message_and_as_many_run_at_once_as_the_concurrency(aws: AwsStack) -> None:
    assert EVENT_SOURCE_BATCH_SIZE == 1
    source = _queue(aws, "concurrent")
    sqs = aws.client("sqs")
    for index in range(3):
        sqs.send_message(QueueUrl=source.url, MessageBody=f"job-{index}")
    # Passes only when three invocations are in flight together.
    all_in_flight = threading.Barrier(3, timeout=20)
    bodies: list[list[str]] = []

    def worker(event: dict[str, Any], context: Any) -> None:
        bodies.append([record["body"] for record in event["Records"]])
        all_in_flight.wait()

    poller = SqsPoller(
        sqs, source, LocalFunction("concurrent-worker", worker, 60), concurrency=3, wait_time_seconds=1
    )
    assert poller.concurrency == 3
    poller.start()
    try:
        deadline = time.monotonic() + 20
        while _counts(aws, source) != (0, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.request_stop()
        assert poller.settle(20)
        assert poller.join(20)
    assert not all_in_flight.broken
    assert sorted(bodies) == [["job-0"], ["job-1"], ["job-2"]]
    assert _counts(aws, source) == (0, 0)


def test_a_stop_waits_for_the_invocation_in_flight_and_hands_a_later_batch_back(aws: AwsStack) -> None:
    source = _queue(aws, "stopping")
    sqs = aws.client("sqs")
    sqs.send_message(QueueUrl=source.url, MessageBody="in-flight")
    started, release = threading.Event(), threading.Event()
    invoked: list[str] = []

    def worker(event: dict[str, Any], context: Any) -> None:
        invoked.extend(record["body"] for record in event["Records"])
        started.set()
        assert release.wait(20)

    poller = SqsPoller(sqs, source, LocalFunction("stopping-worker", worker, 60), wait_time_seconds=1)
    poller.start()
    try:
        assert started.wait(20)
        poller.request_stop()
        assert not poller.settle(0)  # the invocation is still running
        release.set()
        assert poller.settle(20)
        assert poller.join(20)
    finally:
        release.set()
        poller.request_stop()

    # Received after the stop: not invoked, and back on the queue at once rather than after its timeout.
    sqs.send_message(QueueUrl=source.url, MessageBody="late")
    assert poller.poll_once() is None
    assert invoked == ["in-flight"]
    assert _counts(aws, source) == (1, 0)
    [late] = sqs.receive_message(QueueUrl=source.url, MessageSystemAttributeNames=["All"])["Messages"]
    assert late["Attributes"]["ApproximateReceiveCount"] == "2"
