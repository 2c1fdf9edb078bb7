"""The notifier end to end: notify messages received from the emulated SQS queue, fed to the handler's
batch entry point as Lambda would, delivered to real HTTP receivers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ai_interviewer.delivery import notifier as notifier_module
from ai_interviewer.delivery.handler import handle_notify_batch
from ai_interviewer.delivery.notifier import (
    MAX_RETRY_DELAY_SECONDS,
    Notifier,
    NotifyOutcome,
    retry_delay_seconds,
    webhook_id,
)
from ai_interviewer.delivery.signing import verify_standard_webhooks
from ai_interviewer.models.jobs import DeliveryState, Job, NotifyMessage
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings
from ai_interviewer.wiring import Services, build_services

from tests.conftest import TEST_TOKEN, AwsStack
from tests.test_delivery import RawReceiver, Reply, WebhookReceiver, never_answers

EVENTS = Path(__file__).resolve().parent.parent / "events"

RESULT = {
    "results": [
        {
            "filename": "cv_developer1.pdf",
            "score": 85,
            "summary": "Отличный кандидат, полностью соответствует требованиям",
            "pros": ["Опыт с FastAPI", "Знание PostgreSQL"],
            "cons": ["Мало опыта с Docker"],
        }
    ]
}


@dataclass
class NotifierBench:
    """The notify queue, the job store and the notifier over the emulated account."""

    aws: AwsStack
    settings: Settings
    services: Services
    notifier: Notifier

    @property
    def queue_url(self) -> str:
        assert self.settings.notify_queue_url is not None
        return self.settings.notify_queue_url

    def new_job(self, url: str, *, metadata: dict[str, str] | None = None) -> Job:
        job = Job(
            job_id=str(uuid.uuid4()),
            task=TaskName.RANK_RESUMES,
            webhook_url=url,
            metadata=metadata,
            request_sha256="0" * 64,
            expires_at=int(time.time()) + 86_400,
        )
        self.services.jobs.create(job)
        return job

    def finished_job(self, url: str, *, failed: bool = False, metadata: dict[str, str] | None = None) -> Job:
        """A job that ran and finished, with its notify message queued, as a task worker leaves it."""
        jobs = self.services.jobs
        job = self.new_job(url, metadata=metadata)
        jobs.start(job.job_id)
        if failed:
            jobs.fail(job.job_id, ErrorDetail(code="llm_unavailable", message="The model did not answer."))
        else:
            jobs.succeed(
                job.job_id, RESULT, engine="heuristic", model=None, prompt_version="rank-v1", usage=None
            )
        self.services.queues.send_notify(NotifyMessage(job_id=job.job_id))
        return job

    def job(self, job_id: str) -> Job:
        job = self.services.jobs.get(job_id)
        assert job is not None
        return job

    def run_once(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """What Lambda's SQS event source does once: receive a batch, invoke, delete what did not fail."""
        sqs = self.aws.client("sqs")
        messages = sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return [], None
        arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        response: dict[str, Any] = dict(handle_notify_batch(sqs_event(messages, arn), self.notifier))
        failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return messages, response

    def run_queue(self, max_rounds: int = 20) -> list[dict[str, Any]]:
        """Invoke until nothing is visible (a postponed message stays hidden until its delay ends)."""
        responses: list[dict[str, Any]] = []
        for _ in range(max_rounds):
            _, response = self.run_once()
            if response is None:
                return responses
            responses.append(response)
        raise AssertionError(f"the queue did not settle in {max_rounds} rounds")

    def queue_depth(self) -> tuple[int, int]:
        """(visible, hidden) messages on the notify queue."""
        attributes = self.aws.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return (
            int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        )


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1",
            }
            for message in messages
        ]
    }


def make_bench(aws: AwsStack, **env: str) -> NotifierBench:
    settings = aws.settings(
        **{
            "ALLOW_PRIVATE_WEBHOOK_URLS": "true",
            "WEBHOOK_RETRY_SCHEDULE": "0,0,0",
            "WEBHOOK_TIMEOUT_SECONDS": "5",
            **env,
        }
    )
    services = build_services(settings)
    return NotifierBench(aws, settings, services, Notifier.from_services(services))


