"""The api function against the emulated account (moto server): job records, task messages on the right
queue, the claim-check, Idempotency-Key, and the job, redelivery, vacancy, health and OpenAPI routes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from ai_interviewer.models.jobs import DeliveryAttempt, DeliveryState, NotifyMessage, TaskMessage
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName
from ai_interviewer.stores.queues.base import load_request
from ai_interviewer.stores.vacancies.dynamodb import DynamoDbVacancyStore
from ai_interviewer.wiring import Services

from tests.conftest import TEST_TOKEN, AwsStack
from tests.test_api_events import (
    TASK_EVENTS,
    Answer,
    call,
    event_body,
    job_items,
    load_event,
    queue_depth,
    services_for,
    with_body,
    with_headers,
    with_path_parameter,
)

JOB_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def _receive_all(aws: AwsStack, queue_url: str) -> list[dict[str, Any]]:
    sqs = aws.client("sqs")
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not batch:
            return messages
        messages.extend(batch)


def _task_messages(aws: AwsStack, task: TaskName) -> list[TaskMessage]:
    queue_url = aws.settings().task_queue_urls[task]
    return [TaskMessage.model_validate_json(m["Body"]) for m in _receive_all(aws, queue_url)]


def _job_item(aws: AwsStack, job_id: str) -> dict[str, Any]:
    item: dict[str, Any] = aws.client("dynamodb").get_item(
        TableName=aws.settings().jobs_table_name, Key={"pk": {"S": f"job#{job_id}"}}
    )["Item"]
    return item


def _canonical_sha256(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _accepted(answer: Answer, task: TaskName) -> str:
    assert answer.status == 202, answer.text
    body = answer.json
    job_id: str = body["job_id"]
    assert body == {"message": "Task accepted", "job_id": job_id, "task": task.value, "status": "queued"}
    assert answer.headers["Location"] == f"/prod/api/v1/jobs/{job_id}"  # the events come via the stage
    assert answer.headers["Content-Type"] == "application/json"
    return job_id


@pytest.mark.parametrize("task", list(TaskName))
def test_accepted_request_stores_a_queued_job_and_queues_it_on_its_own_queue(
    aws: AwsStack, task: TaskName
) -> None:
    event = load_event(TASK_EVENTS[task])
    job_id = _accepted(call(services_for(aws), event), task)
    assert re.match(JOB_ID_PATTERN, job_id)

    messages = _task_messages(aws, task)
    assert len(messages) == 1
    message = messages[0]
    assert (message.job_id, message.task, message.request_s3_key) == (job_id, task, None)
    assert message.request is not None
    assert message.request == json.loads(event["body"])
    for other in TaskName:
        if other is not task:
            assert queue_depth(aws, aws.settings().task_queue_urls[other]) == 0

    item = _job_item(aws, job_id)
    assert item["status"] == {"S": "queued"}
    assert item["task"] == {"S": task.value}
    assert item["request_sha256"] == {"S": _canonical_sha256(message.request)}
    created_at = datetime.fromisoformat(item["created_at"]["S"])
    assert item["updated_at"] == item["created_at"]
    assert int(item["expires_at"]["N"]) == int((created_at + timedelta(days=7)).timestamp())
    # The job record never keeps the request's texts.
    for text in _texts(json.loads(event["body"])):
        assert text not in json.dumps(item, ensure_ascii=False)
    assert len(job_items(aws)) == 1


def _texts(body: dict[str, Any]) -> list[str]:
    texts = [
        body[key] for key in ("vacancy_text", "resume_text", "base_text", "vacancy_content") if key in body
    ]
    return texts + [resume["content"] for resume in body.get("resumes", [])]


def test_job_lifetime_follows_the_ttl_setting_and_metadata_is_kept(aws: AwsStack) -> None:
    job_id = _accepted(
        call(services_for(aws, JOB_TTL_DAYS="2"), load_event("rank-resumes")), TaskName.RANK_RESUMES
    )
    item = _job_item(aws, job_id)
    created_at = datetime.fromisoformat(item["created_at"]["S"])
    assert int(item["expires_at"]["N"]) == int((created_at + timedelta(days=2)).timestamp())
    assert json.loads(item["metadata"]["S"]) == {"ticket": "HR-42"}
    assert item["webhook_url"] == {"S": "https://receiver.example.com/ai-interviewer/webhook"}


def test_a_3_mb_request_round_trips_through_the_claim_check(aws: AwsStack) -> None:
    resumes = [
        {"filename": f"cv_{i:02d}.txt", "content": f"Резюме {i}: " + "Python FastAPI PostgreSQL " * 6000}
        for i in range(20)
    ]
    body = event_body("rank-resumes") | {"resumes": resumes}
    event = with_body(load_event("rank-resumes"), body)
    assert len(event["body"].encode()) > 3_000_000
    services = services_for(aws)
    job_id = _accepted(call(services, event), TaskName.RANK_RESUMES)

    messages = _task_messages(aws, TaskName.RANK_RESUMES)
    assert len(messages) == 1
    assert messages[0].request is None
    assert messages[0].request_s3_key is not None
    assert load_request(messages[0], services.payloads) == body
    listing = aws.client("s3").list_objects_v2(Bucket=aws.settings().payload_bucket_name)
    assert [obj["Key"] for obj in listing["Contents"]] == [messages[0].request_s3_key]
    assert _job_item(aws, job_id)["status"] == {"S": "queued"}


def test_idempotency_key_replay_returns_the_first_202_and_queues_nothing_new(aws: AwsStack) -> None:
    services = services_for(aws)
    event = with_headers(load_event("generate-tags"), Idempotency_Key="order-7781")
    first = call(services, event)
    job_id = _accepted(first, TaskName.GENERATE_TAGS)
    assert "Idempotent-Replayed" not in first.headers

    # Same body with its keys in another order and another header case: still the same request.
    reordered = dict(reversed(list(event_body("generate-tags").items())))
    again = with_headers(with_body(event, reordered), Idempotency_Key=None, idempotency_key="order-7781")
    replay = call(services, again)
    assert _accepted(replay, TaskName.GENERATE_TAGS) == job_id
    assert replay.text == first.text
    assert replay.headers["Idempotent-Replayed"] == "true"

    assert len(_task_messages(aws, TaskName.GENERATE_TAGS)) == 1
    assert len([item for item in job_items(aws) if item["pk"]["S"].startswith("job#")]) == 1


def test_idempotency_key_with_a_different_body_is_409(aws: AwsStack) -> None:
    services = services_for(aws)
    event = with_headers(load_event("generate-tags"), Idempotency_Key="order-7782")
    job_id = _accepted(call(services, event), TaskName.GENERATE_TAGS)
    changed = event_body("generate-tags") | {"vacancy_text": "Ищем Go-разработчика."}
    conflict = call(services, with_body(event, changed))
    assert conflict.status == 409
    assert conflict.json["error"]["code"] == "idempotency_conflict"
    assert "Go-разработчика" not in conflict.text

    # The same key on another route is another body, so also a conflict.
    other_route = with_headers(load_event("build-vacancy"), Idempotency_Key="order-7782")
    assert call(services, other_route).status == 409

    assert [m.job_id for m in _task_messages(aws, TaskName.GENERATE_TAGS)] == [job_id]
    assert queue_depth(aws, aws.settings().task_queue_urls[TaskName.BUILD_VACANCY]) == 0
    assert len([item for item in job_items(aws) if item["pk"]["S"].startswith("job#")]) == 1


def test_requests_without_a_key_are_never_deduplicated(aws: AwsStack) -> None:
    services = services_for(aws)
    first = _accepted(call(services, load_event("generate-tags")), TaskName.GENERATE_TAGS)
    second = _accepted(call(services, load_event("generate-tags")), TaskName.GENERATE_TAGS)
    assert first != second
    assert len(_task_messages(aws, TaskName.GENERATE_TAGS)) == 2


def test_queue_failure_answers_503_and_records_the_job_as_failed(aws: AwsStack) -> None:
    missing_queue = f"{aws.endpoint}/123456789012/no-such-queue"
    services = services_for(aws, TASK_QUEUE_URL_GENERATE_TAGS=missing_queue)
    event = with_headers(load_event("generate-tags"), Idempotency_Key="order-9")
    answer = call(services, event)
    assert answer.status == 503
    assert answer.json["error"]["code"] == "queue_unavailable"

    [job] = [item for item in job_items(aws) if item["pk"]["S"].startswith("job#")]
    assert job["status"] == {"S": "failed"}
    assert json.loads(job["error"]["S"])["code"] == "queue_unavailable"
    # A replay of that request is not a 202 for a job that will never run.
    assert call(services, event).status == 503


def test_a_job_store_that_does_not_answer_is_a_json_503_and_nothing_is_queued(aws: AwsStack) -> None:
    services = services_for(aws, JOBS_TABLE_NAME="no-such-table")
    answer = call(services, load_event("generate-tags"))
    assert answer.status == 503
    assert answer.json == {
        "error": {"code": "service_unavailable", "message": "the service is unavailable; try again later"}
    }
    assert _task_messages(aws, TaskName.GENERATE_TAGS) == []
    assert call(services, load_event("get-job")).status == 503


def _get_job(services: Services, job_id: str) -> Answer:
    return call(services, with_path_parameter(load_event("get-job"), "job_id", job_id))


def test_job_route_shows_a_queued_job_without_its_request_or_webhook_url(aws: AwsStack) -> None:
    services = services_for(aws)
    accept_event = load_event("rank-resumes")
    job_id = _accepted(call(services, accept_event), TaskName.RANK_RESUMES)
    answer = _get_job(services, job_id)
    assert answer.status == 200
    view = answer.json
    assert view["job_id"] == job_id
    assert (view["task"], view["status"]) == ("rank_resumes", "queued")
    assert view["created_at"] and view["updated_at"]
    assert view["started_at"] is None and view["finished_at"] is None
    assert view["result"] is None and view["error"] is None
    assert view["delivery"] == {
        "state": "pending",
        "attempts": [],
        "last_status_code": None,
        "next_attempt_at": None,
    }
    assert view["metadata"] == {"ticket": "HR-42"}
    for hidden in ["webhook_url", "request", "request_sha256", "request_s3_key", "expires_at"]:
        assert hidden not in view
    for text in [*_texts(json.loads(accept_event["body"])), "receiver.example.com", TEST_TOKEN]:
        assert text not in answer.text


def test_job_route_shows_the_result_usage_and_delivery_attempts(aws: AwsStack) -> None:
    services = services_for(aws)
    job_id = _accepted(call(services, load_event("generate-tags")), TaskName.GENERATE_TAGS)
    assert services.jobs.start(job_id) is not None
    usage = Usage(prompt_tokens=120, completion_tokens=30, calls=1)
    assert services.jobs.succeed(
        job_id,
        {"tags": "Python, FastAPI"},
        engine="openai",
        model="gpt-4o-mini",
        prompt_version="tags-v1",
        usage=usage,
    )
    attempt = DeliveryAttempt(attempt=1, at=datetime.now().astimezone(), duration_ms=35, status_code=500)
    services.jobs.record_attempt(job_id, attempt, DeliveryState.RETRYING)

    view = _get_job(services, job_id).json
    assert view["status"] == "succeeded"
    assert view["result"] == {"tags": "Python, FastAPI"}
    assert (view["engine"], view["model"], view["prompt_version"]) == ("openai", "gpt-4o-mini", "tags-v1")
    assert view["usage"] == usage.model_dump()
    assert view["started_at"] and view["finished_at"]
    assert view["delivery"]["state"] == "retrying"
    assert view["delivery"]["last_status_code"] == 500
    assert [a["status_code"] for a in view["delivery"]["attempts"]] == [500]


def test_job_route_shows_the_error_of_a_failed_job(aws: AwsStack) -> None:
    services = services_for(aws)
    job_id = _accepted(call(services, load_event("start-interview")), TaskName.START_INTERVIEW)
    assert services.jobs.fail(job_id, ErrorDetail(code="llm_unavailable", message="the model did not answer"))
    view = _get_job(services, job_id).json
    assert view["status"] == "failed"
    assert view["error"] == {
        "code": "llm_unavailable",
        "message": "the model did not answer",
        "last_cause": None,
    }
    assert view["result"] is None


@pytest.mark.parametrize("job_id", ["5f0c4d6e-8a51-4c1e-9b57-2f4f0b9c1a11", "not-a-job-id", "x" * 3000])
def test_unknown_job_is_a_404_json_error(aws: AwsStack, job_id: str) -> None:
    answer = _get_job(services_for(aws), job_id)
    assert answer.status == 404
    assert answer.json["error"]["code"] == "job_not_found"


def _redeliver(services: Services, job_id: str) -> Answer:
    return call(services, with_path_parameter(load_event("redeliver-job"), "job_id", job_id))


def test_redeliver_queues_a_new_notify_chain_for_a_finished_job(aws: AwsStack) -> None:
    services = services_for(aws)
    job_id = _accepted(call(services, load_event("generate-tags")), TaskName.GENERATE_TAGS)
    services.jobs.start(job_id)
    services.jobs.succeed(
        job_id, {"tags": "Python"}, engine="heuristic", model=None, prompt_version=None, usage=None
    )

    first = _redeliver(services, job_id)
    assert first.status == 202
    assert first.json == {"job_id": job_id, "status": "redelivery_queued", "chain": 1}
    assert first.headers["Location"] == f"/prod/api/v1/jobs/{job_id}"
    assert _redeliver(services, job_id).json["chain"] == 2

    notify_url = aws.settings().notify_queue_url
    assert notify_url is not None
    messages = [NotifyMessage.model_validate_json(m["Body"]) for m in _receive_all(aws, notify_url)]
    assert sorted(m.chain for m in messages) == [1, 2]
    assert {m.job_id for m in messages} == {job_id}
    assert _get_job(services, job_id).json["delivery"]["state"] == "pending"


def test_redeliver_of_an_unfinished_job_is_409_and_queues_nothing(aws: AwsStack) -> None:
    services = services_for(aws)
    job_id = _accepted(call(services, load_event("generate-tags")), TaskName.GENERATE_TAGS)
    answer = _redeliver(services, job_id)
    assert answer.status == 409
    assert answer.json["error"]["code"] == "job_not_finished"
    notify_url = aws.settings().notify_queue_url
    assert notify_url is not None
    assert queue_depth(aws, notify_url) == 0
    assert _job_item(aws, job_id)["redelivery_chain"] == {"N": "0"}


def test_redeliver_of_an_unknown_job_is_404(aws: AwsStack) -> None:
    answer = _redeliver(services_for(aws), "5f0c4d6e-8a51-4c1e-9b57-2f4f0b9c1a11")
    assert answer.status == 404
    assert answer.json["error"]["code"] == "job_not_found"


def _services_with_vacancies(aws: AwsStack) -> Services:
    services = services_for(aws)
    vacancies = DynamoDbVacancyStore(aws.client("dynamodb"), services.settings.vacancies_table_name)
    return dataclasses.replace(services, vacancies_factory=lambda: vacancies)


def _get_vacancy(services: Services, vacancy_id: str) -> Answer:
    return call(services, with_path_parameter(load_event("get-vacancy"), "vacancy_id", vacancy_id))


def test_vacancy_route_returns_the_stored_vacancy_with_its_candidates(aws: AwsStack) -> None:
    services = _services_with_vacancies(aws)
    candidates = [ResumeIn(filename="ivanov_cv.pdf", content="Иванов Иван, 5 лет Python")]
    vacancy_id = services.vacancies.add_vacancy(
        "job-42", "backend.txt", "Ищем Backend-разработчика", candidates
    )
    answer = _get_vacancy(services, str(vacancy_id))
    assert answer.status == 200
    vacancy = answer.json
    assert vacancy["vacancy_id"] == vacancy_id
    assert (vacancy["filename"], vacancy["content"], vacancy["job_id"]) == (
        "backend.txt",
        "Ищем Backend-разработчика",
        "job-42",
    )
    assert vacancy["candidates"] == [
        {"candidate_id": 1, "filename": "ivanov_cv.pdf", "content": "Иванов Иван, 5 лет Python"}
    ]


def test_unknown_vacancy_is_404(aws: AwsStack) -> None:
    answer = _get_vacancy(_services_with_vacancies(aws), "999")
    assert answer.status == 404
    assert answer.json["error"]["code"] == "vacancy_not_found"


@pytest.mark.parametrize("vacancy_id", ["abc", "1.5", "-1", "1e3", "9" * 19])
def test_vacancy_id_that_is_not_an_integer_is_422(aws: AwsStack, vacancy_id: str) -> None:
    answer = _get_vacancy(_services_with_vacancies(aws), vacancy_id)
    assert answer.status == 422
    assert [d["loc"] for d in answer.json["error"]["details"]] == [["path", "vacancy_id"]]


def test_health_answers_ok(aws: AwsStack) -> None:
    answer = call(services_for(aws), load_event("health"))
    assert (answer.status, answer.json) == (200, {"status": "ok"})


def test_openapi_document_describes_every_route_the_five_bodies_and_the_202(aws: AwsStack) -> None:
    answer = call(services_for(aws), load_event("openapi"))
    assert answer.status == 200
    document = answer.json
    assert document["openapi"].startswith("3.1")
    assert document["info"]["version"] == "1.2.0"
    paths = document["paths"]
    schemas = document["components"]["schemas"]
    for task in TaskName:
        operation = paths[f"/api/v1/webhook/{task.route}"]["post"]
        body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert operation["requestBody"]["required"] is True
        assert set(schemas[body_ref.rsplit("/", 1)[1]]["required"]) >= {"webhook_url"}
        accepted = operation["responses"]["202"]
        assert (
            accepted["content"]["application/json"]["schema"]["$ref"]
            == "#/components/schemas/AcceptedResponse"
        )
        assert "Location" in accepted["headers"]
        assert {"400", "401", "409", "413", "422", "503"} <= set(operation["responses"])
        assert operation["security"] == [{"webhookToken": []}]
    # The vacancy is vacancy_text or vacancy_file (a document), exactly one: neither alone is required.
    assert set(schemas["RankResumesRequest"]["required"]) == {"webhook_url", "resumes"}
    assert {"vacancy_text", "vacancy_file"} <= set(schemas["RankResumesRequest"]["properties"])
    assert set(schemas["AcceptedResponse"]["properties"]) == {"message", "job_id", "task", "status"}
    assert set(paths) >= {
        "/api/v1/jobs/{job_id}",
        "/api/v1/jobs/{job_id}/redeliver",
        "/api/v1/vacancies/{vacancy_id}",
        "/api/v1/health",
        "/api/v1/openapi.json",
    }
    assert "security" not in paths["/api/v1/health"]["get"]
    assert document["components"]["securitySchemes"]["webhookToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Webhook-Token",
    }
    assert "HTTPValidationError" not in schemas
