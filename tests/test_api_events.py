"""The sample API Gateway events in events/api/ (one per route), and the helpers the api tests share."""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ai_interviewer.api.app import build_resolver
from ai_interviewer.local.invoke import sample_api_event
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings
from ai_interviewer.stores.jobs.dynamodb import DynamoDbJobStore
from ai_interviewer.stores.payloads.s3 import S3PayloadStore
from ai_interviewer.stores.queues.sqs import SqsQueues
from ai_interviewer.wiring import Services, build_engine, build_vacancy_store
from aws_lambda_powertools.utilities.typing import LambdaContext

from tests.conftest import TEST_TOKEN, AwsStack

EVENTS_DIR = Path(__file__).resolve().parent.parent / "events" / "api"
TASK_EVENTS = {task: task.route for task in TaskName}  # events/api/<route>.json
PROTECTED_EVENTS = [*TASK_EVENTS.values(), "get-job", "get-job-audit", "redeliver-job", "get-vacancy"]
OPEN_EVENTS = ["health", "openapi"]
TOKEN_HEADER = "X-Webhook-Token"


def load_event(name: str) -> dict[str, Any]:
    """The route's sample event (a task without a file of its own gets one from its spec)."""
    return sample_api_event(name)


def event_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(load_event(name)["body"])
    return body


def with_body(event: dict[str, Any], body: Any) -> dict[str, Any]:
    """The event with another body: a str is sent as is, anything else as JSON."""
    changed = copy.deepcopy(event)
    changed["body"] = body if isinstance(body, str) or body is None else json.dumps(body, ensure_ascii=False)
    return changed


def with_headers(event: dict[str, Any], **headers: str | None) -> dict[str, Any]:
    """The event with headers set (or removed, for None); names use `_` for `-`."""
    changed = copy.deepcopy(event)
    for raw_name, value in headers.items():
        name = raw_name.replace("_", "-")
        for table in ("headers", "multiValueHeaders"):
            for existing in [key for key in changed[table] if key.lower() == name.lower()]:
                del changed[table][existing]
            if value is not None:
                changed[table][name] = value if table == "headers" else [value]
    return changed


def with_path_parameter(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    old_value = changed["pathParameters"][name]
    segments = [value if segment == old_value else segment for segment in changed["path"].split("/")]
    changed["path"] = "/".join(segments)
    changed["requestContext"]["path"] = "/prod" + changed["path"]
    changed["pathParameters"][name] = value
    return changed


@dataclass
class LambdaContextStub:
    function_name: str = "ai-interviewer-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:ai-interviewer-api"
    aws_request_id: str = "4b7a1f0e-0000-4000-8000-000000000001"


def lambda_context() -> LambdaContext:
    return cast(LambdaContext, LambdaContextStub())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


def answer_of(raw: dict[str, Any]) -> Answer:
    headers = {name: values[-1] for name, values in (raw.get("multiValueHeaders") or {}).items()}
    headers.update(raw.get("headers") or {})
    return Answer(status=raw["statusCode"], headers=headers, text=raw["body"])


def call(services: Services, event: dict[str, Any]) -> Answer:
    return answer_of(build_resolver(services).resolve(event, lambda_context()))


def services_for(aws: AwsStack, **env: str) -> Services:
    """The real adapters on the moto server, with the test's settings."""
    return services_with(aws, aws.settings(**env))


def services_with(aws: AwsStack, settings: Settings) -> Services:
    payloads = S3PayloadStore(aws.client("s3"), settings.payload_bucket_name)
    return Services(
        settings=settings,
        jobs=DynamoDbJobStore(aws.client("dynamodb"), settings.jobs_table_name, payloads),
        queues=SqsQueues(aws.client("sqs"), settings.task_queue_urls, settings.notify_queue_url, payloads),
        payloads=payloads,
        engine_factory=functools.partial(build_engine, settings),
        vacancies_factory=functools.partial(build_vacancy_store, settings),
    )


def queue_depth(aws: AwsStack, queue_url: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def job_items(aws: AwsStack) -> list[dict[str, Any]]:
    settings = aws.settings()
    items: list[dict[str, Any]] = aws.client("dynamodb").scan(TableName=settings.jobs_table_name)["Items"]
    return items


def assert_nothing_stored(aws: AwsStack) -> None:
    """No job, no idempotency key, no message on any queue, no claim-checked payload."""
    settings = aws.settings()
    assert job_items(aws) == []
    queue_urls = [*settings.task_queue_urls.values(), settings.notify_queue_url]
    assert {url: queue_depth(aws, url) for url in queue_urls if url} == dict.fromkeys(
        [url for url in queue_urls if url], 0
    )
    listing = aws.client("s3").list_objects_v2(Bucket=settings.payload_bucket_name)
    assert listing.get("KeyCount", 0) == 0


def test_every_route_has_a_sample_event_and_every_event_names_a_route() -> None:
    # A task without a file of its own has one made from its spec (`sample_api_event`).
    names = {path.stem for path in EVENTS_DIR.glob("*.json")} | set(TASK_EVENTS.values())
    assert names == set(PROTECTED_EVENTS) | set(OPEN_EVENTS)
    # The routes as the generated OpenAPI document lists them, (method, resource template).
    settings = Settings()
    resolver = build_resolver(
        Services(
            settings=settings,
            jobs=None,  # type: ignore[arg-type]  # the document needs no store
            queues=None,  # type: ignore[arg-type]
            payloads=None,  # type: ignore[arg-type]
            engine_factory=functools.partial(build_engine, settings),
            vacancies_factory=functools.partial(build_vacancy_store, settings),
        )
    )
    document = json.loads(resolver.resolve(load_event("openapi"), lambda_context())["body"])
    routes = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    events = {(load_event(name)["httpMethod"], load_event(name)["resource"]) for name in names}
    assert events == routes


def test_sample_events_carry_the_test_token_only_on_protected_routes() -> None:
    for name in PROTECTED_EVENTS:
        assert load_event(name)["headers"][TOKEN_HEADER] == TEST_TOKEN
    for name in OPEN_EVENTS:
        assert TOKEN_HEADER not in load_event(name)["headers"]


def test_sample_task_events_are_valid_requests_for_their_route() -> None:
    from ai_interviewer.tasks import task_spec  # noqa: PLC0415

    for task, name in TASK_EVENTS.items():
        event = load_event(name)
        assert event["path"] == f"/api/v1/webhook/{task.route}"
        task_spec(task).parse(json.loads(event["body"]))
