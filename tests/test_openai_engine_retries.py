"""The engine's own retries (the SDK's are off): what it retries and how long it waits follow openai-python's
rule (x-should-retry, 408/409/429/5xx, Retry-After up to two minutes, else a jittered backoff), the job's
deadline bounds every wait, and the worst case of one call is one formula shared with infra."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from ai_interviewer.deadline import DeadlineExceededError, job_deadline
from ai_interviewer.engines.openai import outputs
from ai_interviewer.engines.openai.budget import (
    INITIAL_RETRY_DELAY_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    MAX_RETRY_DELAY_SECONDS,
    attempt_timeout_seconds,
    backoff_seconds,
    worst_case_call_seconds,
)
from ai_interviewer.engines.openai.chat import output_schema
from ai_interviewer.engines.openai.retries import retry_after_seconds, wait_seconds
from ai_interviewer.errors import TransientError
from ai_interviewer.language import Language
from openai._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER_DELAY, MAX_RETRY_DELAY
from pydantic import BaseModel

from tests.fake_openai import ChatRequest, FakeOpenAI, Reply, conforming_reply
from tests.test_openai_engine import VACANCY, engine_for, schema_keywords


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def tags_call(fake: FakeOpenAI, **settings: object) -> None:
    engine_for(fake, **settings).extract_tags(VACANCY, Language.EN)


def arrivals(fake: FakeOpenAI, first: Reply) -> list[float]:
    """Answer `first`, then conforming answers, noting when each request arrived."""
    seen: list[float] = []
    replies = iter([first])

    def reply(request: ChatRequest) -> Reply:
        seen.append(time.monotonic())
        return next(replies, None) or conforming_reply(request)

    fake.replier = reply
    return seen


# --- the formula ------------------------------------------------------------------------------------


def test_the_backoff_constants_are_the_sdks() -> None:
    assert INITIAL_RETRY_DELAY_SECONDS == INITIAL_RETRY_DELAY
    assert MAX_RETRY_DELAY_SECONDS == MAX_RETRY_DELAY
    assert MAX_RETRY_AFTER_SECONDS == MAX_RETRY_AFTER_DELAY


def test_the_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    assert [backoff_seconds(retry) for retry in range(7)] == [0.5, 1, 2, 4, 8, 8, 8]
    assert backoff_seconds(10_000) == 8


def test_the_worst_case_is_every_attempt_timing_out_plus_the_longest_backoffs() -> None:
    # The defaults (60 s, 2 retries): three attempts and waits of 0.5 and 1 s; twice with the repair call,
    # still inside Lambda's 900 s.
    assert worst_case_call_seconds(60, 2) == 3 * 60 + 0.5 + 1
    assert 2 * worst_case_call_seconds(60, 2) <= 900
    assert worst_case_call_seconds(5, 0) == 5


@pytest.mark.parametrize(("budget", "retries", "expected"), [(50, 1, 24), (290, 2, 96), (1, 1, 0)])
def test_the_attempt_timeout_is_the_longest_whose_worst_case_fits_the_budget(
    budget: float, retries: int, expected: int
) -> None:
    timeout = attempt_timeout_seconds(budget, retries)
    assert timeout == expected
    assert worst_case_call_seconds(timeout, retries) <= budget
    assert expected == 0 or worst_case_call_seconds(timeout + 1, retries) > budget


# --- the wait -------------------------------------------------------------------------------------------


def test_retry_after_ms_is_preferred_then_seconds_then_an_http_date() -> None:
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_seconds({"retry-after-ms": "soon", "retry-after": "1.5"}) == 1.5
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    from_date = retry_after_seconds({"retry-after": date})
    assert from_date is not None and 28 < from_date <= 30
    assert retry_after_seconds({"retry-after": "whenever"}) is None
    assert retry_after_seconds({}) is None
    # Too large for a float: an excessive wait, so above the two minutes honoured.
    assert (retry_after_seconds({"retry-after": "1e999"}) or 0) > MAX_RETRY_AFTER_SECONDS


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "0"}, 1.0),  # not a usable wait: the backoff
        ({"retry-after": "-4"}, 1.0),
        ({"retry-after": "inf"}, 1.0),
        ({}, 1.0),
    ],
)
def test_a_usable_retry_after_is_the_wait_else_the_backoff(headers: dict[str, str], expected: float) -> None:
    assert wait_seconds(1, headers, jitter=lambda: 0.0) == expected


def test_the_backoff_is_jittered_down_by_at_most_a_quarter() -> None:
    assert wait_seconds(0, {}, jitter=lambda: 0.0) == 0.5
    assert wait_seconds(0, {}, jitter=lambda: 0.999) == pytest.approx(0.5 * 0.75, rel=1e-3)
    assert wait_seconds(20, {}, jitter=lambda: 0.0) == 8


# --- what is retried, against the fake server --------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
def test_the_statuses_the_sdk_retries_are_retried(fake: FakeOpenAI, status: int) -> None:
    fake.script(Reply.error(status, headers={"retry-after-ms": "10"}))

    tags_call(fake)

    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]


def test_x_should_retry_false_forbids_a_retry_the_status_would_allow(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply.error(503, headers={"x-should-retry": "false"})

    with pytest.raises(TransientError):
        tags_call(fake)

    assert len(fake.requests) == 1


def test_x_should_retry_true_retries_a_status_that_would_not_be(fake: FakeOpenAI) -> None:
    fake.script(Reply.error(400, headers={"x-should-retry": "true", "retry-after-ms": "10"}))

    tags_call(fake)

    assert len(fake.requests) == 2


def test_a_retry_after_above_two_minutes_is_not_retried_at_all(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply.error(429, headers={"Retry-After": "121"})
    started = time.monotonic()

    with pytest.raises(TransientError):
        tags_call(fake)

    assert len(fake.requests) == 1
    assert time.monotonic() - started < 30


def test_a_retry_after_is_waited_for_before_the_retry(fake: FakeOpenAI) -> None:
    seen = arrivals(fake, Reply.error(429, headers={"Retry-After": "0.6"}))

    tags_call(fake)

    assert len(seen) == 2
    assert seen[1] - seen[0] >= 0.6


def test_retry_after_ms_is_waited_for_in_milliseconds(fake: FakeOpenAI) -> None:
    seen = arrivals(fake, Reply.error(503, headers={"retry-after-ms": "700", "retry-after": "30"}))

    tags_call(fake)

    assert len(seen) == 2
    assert 0.7 <= seen[1] - seen[0] < 10


def test_without_a_retry_after_the_retry_waits_the_jittered_backoff(fake: FakeOpenAI) -> None:
    seen = arrivals(fake, Reply.error(500))

    tags_call(fake)

    assert len(seen) == 2
    assert seen[1] - seen[0] >= INITIAL_RETRY_DELAY_SECONDS * 0.75


# --- the deadline over the waits ---------------------------------------------------------------------------


def test_a_retry_after_that_fits_before_the_deadline_is_waited_for(fake: FakeOpenAI) -> None:
    seen = arrivals(fake, Reply.error(429, headers={"Retry-After": "0.5"}))

    with job_deadline(time.monotonic() + 60):
        tags_call(fake, openai_timeout_seconds=1)

    assert len(seen) == 2 and seen[1] - seen[0] >= 0.5


def test_a_backoff_leaving_no_room_for_a_whole_attempt_ends_the_call_before_it_sleeps(
    fake: FakeOpenAI,
) -> None:
    # A 3 s attempt and a 3.2 s deadline: after a quick 503, the backoff (at least 0.375 s) and another
    # 3 s attempt no longer fit, so the call stops at once instead of sleeping into the deadline.
    fake.replier = lambda request: Reply.error(503)
    started = time.monotonic()

    with job_deadline(started + 3.2), pytest.raises(DeadlineExceededError) as raised:
        tags_call(fake, openai_timeout_seconds=3, openai_max_retries=2)

    assert len(fake.requests) == 1
    assert time.monotonic() - started < 1
    assert isinstance(raised.value.__cause__, openai.APIStatusError)


# --- the schema, built where it is sent ------------------------------------------------------------------


def objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, list):
        for item in schema:
            yield from objects(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "object":
            yield schema
        for value in schema.values():
            yield from objects(value)


@pytest.mark.parametrize(
    "output",
    [
        outputs.assessment_output(("technical_skills", "class")),
        outputs.interview_analysis_output(("experience",), ("Hire", "Do not hire")),
        outputs.InterviewerTurnOutput,
        outputs.CandidateTurnOutput,
        outputs.VacancyOutput,
        outputs.TagsOutput,
    ],
    ids=lambda output: output.__name__,
)
def test_every_output_schema_is_strict_as_built_and_has_no_titles(output: type[BaseModel]) -> None:
    schema = output_schema(output)
    found = list(objects(schema))
    assert found
    for item in found:
        assert item["additionalProperties"] is False
        assert item["required"] == list(item["properties"])
    assert "title" not in schema_keywords(schema)
