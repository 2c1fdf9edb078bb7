"""The task workers through their Lambda handler modules, against the moto server: the job lifecycle,
partial batch failures, retries decided by error type, the notify hand-off and the claim-check cleanup."""

from __future__ import annotations

import copy
import functools
import importlib
import io
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from ai_interviewer.errors import PermanentError, TransientError, failure_message
from ai_interviewer.local.invoke import sample_sqs_event
from ai_interviewer.models.jobs import Job, JobStatus, TaskMessage
from ai_interviewer.models.payloads import ErrorDetail, LastCause
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName, task_handler
from ai_interviewer.settings import get_settings
from ai_interviewer.wiring import Services, build_services, default_services
from ai_interviewer.worker import processing as worker
from botocore.exceptions import ClientError

from tests.conftest import TEST_TOKEN, AwsStack
from tests.test_tasks import SCRIPTED_USAGE, ScriptedEngine

HOOK = "https://example.com/hook"
NO_FAILURES: dict[str, list[Any]] = {"batchItemFailures": []}


def lambda_handler(task: TaskName) -> Any:
    """The entry point the CDK app and the local stack use."""
    module_name, _, attribute = task_handler(task).rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    assert callable(handler)
    return handler


def load_event(task: TaskName) -> dict[str, Any]:
    """The task's sample SQS event (a task without a file of its own gets one from its spec)."""
    return sample_sqs_event(task.value)


def message_of(event: dict[str, Any], index: int = 0) -> TaskMessage:
    return TaskMessage.model_validate_json(event["Records"][index]["body"])


def with_receive_count(event: dict[str, Any], count: int) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    for record in changed["Records"]:
        record["attributes"]["ApproximateReceiveCount"] = str(count)
    return changed


def sqs_event(records: list[tuple[str, TaskMessage | str]]) -> dict[str, Any]:
    """A hand-made SQS event: (message id, message or raw body) per record."""
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"receipt-{message_id}",
                "body": body if isinstance(body, str) else body.model_dump_json(exclude_none=True),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ai-interviewer-generate-tags",
                "awsRegion": "us-east-1",
            }
            for message_id, body in records
        ]
    }


def create_job(
    services: Services, job_id: str, task: TaskName, metadata: dict[str, str] | None = None
) -> None:
    services.jobs.create(
        Job(
            job_id=job_id,
            task=task,
            webhook_url=HOOK,
            metadata=metadata,
            request_sha256="0" * 64,
            expires_at=int(time.time()) + 86_400,
        )
    )


def job(services: Services, job_id: str) -> Job:
    found = services.jobs.get(job_id)
    assert found is not None
    return found


def services_with(aws: AwsStack, engine: Any = None, **settings: str) -> Services:
    return build_services(aws.settings(**settings), engine=engine)


def drain_notify(aws: AwsStack) -> list[dict[str, Any]]:
    """Every message now on the notify queue (removed, so the next call sees only new ones)."""
    sqs = aws.client("sqs")
    url = aws.settings().notify_queue_url
    bodies: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def poll_once(aws: AwsStack, task: TaskName, services: Services) -> dict[str, Any]:
    """What the Lambda event source does once: receive, invoke, delete what succeeded, and leave the
    failed records to come back (visibility 0 here instead of the queue's timeout)."""
    sqs = aws.client("sqs")
    url = services.settings.task_queue_urls[task]
    received = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    ).get("Messages", [])
    event = {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{url.rsplit('/', 1)[-1]}",
                "awsRegion": "us-east-1",
            }
            for m in received
        ]
    }
    response: dict[str, Any] = dict(worker.process_batch(task, event, services))
    failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
    for m in received:
        if m["MessageId"] in failed:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return {"received": len(received), **response}


@pytest.fixture
def worker_log() -> Iterator[io.StringIO]:
    """The worker's structured log lines, exactly as Powertools formats them."""
    buffer = io.StringIO()
    capture = logging.StreamHandler(buffer)
    capture.setFormatter(worker.logger.registered_formatter)
    target = logging.getLogger(worker.logger.name)
    target.addHandler(capture)
    yield buffer
    target.removeHandler(capture)