def seed_verify_signature(request_body_bytes: bytes, signature_header: str | None) -> bool:
    """The seed's §3 receiver snippet, verbatim but for the token."""
    if not signature_header:
        return False

    hash_object = hmac.new(TEST_TOKEN.encode("utf-8"), msg=request_body_bytes, digestmod=hashlib.sha256)
    expected_signature = hash_object.hexdigest()

    return hmac.compare_digest(expected_signature, signature_header)


def test_500_three_times_then_200_is_delivered_once_after_four_recorded_attempts(aws: AwsStack) -> None:
    bench = make_bench(aws)
    with WebhookReceiver([Reply(500), Reply(500), Reply(500), Reply(200)]) as receiver:
        job = bench.finished_job(receiver.url())
        responses = bench.run_queue()

    assert [len(r["batchItemFailures"]) for r in responses] == [1, 1, 1, 0]
    assert len(receiver.requests) == 4
    recorded = bench.job(job.job_id).delivery
    assert recorded.state is DeliveryState.DELIVERED
    assert [(a.attempt, a.chain, a.status_code) for a in recorded.attempts] == [
        (1, 0, 500),
        (2, 0, 500),
        (3, 0, 500),
        (4, 0, 200),
    ]
    assert bench.queue_depth() == (0, 0)

    headers = [r.headers for r in receiver.requests]
    assert {h["webhook-id"] for h in headers} == {webhook_id(job.job_id)}
    assert [h["X-AI-Interviewer-Attempt"] for h in headers] == ["1", "2", "3", "4"]
    assert len({r.body for r in receiver.requests}) == 1  # serialised once, the same bytes every time
    for request in receiver.requests:
        assert seed_verify_signature(request.body, request.headers["X-AI-Interviewer-Signature"])
        assert verify_standard_webhooks(
            request.headers, request.body, TEST_TOKEN.encode(), now=int(time.time())
        )


def test_410_gone_stops_at_once(aws: AwsStack) -> None:
    bench = make_bench(aws)
    with WebhookReceiver([Reply(410)], default=Reply(200)) as receiver:
        job = bench.finished_job(receiver.url())
        responses = bench.run_queue()
    assert len(receiver.requests) == 1
    assert responses == [{"batchItemFailures": []}]
    recorded = bench.job(job.job_id).delivery
    assert recorded.state is DeliveryState.GONE
    assert [a.status_code for a in recorded.attempts] == [410]
    assert bench.queue_depth() == (0, 0)


def test_a_receiver_that_keeps_failing_exhausts_the_schedule(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_RETRY_SCHEDULE="0,0")
    with WebhookReceiver(default=Reply(503)) as receiver:
        job = bench.finished_job(receiver.url())
        bench.run_queue()
    assert len(receiver.requests) == 3  # the first attempt and one per scheduled delay
    recorded = bench.job(job.job_id).delivery
    assert recorded.state is DeliveryState.EXHAUSTED
    assert [a.attempt for a in recorded.attempts] == [1, 2, 3]
    assert bench.queue_depth() == (0, 0)


def test_a_failed_attempt_hides_the_message_for_the_receivers_retry_after(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_RETRY_SCHEDULE="0")
    with WebhookReceiver([Reply(503, headers={"Retry-After": "3600"})]) as receiver:
        job = bench.finished_job(receiver.url())
        responses = bench.run_queue()
    assert len(responses) == 1 and len(responses[0]["batchItemFailures"]) == 1
    assert len(receiver.requests) == 1
    assert bench.job(job.job_id).delivery.state is DeliveryState.RETRYING
    # Still in the queue, hidden: the next attempt waits in SQS, not in a running function.
    assert bench.queue_depth() == (0, 1)


def test_retry_delays_follow_the_schedule_with_jitter_within_bounds() -> None:
    rng = random.Random(5)
    delays = [retry_delay_seconds(300, None, rng) for _ in range(500)]
    assert min(delays) >= 240 and max(delays) <= 360
    assert len(set(delays)) > 50  # jittered, so failing receivers are not retried in lockstep
    assert retry_delay_seconds(0, None, rng) == 0
    assert retry_delay_seconds(5, 900.0, rng) == 900  # never sooner than Retry-After
    assert retry_delay_seconds(5, 10.0 * 86_400, rng) == MAX_RETRY_DELAY_SECONDS  # SQS holds 12 h at most
    assert retry_delay_seconds(36_000, None, rng) <= MAX_RETRY_DELAY_SECONDS


