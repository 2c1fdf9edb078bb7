"""The job deadline: the module itself; the OpenAI engine under a deadline against the fake OpenAI server
(real sockets, slow answers): it stops with DeadlineExceededError around the deadline, never gives a call
a timeout reaching past it, keeps it in the ranking pool's threads and in the SDK's retry waits; and the
worker through its Lambda entry point, whose context's remaining time sets the deadline, so a job that
runs out of time on its last receive still ends failed and notified.

Bounds on time are generous (SLACK): the failures they catch are calls that wait out a 30 s timeout or a
long Retry-After, not fractions of a second.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from ai_interviewer.deadline import (
    DeadlineExceededError,
    invocation_deadline,
    job_deadline,
    remaining_seconds,
    require_remaining,
)
from ai_interviewer.engines.openai.chat import MIN_CALL_SECONDS
from ai_interviewer.errors import TransientError
from ai_interviewer.language import Language
from ai_interviewer.local.lambda_runtime import LambdaContext
from ai_interviewer.models.jobs import JobStatus
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import get_settings
from ai_interviewer.wiring import Services, build_services, default_services

from tests.conftest import TEST_TOKEN, AwsStack
from tests.fake_openai import ChatRequest, FakeOpenAI, Reply
from tests.test_openai_engine import CRITERIA, VACANCY, engine_for, resumes
from tests.test_openai_engine_worker import queued_rank_job, recorded
from tests.test_worker import NO_FAILURES, drain_notify, lambda_handler, sqs_event, with_receive_count

DEADLINE_SECONDS = 3.5  # room for a few 0.5 s answers before fewer than MIN_CALL_SECONDS remain
SLACK = 2.0
CONFIGURED_TIMEOUT = 30.0  # far beyond any deadline here: a timeout below it was capped by the deadline
SLOW = 30.0  # an answer that never comes in time; the fake cuts the wait short when it stops


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@dataclass
class TimedReplies:
    """A replier that notes when each request arrived and the read timeout its client gave it."""

    reply: Callable[[ChatRequest], Reply]
    seen: list[tuple[float, float]] = field(default_factory=list)

    def __call__(self, request: ChatRequest) -> Reply:
        self.seen.append((time.monotonic(), float(request.headers["x-stainless-read-timeout"])))
        return self.reply(request)

    def assert_no_attempt_outlives(self, deadline: float) -> None:
        assert self.seen
        for arrival, timeout in self.seen:
            assert timeout < CONFIGURED_TIMEOUT
            assert arrival + timeout <= deadline + SLACK


def answered_after(delay: float) -> TimedReplies:
    return TimedReplies(lambda request: Reply.json(request.conforming_answer(), delay=delay))


# --- the deadline itself ------------------------------------------------------------------------------


def test_without_a_deadline_nothing_is_remaining_and_any_amount_is_available() -> None:
    assert remaining_seconds() is None
    assert require_remaining(10_000) is None


def test_a_deadline_counts_down_inside_its_block_and_is_gone_after_it() -> None:
    with job_deadline(time.monotonic() + 100):
        remaining = remaining_seconds()
        assert remaining is not None and 0 < remaining <= 100
        left = require_remaining(50)
        assert left is not None and left <= remaining
    assert remaining_seconds() is None


def test_too_little_time_left_raises_a_transient_deadline_error() -> None:
    with job_deadline(time.monotonic() + 1), pytest.raises(DeadlineExceededError) as raised:
        require_remaining(5)
    assert isinstance(raised.value, TransientError)


def test_a_passed_deadline_leaves_negative_time_and_refuses_everything() -> None:
    with job_deadline(time.monotonic() - 1):
        remaining = remaining_seconds()
        assert remaining is not None and remaining < 0
        with pytest.raises(DeadlineExceededError):
            require_remaining(0)


def test_a_nested_deadline_can_only_tighten_the_enclosing_one() -> None:
    with job_deadline(time.monotonic() + 10):
        with job_deadline(time.monotonic() + 1000):
            later = remaining_seconds()
            assert later is not None and later <= 10
        with job_deadline(None):
            unset = remaining_seconds()
            assert unset is not None and unset <= 10
        with job_deadline(time.monotonic() + 1):
            earlier = remaining_seconds()
            assert earlier is not None and earlier <= 1
        restored = remaining_seconds()
        assert restored is not None and 1 < restored <= 10


def test_threads_see_the_deadline_only_when_run_in_a_copied_context() -> None:
    seen: dict[str, float | None] = {}

    def note(name: str) -> None:
        seen[name] = remaining_seconds()

    with job_deadline(time.monotonic() + 100):
        plain = threading.Thread(target=note, args=("plain",))
        copied = threading.Thread(target=contextvars.copy_context().run, args=(note, "copied"))
        for thread in (plain, copied):
            thread.start()
            thread.join(timeout=10)

    assert seen["plain"] is None
    copied_remaining = seen["copied"]
    assert copied_remaining is not None and 0 < copied_remaining <= 100


@pytest.mark.parametrize(
    ("remaining_millis", "expected"),
    [(300_000, 290.0), (60_000, 54.0), (3_000, 2.7), (0, 0.0), (-5, 0.0)],
    ids=["rank-timeout", "short-timeout", "tiny", "none-left", "negative"],
)
def test_the_invocation_deadline_keeps_ten_seconds_or_a_tenth_of_short_timeouts(
    remaining_millis: int, expected: float
) -> None:
    assert invocation_deadline(remaining_millis, now=1000.0) == pytest.approx(1000.0 + expected)


# --- the OpenAI engine under a deadline ----------------------------------------------------------------


def test_ranking_under_a_deadline_ends_in_deadline_exceeded_with_every_pool_call_capped_by_it(
    fake: FakeOpenAI,
) -> None:
    replies = answered_after(0.5)
    fake.replier = replies
    # 40 resumes two at a time take ten seconds at 0.5 s an answer: far past the deadline.
    engine = engine_for(fake, llm_max_concurrency=2, openai_timeout_seconds=CONFIGURED_TIMEOUT)
    deadline = time.monotonic() + DEADLINE_SECONDS

    with job_deadline(deadline), pytest.raises(DeadlineExceededError):
        engine.assess_resumes(VACANCY, resumes(40), CRITERIA, Language.EN)

    assert time.monotonic() < deadline + SLACK
    assert 0 < len(fake.requests) < 40
    # Pool threads saw the deadline: their timeouts were capped by it, not the configured 30 s.
    replies.assert_no_attempt_outlives(deadline)


def test_an_interview_under_a_deadline_stops_between_turns_with_deadline_exceeded(fake: FakeOpenAI) -> None:
    replies = answered_after(0.5)
    fake.replier = replies
    engine = engine_for(fake, interview_questions=6, openai_timeout_seconds=CONFIGURED_TIMEOUT)
    deadline = time.monotonic() + DEADLINE_SECONDS

    with job_deadline(deadline), pytest.raises(DeadlineExceededError):
        engine.run_interview(VACANCY, "Python developer, 5 years.", CRITERIA, Language.EN)

    assert time.monotonic() < deadline + SLACK
    assert 0 < len(fake.requests) < 2 * 6 + 1  # six questions, six answers, the analysis
    replies.assert_no_attempt_outlives(deadline)


def test_an_answer_slower_than_the_time_left_times_out_at_the_deadline_as_deadline_exceeded(
    fake: FakeOpenAI,
) -> None:
    replies = answered_after(SLOW)
    fake.replier = replies
    engine = engine_for(fake, openai_timeout_seconds=CONFIGURED_TIMEOUT, openai_max_retries=1)
    deadline = time.monotonic() + DEADLINE_SECONDS

    # Transient, never a permanent failure: a new receive gets a whole new invocation.
    with job_deadline(deadline), pytest.raises(DeadlineExceededError):
        engine.extract_tags(VACANCY, Language.EN)

    assert time.monotonic() < deadline + SLACK
    assert len(fake.requests) == 1  # a retry could not have finished in time, so none was made
    replies.assert_no_attempt_outlives(deadline)


def test_a_retry_after_longer_than_the_time_left_ends_the_call_without_waiting_for_it(
    fake: FakeOpenAI,
) -> None:
    # The SDK honours a Retry-After of up to two minutes; this one would sleep far past the deadline.
    fake.replier = lambda request: Reply.error(429, headers={"Retry-After": "30"})
    engine = engine_for(fake, openai_timeout_seconds=1, openai_max_retries=2)
    deadline = time.monotonic() + DEADLINE_SECONDS

    with job_deadline(deadline), pytest.raises(DeadlineExceededError):
        engine.extract_tags(VACANCY, Language.EN)

    assert time.monotonic() < deadline + SLACK
    assert len(fake.requests) == 1


def test_retries_that_fit_before_the_deadline_still_happen_with_the_configured_timeout(
    fake: FakeOpenAI,
) -> None:
    fake.script(Reply.error(503, headers={"retry-after-ms": "10"}))
    engine = engine_for(fake, openai_timeout_seconds=0.5, openai_max_retries=1)

    with job_deadline(time.monotonic() + 60):
        tags, usage = engine.extract_tags(VACANCY, Language.EN)

    assert tags and usage.calls == 1
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]
    assert {r.headers["x-stainless-read-timeout"] for r in fake.requests} == {"0.5"}


def test_no_call_starts_with_less_than_the_minimum_left(fake: FakeOpenAI) -> None:
    engine = engine_for(fake)

    with job_deadline(time.monotonic() + MIN_CALL_SECONDS / 2), pytest.raises(DeadlineExceededError):
        engine.extract_tags(VACANCY, Language.EN)

    assert fake.requests == []


# --- the worker: the Lambda context's remaining time sets the deadline -----------------------------------


@pytest.fixture
def openai_function(aws: AwsStack, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The rank_resumes function's environment pointing at the fake server; yields services to inspect."""
    environment = {
        **aws.environment,
        "WEBHOOK_SECRET_TOKEN": TEST_TOKEN,
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "sk-test-key",
        "OPENAI_MODEL": "fake-model-1",
        "OPENAI_TIMEOUT_SECONDS": str(CONFIGURED_TIMEOUT),
        "OPENAI_MAX_RETRIES": "1",
        "LLM_MAX_CONCURRENCY": "2",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    default_services.cache_clear()
    try:
        yield build_services(aws.settings())
    finally:
        get_settings.cache_clear()
        default_services.cache_clear()


def invoke_rank_function(event: dict[str, Any], timeout_seconds: float) -> dict[str, Any]:
    context = LambdaContext("ai-interviewer-rank-resumes", timeout_seconds=timeout_seconds)
    response: dict[str, Any] = lambda_handler(TaskName.RANK_RESUMES)(event, context)
    return response


def test_a_job_out_of_time_before_its_last_receive_is_left_running_for_sqs_to_deliver_again(
    aws: AwsStack, fake: FakeOpenAI, openai_function: Services
) -> None:
    fake.replier = answered_after(SLOW)
    message = queued_rank_job(openai_function)
    event = sqs_event([("m-1", message)])

    response = invoke_rank_function(event, timeout_seconds=3)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert recorded(openai_function, message).status is JobStatus.RUNNING
    assert drain_notify(aws) == []


def test_a_job_out_of_time_on_its_last_receive_fails_with_retries_exhausted_and_is_notified(
    aws: AwsStack, fake: FakeOpenAI, openai_function: Services
) -> None:
    replies = answered_after(SLOW)
    fake.replier = replies
    message = queued_rank_job(openai_function)
    last = openai_function.settings.task_max_receive_count
    event = with_receive_count(sqs_event([("m-1", message)]), last)
    started = time.monotonic()

    response = invoke_rank_function(event, timeout_seconds=3)

    # The invocation returned (rather than being killed) within the function's timeout, give or take.
    assert time.monotonic() < started + 3 + SLACK
    assert response == NO_FAILURES
    job = recorded(openai_function, message)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == "retries_exhausted"
    assert job.notify_enqueued and drain_notify(aws) == [{"job_id": message.job_id, "chain": 0}]
    for _, timeout in replies.seen:
        assert timeout <= 3


def test_a_job_with_time_to_spare_succeeds_and_its_calls_keep_the_configured_timeout(
    aws: AwsStack, fake: FakeOpenAI, openai_function: Services
) -> None:
    message = queued_rank_job(openai_function)

    response = invoke_rank_function(sqs_event([("m-1", message)]), timeout_seconds=300)

    assert response == NO_FAILURES
    assert recorded(openai_function, message).status is JobStatus.SUCCEEDED
    assert len(fake.requests) == 3
    assert {r.headers["x-stainless-read-timeout"] for r in fake.requests} == {str(CONFIGURED_TIMEOUT)}
    assert drain_notify(aws) == [{"job_id": message.job_id, "chain": 0}]
