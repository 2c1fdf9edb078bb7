"""The DLQ consumers in the synthesized template: every DLQ is read by one, each with only the grants its
work needs, and each finishes a record well within its queue's visibility timeout."""

from __future__ import annotations

from typing import Any

from ai_interviewer import resources
from ai_interviewer.resources import TaskName

from tests.infra.synthesis import Synthesized, actions_of, function_ids, ref_ids, role_of, statements_of


def _dead_letter_queues(stack: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        logical_id: queue
        for logical_id, queue in stack.resources("AWS::SQS::Queue").items()
        if "DeadLetterQueue" in logical_id
    }


def _sources_of(stack: Synthesized, function_id: str) -> set[str]:
    return {
        queue_id
        for mapping in stack.resources("AWS::Lambda::EventSourceMapping").values()
        if function_id in ref_ids(mapping["Properties"]["FunctionName"])
        for queue_id in ref_ids(mapping["Properties"]["EventSourceArn"])
    }


def _actions(stack: Synthesized, function_id: str) -> set[str]:
    return {
        action
        for statement in statements_of(stack, role_of(stack, function_id))
        for action in actions_of(statement)
    }


def test_every_dead_letter_queue_has_a_consumer(default_stack: Synthesized) -> None:
    (task_consumer,) = function_ids(default_stack, resources.TASK_DEAD_LETTERS_HANDLER)
    (notify_consumer,) = function_ids(default_stack, resources.NOTIFY_DEAD_LETTERS_HANDLER)
    dead_letter_queues = set(_dead_letter_queues(default_stack))
    task_sources = _sources_of(default_stack, task_consumer)
    notify_sources = _sources_of(default_stack, notify_consumer)
    assert len(task_sources) == len(TaskName) and len(notify_sources) == 1
    assert task_sources | notify_sources == dead_letter_queues
    assert all("Notify" in queue_id for queue_id in notify_sources)
    assert not any("Notify" in queue_id for queue_id in task_sources)


def test_the_consumers_get_only_what_they_call(default_stack: Synthesized) -> None:
    (task_consumer,) = function_ids(default_stack, resources.TASK_DEAD_LETTERS_HANDLER)
    (notify_consumer,) = function_ids(default_stack, resources.NOTIFY_DEAD_LETTERS_HANDLER)
    for consumer in (task_consumer, notify_consumer):
        actions = _actions(default_stack, consumer)
        assert {a for a in actions if a.startswith("dynamodb:")} == {
            "dynamodb:GetItem",
            "dynamodb:UpdateItem",
        }
        assert not any(a.startswith("secretsmanager:") for a in actions)
        assert "*managed*" not in actions
    # Only the task DLQs' consumer queues webhooks (and drops the request a failed job leaves behind);
    # its one put is the failed job's audit record (tests/infra/test_audit.py).
    assert "s3:PutObject" not in _actions(default_stack, notify_consumer)
    assert "sqs:SendMessage" in _actions(default_stack, task_consumer)
    assert "s3:DeleteObject" in _actions(default_stack, task_consumer)
    assert "sqs:SendMessage" not in _actions(default_stack, notify_consumer)
    assert "s3:DeleteObject" not in _actions(default_stack, notify_consumer)


def test_a_dead_letter_queues_visibility_is_six_times_its_consumers_timeout(
    default_stack: Synthesized,
) -> None:
    functions = default_stack.resources("AWS::Lambda::Function")
    queues = _dead_letter_queues(default_stack)
    for handler in (resources.TASK_DEAD_LETTERS_HANDLER, resources.NOTIFY_DEAD_LETTERS_HANDLER):
        (consumer,) = function_ids(default_stack, handler)
        timeout = functions[consumer]["Properties"]["Timeout"]
        for queue_id in _sources_of(default_stack, consumer):
            assert queues[queue_id]["Properties"]["VisibilityTimeout"] >= 6 * timeout
