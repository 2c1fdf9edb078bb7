"""The OpenAI engine when the endpoint misbehaves (429 with Retry-After, 5xx, slow answers past the timeout,
malformed output, refused credentials, nobody listening): it still ends correctly, with a result or with
the right TransientError / PermanentError code, within the client's explicit retry budget. And its
ranking calls run concurrently, never more than LLM_MAX_CONCURRENCY at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ai_interviewer.errors import InvalidModelOutputError, PermanentError, TransientError
from ai_interviewer.language import Language

from tests.fake_openai import ChatRequest, FakeOpenAI, Reply, conforming_reply
from tests.test_openai_engine import CRITERIA, VACANCY, engine_for, resumes

# The test settings allow one SDK retry: two requests per call at most (plus one repair call).
ATTEMPTS = 2
SLOW = 30.0  # far past the 0.5 s client timeout; the fake cuts the wait short when it stops


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def rank_one(fake: FakeOpenAI, **settings: object) -> None:
    engine_for(fake, **settings).assess_resumes(VACANCY, resumes(1), CRITERIA, Language.EN)


def permanent_code(fake: FakeOpenAI) -> str:
    with pytest.raises(PermanentError) as raised:
        rank_one(fake)
    return raised.value.code


# --- the SDK's retries ------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_by_the_sdk_and_the_call_succeeds(fake: FakeOpenAI) -> None:
    fake.script(Reply.error(429, headers={"Retry-After": "0.05"}))

    assessments, usage = engine_for(fake).assess_resumes(VACANCY, resumes(1), CRITERIA, Language.EN)

    assert len(assessments) == 1
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]
    assert usage.calls == 1  # only answered calls cost tokens


def test_429_that_outlasts_the_retry_budget_is_transient(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply.error(429, headers={"Retry-After": "0.05"})

    with pytest.raises(TransientError):
        rank_one(fake)

    assert len(fake.requests) == ATTEMPTS


def test_429_for_an_exhausted_quota_is_permanent(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply.error(
        429, code="insufficient_quota", headers={"Retry-After": "0.05"}
    )

    assert permanent_code(fake) == "llm_quota_exceeded"


def test_500_is_retried_by_the_sdk_and_the_call_succeeds(fake: FakeOpenAI) -> None:
    fake.script(Reply.error(500))

    rank_one(fake)

    assert len(fake.requests) == ATTEMPTS


def test_persistent_5xx_is_transient_after_exactly_the_configured_retries(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply.error(503, headers={"retry-after-ms": "10"})

    with pytest.raises(TransientError):
        rank_one(fake, openai_max_retries=2)

    assert len(fake.requests) == 3


def test_an_answer_slower_than_the_timeout_is_retried_and_the_call_succeeds(fake: FakeOpenAI) -> None:
    fake.script(Reply(delay=SLOW))

    rank_one(fake)

    assert len(fake.requests) == ATTEMPTS
    assert {r.headers["x-stainless-read-timeout"] for r in fake.requests} == {"0.5"}


def test_answers_always_slower_than_the_timeout_are_transient(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply(delay=SLOW)

    with pytest.raises(TransientError):
        rank_one(fake)

    assert len(fake.requests) == ATTEMPTS


def test_nobody_listening_is_transient() -> None:
    with FakeOpenAI() as fake:
        engine = engine_for(fake)
    # The server is gone: connections are refused.
    with pytest.raises(TransientError):
        engine.assess_resumes(VACANCY, resumes(1), CRITERIA, Language.EN)


# --- refusals that retrying cannot fix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "llm_auth_failed"), (403, "llm_auth_failed"), (400, "llm_bad_request"), (404, "llm_bad_request")],
)
def test_client_errors_are_permanent_and_never_retried(fake: FakeOpenAI, status: int, code: str) -> None:
    fake.replier = lambda request: Reply.error(status)

    assert permanent_code(fake) == code
    assert len(fake.requests) == 1


def test_a_model_that_refuses_a_temperature_is_asked_again_without_one(fake: FakeOpenAI) -> None:
    fake.script(Reply.error(400, param="temperature"))

    rank_one(fake)

    first, second = fake.requests
    assert first.body["temperature"] == 0
    assert "temperature" not in second.body


# --- output that fails validation -----------------------------------------------------------------------


def test_malformed_json_gets_one_repair_turn_carrying_the_validation_error(fake: FakeOpenAI) -> None:
    fake.script(Reply(content='{"criteria": {"technical_skills": ', prompt_tokens=40, completion_tokens=5))

    assessments, usage = engine_for(fake).assess_resumes(VACANCY, resumes(1), CRITERIA, Language.EN)

    assert list(assessments[0].criteria) == CRITERIA
    first, repair = fake.requests
    assert repair.messages[: len(first.messages)] == first.messages
    assistant, note = repair.messages[len(first.messages) :]
    assert assistant == {"role": "assistant", "content": '{"criteria": {"technical_skills": '}
    assert note["role"] == "user"
    assert "Invalid JSON" in note["content"]
    assert repair.response_format == first.response_format
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (2, 40 + 11, 5 + 7)


def test_output_failing_validation_twice_is_invalid_model_output_with_its_usage(fake: FakeOpenAI) -> None:
    fake.replier = lambda request: Reply(content="not json at all")

    with pytest.raises(InvalidModelOutputError) as raised:
        rank_one(fake)

    assert raised.value.code == "invalid_model_output"
    assert raised.value.usage.calls == 2
    assert len(fake.requests) == 2


def test_a_score_outside_0_to_10_is_repaired_not_clamped(fake: FakeOpenAI) -> None:
    def reply(request: ChatRequest) -> Reply:
        answer = request.conforming_answer()
        if len(request.messages) == 2:  # the first attempt; the repair turn adds two messages
            answer["criteria"]["experience"]["score"] = 11
        return Reply.json(answer)

    fake.replier = reply
    assessments, _ = engine_for(fake).assess_resumes(VACANCY, resumes(1), CRITERIA, Language.EN)

    assert assessments[0].criteria["experience"].score == 5
    assert "criteria.experience.score: Input should be 0, 1" in fake.requests[1].texts("user")[-1]


def test_a_missing_criterion_twice_is_invalid_model_output(fake: FakeOpenAI) -> None:
    def reply(request: ChatRequest) -> Reply:
        answer = request.conforming_answer()
        del answer["criteria"]["communication"]
        return Reply.json(answer)

    fake.replier = reply

    assert permanent_code(fake) == "invalid_model_output"
    assert "criteria.communication: Field required" in fake.requests[1].texts("user")[-1]


@pytest.mark.parametrize(
    "unusable",
    [
        Reply(content=None, refusal="I can't help with that."),
        Reply(content='{"criteria": {', finish_reason="length"),
        Reply(body=b"<html>gateway hiccup</html>"),
        Reply(content="   "),
    ],
    ids=["refusal", "cut-off", "not-a-completion", "blank"],
)
def test_unusable_answers_get_the_same_single_repair(fake: FakeOpenAI, unusable: Reply) -> None:
    fake.script(unusable)

    rank_one(fake)

    assert len(fake.requests) == 2
    assert "could not be used" in fake.requests[1].texts("user")[-1]


def test_one_failing_resume_fails_the_whole_call_without_a_partial_result(fake: FakeOpenAI) -> None:
    def reply(request: ChatRequest) -> Reply:
        if "Candidate 3" in request.texts("user")[0]:
            return Reply(content="garbage")
        return conforming_reply(request)

    fake.replier = reply

    with pytest.raises(InvalidModelOutputError) as raised:
        engine_for(fake).assess_resumes(VACANCY, resumes(6), CRITERIA, Language.EN)

    assert raised.value.code == "invalid_model_output"
    # The usage it carries counts every answered request of the job, not only the failed call's.
    assert raised.value.usage.calls == len(fake.requests)


def test_invalid_output_late_in_an_interview_carries_the_whole_interviews_usage(fake: FakeOpenAI) -> None:
    def reply(request: ChatRequest) -> Reply:
        schema = request.schema or {}
        if "recommendation" in schema.get("properties", {}):
            return Reply(content="{}")
        return conforming_reply(request)

    fake.replier = reply

    with pytest.raises(InvalidModelOutputError) as raised:
        engine_for(fake).run_interview(VACANCY, "Python developer, 5 years.", CRITERIA, Language.EN)

    assert len(fake.requests) == 2 * 2 + 2  # two questions and answers, the analysis and its repair
    assert raised.value.usage.calls == len(fake.requests)


def test_a_permanent_failure_wins_over_a_transient_one_in_the_same_job(fake: FakeOpenAI) -> None:
    def reply(request: ChatRequest) -> Reply:
        fake.hold_until_in_flight(2)
        if "Candidate 0" in request.texts("user")[0]:
            return Reply.error(503, headers={"retry-after-ms": "10"})
        return Reply.error(401)

    fake.replier = reply

    with pytest.raises(PermanentError) as raised:
        engine_for(fake, llm_max_concurrency=2).assess_resumes(VACANCY, resumes(2), CRITERIA, Language.EN)

    assert raised.value.code == "llm_auth_failed"


# --- concurrency ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "count"), [(3, 10), (4, 4), (8, 3)])
def test_ranking_calls_reach_but_never_exceed_llm_max_concurrency(
    fake: FakeOpenAI, limit: int, count: int
) -> None:
    reachable = min(limit, count)

    def reply(request: ChatRequest) -> Reply:
        # Hold the first requests until `reachable` are in flight together, then answer slowly enough
        # for later requests to overlap: a pool that allowed more would show it in `max_in_flight`.
        fake.hold_until_in_flight(reachable)
        return Reply.json(request.conforming_answer(), delay=0.02)

    fake.replier = reply
    assessments, usage = engine_for(
        fake, llm_max_concurrency=limit, openai_timeout_seconds=30
    ).assess_resumes(VACANCY, resumes(count), CRITERIA, Language.EN)

    assert fake.max_in_flight == reachable
    assert len(assessments) == count and usage.calls == count
    # The schema has no titles, so the fake fills every string with the same placeholder.
    assert [a.summary for a in assessments] == ["fake text"] * count
