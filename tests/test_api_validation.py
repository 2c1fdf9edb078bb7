"""Refusals at acceptance (CONTRACT §1): 400, 413 and 422 in the contract's shape, and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import AwsStack
from tests.test_api_events import (
    assert_nothing_stored,
    call,
    event_body,
    job_items,
    load_event,
    services_for,
    with_body,
    with_headers,
)

SECRET_TEXT = "Конфиденциальный-текст-резюме-7f3a"  # must never come back in an error body


def _rank(**changes: Any) -> dict[str, Any]:
    body = event_body("rank-resumes")
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def _error(answer_json: Any, status: int, code: str) -> dict[str, Any]:
    assert set(answer_json) == {"error"}
    error: dict[str, Any] = answer_json["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        '{"webhook_url": "https://receiver.example.com/hook",}',
        "",
        "null",
        "[]",
        '["webhook_url"]',
        '"a string"',
        "42",
        '{"webhook_url": "https://receiver.example.com/hook", "vacancy_text": NaN}',
        '{"weights": {"a": Infinity}}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=[
        "syntax",
        "trailing-comma",
        "empty",
        "null",
        "array",
        "array-of-strings",
        "string",
        "number",
        "nan",
        "infinity",
        "deep-nesting",
    ],
)
def test_malformed_json_or_a_non_object_body_is_400(aws: AwsStack, raw: str) -> None:
    answer = call(services_for(aws), with_body(load_event("generate-tags"), raw))
    assert answer.status == 400
    _error(answer.json, 400, "malformed_json")
    assert_nothing_stored(aws)


def test_missing_body_is_400(aws: AwsStack) -> None:
    answer = call(services_for(aws), with_body(load_event("generate-tags"), None))
    assert answer.status == 400
    assert_nothing_stored(aws)


def test_invalid_utf8_is_400(aws: AwsStack) -> None:
    event = load_event("generate-tags")
    event["isBase64Encoded"] = True
    event["body"] = "/w=="  # the single byte 0xff
    answer = call(services_for(aws), event)
    assert answer.status == 400
    assert_nothing_stored(aws)


def test_base64_encoded_body_is_accepted(aws: AwsStack) -> None:
    import base64  # noqa: PLC0415

    event = load_event("generate-tags")
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    assert call(services_for(aws), event).status == 202


def test_body_over_the_limit_is_413_before_it_is_parsed(aws: AwsStack) -> None:
    services = services_for(aws, MAX_BODY_BYTES="2000")
    body = _rank(vacancy_text="x" * 3000)
    answer = call(services, with_body(load_event("rank-resumes"), body))
    assert answer.status == 413
    _error(answer.json, 413, "payload_too_large")
    # Size is checked first: a huge malformed body is still a 413, not a 400.
    assert call(services, with_body(load_event("rank-resumes"), "{" * 5000)).status == 413
    assert_nothing_stored(aws)


def test_body_at_the_limit_is_accepted(aws: AwsStack) -> None:
    event = load_event("generate-tags")
    size = len(event["body"].encode())
    assert call(services_for(aws, MAX_BODY_BYTES=str(size)), event).status == 202


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        (_rank(webhook_url=None), ["webhook_url"], "missing"),
        (_rank(vacancy_text=None), ["vacancy_text"], "missing"),
        (_rank(resumes=None), ["resumes"], "missing"),
        (_rank(vacancy_text=42), ["vacancy_text"], "string_type"),
        (_rank(vacancy_text="   \n\t"), ["vacancy_text"], "value_error"),
        (_rank(resumes=[]), ["resumes"], "too_short"),
        (_rank(resumes="cv.pdf"), ["resumes"], "list_type"),
        (_rank(resumes=[{"filename": "a.pdf", "content": " "}]), ["resumes", 0, "content"], "value_error"),
        (
            _rank(resumes=[{"filename": "", "content": "text"}]),
            ["resumes", 0, "filename"],
            "string_too_short",
        ),
        (_rank(resumes=[{"filename": "a.pdf"}]), ["resumes", 0, "content"], "missing"),
        (
            _rank(resumes=[{"filename": "a.pdf", "content": "one"}, {"filename": "a.pdf", "content": "two"}]),
            ["resumes"],
            "value_error",
        ),
        (_rank(weights={"technical_skills": -1}), ["weights"], "value_error"),
        (_rank(weights={"technical_skills": 0, "experience": 0}), ["weights"], "value_error"),
        (_rank(weights={"technical_skills": "5"}), ["weights", 0], "float_type"),
        (_rank(weights={"Technical Skills": 5}), ["weights"], "value_error"),
        (_rank(metadata={str(i): "v" for i in range(21)}), ["metadata"], "value_error"),
        (_rank(metadata={"ticket": 42}), ["metadata", 0], "string_type"),
        (_rank(webhook_url="receiver.example.com/hook"), ["webhook_url"], "value_error"),
        # A key the schema does not name is given by its position, never by its (client) text.
        (_rank(surprise="field"), [list(_rank(surprise="field")).index("surprise")], "extra_forbidden"),
    ],
    ids=[
        "missing-webhook_url",
        "missing-vacancy_text",
        "missing-resumes",
        "vacancy_text-not-a-string",
        "blank-vacancy_text",
        "empty-resumes",
        "resumes-not-a-list",
        "blank-resume-content",
        "empty-filename",
        "resume-without-content",
        "duplicate-filenames",
        "negative-weight",
        "all-weights-zero",
        "weight-as-string",
        "criterion-not-snake_case",
        "metadata-too-many-keys",
        "metadata-non-string-value",
        "relative-webhook_url",
        "unknown-field",
    ],
)
def test_schema_errors_are_422_with_the_field_path(
    aws: AwsStack, body: dict[str, Any], loc: list[str | int], error_type: str
) -> None:
    answer = call(services_for(aws), with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    error = _error(answer.json, 422, "validation_error")
    assert {"loc": loc, "type": error_type} in [
        {"loc": d["loc"], "type": d["type"]} for d in error["details"]
    ]
    assert all(isinstance(detail["msg"], str) and detail["msg"] for detail in error["details"])
    assert_nothing_stored(aws)


@pytest.mark.parametrize(
    ("route", "missing"),
    [
        ("start-interview", "resume_text"),
        ("build-vacancy", "base_text"),
        ("add-vacancy-with-candidates", "vacancy_filename"),
        ("generate-tags", "vacancy_text"),
    ],
)
def test_each_route_checks_its_own_schema(aws: AwsStack, route: str, missing: str) -> None:
    body = event_body(route)
    del body[missing]
    answer = call(services_for(aws), with_body(load_event(route), body))
    assert answer.status == 422
    assert [d["loc"] for d in answer.json["error"]["details"]] == [[missing]]
    assert_nothing_stored(aws)


def test_a_body_for_another_route_is_422(aws: AwsStack) -> None:
    body = event_body("build-vacancy")
    answer = call(services_for(aws), with_body(load_event("generate-tags"), body))
    assert answer.status == 422
    locs = [d["loc"] for d in answer.json["error"]["details"]]
    assert ["vacancy_text"] in locs
    # A field this route does not know is named by its position in the body, like any unknown key.
    assert [list(body).index("base_text")] in locs
    assert_nothing_stored(aws)


def test_more_resumes_than_the_limit_is_422(aws: AwsStack) -> None:
    resumes = [{"filename": f"cv{i}.pdf", "content": f"resume {i}"} for i in range(3)]
    answer = call(
        services_for(aws, MAX_RESUMES="2"), with_body(load_event("rank-resumes"), _rank(resumes=resumes))
    )
    assert answer.status == 422
    details = _error(answer.json, 422, "validation_error")["details"]
    assert details == [{"loc": ["resumes"], "msg": "at most 2 resumes", "type": "too_many_resumes"}]
    assert_nothing_stored(aws)


def test_resume_limit_applies_to_add_vacancy_too(aws: AwsStack) -> None:
    answer = call(services_for(aws, MAX_RESUMES="1"), load_event("add-vacancy-with-candidates"))
    assert answer.status == 422
    assert [d["loc"] for d in answer.json["error"]["details"]] == [["resumes"]]
    assert_nothing_stored(aws)


def test_every_text_over_the_length_limit_is_named_and_never_echoed(aws: AwsStack) -> None:
    long_text = SECRET_TEXT + " " + "навыки " * 20
    body = _rank(
        vacancy_text=long_text,
        resumes=[
            {"filename": "short.pdf", "content": "короткое резюме"},
            {"filename": "long.pdf", "content": long_text},
        ],
    )
    answer = call(services_for(aws, MAX_TEXT_CHARS="100"), with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    details = _error(answer.json, 422, "validation_error")["details"]
    assert [d["loc"] for d in details] == [["vacancy_text"], ["resumes", 1, "content"]]
    assert {d["type"] for d in details} == {"too_long"}
    assert SECRET_TEXT not in answer.text
    assert_nothing_stored(aws)


def test_text_exactly_at_the_length_limit_is_accepted(aws: AwsStack) -> None:
    body = event_body("generate-tags")
    body["vacancy_text"] = "я" * 100
    answer = call(services_for(aws, MAX_TEXT_CHARS="100"), with_body(load_event("generate-tags"), body))
    assert answer.status == 202


def test_schema_errors_never_echo_request_text(aws: AwsStack) -> None:
    body = _rank(
        vacancy_text=SECRET_TEXT, resumes=[{"filename": "a.pdf", "content": SECRET_TEXT, "extra": 1}]
    )
    answer = call(services_for(aws), with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    assert SECRET_TEXT not in answer.text
    assert "input" not in answer.json["error"]["details"][0]


@pytest.mark.parametrize(
    "url",
    [
        "http://receiver.example.com/hook",
        "ftp://receiver.example.com/hook",
        "https://user:s3cret-pass@receiver.example.com/hook",
        "https://localhost/hook",
        "https://api.localhost/hook",
        "https://127.0.0.1/hook",
        "https://127.1/hook",
        "https://2130706433/hook",
        "https://0.0.0.0/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.10:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://[::1]/hook",
        "https://[::]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://receiver.example.com:99999/hook",
    ],
)
def test_refused_webhook_urls_are_422_at_acceptance(aws: AwsStack, url: str) -> None:
    body = event_body("generate-tags")
    body["webhook_url"] = url
    answer = call(services_for(aws), with_body(load_event("generate-tags"), body))
    assert answer.status == 422
    details = _error(answer.json, 422, "validation_error")["details"]
    assert [d["loc"] for d in details] == [["webhook_url"]]
    assert details[0]["type"] in {"unsafe_webhook_url", "value_error"}
    assert "s3cret-pass" not in answer.text
    assert_nothing_stored(aws)


@pytest.mark.parametrize(
    "url",
    [
        "https://receiver.example.com/hook?ticket=1",
        "https://8.8.8.8/hook",
        "https://[2606:4700::1111]:8443/h",
    ],
)
def test_public_https_webhook_urls_are_accepted(aws: AwsStack, url: str) -> None:
    body = event_body("generate-tags")
    body["webhook_url"] = url
    assert call(services_for(aws), with_body(load_event("generate-tags"), body)).status == 202


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "http://localhost:9000/hook", "https://10.0.0.5/"]
)
def test_private_and_plain_http_targets_pass_when_allowed(aws: AwsStack, url: str) -> None:
    body = event_body("generate-tags")
    body["webhook_url"] = url
    services = services_for(aws, ALLOW_PRIVATE_WEBHOOK_URLS="true")
    assert call(services, with_body(load_event("generate-tags"), body)).status == 202


def test_credentials_are_refused_even_when_private_targets_are_allowed(aws: AwsStack) -> None:
    body = event_body("generate-tags")
    body["webhook_url"] = "http://user:pw@127.0.0.1:8080/hook"
    services = services_for(aws, ALLOW_PRIVATE_WEBHOOK_URLS="true")
    assert call(services, with_body(load_event("generate-tags"), body)).status == 422
    assert_nothing_stored(aws)


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_idempotency_key_outside_1_to_255_characters_is_422(aws: AwsStack, key: str) -> None:
    answer = call(services_for(aws), with_headers(load_event("generate-tags"), Idempotency_Key=key))
    assert answer.status == 422
    details = _error(answer.json, 422, "validation_error")["details"]
    assert [d["loc"] for d in details] == [["header", "Idempotency-Key"]]
    assert_nothing_stored(aws)


def test_idempotency_key_of_255_characters_is_accepted(aws: AwsStack) -> None:
    answer = call(services_for(aws), with_headers(load_event("generate-tags"), Idempotency_Key="k" * 255))
    assert answer.status == 202
    assert len(job_items(aws)) == 2  # the job and its idempotency key


def test_schema_errors_are_reported_before_limits(aws: AwsStack) -> None:
    resumes = [{"filename": "same.pdf", "content": "x"}, {"filename": "same.pdf", "content": "y"}]
    body = _rank(resumes=resumes, webhook_url="https://127.0.0.1/hook")
    answer = call(services_for(aws, MAX_RESUMES="1"), with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    assert [d["type"] for d in answer.json["error"]["details"]] == ["value_error"]


def test_unknown_route_is_a_404_json_error(aws: AwsStack) -> None:
    event = load_event("generate-tags")
    event["path"] = event["resource"] = "/api/v1/webhook/unknown-task"
    answer = call(services_for(aws), event)
    assert answer.status == 404
    _error(answer.json, 404, "not_found")
    assert_nothing_stored(aws)