# The seed's key sets (webhook-api-v1.2.md §4); ranked results may add `criteria` and `flags` (CONTRACT §2).
SEED_TOP_KEYS = {
    TaskName.RANK_RESUMES: {"results"},
    TaskName.START_INTERVIEW: {"chat_history", "analysis"},
    TaskName.BUILD_VACANCY: {"description"},
    TaskName.ADD_VACANCY_WITH_CANDIDATES: {"message", "vacancy_id"},
    TaskName.GENERATE_TAGS: {"tags"},
}
SEED_RANKED_KEYS = {"filename", "score", "summary", "pros", "cons"}
SEED_ANALYSIS_KEYS = {"scores", "overall_score", "summary", "pros", "cons", "recommendation"}


def assert_seed_shape(task: TaskName, result: dict[str, Any], request: dict[str, Any]) -> None:
    from ai_interviewer.tasks import task_spec  # noqa: PLC0415

    spec = task_spec(task)
    spec.result_model.model_validate(result)
    # A task the seed does not have: the keys of its spec's example result.
    assert set(result) == SEED_TOP_KEYS.get(task, set(spec.result_example))
    if task is TaskName.RANK_RESUMES:
        for ranked in result["results"]:
            extensions = {"criteria", "flags", "judged_by", "review"}
            assert SEED_RANKED_KEYS <= set(ranked) <= SEED_RANKED_KEYS | extensions
            assert isinstance(ranked["score"], int) and all(isinstance(p, str) for p in ranked["pros"])
            assert set(ranked["criteria"]) == set(request["weights"])
        filenames = [r["filename"] for r in result["results"]]
        assert sorted(filenames) == sorted(r["filename"] for r in request["resumes"])
        scores = [r["score"] for r in result["results"]]
        assert scores == sorted(scores, reverse=True)
        flagged = {r["filename"]: r.get("flags", []) for r in result["results"]}
        assert "prompt_injection" in flagged["cv_developer3.pdf"]
    elif task is TaskName.START_INTERVIEW:
        assert set(result["analysis"]) == SEED_ANALYSIS_KEYS | {"review"}
        history = result["chat_history"]
        assert history and all(
            line.startswith("Interviewer: " if i % 2 == 0 else "Candidate: ")
            for i, line in enumerate(history)
        )
        assert round(result["analysis"]["overall_score"], 1) == result["analysis"]["overall_score"]
    elif task is TaskName.BUILD_VACANCY:
        assert result["description"].startswith("# ")
    elif task is TaskName.ADD_VACANCY_WITH_CANDIDATES:
        assert result["message"] == "Вакансия и кандидаты успешно добавлены"
        assert isinstance(result["vacancy_id"], int)
    elif task is TaskName.GENERATE_TAGS:
        tags = [tag.strip() for tag in result["tags"].split(",")]
        assert tags and all(tags) and len({t.casefold() for t in tags}) == len(tags)


@pytest.mark.parametrize("task", list(TaskName), ids=[t.value for t in TaskName])
def test_each_task_runs_end_to_end_and_a_duplicate_delivery_changes_nothing(
    aws: AwsStack, task: TaskName
) -> None:
    services = services_with(aws)  # LLM_ENGINE=heuristic: the real engine, built by the wiring
    event = load_event(task)
    message = message_of(event)
    assert message.task is task and message.request is not None
    create_job(services, message.job_id, task, metadata={"ticket": "42"})

    assert worker.process_batch(task, event, services) == NO_FAILURES

    done = job(services, message.job_id)
    assert done.status is JobStatus.SUCCEEDED and done.error is None and done.notify_enqueued
    assert done.result is not None
    assert_seed_shape(task, done.result, message.request)
    if task is TaskName.ADD_VACANCY_WITH_CANDIDATES:
        assert (done.engine, done.model, done.prompt_version, done.usage) == (None, None, None, None)
    else:
        assert done.engine == "heuristic" and done.prompt_version and done.usage is not None
    assert drain_notify(aws) == [{"job_id": message.job_id, "chain": 0}]

    # The same message again (SQS is at-least-once): no engine call, no new record, no second hand-off.
    refusing = ScriptedEngine(error=RuntimeError("a finished job must not reach the engine"))
    services = services.with_engine(refusing)
    assert worker.process_batch(task, with_receive_count(event, 2), services) == NO_FAILURES
    assert job(services, message.job_id) == done
    assert refusing.calls == [] and drain_notify(aws) == []
    if task is TaskName.ADD_VACANCY_WITH_CANDIDATES:
        assert services.vacancies.get_vacancy(done.result["vacancy_id"] + 1) is None


