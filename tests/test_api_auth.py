"""Who may call the api function: X-Webhook-Token against the current and the previous token."""

from __future__ import annotations

import hmac
from collections.abc import Callable

import pytest
from ai_interviewer.api.auth import matching_token, token_is_accepted
from ai_interviewer.models.jobs import TokenSlot

from tests.conftest import PREVIOUS_TOKEN, TEST_TOKEN, AwsStack
from tests.test_api_events import (
    OPEN_EVENTS,
    PROTECTED_EVENTS,
    assert_nothing_stored,
    call,
    job_items,
    load_event,
    services_for,
    with_headers,
)


def _assert_unauthorized_json(status: int, headers: dict[str, str], body: object) -> None:
    assert status == 401
    assert headers["Content-Type"] == "application/json"
    assert isinstance(body, dict)
    assert set(body) == {"error"}
    assert body["error"]["code"] == "unauthorized"
    assert "X-Webhook-Token" in body["error"]["message"]


@pytest.mark.parametrize("route", PROTECTED_EVENTS)
def test_missing_token_is_401_json_and_nothing_is_stored(aws: AwsStack, route: str) -> None:
    answer = call(services_for(aws), with_headers(load_event(route), X_Webhook_Token=None))
    _assert_unauthorized_json(answer.status, answer.headers, answer.json)
    assert_nothing_stored(aws)


@pytest.mark.parametrize("route", PROTECTED_EVENTS)
def test_wrong_token_is_401_on_every_protected_route(aws: AwsStack, route: str) -> None:
    answer = call(services_for(aws), with_headers(load_event(route), X_Webhook_Token="wrong-token"))
    _assert_unauthorized_json(answer.status, answer.headers, answer.json)
    assert "wrong-token" not in answer.text
    assert_nothing_stored(aws)


@pytest.mark.parametrize(
    "wrong",
    ["", " ", TEST_TOKEN + "x", TEST_TOKEN[:-1], TEST_TOKEN.upper(), f" {TEST_TOKEN}", "токен-на-русском"],
)
def test_near_miss_tokens_are_401_and_never_echoed(aws: AwsStack, wrong: str) -> None:
    answer = call(services_for(aws), with_headers(load_event("rank-resumes"), X_Webhook_Token=wrong))
    _assert_unauthorized_json(answer.status, answer.headers, answer.json)
    if wrong.strip():
        assert wrong.strip() not in answer.text
    assert_nothing_stored(aws)


@pytest.mark.parametrize("token", [TEST_TOKEN, PREVIOUS_TOKEN])
def test_current_and_previous_tokens_are_both_accepted(aws: AwsStack, token: str) -> None:
    answer = call(services_for(aws), with_headers(load_event("generate-tags"), X_Webhook_Token=token))
    assert answer.status == 202
    assert len(job_items(aws)) == 1


def test_previous_token_is_refused_once_it_is_no_longer_configured(aws: AwsStack) -> None:
    services = services_for(aws, WEBHOOK_SECRET_TOKEN_PREVIOUS="")
    answer = call(services, with_headers(load_event("generate-tags"), X_Webhook_Token=PREVIOUS_TOKEN))
    assert answer.status == 401
    assert_nothing_stored(aws)


def test_token_header_name_is_case_insensitive(aws: AwsStack) -> None:
    event = with_headers(load_event("generate-tags"), X_Webhook_Token=None, x_webhook_token=TEST_TOKEN)
    assert "x-webhook-token" in event["headers"]
    assert call(services_for(aws), event).status == 202


@pytest.mark.parametrize("route", OPEN_EVENTS)
def test_health_and_openapi_need_no_token(aws: AwsStack, route: str) -> None:
    answer = call(services_for(aws), load_event(route))
    assert answer.status == 200


def _recording(real: Callable[[bytes, bytes], bool], calls: list[tuple[bytes, bytes]]) -> Callable[..., bool]:
    def compare_digest(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    return compare_digest


def test_compare_digest_is_what_decides(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> None:
    services = services_for(aws)
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    assert call(services, load_event("generate-tags")).status == 401
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: True)
    wrong = with_headers(load_event("generate-tags"), X_Webhook_Token="not-the-token")
    assert call(services, wrong).status == 202


@pytest.mark.parametrize("presented", [TEST_TOKEN, PREVIOUS_TOKEN, "wrong", "x" * 500])
def test_every_configured_token_is_compared_with_no_early_exit(
    monkeypatch: pytest.MonkeyPatch, presented: str
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    monkeypatch.setattr(hmac, "compare_digest", _recording(hmac.compare_digest, calls))
    token_is_accepted(presented, (TEST_TOKEN, PREVIOUS_TOKEN))
    # Two comparisons whether the first token matches, the second, or none.
    assert len(calls) == 2
    # Equal-length operands: the comparison time does not depend on the presented token's length.
    assert {len(a) for a, _ in calls} | {len(b) for _, b in calls} == {32}


def test_token_check_refuses_empty_and_odd_values_without_raising() -> None:
    tokens = (TEST_TOKEN, PREVIOUS_TOKEN)
    assert token_is_accepted(TEST_TOKEN, tokens)
    assert token_is_accepted(PREVIOUS_TOKEN, tokens)
    assert not token_is_accepted(None, tokens)
    assert not token_is_accepted("", tokens)
    assert not token_is_accepted("\ud800", tokens)  # a lone surrogate can arrive through JSON
    assert not token_is_accepted(TEST_TOKEN, ())


def test_auth_comes_before_the_body_is_looked_at(aws: AwsStack) -> None:
    event = with_headers(load_event("generate-tags"), X_Webhook_Token=None)
    event["body"] = "{not json" + "x" * 10_000
    services = services_for(aws, MAX_BODY_BYTES="100")
    assert call(services, event).status == 401


def test_the_matching_token_is_named_by_its_slot_never_by_its_value() -> None:
    tokens = (TEST_TOKEN, PREVIOUS_TOKEN)
    assert matching_token(TEST_TOKEN, tokens) is TokenSlot.CURRENT
    assert matching_token(PREVIOUS_TOKEN, tokens) is TokenSlot.PREVIOUS
    assert matching_token("wrong", tokens) is None
    assert matching_token(PREVIOUS_TOKEN, (TEST_TOKEN,)) is None  # the previous token was removed


def test_a_request_accepted_with_the_previous_token_records_it_on_the_job(aws: AwsStack) -> None:
    services = services_for(aws)
    for token, slot in ((TEST_TOKEN, TokenSlot.CURRENT), (PREVIOUS_TOKEN, TokenSlot.PREVIOUS)):
        answer = call(services, with_headers(load_event("generate-tags"), X_Webhook_Token=token))
        assert answer.status == 202
        job = services.jobs.get(answer.json["job_id"])
        assert job is not None and job.authenticated_by is slot
        # Which token, never the token: the stored record holds neither value.
        item = aws.client("dynamodb").scan(TableName=services.settings.jobs_table_name)["Items"]
        assert TEST_TOKEN not in str(item) and PREVIOUS_TOKEN not in str(item)
