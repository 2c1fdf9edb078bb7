"""Alarms on dead letters, function errors and backlog; the email subscription."""

from __future__ import annotations

from typing import Any

from tests.infra.synthesis import Synthesized, python_function_ids, ref_ids


def alarms_on(stack: Synthesized, metric: str) -> dict[str, dict[str, Any]]:
    """Dimension-referenced logical id -> alarm properties, for alarms on `metric`."""
    found = {}
    for alarm in stack.resources("AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        if properties["MetricName"] == metric:
            (target,) = ref_ids(properties["Dimensions"])
            found[target] = properties
    return found


def queue_ids(stack: Synthesized) -> tuple[set[str], set[str]]:
    """(work queues, dead-letter queues)."""
    queues = stack.resources("AWS::SQS::Queue")
    dead_letter = {
        next(iter(ref_ids(queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])))
        for queue in queues.values()
        if "RedrivePolicy" in queue["Properties"]
    }
    return set(queues) - dead_letter, dead_letter


def test_every_dead_letter_queue_alarms_on_its_first_message(default_stack: Synthesized) -> None:
    _, dead_letter = queue_ids(default_stack)
    alarms = alarms_on(default_stack, "ApproximateNumberOfMessagesVisible")
    assert set(alarms) == dead_letter
    for alarm in alarms.values():
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_every_work_queue_alarms_on_the_age_of_its_oldest_message(default_stack: Synthesized) -> None:
    work, _ = queue_ids(default_stack)
    alarms = alarms_on(default_stack, "ApproximateAgeOfOldestMessage")
    assert set(alarms) == work
    queues = default_stack.resources("AWS::SQS::Queue")
    for queue_id, alarm in alarms.items():
        # A single redelivery (one visibility timeout) must not look like a backlog.
        assert alarm["Threshold"] > queues[queue_id]["Properties"]["VisibilityTimeout"]


def test_every_function_alarms_on_errors(default_stack: Synthesized) -> None:
    alarms = alarms_on(default_stack, "Errors")
    assert set(alarms) == set(python_function_ids(default_stack))


def test_with_an_alarm_email_it_subscribes_to_the_tls_only_topic(postgres_stack: Synthesized) -> None:
    (topic_id,) = postgres_stack.resources("AWS::SNS::Topic")
    postgres_stack.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": {"Ref": topic_id}},
    )
    (policy,) = postgres_stack.resources("AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