def test_transient_errors_are_redelivered_until_the_last_receive_fails_the_job(aws: AwsStack) -> None:
    engine = ScriptedEngine(error=TransientError("rate limited"))
    services = services_with(aws, engine)  # task_max_receive_count 5, as the local queues' redrive
    create_job(services, "j-transient", TaskName.GENERATE_TAGS)
    request = {"webhook_url": HOOK, "vacancy_text": "Python, FastAPI"}
    services.queues.send_task(TaskMessage(job_id="j-transient", task=TaskName.GENERATE_TAGS, request=request))

    for receive in range(1, 5):
        polled = poll_once(aws, TaskName.GENERATE_TAGS, services)
        assert polled["received"] == 1 and len(polled["batchItemFailures"]) == 1, receive
        running = job(services, "j-transient")
        assert running.status is JobStatus.RUNNING and running.error is None
        assert drain_notify(aws) == []

    # The fifth receive is the last before the DLQ: the job fails and the client hears about it.
    assert poll_once(aws, TaskName.GENERATE_TAGS, services) == {"received": 1, **NO_FAILURES}
    failed = job(services, "j-transient")
    assert failed.status is JobStatus.FAILED and failed.error is not None
    assert failed.error == ErrorDetail.of(
        "retries_exhausted", LastCause(code="transient_error", error_class="TransientError")
    )
    assert failed.notify_enqueued and drain_notify(aws) == [{"job_id": "j-transient", "chain": 0}]
    assert len(engine.calls) == 5
    assert poll_once(aws, TaskName.GENERATE_TAGS, services)["received"] == 0  # deleted, not dead-lettered


def test_the_receive_limit_is_the_settings_value(aws: AwsStack) -> None:
    services = services_with(aws, ScriptedEngine(error=TransientError("timeout")), TASK_MAX_RECEIVE_COUNT="2")
    event = load_event(TaskName.GENERATE_TAGS)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.GENERATE_TAGS)
    process = functools.partial(worker.process_batch, TaskName.GENERATE_TAGS)
    message_id = event["Records"][0]["messageId"]
    assert process(event, services) == {"batchItemFailures": [{"itemIdentifier": message_id}]}
    assert process(with_receive_count(event, 2), services) == NO_FAILURES
    assert job(services, job_id).error == ErrorDetail(
        code="retries_exhausted",
        message=failure_message("retries_exhausted"),
        last_cause=LastCause(code="transient_error", error_class="TransientError"),
    )


def test_unexpected_errors_are_retried_and_logged_by_type_only(
    aws: AwsStack, worker_log: io.StringIO
) -> None:
    secret = "Иванов Иван, паспорт 4510 123456"
    services = services_with(aws, ScriptedEngine(error=ValueError(f"could not parse: {secret}")))
    event = load_event(TaskName.GENERATE_TAGS)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.GENERATE_TAGS)

    response = worker.process_batch(TaskName.GENERATE_TAGS, event, services)

    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert job(services, job_id).status is JobStatus.RUNNING
    lines = [json.loads(line) for line in worker_log.getvalue().splitlines()]
    retry = next(line for line in lines if line["message"] == "Job attempt failed; SQS will deliver it again")
    assert retry["error_type"] == "ValueError" and retry["correlation_id"] == job_id
    assert secret not in worker_log.getvalue() and "could not parse" not in worker_log.getvalue()
    assert "финтех" not in worker_log.getvalue()  # nor the request text itself


def test_a_permanent_engine_error_fails_the_job_and_still_notifies(aws: AwsStack) -> None:
    services = services_with(
        aws, ScriptedEngine(error=PermanentError("content_refused", "the model refused"))
    )
    event = load_event(TaskName.GENERATE_TAGS)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.GENERATE_TAGS)

    assert worker.process_batch(TaskName.GENERATE_TAGS, event, services) == NO_FAILURES

    failed = job(services, job_id)
    assert failed.status is JobStatus.FAILED and failed.result is None
    # The code as raised; the message is the code's fixed text, never the exception's.
    assert failed.error == ErrorDetail(code="content_refused", message=failure_message("content_refused"))
    assert failed.notify_enqueued and drain_notify(aws) == [{"job_id": job_id, "chain": 0}]


def test_invalid_model_output_is_asked_again_then_fails_the_job_with_the_usage_it_cost(aws: AwsStack) -> None:
    services = services_with(aws, ScriptedEngine(vacancy="no title line"))
    event = load_event(TaskName.BUILD_VACANCY)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.BUILD_VACANCY)

    # Model output varies between calls: while receives remain, the job is retried, not failed.
    retried = worker.process_batch(TaskName.BUILD_VACANCY, event, services)
    assert retried == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert job(services, job_id).status is JobStatus.RUNNING and drain_notify(aws) == []

    last = with_receive_count(event, 5)
    assert worker.process_batch(TaskName.BUILD_VACANCY, last, services) == NO_FAILURES

    failed = job(services, job_id)
    assert failed.status is JobStatus.FAILED and failed.error is not None
    assert failed.error.code == "invalid_model_output" and failed.usage == SCRIPTED_USAGE
    assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]