def test_a_timeout_is_recorded_by_its_error_class_and_retried_later(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_TIMEOUT_SECONDS="0.5", WEBHOOK_RETRY_SCHEDULE="600")
    with RawReceiver(never_answers) as receiver:
        job = bench.finished_job(f"http://127.0.0.1:{receiver.port}/hook")
        bench.run_queue()
    attempt = bench.job(job.job_id).delivery.attempts[0]
    assert (attempt.status_code, attempt.error) == (None, "TimeoutError")
    assert bench.job(job.job_id).delivery.state is DeliveryState.RETRYING
    assert bench.queue_depth() == (0, 1)


def test_a_redirect_to_a_private_address_is_a_failed_attempt_and_is_not_followed(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_RETRY_SCHEDULE="600")
    with WebhookReceiver() as internal:
        redirect = Reply(307, headers={"Location": internal.url("/latest/meta-data/")})
        with WebhookReceiver([redirect]) as receiver:
            job = bench.finished_job(receiver.url())
            bench.run_queue()
    assert internal.requests == []
    recorded = bench.job(job.job_id).delivery
    assert [a.status_code for a in recorded.attempts] == [307]
    assert recorded.state is DeliveryState.RETRYING


def test_a_succeeded_job_sends_the_seed_shape_plus_the_envelope_as_utf8_with_non_ascii_kept(
    aws: AwsStack,
) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        job = bench.finished_job(receiver.url(), metadata={"candidate_ref": "42"})
        bench.run_queue()
    request = receiver.requests[0]
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-AI-Interviewer-Job-Id"] == job.job_id
    assert request.headers["X-AI-Interviewer-Task"] == "rank_resumes"
    assert "Отличный кандидат".encode() in request.body  # raw UTF-8, not \u escapes
    assert json.loads(request.body) == {
        **RESULT,
        "job_id": job.job_id,
        "task": "rank_resumes",
        "status": "succeeded",
        "metadata": {"candidate_ref": "42"},
        "engine": "heuristic",
        "prompt_version": "rank-v1",
    }


def test_a_failed_job_sends_the_failure_shape(aws: AwsStack) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        job = bench.finished_job(receiver.url(), failed=True, metadata={"k": "v"})
        bench.run_queue()
    assert json.loads(receiver.requests[0].body) == {
        "job_id": job.job_id,
        "task": "rank_resumes",
        "status": "failed",
        "error": {"code": "llm_unavailable", "message": "The model did not answer."},
        "metadata": {"k": "v"},
    }
    assert bench.job(job.job_id).delivery.state is DeliveryState.DELIVERED


PHP_SEED_CHECK = (
    'exit(hash_equals(hash_hmac("sha256", file_get_contents($argv[1]), $argv[2]), $argv[3]) ? 0 : 1);'
)


def test_the_received_signature_verifies_with_the_seed_python_snippet_and_with_php_hash_hmac(
    aws: AwsStack, tmp_path: Path
) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        bench.finished_job(receiver.url())
        bench.run_queue()
    request = receiver.requests[0]
    signature = request.headers["X-AI-Interviewer-Signature"]
    assert seed_verify_signature(request.body, signature)

    php = shutil.which("php")
    if php is None:
        pytest.skip("php is not installed here (.ci/run installs php-cli)")
    raw_body = tmp_path / "body.json"
    raw_body.write_bytes(request.body)
    check = [php, "-r", PHP_SEED_CHECK, "--", str(raw_body), TEST_TOKEN, signature]
    assert subprocess.run(check, timeout=60, check=False).returncode == 0  # noqa: S603 - fixed argv
    raw_body.write_bytes(request.body.replace(b"85", b"95"))  # one changed digit must fail the check
    assert subprocess.run(check, timeout=60, check=False).returncode == 1  # noqa: S603 - fixed argv


