"""Alarms reach someone: every alarm (and its return to OK) goes to one topic, the stack's own
(encrypted, CloudWatch may publish and use its key) or an existing one named by alarm_topic_arn; the
topic is an output. The alarms the service lacked exist: throttles, API latency, DynamoDB throttles,
failed job attempts, webhooks that gave up."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.synthesis import Synthesized, python_function_ids, ref_ids
from tests.infra.test_observability import alarms_on
from tests.infra.variant import EXISTING_TOPIC_ARN, dev_stack


def alarms(stack: Synthesized, namespace: str | None = None) -> list[dict[str, Any]]:
    found = [alarm["Properties"] for alarm in stack.resources("AWS::CloudWatch::Alarm").values()]
    return [alarm for alarm in found if namespace is None or alarm.get("Namespace") == namespace]


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_every_alarm_notifies_the_stacks_own_topic_on_alarm_and_on_ok(
    variant: str, request: pytest.FixtureRequest
) -> None:
    stack: Synthesized = request.getfixturevalue(variant)
    (topic_id,) = stack.resources("AWS::SNS::Topic")
    assert alarms(stack)
    for alarm in alarms(stack):
        assert ref_ids(alarm["AlarmActions"]) == {topic_id}, alarm["AlarmDescription"]
        assert ref_ids(alarm["OKActions"]) == {topic_id}
    assert ref_ids(stack.raw["Outputs"]["AlarmTopicArn"]["Value"]) == {topic_id}


def test_the_topic_is_encrypted_with_a_rotated_key_cloudwatch_may_use(default_stack: Synthesized) -> None:
    (topic,) = default_stack.resources("AWS::SNS::Topic").values()
    (key_id,) = ref_ids(topic["Properties"]["KmsMasterKeyId"])
    key = default_stack.raw["Resources"][key_id]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    cloudwatch = [
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if statement.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    (statement,) = cloudwatch
    assert set(statement["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    (policy,) = default_stack.resources("AWS::SNS::TopicPolicy").values()
    publishers = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    (publish,) = publishers
    assert publish["Action"] == "sns:Publish"
    assert "aws:SourceAccount" in publish["Condition"]["StringEquals"]


def test_an_existing_topic_replaces_the_stacks_own_and_the_email_subscribes_to_it() -> None:
    stack = dev_stack()
    assert not stack.resources("AWS::SNS::Topic")
    assert not stack.resources("AWS::KMS::Key")
    for alarm in alarms(stack):
        assert alarm["AlarmActions"] == [EXISTING_TOPIC_ARN]
        assert alarm["OKActions"] == [EXISTING_TOPIC_ARN]
    stack.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "dev-team@example.com", "TopicArn": EXISTING_TOPIC_ARN},
    )
    assert stack.raw["Outputs"]["AlarmTopicArn"]["Value"] == EXISTING_TOPIC_ARN


def test_every_function_alarms_on_throttles(default_stack: Synthesized, postgres_stack: Synthesized) -> None:
    for stack in (default_stack, postgres_stack):
        throttles = alarms_on(stack, "Throttles")
        assert set(throttles) == set(python_function_ids(stack))
        assert {alarm["Threshold"] for alarm in throttles.values()} == {1}


def test_both_tables_alarm_on_read_and_write_throttling(default_stack: Synthesized) -> None:
    tables = set(default_stack.resources("AWS::DynamoDB::Table"))
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        assert set(alarms_on(default_stack, metric)) == tables


def test_api_5xx_and_latency_alarms(default_stack: Synthesized) -> None:
    (api,) = default_stack.resources("AWS::ApiGateway::RestApi").values()
    by_metric = {alarm["MetricName"]: alarm for alarm in alarms(default_stack, "AWS/ApiGateway")}
    assert set(by_metric) == {"5XXError", "Latency"}
    for alarm in by_metric.values():
        assert alarm["Dimensions"] == [{"Name": "ApiName", "Value": api["Properties"]["Name"]}]
    latency = by_metric["Latency"]
    assert latency["ExtendedStatistic"] == "p99"
    assert 0 < latency["Threshold"] < 10_000  # below the api function's 10 s timeout


def test_failed_attempts_exhausted_webhooks_and_lost_audit_records_alarm_on_this_stages_metrics(
    default_stack: Synthesized,
) -> None:
    custom = {alarm["MetricName"]: alarm for alarm in alarms(default_stack, "AiInterviewer")}
    assert set(custom) == {"JobAttemptsFailed", "Webhook_exhausted", "AuditRecordsLost"}
    function = next(iter(default_stack.resources("AWS::Lambda::Function").values()))
    service = function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    for alarm in custom.values():
        # Powertools' EMF metrics carry the service as their one dimension: this stage's only.
        assert alarm["Dimensions"] == [{"Name": "service", "Value": service}]
        assert alarm["Statistic"] == "Sum"
