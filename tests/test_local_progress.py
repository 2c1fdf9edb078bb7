"""The local stack's job lines: from the records the pollers see and one read of the job record per
delivery attempt; ids and statuses only, never the texts a job carries."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from ai_interviewer.local.progress import JobProgress
from ai_interviewer.models.jobs import (
    DeliveryAttempt,
    DeliveryState,
    Job,
    NotifyMessage,
    TaskMessage,
    utc_now,
)
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName
from ai_interviewer.stores.jobs.dynamodb import DynamoDbJobStore
from ai_interviewer.stores.payloads.s3 import S3PayloadStore

from tests.conftest import AwsStack

SECRET_TEXT = "Иванов Иван, опыт 5 лет"


class CountedReads:
    """The job store's real DynamoDB client, with its GetItem calls counted."""

    def __init__(self, aws: AwsStack) -> None:
        settings = aws.settings()
        client = aws.client("dynamodb")
        client.meta.events.register("before-call.dynamodb.GetItem", self._count)
        self.count = 0
        self.store = DynamoDbJobStore(
            client, settings.jobs_table_name, S3PayloadStore(aws.client("s3"), settings.payload_bucket_name)
        )

    def _count(self, **_: object) -> None:
        self.count += 1


def _store(aws: AwsStack) -> DynamoDbJobStore:
    return CountedReads(aws).store


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


def _notify_record(job_id: str, chain: int = 0) -> dict[str, object]:
    body = NotifyMessage(job_id=job_id, chain=chain).model_dump_json()
    return {"messageId": f"n-{job_id}-{chain}", "body": body, "attributes": {}}


def _attempt(number: int, status_code: int, chain: int = 0) -> DeliveryAttempt:
    return DeliveryAttempt(attempt=number, chain=chain, at=utc_now(), duration_ms=3, status_code=status_code)


def test_a_job_reads_accepted_running_succeeded_delivered_with_one_read_and_without_its_text(
    aws: AwsStack,
) -> None:
    store = _store(aws)  # the functions' side
    reads = CountedReads(aws)
    progress, out = _progress(reads.store)
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
    settled = progress.notify_batch("notify", [_notify_record("job-1")])
    store.record_attempt("job-1", _attempt(1, 200), DeliveryState.DELIVERED)
    settled(set())
    replay = json.dumps({"job_id": "job-1", "task": "rank_resumes"}).encode()
    progress.api_response("POST", "/api/v1/webhook/rank-resumes", 202, replay)

    lines = out.getvalue().splitlines()
    assert lines[0] == "12:00:01 job-1 rank_resumes accepted"
    assert lines[1] == "12:00:01 job-1 rank_resumes running"
    assert lines[2].startswith("12:00:01 job-1 rank_resumes succeeded (heuristic) in ")
    assert lines[3:] == [
        "12:00:01 job-1 rank_resumes delivered 200 (attempt 1)",
        "12:00:01 job-1 rank_resumes accepted again (same Idempotency-Key, nothing new queued)",
    ]
    assert SECRET_TEXT not in out.getvalue()
    # The lines cost one read of the job record, after the delivery attempt.
    assert reads.count == 1


def test_a_failed_attempt_says_sqs_will_redeliver_and_a_permanent_failure_shows_its_code(
    aws: AwsStack,
) -> None:
    store = _store(aws)
    progress, out = _progress(store)
    store.create(_job("job-2"))

    settled = progress.task_batch("rank_resumes", [_task_record("job-2")])
    # The worker got the message before the gateway's observer saw the 202: still one `accepted`, first.
    progress.api_response(
        "POST",
        "/api/v1/webhook/rank-resumes",
        202,
        json.dumps({"job_id": "job-2", "task": "rank_resumes"}).encode(),
    )
    store.start("job-2")
    settled({"m-job-2"})
    settled = progress.task_batch("rank_resumes", [_task_record("job-2", receive_count=2)])
    store.fail("job-2", ErrorDetail(code="llm_unavailable", message=SECRET_TEXT))
    settled(set())
    settled = progress.notify_batch("notify", [_notify_record("job-2")])
    store.record_attempt("job-2", _attempt(1, 200), DeliveryState.DELIVERED)
    settled(set())

    assert out.getvalue().splitlines() == [
        "12:00:01 job-2 rank_resumes accepted",
        "12:00:01 job-2 rank_resumes running",
        "12:00:01 job-2 rank_resumes attempt 1 failed, SQS will redeliver",
        "12:00:01 job-2 rank_resumes running (attempt 2)",
        "12:00:01 job-2 rank_resumes failed (llm_unavailable)",
        "12:00:01 job-2 rank_resumes delivered 200 (attempt 1)",
    ]
    assert SECRET_TEXT not in out.getvalue()


