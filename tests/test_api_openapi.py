"""The OpenAPI document as the whole contract, checked by openapi-spec-validator and against what the
service really accepts and really delivers; and its Swagger UI page, self-contained."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from ai_interviewer.models.jobs import TokenSlot
from ai_interviewer.models.requests import GenerateTagsRequest
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import all_specs, task_spec
from ai_interviewer.tasks.generate_tags import generate_tags
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.conftest import AwsStack
from tests.test_api_events import call, load_event, services_for, with_body, with_headers
from tests.test_notifier import make_bench
from tests.test_webhook_receivers import deliver

TASK_EVENTS = {task: task.route for task in TaskName}


def document(aws: AwsStack, **env: str) -> dict[str, Any]:
    answer = call(services_for(aws, **env), load_event("openapi"))
    assert answer.status == 200
    found: dict[str, Any] = answer.json
    return found


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A JSON Schema validator for `schema`, its `$ref`s resolved inside the document."""
    return Draft202012Validator({**schema, "components": doc["components"]})


def request_schema(doc: dict[str, Any], task: TaskName) -> dict[str, Any]:
    body = doc["paths"][f"/api/v1/webhook/{task.route}"]["post"]["requestBody"]
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


def webhook_schema(doc: dict[str, Any], task: TaskName) -> dict[str, Any]:
    body = doc["webhooks"][task.route]["post"]["requestBody"]
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


@pytest.mark.parametrize(
    "env", [{}, {"TAGS_FORMAT": "list", "ALLOW_PRIVATE_WEBHOOK_URLS": "true", "MAX_RESUMES": "7"}]
)
def test_the_document_is_valid_openapi_3_1(aws: AwsStack, env: dict[str, str]) -> None:
    validate(document(aws, **env))


