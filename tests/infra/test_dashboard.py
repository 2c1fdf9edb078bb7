"""The CloudWatch dashboard shows the service: jobs per task, queues and dead letters, deliveries,
Lambda errors/throttles/duration for every function, the API, and every alarm; its URL is an output."""

from __future__ import annotations

import json
from typing import Any

from ai_interviewer.delivery.notifier import NotifyOutcome
from ai_interviewer.resources import TaskName

from tests.infra.synthesis import Synthesized, python_function_ids, ref_ids
from tests.infra.test_observability import queue_ids


def dashboard_body(stack: Synthesized) -> tuple[dict[str, Any], set[str]]:
    """The dashboard's JSON with the logical ids it refers to (functions, queues, alarms)."""
    (dashboard,) = stack.resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    parts = body["Fn::Join"][1]
    referenced = ref_ids(parts)
    # Stand each reference in with its logical id, so the JSON parses and names what it shows.
    text = "".join(part if isinstance(part, str) else f"<{next(iter(ref_ids(part)))}>" for part in parts)
    return json.loads(text), referenced


def metrics_of(widget: dict[str, Any]) -> list[list[Any]]:
    return list(widget["properties"].get("metrics", []))


def test_dashboard_covers_every_function_queue_and_alarm(postgres_stack: Synthesized) -> None:
    body, referenced = dashboard_body(postgres_stack)
    work, dead_letter = queue_ids(postgres_stack)
    assert set(python_function_ids(postgres_stack)) <= referenced
    assert work | dead_letter <= referenced
    alarm_widgets = [w for w in body["widgets"] if w["type"] == "alarm"]
    (alarm_widget,) = alarm_widgets
    every_alarm = postgres_stack.resources("AWS::CloudWatch::Alarm")
    assert len(alarm_widget["properties"]["alarms"]) == len(every_alarm)


def test_dashboard_shows_jobs_per_task_deliveries_and_lambda_health(default_stack: Synthesized) -> None:
    body, _ = dashboard_body(default_stack)
    titles = {w["properties"].get("title"): w for w in body["widgets"]}
    accepted = titles["Jobs accepted per task (messages sent to its queue)"]
    assert len(metrics_of(accepted)) == len(TaskName)  # one line per task queue
    shown = json.dumps(body)
    for name in ("JobsSucceeded", "JobsFailed", "JobAttemptsFailed"):
        assert f'"{name}"' in shown
    for outcome in NotifyOutcome:
        assert f'"Webhook_{outcome.value}"' in shown
    for metric in ("Errors", "Throttles", "Duration", "ApproximateAgeOfOldestMessage", "Latency", "5XXError"):
        assert f'"{metric}"' in shown


def test_dashboard_and_log_locations_are_outputs(default_stack: Synthesized) -> None:
    outputs = default_stack.raw["Outputs"]
    (dashboard_id,) = default_stack.resources("AWS::CloudWatch::Dashboard")
    assert ref_ids(outputs["DashboardUrl"]["Value"]) == {dashboard_id, "AWS::Region"}
    assert "#dashboards:name=" in json.dumps(outputs["DashboardUrl"]["Value"])
    log_groups = set(default_stack.resources("AWS::Logs::LogGroup"))
    for name in ("ApiLogGroup", "AccessLogGroup", "WorkerLogGroups", "NotifierLogGroup"):
        assert ref_ids(outputs[name]["Value"]) and ref_ids(outputs[name]["Value"]) <= log_groups
    assert len(ref_ids(outputs["WorkerLogGroups"]["Value"])) == len(TaskName)