def test_each_recorded_delivery_attempt_gets_a_line_and_the_outcome_comes_once(aws: AwsStack) -> None:
    store = _store(aws)
    progress, out = _progress(store)
    store.create(_job("job-3", TaskName.GENERATE_TAGS))
    store.start("job-3")
    store.succeed(
        "job-3", {"tags": "python"}, engine="heuristic", model=None, prompt_version=None, usage=None
    )

    settled = progress.notify_batch("notify", [_notify_record("job-3")])
    store.record_attempt("job-3", _attempt(1, 500), DeliveryState.RETRYING)
    settled({"n-job-3-0"})
    settled = progress.notify_batch("notify", [_notify_record("job-3")])
    store.record_attempt("job-3", _attempt(2, 200), DeliveryState.DELIVERED)
    settled(set())
    # A redelivery the client asked for is a new chain: its attempts only.
    settled = progress.notify_batch("notify", [_notify_record("job-3", chain=1)])
    store.record_attempt("job-3", _attempt(1, 410, chain=1), DeliveryState.GONE)
    settled(set())
    # A notify invocation that recorded nothing and kept its message.
    progress.notify_batch("notify", [_notify_record("job-3", chain=1)])({"n-job-3-1"})

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("12:00:01 job-3 generate_tags succeeded (heuristic) in ")
    assert lines[1:] == [
        "12:00:01 job-3 generate_tags delivery failed 500 (attempt 1), retrying",
        "12:00:01 job-3 generate_tags delivered 200 (attempt 2)",
        "12:00:01 job-3 generate_tags delivery refused 410 (attempt 1), receiver is gone: no more attempts",
        "12:00:01 job-3 generate_tags delivery not attempted, SQS will redeliver",
    ]


def test_refused_requests_show_status_and_error_code_only(aws: AwsStack) -> None:
    progress, out = _progress(_store(aws))
    body = json.dumps({"error": {"code": "unauthorized", "message": "Missing or invalid X-Webhook-Token"}})
    progress.api_response("POST", "/api/v1/webhook/generate-tags", 401, body.encode())
    progress.api_response("GET", "/api/v1/health", 200, b'{"status": "ok"}')
    assert out.getvalue() == "12:00:01 POST /api/v1/webhook/generate-tags -> 401 unauthorized\n"


def test_the_outcome_line_shows_what_the_jobs_model_calls_cost(aws: AwsStack) -> None:
    store = _store(aws)
    progress, out = _progress(store)

    def finished(job_id: str, usage: Usage, error: str | None = None) -> None:
        store.create(_job(job_id))
        store.start(job_id)
        if error:
            store.fail(job_id, ErrorDetail(code=error, message=SECRET_TEXT), usage=usage)
        else:
            store.succeed(
                job_id,
                {"results": []},
                engine="openai",
                model="gpt-4o-mini",
                prompt_version=None,
                usage=usage,
            )
        settled = progress.notify_batch("notify", [_notify_record(job_id)])
        store.record_attempt(job_id, _attempt(1, 200), DeliveryState.DELIVERED)
        settled(set())

    tokens = {"prompt_tokens": 12_400, "cached_prompt_tokens": 9_216, "completion_tokens": 910, "calls": 12}
    finished("job-4", Usage(**tokens, cost_usd=0.0012346))
    finished("job-5", Usage(**tokens, cost_usd=None))
    finished(
        "job-6", Usage(prompt_tokens=300, completion_tokens=20, calls=1, cost_usd=0.000057), "bad_output"
    )

    outcomes = [line for line in out.getvalue().splitlines() if "delivered" not in line]
    spent = "; 12 calls, 12,400 prompt tokens (9,216 cached) + 910 completion"
    assert outcomes[0].startswith("12:00:01 job-4 rank_resumes succeeded (openai gpt-4o-mini) in ")
    assert outcomes[0].endswith(f"{spent}, $0.001235")
    assert outcomes[1].endswith(f"{spent}, cost unknown")
    assert outcomes[2] == (
        "12:00:01 job-6 rank_resumes failed (bad_output); 1 call, 300 prompt tokens + 20 completion,"
        " $0.000057"
    )
    assert SECRET_TEXT not in out.getvalue()