def test_every_task_route_documents_the_idempotency_key_and_the_seed_example(aws: AwsStack) -> None:
    doc = document(aws)
    for task in TaskName:
        operation = doc["paths"][f"/api/v1/webhook/{task.route}"]["post"]
        (key,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header" and key["required"] is False
        assert key["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
        example = operation["requestBody"]["content"]["application/json"]["examples"]["seed"]["value"]
        validator(doc, request_schema(doc, task)).validate(example)


def test_each_seed_example_is_accepted_by_the_api(aws: AwsStack) -> None:
    services = services_for(aws)
    for task, body in ((spec.name, spec.request_example) for spec in all_specs()):
        answer = call(services, with_body(load_event(TASK_EVENTS[task]), body))
        assert answer.status == 202, (task, answer.json)


def test_the_request_rules_the_api_enforces_are_in_the_schema(aws: AwsStack) -> None:
    limits = {"MAX_RESUMES": "7", "MAX_TEXT_CHARS": "1000"}
    services = services_for(aws, **limits)
    doc = document(aws, **limits)
    rank = validator(doc, request_schema(doc, TaskName.RANK_RESUMES))
    seed = task_spec(TaskName.RANK_RESUMES).request_example
    assert rank.is_valid(seed)

    def changed(**fields: Any) -> dict[str, Any]:
        return {**copy.deepcopy(seed), **fields}

    refused = [
        changed(weights={"technical_skills": -1}),
        changed(weights={"technical_skills": 0, "experience": 0}),
        changed(weights={"Technical Skills": 5}),
        changed(weights={"technical_skills": "5"}),
        changed(weights={}),
        changed(webhook_url="http://receiver.example.com/hook"),
        changed(webhook_url="https://127.0.0.1/hook"),
        changed(webhook_url="https://[::1]/hook"),
        changed(webhook_url="https://localhost/hook"),
        changed(webhook_url="https://user:pass@receiver.example.com/hook"),
        changed(webhook_url="https://receiver.example.com:99999/hook"),
        changed(vacancy_text="   "),
        changed(vacancy_text="x" * 1001),
        changed(resumes=[{"filename": f"{i}.pdf", "content": "text"} for i in range(8)]),
        changed(resumes=[{"filename": "a.pdf", "content": "text\x00"}]),
        changed(metadata={str(i): "v" for i in range(21)}),
        changed(surprise="field"),
    ]
    for body in refused:
        assert not rank.is_valid(body), body
        # ... and the api refuses each of them too: the document does not promise more than it keeps.
        answer = call(
            services,
            with_body(load_event("rank-resumes"), body),
        )
        assert answer.status == 422, body
    assert rank.is_valid(changed(weights={"technical_skills": 0, "experience": 2.5}))


def test_webhooks_document_every_task_payload_the_failure_payload_and_the_headers(aws: AwsStack) -> None:
    doc = document(aws)
    assert set(doc["webhooks"]) == {task.route for task in TaskName}
    for task in TaskName:
        operation = doc["webhooks"][task.route]["post"]
        headers = {p["name"]: p for p in operation["parameters"]}
        assert set(headers) == {
            "X-AI-Interviewer-Signature",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "X-AI-Interviewer-Job-Id",
            "X-AI-Interviewer-Task",
            "X-AI-Interviewer-Attempt",
        }
        assert all(p["in"] == "header" and p["required"] for p in headers.values())
        assert headers["X-AI-Interviewer-Task"]["schema"]["enum"] == [task.value]
        schema = webhook_schema(doc, task)
        assert [branch["$ref"].rsplit("/", 1)[1] for branch in schema["oneOf"]][1] == "FailedWebhook"
        examples = operation["requestBody"]["content"]["application/json"]["examples"]
        for example in examples.values():
            validator(doc, schema).validate(example["value"])


@pytest.mark.parametrize("tags_format", ["string", "list"])
def test_real_deliveries_conform_to_the_documented_payload_and_headers(
    aws: AwsStack, tags_format: str
) -> None:

    doc = document(aws, TAGS_FORMAT=tags_format)
    bench = make_bench(aws, TAGS_FORMAT=tags_format)
    outcome = generate_tags(
        GenerateTagsRequest(webhook_url="https://a.example.com/h", vacancy_text="Python, FastAPI, Docker"),
        "job",
        bench.services,
    )
    delivery = deliver(
        bench, task=TaskName.GENERATE_TAGS, result=outcome.result, authenticated_by=TokenSlot.PREVIOUS
    )
    validator(doc, webhook_schema(doc, TaskName.GENERATE_TAGS)).validate(json.loads(delivery.body))
    for parameter in doc["webhooks"]["generate-tags"]["post"]["parameters"]:
        value = delivery.headers[parameter["name"]]
        assert value is not None, parameter["name"]
        pattern = parameter["schema"].get("pattern")
        assert pattern is None or re.search(pattern, value), (parameter["name"], value)
    # The other way round: the string form is not valid where a list is documented, and vice versa.
    other = {"string": ["Python"], "list": "Python"}[tags_format]
    body = {**json.loads(delivery.body), "tags": other}
    assert not validator(doc, webhook_schema(doc, TaskName.GENERATE_TAGS)).is_valid(body)


def test_swagger_ui_is_one_self_contained_page_with_the_whole_document(aws: AwsStack) -> None:
    services = services_for(aws)
    page_event = load_event("openapi")
    page_event["path"] = page_event["resource"] = "/api/v1/docs"
    page_event["requestContext"]["path"] = "/prod/api/v1/docs"
    page = call(services, with_headers(page_event, X_Webhook_Token=None))
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "SwaggerUIBundle" in html and "rank_resumes_webhook" in html
    # No CDN: no script or stylesheet is fetched from anywhere.
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    assert "</script" not in html.split("spec:", 1)[1].split("presets", 1)[0]
    page_event["queryStringParameters"] = {"format": "json"}
    as_json = call(services, page_event)
    assert as_json.json == call(services, load_event("openapi")).json