def test_an_invalid_request_fails_the_job_without_quoting_it(aws: AwsStack) -> None:
    engine = ScriptedEngine()
    services = services_with(aws, engine)
    create_job(services, "j-bad", TaskName.RANK_RESUMES)
    secret = "Петров Петр, телефон +7 900 000-00-00"
    request = {
        "webhook_url": HOOK,
        "vacancy_text": "Python",
        "resumes": [{"filename": "a.pdf", "content": secret, "photo": secret}],
    }
    event = sqs_event([("m-1", TaskMessage(job_id="j-bad", task=TaskName.RANK_RESUMES, request=request))])

    assert worker.process_batch(TaskName.RANK_RESUMES, event, services) == NO_FAILURES

    failed = job(services, "j-bad")
    assert failed.error == ErrorDetail(code="invalid_request", message=failure_message("invalid_request"))
    assert "photo" not in failed.error.model_dump_json()
    assert engine.calls == [] and drain_notify(aws) == [{"job_id": "j-bad", "chain": 0}]


def test_a_message_without_a_request_fails_its_job(aws: AwsStack) -> None:
    services = services_with(aws, ScriptedEngine())
    create_job(services, "j-empty", TaskName.GENERATE_TAGS)
    event = sqs_event([("m-1", TaskMessage(job_id="j-empty", task=TaskName.GENERATE_TAGS))])
    assert worker.process_batch(TaskName.GENERATE_TAGS, event, services) == NO_FAILURES
    assert job(services, "j-empty").error == ErrorDetail.of("invalid_request")
    assert drain_notify(aws) == [{"job_id": "j-empty", "chain": 0}]


def test_unparsable_messages_and_unknown_jobs_are_dropped(aws: AwsStack, worker_log: io.StringIO) -> None:
    engine = ScriptedEngine()
    services = services_with(aws, engine)
    unknown = TaskMessage(job_id="no-such-job", task=TaskName.GENERATE_TAGS, request={"webhook_url": HOOK})
    event = sqs_event([("m-garbage", '{"resume": "Иванов Иван"'), ("m-unknown", unknown)])

    assert worker.process_batch(TaskName.GENERATE_TAGS, event, services) == NO_FAILURES

    assert engine.calls == [] and drain_notify(aws) == []
    lines = [json.loads(line) for line in worker_log.getvalue().splitlines()]
    dropped = next(line for line in lines if line["message"] == "Unparsable task message dropped")
    assert dropped["message_id"] == "m-garbage"
    assert any(line.get("correlation_id") == "no-such-job" for line in lines)
    assert "Иванов" not in worker_log.getvalue()


@pytest.mark.parametrize("hand_off_recorded", [False, True])
def test_a_finished_job_only_gets_a_lost_hand_off_again(aws: AwsStack, hand_off_recorded: bool) -> None:
    engine = ScriptedEngine()
    services = services_with(aws, engine)
    event = load_event(TaskName.GENERATE_TAGS)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.GENERATE_TAGS)
    # A worker that recorded the result and then died before (or after) the hand-off.
    services.jobs.start(job_id)
    services.jobs.succeed(
        job_id, {"tags": "Python"}, engine="scripted", model=None, prompt_version="v1", usage=Usage()
    )
    if hand_off_recorded:
        services.jobs.mark_notify_enqueued(job_id)
    before = job(services, job_id)

    assert worker.process_batch(TaskName.GENERATE_TAGS, with_receive_count(event, 2), services) == NO_FAILURES

    after = job(services, job_id)
    assert engine.calls == [] and after.result == {"tags": "Python"} and after.notify_enqueued
    if hand_off_recorded:
        assert after == before and drain_notify(aws) == []
    else:
        assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]


