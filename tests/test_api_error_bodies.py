"""Error bodies never carry client text: a marker string sent in every field, key, header and path
segment a client controls never comes back in any refusal, while the details still locate each fault."""

from __future__ import annotations

from typing import Any

import pytest
from ai_interviewer.resources import TaskName

from tests.conftest import AwsStack
from tests.test_api_events import (
    call,
    load_event,
    services_for,
    with_body,
    with_headers,
    with_path_parameter,
)

# Two markers: one that no rule accepts anywhere, and a snake_case one that passes the criterion-name
# rule, so the checks behind it (the weight's type) see it too.
MARKER = "ZqXMarker-7f3a"
SNAKE_MARKER = "zqx_marker_7f3a"


def assert_no_marker(text: str) -> None:
    for marker in (MARKER, SNAKE_MARKER):
        assert marker.casefold() not in text.casefold(), text


def marked_example(task: TaskName) -> dict[str, Any]:
    """A task without a body above: its spec's example with the marker as the key and value of an object
    where each string belongs (the wrong type everywhere)."""
    from ai_interviewer.tasks import task_spec  # noqa: PLC0415

    def marked(value: Any) -> Any:
        if isinstance(value, str):
            return {MARKER: MARKER}
        if isinstance(value, list):
            return [marked(item) for item in value]
        if isinstance(value, dict):
            return {key: marked(item) for key, item in value.items()}
        return value

    example = dict(task_spec(task).request_example)
    example.pop("webhook_url", None)
    return {key: marked(value) for key, value in example.items()}


def marked_body(task: TaskName, *, duplicate: bool = False) -> dict[str, Any]:
    """A body for `task` with the marker in every field and key it can hold, each one wrong somehow."""
    resumes = [
        {"filename": MARKER, "content": MARKER, MARKER: MARKER},
        {"filename": MARKER, "content": f"   {MARKER}"},
    ]
    common: dict[str, Any] = {
        "webhook_url": f"https://{MARKER}:{MARKER}@{MARKER}.example.com/{MARKER}",
        "metadata": {MARKER: 1, SNAKE_MARKER: [MARKER]},
        MARKER: MARKER,
    }
    weights = {MARKER: 1, SNAKE_MARKER: MARKER, f"{SNAKE_MARKER}_b": -1}
    bodies: dict[TaskName, dict[str, Any]] = {
        TaskName.RANK_RESUMES: {"vacancy_text": 7, "resumes": resumes, "weights": weights},
        TaskName.START_INTERVIEW: {"vacancy_text": [MARKER], "resume_text": {MARKER: MARKER}},
        TaskName.BUILD_VACANCY: {"base_text": None, "weights": weights},
        TaskName.ADD_VACANCY_WITH_CANDIDATES: {
            "vacancy_filename": {MARKER: 1},
            "vacancy_content": 0,
            "resumes": resumes,
        },
        TaskName.GENERATE_TAGS: {"vacancy_text": {"text": MARKER}},
    }
    body = {**common, **bodies.get(task, marked_example(task))}
    if duplicate:
        # Only the rules that run on an otherwise valid body: duplicate filenames, weights, the URL.
        body = {
            "webhook_url": f"https://{MARKER}:{MARKER}@{MARKER}.example.com/",
            "vacancy_text": "Python",
            "vacancy_filename": "v.txt",
            "vacancy_content": "Python",
            "resumes": [{"filename": MARKER, "content": "a"}, {"filename": MARKER, "content": "b"}],
        }
        if task is TaskName.RANK_RESUMES:
            body["weights"] = {MARKER: 1}
        wanted = {"rank_resumes": ["webhook_url", "vacancy_text", "resumes", "weights"]}.get(
            task.value, ["webhook_url", "vacancy_filename", "vacancy_content", "resumes"]
        )
        body = {key: body[key] for key in wanted}
    return body


@pytest.mark.parametrize("task", list(TaskName))
def test_a_marker_in_every_field_never_comes_back_in_the_422(aws: AwsStack, task: TaskName) -> None:
    answer = call(services_for(aws), with_body(load_event(task.route), marked_body(task)))
    assert answer.status == 422
    assert_no_marker(answer.text)
    details = answer.json["error"]["details"]
    assert details and all(set(d) == {"loc", "msg", "type"} for d in details)
    locations = [d["loc"] for d in details]
    # The unknown top-level field is named by its position among the body's keys (the third).
    assert [2] in locations
    assert ["metadata", 0] in locations


@pytest.mark.parametrize("task", [TaskName.RANK_RESUMES, TaskName.ADD_VACANCY_WITH_CANDIDATES])
def test_a_marker_in_duplicate_filenames_and_criteria_never_comes_back(aws: AwsStack, task: TaskName) -> None:
    answer = call(services_for(aws), with_body(load_event(task.route), marked_body(task, duplicate=True)))
    assert answer.status == 422
    assert_no_marker(answer.text)
    duplicate = next(d for d in answer.json["error"]["details"] if d["loc"] == ["resumes"])
    assert "resume 1 repeats" in duplicate["msg"]


def test_the_limit_and_url_rules_never_echo_the_marker(aws: AwsStack) -> None:
    body = {
        "webhook_url": f"http://{MARKER}.example.com/{MARKER}",
        "vacancy_text": MARKER * 20,
        "resumes": [{"filename": f"{MARKER}-{i}", "content": MARKER} for i in range(3)],
    }
    services = services_for(aws, MAX_RESUMES="2", MAX_TEXT_CHARS="50")
    answer = call(services, with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    assert_no_marker(answer.text)
    assert {tuple(d["loc"]) for d in answer.json["error"]["details"]} >= {
        ("resumes",),
        ("vacancy_text",),
        ("webhook_url",),
    }


def test_headers_and_path_segments_never_come_back(aws: AwsStack) -> None:
    services = services_for(aws)
    answers = [
        call(services, with_headers(load_event("rank-resumes"), Idempotency_Key=MARKER * 30)),
        call(services, with_headers(load_event("rank-resumes"), X_Webhook_Token=MARKER)),
        call(services, with_path_parameter(load_event("get-job"), "job_id", MARKER)),
        call(services, with_path_parameter(load_event("redeliver-job"), "job_id", MARKER)),
        call(services, with_path_parameter(load_event("get-vacancy"), "vacancy_id", MARKER)),
        call(services, with_body(load_event("rank-resumes"), f'{{"{MARKER}": ')),
    ]
    unknown = load_event("health")
    unknown["path"] = unknown["resource"] = f"/api/v1/{MARKER}"
    answers.append(call(services, unknown))
    assert [a.status for a in answers] == [422, 401, 404, 404, 422, 400, 404]
    for answer in answers:
        assert_no_marker(answer.text)
