"""Every work queue against the function that consumes it: redrive, visibility, batch failures,
concurrency, TLS and encryption."""

from __future__ import annotations

from typing import Any

from ai_interviewer import resources
from ai_interviewer.resources import (
    EVENT_SOURCE_BATCH_SIZE,
    NOTIFY_MAX_RECEIVE_COUNT,
    TASK_MAX_RECEIVE_COUNT,
    TaskName,
)
from ai_interviewer.settings import DEFAULT_RETRY_SCHEDULE

from tests.infra.synthesis import Synthesized, function_ids, ref_ids


def consumers(stack: Synthesized) -> dict[str, dict[str, Any]]:
    """Work queue logical id -> the event source mapping that feeds it to a function (the DLQs' own
    consumers are checked in test_dead_letters.py)."""
    mappings = {}
    for mapping in stack.resources("AWS::Lambda::EventSourceMapping").values():
        (queue_id,) = ref_ids(mapping["Properties"]["EventSourceArn"])
        if "DeadLetterQueue" not in queue_id:
            mappings[queue_id] = mapping["Properties"]
    return mappings


def consumer_timeout(stack: Synthesized, mapping: dict[str, Any]) -> int:
    (function_id,) = ref_ids(mapping["FunctionName"])
    timeout: int = stack.raw["Resources"][function_id]["Properties"]["Timeout"]
    return timeout


def test_every_work_queue_has_a_consumer_and_each_consumer_one_queue(default_stack: Synthesized) -> None:
    mappings = consumers(default_stack)
    # Five task queues plus the notify queue.
    assert len(mappings) == len(TaskName) + 1
    fed = [next(iter(ref_ids(mapping["FunctionName"]))) for mapping in mappings.values()]
    assert len(set(fed)) == len(fed)


def test_visibility_timeout_is_at_least_six_times_the_consumers_timeout(default_stack: Synthesized) -> None:
    queues = default_stack.resources("AWS::SQS::Queue")
    for queue_id, mapping in consumers(default_stack).items():
        timeout = consumer_timeout(default_stack, mapping)
        assert queues[queue_id]["Properties"]["VisibilityTimeout"] >= 6 * timeout, queue_id


def test_task_queues_dead_letter_after_the_receive_count_the_workers_are_told(
    default_stack: Synthesized,
) -> None:
    queues = default_stack.resources("AWS::SQS::Queue")
    functions = default_stack.raw["Resources"]
    for task in TaskName:
        (function_id,) = function_ids(default_stack, resources.task_handler(task))
        mapping = next(
            m for m in consumers(default_stack).values() if function_id in ref_ids(m["FunctionName"])
        )
        (queue_id,) = ref_ids(mapping["EventSourceArn"])
        redrive = queues[queue_id]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == TASK_MAX_RECEIVE_COUNT
        told = functions[function_id]["Properties"]["Environment"]["Variables"]["TASK_MAX_RECEIVE_COUNT"]
        assert told == str(redrive["maxReceiveCount"])
        (dlq_id,) = ref_ids(redrive["deadLetterTargetArn"])
        assert dlq_id in queues and dlq_id not in consumers(default_stack)


def test_notify_queue_outlasts_the_whole_retry_schedule(default_stack: Synthesized) -> None:
    (notifier_id,) = function_ids(default_stack, resources.NOTIFIER_HANDLER)
    queue_id = next(
        queue_id
        for queue_id, mapping in consumers(default_stack).items()
        if notifier_id in ref_ids(mapping["FunctionName"])
    )
    redrive = default_stack.resources("AWS::SQS::Queue")[queue_id]["Properties"]["RedrivePolicy"]
    # Each retry is one more receive (the notifier hides the message for its delay): first try, the
    # schedule, and slack for a crash or two.
    assert redrive["maxReceiveCount"] == NOTIFY_MAX_RECEIVE_COUNT
    assert redrive["maxReceiveCount"] >= len(DEFAULT_RETRY_SCHEDULE) + 2


def test_every_event_source_reports_batch_item_failures_under_a_concurrency_cap(
    default_stack: Synthesized,
) -> None:
    (notifier_id,) = function_ids(default_stack, resources.NOTIFIER_HANDLER)
    for mapping in consumers(default_stack).values():
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        expected = (
            default_stack.context["notifier_max_concurrency"]
            if notifier_id in ref_ids(mapping["FunctionName"])
            else default_stack.context["worker_max_concurrency"]
        )
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": expected}
        assert mapping["BatchSize"] == EVENT_SOURCE_BATCH_SIZE == 1  # a job may take the whole timeout


def test_maximum_concurrency_follows_the_context() -> None:
    from tests.infra.synthesis import synthesize  # noqa: PLC0415 - a third synth, only here

    stack = synthesize({"worker_max_concurrency": "7", "notifier_max_concurrency": 3})
    caps = sorted(m["ScalingConfig"]["MaximumConcurrency"] for m in consumers(stack).values())
    assert caps == [3] + [7] * len(TaskName)


def test_every_queue_is_encrypted_and_refuses_plain_http(default_stack: Synthesized) -> None:
    queues = default_stack.resources("AWS::SQS::Queue")
    assert len(queues) == 2 * (len(TaskName) + 1)
    tls_only: set[str] = set()
    for policy in default_stack.resources("AWS::SQS::QueuePolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if (
                statement["Effect"] == "Deny"
                and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                and statement["Action"] == "sqs:*"
            ):
                tls_only |= ref_ids(policy["Properties"]["Queues"])
    assert tls_only == set(queues)
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