def test_only_the_failed_records_of_a_batch_are_reported(aws: AwsStack) -> None:
    engine = ScriptedEngine(error=TransientError("503"), raise_when=lambda text: "flaky" in text)
    services = services_with(aws, engine)
    records: list[tuple[str, TaskMessage | str]] = []
    for name in ("ok-1", "flaky", "ok-2"):
        create_job(services, name, TaskName.GENERATE_TAGS)
        request = {"webhook_url": HOOK, "vacancy_text": f"Python {name}"}
        records.append((f"m-{name}", TaskMessage(job_id=name, task=TaskName.GENERATE_TAGS, request=request)))

    response = worker.process_batch(TaskName.GENERATE_TAGS, sqs_event(records), services)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m-flaky"}]}
    assert [job(services, name).status for name in ("ok-1", "flaky", "ok-2")] == [
        JobStatus.SUCCEEDED,
        JobStatus.RUNNING,
        JobStatus.SUCCEEDED,
    ]
    assert sorted(m["job_id"] for m in drain_notify(aws)) == ["ok-1", "ok-2"]


def test_a_fully_failed_batch_is_reported_not_raised(aws: AwsStack) -> None:
    services = services_with(aws, ScriptedEngine(error=TransientError("down")))
    create_job(services, "j-1", TaskName.GENERATE_TAGS)
    request = {"webhook_url": HOOK, "vacancy_text": "Python"}
    event = sqs_event([("m-1", TaskMessage(job_id="j-1", task=TaskName.GENERATE_TAGS, request=request))])
    assert worker.process_batch(TaskName.GENERATE_TAGS, event, services) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}]
    }


def test_a_claim_checked_request_is_kept_while_retrying_and_deleted_once_finished(aws: AwsStack) -> None:
    engine = ScriptedEngine(error=TransientError("429"), tags=["Python", "FastAPI"])
    services = services_with(aws, engine)
    create_job(services, "j-large", TaskName.GENERATE_TAGS)
    request = {
        "webhook_url": HOOK,
        "vacancy_text": "Python FastAPI " * 20_000,
    }  # ~300 KB: over SQS's inline limit
    services.queues.send_task(TaskMessage(job_id="j-large", task=TaskName.GENERATE_TAGS, request=request))
    key = "requests/j-large.json"

    assert len(poll_once(aws, TaskName.GENERATE_TAGS, services)["batchItemFailures"]) == 1
    assert json.loads(services.payloads.get(key)) == request

    engine.error = None
    assert poll_once(aws, TaskName.GENERATE_TAGS, services)["batchItemFailures"] == []
    assert job(services, "j-large").result == {"tags": "Python, FastAPI"}
    assert engine.calls[-1]["method"] == "extract_tags"
    with pytest.raises(ClientError, match="NoSuchKey"):
        services.payloads.get(key)


def test_the_jobs_task_runs_even_when_its_message_is_on_another_queue(aws: AwsStack) -> None:
    services = services_with(aws, ScriptedEngine(tags=["Python"]))
    event = load_event(TaskName.GENERATE_TAGS)
    job_id = message_of(event).job_id
    create_job(services, job_id, TaskName.GENERATE_TAGS)
    assert worker.process_batch(TaskName.RANK_RESUMES, event, services) == NO_FAILURES
    assert job(services, job_id).result == {"tags": "Python"}


@dataclass
class FakeLambdaContext:
    function_name: str = "ai-interviewer-add-vacancy-with-candidates"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:ai-interviewer-add-vacancy-with-candidates"
    )
    aws_request_id: str = "c0ffee00-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def test_the_lambda_entry_point_builds_its_services_from_the_environment(
    aws: AwsStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {**aws.environment, "WEBHOOK_SECRET_TOKEN": TEST_TOKEN}.items():
        monkeypatch.setenv(name, value)
    task = TaskName.ADD_VACANCY_WITH_CANDIDATES  # needs no engine: stores the vacancy in DynamoDB
    event = load_event(task)
    message = message_of(event)
    services = services_with(aws)
    create_job(services, message.job_id, task)
    get_settings.cache_clear()
    default_services.cache_clear()
    try:
        response = lambda_handler(task)(event, FakeLambdaContext())
    finally:
        get_settings.cache_clear()
        default_services.cache_clear()

    assert response == NO_FAILURES
    done = job(services, message.job_id)
    assert done.status is JobStatus.SUCCEEDED and done.result is not None
    stored = services.vacancies.get_vacancy(done.result["vacancy_id"])
    assert stored is not None and [c.filename for c in stored.candidates] == [
        "ivanov_cv.pdf",
        "petrov_cv.docx",
    ]
    # The handler flushes the job outcome metrics as CloudWatch EMF.
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(
        "JobsSucceeded" in entry and entry["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AiInterviewer"
        for entry in emf
    )
