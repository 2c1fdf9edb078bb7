"""Failure causes a user can act on: fixed, documented, text-free messages per failure code; the last
transient error's code and class on the job, in the failure webhook and in a warning log line; and the
job view's `next_attempt_at` while a delivery waits for its retry."""

from __future__ import annotations

import io
import json
import re
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

from ai_interviewer.errors import FAILURE_MESSAGES, FailureCode, failure_message
from ai_interviewer.models.jobs import DeliveryState, Job, JobStatus, TaskMessage, utc_now
from ai_interviewer.resources import TaskName

from tests.conftest import AwsStack
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_api_events import call, load_event, services_for, with_path_parameter
from tests.test_delivery import Reply as HookReply
from tests.test_delivery import WebhookReceiver
from tests.test_notifier import make_bench
from tests.test_webhook_receivers import finished_job
from tests.test_worker import drain_notify, job, poll_once, services_with, worker_log  # noqa: F401

README = Path(__file__).resolve().parent.parent / "README.md"
VACANCY = "Ищем Python-разработчика: FastAPI, PostgreSQL. Секретный проект «Буревестник»."


def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def fail_a_tag_job(aws: AwsStack, base_url: str, webhook_url: str = "https://receiver.example.com/h") -> Job:
    """A generate-tags job on the OpenAI engine, run on its last allowed receive; its failure webhook
    is left queued for the notifier."""
    services = services_with(
        aws,
        LLM_ENGINE="openai",
        OPENAI_BASE_URL=base_url,
        OPENAI_API_KEY="sk-test",
        OPENAI_MAX_RETRIES="0",
        OPENAI_TIMEOUT_SECONDS="5",
        TASK_MAX_RECEIVE_COUNT="1",
    )
    created = Job(
        job_id="j-cause",
        task=TaskName.GENERATE_TAGS,
        webhook_url=webhook_url,
        request_sha256="0" * 64,
        expires_at=int(time.time()) + 86_400,
    )
    services.jobs.create(created)
    request = {"webhook_url": webhook_url, "vacancy_text": VACANCY}
    services.queues.send_task(TaskMessage(job_id="j-cause", task=TaskName.GENERATE_TAGS, request=request))
    assert poll_once(aws, TaskName.GENERATE_TAGS, services)["batchItemFailures"] == []
    return job(services, "j-cause")


def test_an_unreachable_llm_is_named_as_the_last_cause_and_logged_as_a_warning_without_text(
    aws: AwsStack,
    worker_log: io.StringIO,  # noqa: F811 - the fixture imported above
) -> None:
    failed = fail_a_tag_job(aws, closed_port_url())
    assert drain_notify(aws) == [{"job_id": "j-cause", "chain": 0}]
    assert failed.status is JobStatus.FAILED and failed.error is not None
    assert failed.error.code == FailureCode.RETRIES_EXHAUSTED
    assert failed.error.message == FAILURE_MESSAGES[FailureCode.RETRIES_EXHAUSTED]
    assert failed.error.last_cause is not None
    assert failed.error.last_cause.model_dump(exclude_none=True) == {
        "code": "llm_unreachable",
        "error_class": "APIConnectionError",
    }
    lines = [json.loads(line) for line in worker_log.getvalue().splitlines()]
    given_up = next(line for line in lines if line["message"] == "Job failed after its last attempt")
    assert given_up["level"] == "WARNING"
    assert (given_up["error_type"], given_up["cause_code"]) == ("APIConnectionError", "llm_unreachable")
    assert "Буревестник" not in worker_log.getvalue()


def test_an_llm_failing_with_5xx_records_its_class_and_http_status(aws: AwsStack) -> None:
    with FakeOpenAI(replier=lambda _: Reply.error(503)) as fake:
        failed = fail_a_tag_job(aws, fake.base_url)
    assert failed.error is not None and failed.error.last_cause is not None
    assert failed.error.last_cause.model_dump() == {
        "code": "llm_unavailable",
        "error_class": "InternalServerError",
        "http_status": 503,
    }


def test_the_failure_webhook_carries_the_fixed_message_and_the_last_cause(aws: AwsStack) -> None:
    bench = make_bench(aws)
    with WebhookReceiver() as receiver:
        fail_a_tag_job(aws, closed_port_url(), webhook_url=receiver.url())
        bench.run_queue()
    body = json.loads(receiver.requests[0].body)
    assert body["status"] == "failed"
    assert body["error"] == {
        "code": "retries_exhausted",
        "message": failure_message("retries_exhausted"),
        "last_cause": {"code": "llm_unreachable", "error_class": "APIConnectionError"},
    }


def test_every_failure_message_is_fixed_text_and_every_code_is_in_the_readme_table() -> None:
    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("### Failure codes") :]
    for code in FailureCode:
        message = failure_message(code)
        assert message and "{" not in message and message.endswith(".")
        assert re.search(rf"^\| `{code.value}` \|", table, re.MULTILINE), code


def test_the_job_view_shows_when_the_next_delivery_attempt_is_due(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_RETRY_SCHEDULE="600,600")
    services = services_for(aws)
    with WebhookReceiver([HookReply(500)]) as receiver:
        done = finished_job(bench, receiver.url())
        before = utc_now()
        bench.run_once()
    view = call(services, with_path_parameter(load_event("get-job"), "job_id", done.job_id)).json
    delivery = view["delivery"]
    assert delivery["state"] == DeliveryState.RETRYING
    due = datetime.fromisoformat(delivery["next_attempt_at"])
    # 600 s with up to 20 % jitter either way.
    assert before + timedelta(seconds=479) <= due <= utc_now() + timedelta(seconds=721)
    assert delivery["attempts"][-1]["status_code"] == 500
