"""The local stack's job lines: read from the job record around each invocation, ids and statuses
only, never the texts a job carries."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from ai_interviewer.jobs import DynamoDbJobStore
from ai_interviewer.local.progress import JobProgress
from ai_interviewer.models.jobs import (
    DeliveryAttempt,
    DeliveryState,
    Job,
    NotifyMessage,
    TaskMessage,
)
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.payload_store import PayloadStore
from ai_interviewer.resources import TaskName

from tests.conftest import AwsStack

SECRET_TEXT = "Иванов Иван, опыт 5 лет"


def _store(aws: AwsStack) -> DynamoDbJobStore:
    settings = aws.settings()
    payloads = PayloadStore(aws.client("s3"), settings.payload_bucket_name)
    return DynamoDbJobStore(aws.client("dynamodb"), settings.jobs_table_name, payloads)


def _progress(store: DynamoDbJobStore) -> tuple[JobProgress, io.StringIO]:
    out = io.StringIO()
    return JobProgress(store, out, clock=lambda: datetime(2026, 1, 1, 12, 0, 1, tzinfo=UTC)), out


def _job(job_id: str, task: TaskName = TaskName.RANK_RESUMES) -> Job:
    return Job(
        job_id=job_id,
        task=task,
        webhook_url="http://127.0.0.1:9/hook",
        request_sha256="x",
        expires_at=2_000_000_000,
    )


def _task_record(job_id: str, receive_count: int = 1) -> dict[str, object]:
    message = TaskMessage(job_id=job_id, task=TaskName.RANK_RESUMES, request={"vacancy_text": SECRET_TEXT})
    return {
        "messageId": f"m-{job_id}",
        "body": message.model_dump_json(),
        "attributes": {"ApproximateReceiveCount": str(receive_count)},
    }


def test_a_job_reads_accepted_running_succeeded_without_its_text(aws: AwsStack) -> None:
    store = _store(aws)
    progress, out = _progress(store)
    store.create(_job("job-1"))
    progress.api_response(
        "POST",
        "/api/v1/webhook/rank-resumes",
        202,
        json.dumps({"job_id": "job-1", "task": "rank_resumes"}).encode(),
    )

    settled = progress.task_batch("rank_resumes", [_task_record("job-1")])
    store.start("job-1")
    store.succeed(
        "job-1",
        {"results": [{"summary": SECRET_TEXT}]},
        engine="heuristic",
        model=None,
        prompt_version=None,
        usage=None,
    )
    settled(set())

    lines = out.getvalue().splitlines()
    assert lines[0] == "12:00:01 job-1 rank_resumes accepted"
    assert lines[1] == "12:00:01 job-1 rank_resumes running"
    assert lines[2].startswith("12:00:01 job-1 rank_resumes succeeded (heuristic) in ")
    assert SECRET_TEXT not in out.getvalue()


def test_a_failed_attempt_says_sqs_will_redeliver_and_a_permanent_failure_shows_its_code(
    aws: AwsStack,
) -> None:
    store = _store(aws)
    progress, out = _progress(store)
    store.create(_job("job-2"))

    settled = progress.task_batch("rank_resumes", [_task_record("job-2")])
    store.start("job-2")
    settled({"m-job-2"})
    settled = progress.task_batch("rank_resumes", [_task_record("job-2", receive_count=2)])
    store.fail("job-2", ErrorDetail(code="llm_unavailable", message=SECRET_TEXT))
    settled(set())

    assert out.getvalue().splitlines()[1:] == [
        "12:00:01 job-2 rank_resumes attempt 1 failed, SQS will redeliver",
        "12:00:01 job-2 rank_resumes running (attempt 2)",
        "12:00:01 job-2 rank_resumes failed (llm_unavailable)",
    ]
    assert SECRET_TEXT not in out.getvalue()


def test_each_recorded_delivery_attempt_gets_a_line(aws: AwsStack) -> None:
    store = _store(aws)
    progress, out = _progress(store)
    store.create(_job("job-3", TaskName.GENERATE_TAGS))
    record = {"messageId": "n-1", "body": NotifyMessage(job_id="job-3").model_dump_json(), "attributes": {}}
    now = datetime.now(UTC)

    settled = progress.notify_batch("notify", [record])
    store.record_attempt(
        "job-3", DeliveryAttempt(attempt=1, at=now, duration_ms=3, status_code=500), DeliveryState.RETRYING
    )
    settled(set())
    settled = progress.notify_batch("notify", [record])
    store.record_attempt(
        "job-3", DeliveryAttempt(attempt=2, at=now, duration_ms=3, status_code=200), DeliveryState.DELIVERED
    )
    settled(set())

    assert out.getvalue().splitlines() == [
        "12:00:01 job-3 generate_tags delivery failed 500 (attempt 1), retrying",
        "12:00:01 job-3 generate_tags delivered 200 (attempt 2)",
    ]


def test_refused_requests_show_status_and_error_code_only(aws: AwsStack) -> None:
    progress, out = _progress(_store(aws))
    body = json.dumps({"error": {"code": "unauthorized", "message": "Missing or invalid X-Webhook-Token"}})
    progress.api_response("POST", "/api/v1/webhook/generate-tags", 401, body.encode())
    progress.api_response("GET", "/api/v1/health", 200, b'{"status": "ok"}')
    assert out.getvalue() == "12:00:01 POST /api/v1/webhook/generate-tags -> 401 unauthorized\n"