def test_a_stale_chain_message_is_dropped_without_a_request(aws: AwsStack) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        job = bench.finished_job(receiver.url())  # queues chain 0
        assert bench.services.jobs.begin_redelivery(job.job_id) == 1  # chain 1 starts; chain 0 is stale
        outcome = bench.notifier.notify(NotifyMessage(job_id=job.job_id, chain=0), receipt_handle="unused")
    assert outcome is NotifyOutcome.STALE_CHAIN
    assert receiver.requests == []
    assert bench.job(job.job_id).delivery.attempts == []


def test_a_duplicate_after_delivery_is_dropped_and_a_redelivery_starts_a_fresh_chain_with_the_same_id(
    aws: AwsStack,
) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        job = bench.finished_job(receiver.url())
        bench.run_queue()
        bench.services.queues.send_notify(NotifyMessage(job_id=job.job_id, chain=0))  # SQS duplicate
        bench.run_queue()
        assert len(receiver.requests) == 1  # never a second success for the same chain

        chain = bench.services.jobs.begin_redelivery(job.job_id)
        bench.services.queues.send_notify(NotifyMessage(job_id=job.job_id, chain=chain))
        bench.run_queue()
    assert len(receiver.requests) == 2
    first, second = (r.headers for r in receiver.requests)
    assert first["webhook-id"] == second["webhook-id"] == webhook_id(job.job_id)
    assert second["X-AI-Interviewer-Attempt"] == "1"
    recorded = bench.job(job.job_id).delivery
    assert [(a.chain, a.attempt, a.status_code) for a in recorded.attempts] == [(0, 1, 200), (1, 1, 200)]
    assert recorded.state is DeliveryState.DELIVERED


def test_a_url_that_fails_the_delivery_time_check_is_recorded_and_never_contacted(aws: AwsStack) -> None:
    bench = make_bench(aws, ALLOW_PRIVATE_WEBHOOK_URLS="false", WEBHOOK_RETRY_SCHEDULE="600")
    with WebhookReceiver() as receiver:
        job = bench.finished_job(receiver.url())  # accepted earlier under other settings
        bench.run_queue()
    assert receiver.requests == []
    delivery = bench.job(job.job_id).delivery
    # It can never succeed: the chain ends at once with the rule it broke, not a day of retries.
    assert delivery.state is DeliveryState.REFUSED and len(delivery.attempts) == 1
    attempt = delivery.attempts[0]
    assert (attempt.status_code, attempt.error) == (None, "UnsafeUrlError")
    assert attempt.reason == "webhook_url must use https"  # the receiver is plain http on 127.0.0.1
    assert bench.queue_depth() == (0, 0)


def test_a_notify_message_that_comes_before_the_job_finished_is_reported_failed_for_redelivery(
    aws: AwsStack,
) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        job = bench.new_job(receiver.url())  # queued, never finished
        bench.services.queues.send_notify(NotifyMessage(job_id=job.job_id))
        messages, response = bench.run_once()
    assert response == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
    assert receiver.requests == []
    assert bench.job(job.job_id).delivery.attempts == []


def test_the_sample_event_for_an_unknown_job_is_dropped_without_failure(aws: AwsStack) -> None:
    event = json.loads((EVENTS / "sqs" / "notify.json").read_text())
    assert handle_notify_batch(event, make_bench(aws).notifier) == {"batchItemFailures": []}


def test_logs_carry_ids_and_numbers_but_never_the_body_the_url_query_or_the_token(aws: AwsStack) -> None:
    captured: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(record)

    capture = Capture(level=logging.DEBUG)
    std_logger = logging.getLogger(notifier_module.logger.name)
    std_logger.addHandler(capture)
    try:
        bench = make_bench(aws)
        with WebhookReceiver([Reply(500)]) as receiver:
            job = bench.finished_job(receiver.url("/hook?secret=query-secret-value"))
            bench.run_queue()
    finally:
        std_logger.removeHandler(capture)
    text = " ".join(f"{record.getMessage()} {record.__dict__}" for record in captured)
    assert job.job_id in text and "duration_ms" in text and "500" in text
    for secret in ("query-secret-value", TEST_TOKEN, "Отличный", "cv_developer1.pdf"):
        assert secret not in text
