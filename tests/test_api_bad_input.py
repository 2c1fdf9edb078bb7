"""Bad input is always a JSON 4xx, never a 502: bounds that keep a job's cost predictable (criteria),
text no encoder can handle (lone surrogates), NULs anywhere, and URLs no parser should choke on."""

from __future__ import annotations

import json

import pytest

from tests.conftest import AwsStack
from tests.test_api_events import call, event_body, job_items, load_event, services_for, with_body


def _post(
    aws: AwsStack, route: str, body: dict[str, object] | str, **env: str
) -> tuple[int, dict[str, object]]:
    answer = call(services_for(aws, **env), with_body(load_event(route), body))
    return answer.status, json.loads(answer.text)


def test_five_thousand_criteria_are_refused_with_422_and_nothing_is_stored(aws: AwsStack) -> None:
    body = event_body("rank-resumes")
    body["weights"] = {f"criterion_{number}": 1.0 for number in range(5000)}
    status, answer = _post(aws, "rank-resumes", body)
    assert status == 422
    assert answer["error"]["details"] == [  # type: ignore[index]
        {"loc": ["weights"], "msg": "at most 20 criteria", "type": "too_many_criteria"}
    ]
    assert job_items(aws) == []


def test_the_criteria_bounds_are_settings_and_cover_name_length(aws: AwsStack) -> None:
    body = event_body("build-vacancy")
    body["weights"] = {"a" * 65: 1.0}
    status, answer = _post(aws, "build-vacancy", body)
    assert status == 422 and answer["error"]["details"][0]["loc"] == ["weights"]  # type: ignore[index]
    assert "a" * 65 not in json.dumps(answer)
    body["weights"] = {f"c{number}": 1.0 for number in range(3)}
    assert _post(aws, "build-vacancy", body, MAX_CRITERIA="2")[0] == 422
    assert _post(aws, "build-vacancy", body, MAX_CRITERIA="3")[0] == 202


@pytest.mark.parametrize("field", ["vacancy_text", "metadata", "webhook_url"])
def test_a_lone_surrogate_anywhere_is_a_json_400(aws: AwsStack, field: str) -> None:
    body = event_body("generate-tags")
    raw = json.dumps(body)
    if field == "metadata":
        raw = raw[:-1] + ', "metadata": {"note": "a\\ud800b"}}'
    else:
        raw = raw.replace(f'"{field}": "', f'"{field}": "a\\udfffb', 1)
    status, answer = _post(aws, "generate-tags", raw)
    assert status == 400 and answer["error"]["code"] == "malformed_json"  # type: ignore[index]
    assert job_items(aws) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vacancy_text", "Python\u0000developer"),
        ("webhook_url", "https://exa\u0000mple.com/hook"),
        ("webhook_url", "https://10.0.0.1\u0000.example.com/hook"),
    ],
)
def test_a_nul_anywhere_is_a_json_422(aws: AwsStack, field: str, value: str) -> None:
    body = event_body("generate-tags") | {field: value}
    for private in ("false", "true"):
        status, answer = _post(aws, "generate-tags", body, ALLOW_PRIVATE_WEBHOOK_URLS=private)
        assert status == 422 and answer["error"]["code"] == "validation_error", answer  # type: ignore[index]
    assert job_items(aws) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a hook",
        "https://example.com:0/hook",
        "https://[::1/hook",
        "https://example.com:99999/hook",
        "https://exa\tmple.com/hook",
    ],
)
def test_urls_that_could_never_be_delivered_to_are_a_json_422(aws: AwsStack, url: str) -> None:
    body = event_body("generate-tags") | {"webhook_url": url}
    status, answer = _post(aws, "generate-tags", body)
    assert status == 422 and answer["error"]["code"] == "validation_error", answer  # type: ignore[index]
