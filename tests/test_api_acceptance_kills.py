"""Acceptance killed at each of its steps (the api function's timeout, a crash): the client's retry with
the same Idempotency-Key always gets a job that runs to completion, never a `202` for a job nothing
will run nor a `409` that lasts a day."""

from __future__ import annotations

from typing import Any

import pytest
from ai_interviewer.models.jobs import JobStatus
from ai_interviewer.resources import TaskName
from ai_interviewer.wiring import build_services

from tests.conftest import AwsStack
from tests.test_api_events import call, job_items, load_event, services_for, with_headers
from tests.test_worker import poll_once


class Killed(BaseException):
    """The invocation stops here: no `except Exception` runs, as with Lambda's timeout."""


# The botocore events at which the first invocation is killed: before the job and key are written, after
# they are (nothing sent yet), after the task message was sent (not yet recorded), after it was recorded.
KILL_POINTS = [
    "before-call.dynamodb.TransactWriteItems",
    "after-call.dynamodb.TransactWriteItems",
    "after-call.sqs.SendMessage",
    "after-call.dynamodb.UpdateItem",
]


@pytest.mark.parametrize("kill_point", KILL_POINTS)
def test_a_retry_after_a_kill_at_any_step_gets_a_job_that_completes(aws: AwsStack, kill_point: str) -> None:
    first = services_for(aws)
    service = kill_point.split(".")[1]
    client: Any = first.jobs._client if service == "dynamodb" else first.queues._client  # type: ignore[attr-defined]

    def kill(**_: Any) -> None:
        raise Killed

    client.meta.events.register(kill_point, kill)
    step = kill_point
    event = with_headers(load_event("generate-tags"), Idempotency_Key=f"order-{step}")
    with pytest.raises(Killed):
        call(first, event)

    retry = call(services_for(aws), event)
    assert retry.status == 202, retry.text
    job_id = retry.json["job_id"]
    assert retry.json["status"] == "queued"
    assert call(services_for(aws), event).json["job_id"] == job_id  # the key stays bound to it

    services = build_services(aws.settings())
    while poll_once(aws, TaskName.GENERATE_TAGS, services)["received"]:
        pass
    jobs = [item for item in job_items(aws) if item["pk"]["S"].startswith("job#")]
    assert [item["job_id"]["S"] for item in jobs] == [job_id]  # one job, whatever the kill left
    done = services.jobs.get(job_id)
    assert done is not None and done.status is JobStatus.SUCCEEDED and done.notify_enqueued


def test_the_worker_runs_a_job_whose_message_was_sent_twice_only_once(aws: AwsStack) -> None:
    """A replay may re-send the message of a job whose first send went through after all."""
    services = build_services(aws.settings())
    event = with_headers(load_event("generate-tags"), Idempotency_Key="order-twice")
    job_id = call(services_for(aws), event).json["job_id"]
    services.jobs._client.update_item(  # type: ignore[attr-defined]
        TableName=services.settings.jobs_table_name,
        Key={"pk": {"S": f"job#{job_id}"}},
        UpdateExpression="SET task_sent = :false",
        ExpressionAttributeValues={":false": {"BOOL": False}},
    )
    assert call(services_for(aws), event).json["job_id"] == job_id
    received = 0
    while polled := poll_once(aws, TaskName.GENERATE_TAGS, services)["received"]:
        received += polled
    assert received == 2
    done = services.jobs.get(job_id)
    assert done is not None and done.status is JobStatus.SUCCEEDED
