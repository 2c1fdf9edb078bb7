"""rank-resumes in two stages (`shortlist: N`, or RANK_SHORTLIST): the heuristic engine ranks every
resume, only its best N go to the model, and every resume comes back, the model-judged first, each
saying which stage judged it. Through the real api, worker and notifier against the fake OpenAI server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from ai_interviewer.errors import TransientError
from ai_interviewer.models.jobs import JobStatus
from ai_interviewer.models.requests import RankResumesRequest
from ai_interviewer.tasks.rank_resumes import rank_resumes
from ai_interviewer.wiring import build_services
from ai_interviewer.worker import processing as worker

from tests.conftest import AwsStack
from tests.fake_openai import METERED, ChatRequest, FakeOpenAI, Reply
from tests.test_api_events import assert_nothing_stored, call, load_event, services_for, with_body
from tests.test_delivery import WebhookReceiver
from tests.test_openai_engine import fenced
from tests.test_usage_cost import VACANCY, Pipeline, pipeline

SKILLS = ["FastAPI", "PostgreSQL", "Docker", "Kubernetes", "Redis", "Kafka", "AWS", "Terraform", "Celery"]
SECRET_TEXT = "Конфиденциальный-текст-резюме-7f3a"  # must never come back in an error body


def resume_set(count: int) -> list[dict[str, str]]:
    """Resumes the heuristic tells apart: candidate n has n % 10 years and the first n % 10 skills."""
    return [
        {
            "filename": f"cv_{n:02d}.txt",
            "content": f"cand{n}: Python developer, {n % 10} years. Skills: {', '.join(SKILLS[: n % 10])}.",
        }
        for n in range(count)
    ]


def model_score(request: ChatRequest) -> Reply:
    """The model's view, unlike the heuristic's: the lower the candidate's number, the better."""
    answer: dict[str, Any] = request.conforming_answer()
    number = int(fenced(request, "RESUME").split(":", 1)[0].removeprefix("cand"))
    for judged in answer["criteria"].values():
        judged["score"] = max(0, 10 - number % 10)
    return Reply.json(answer, **METERED)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(model_score) as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


def heuristic_order(aws: AwsStack, resumes: list[dict[str, str]]) -> list[str]:
    """The filenames as the heuristic engine alone ranks them (the shortlist's first stage)."""
    services = build_services(aws.settings(LLM_ENGINE="heuristic"))
    request = RankResumesRequest(webhook_url="https://a.example.com/h", vacancy_text=VACANCY, resumes=resumes)
    return [r["filename"] for r in rank_resumes(request, "job", services).result["results"]]


def asked_about(request: ChatRequest) -> str:
    """The filename of the resume a model request carries."""
    return f"cv_{int(fenced(request, 'RESUME').split(':', 1)[0].removeprefix('cand')):02d}.txt"


def ranked_names(fake: FakeOpenAI) -> list[str]:
    """The resumes the model was asked about, in the order asked."""
    return [asked_about(request) for request in fake.requests]


def check_two_stages(flow: Pipeline, job_id: str, fake: FakeOpenAI, order: list[str], n: int) -> None:
    view = flow.view(job_id)
    results = view["result"]["results"]
    assert len(fake.requests) == n  # one model call per shortlisted resume, none for the rest
    assert sorted(ranked_names(fake)) == sorted(order[:n])  # the heuristic's best n went to the model
    assert [r["filename"] for r in results[n:]] == order[n:]  # the rest in the heuristic order
    head = results[:n]
    assert [r["judged_by"] for r in results] == ["openai"] * n + ["heuristic"] * (len(order) - n)
    # The model's order among its own: by its scores (cand0 best), then by filename.
    assert [r["filename"] for r in head] == sorted(order[:n], key=lambda name: (int(name[3:5]) % 10, name))
    assert [r["score"] for r in head] == sorted((r["score"] for r in head), reverse=True)
    assert view["usage"]["calls"] == n
    assert flow.webhook(job_id)["results"] == results


def test_a_shortlist_sends_only_the_heuristics_best_n_to_the_model_and_returns_every_resume(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    resumes = resume_set(12)
    order = heuristic_order(aws, resumes)
    flow = pipeline(aws, fake, receiver)
    job_id = flow.run(resumes=resumes, shortlist=4)
    check_two_stages(flow, job_id, fake, order, 4)


def test_the_deployment_default_applies_and_a_request_overrides_it(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    resumes = resume_set(12)
    order = heuristic_order(aws, resumes)
    flow = pipeline(aws, fake, receiver, RANK_SHORTLIST="3")
    check_two_stages(flow, flow.run(resumes=resumes), fake, order, 3)
    fake.requests.clear()
    check_two_stages(flow, flow.run(resumes=resumes, shortlist=5), fake, order, 5)


@pytest.mark.parametrize("n", [12, 50])
def test_a_shortlist_as_long_as_the_ranking_sends_everyone_to_the_model(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver, n: int
) -> None:
    flow = pipeline(aws, fake, receiver)
    results = flow.view(flow.run(resumes=resume_set(12), shortlist=n))["result"]["results"]
    assert len(fake.requests) == 12
    assert {r["judged_by"] for r in results} == {"openai"}
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_with_the_heuristic_engine_a_shortlist_changes_nothing_but_judged_by_is_set(
    aws: AwsStack, receiver: WebhookReceiver
) -> None:
    with FakeOpenAI() as unused:
        flow = pipeline(aws, unused, receiver, LLM_ENGINE="heuristic")
        plain = flow.view(flow.run(resumes=resume_set(12)))["result"]["results"]
        short = flow.view(flow.run(resumes=resume_set(12), shortlist=2))["result"]["results"]
        assert unused.requests == []
    assert short == plain
    assert {r["judged_by"] for r in short} == {"heuristic"}


@pytest.mark.parametrize("bad", [0, -3, "4", True, 2.5, None])
def test_a_bad_shortlist_is_a_422_in_json_that_echoes_no_client_text(aws: AwsStack, bad: Any) -> None:
    body = {
        "webhook_url": "https://receiver.example.com/hook",
        "vacancy_text": f"Python developer {SECRET_TEXT}",
        "resumes": [{"filename": f"{SECRET_TEXT}.txt", "content": SECRET_TEXT}],
        "shortlist": bad,
    }
    if bad is None:  # null is "no shortlist": accepted
        assert call(services_for(aws), with_body(load_event("rank-resumes"), body)).status == 202
        return
    answer = call(services_for(aws), with_body(load_event("rank-resumes"), body))
    assert answer.status == 422
    assert answer.headers["Content-Type"] == "application/json"
    error = answer.json["error"]
    assert error["code"] == "validation_error"
    assert ["shortlist"] in [d["loc"] for d in error["details"]]
    assert SECRET_TEXT not in answer.text and json.dumps(bad) not in json.dumps(error["details"])
    assert_nothing_stored(aws)


def test_a_redelivery_after_a_model_failure_redoes_no_finished_call(
    aws: AwsStack, receiver: WebhookReceiver
) -> None:
    failing = {"cand_left": 2}  # the first receive: one shortlisted resume's answer and its repair fail
    resumes = resume_set(12)
    order = heuristic_order(aws, resumes)
    victim = order[2]

    def one_resume_breaks(request: ChatRequest) -> Reply:
        if asked_about(request) == victim and failing["cand_left"] > 0:
            failing["cand_left"] -= 1
            return Reply(content="{not json", **METERED)
        return model_score(request)

    with FakeOpenAI(one_resume_breaks) as fake:
        flow = pipeline(aws, fake, receiver)
        job_id = flow.accept(resumes=resumes, shortlist=4)
        message = flow.task_message(job_id)
        with pytest.raises(TransientError):
            worker.run_job(message, 1, flow.bench.services)
        first = ranked_names(fake)
        assert sorted(first) == sorted([*order[:4], victim])  # four calls and the victim's repair
        assert flow.bench.services.jobs.get(job_id).status is JobStatus.RUNNING  # type: ignore[union-attr]

        worker.run_job(message, 2, flow.bench.services)
        flow.bench.run_queue()
        assert ranked_names(fake)[len(first) :] == [victim]  # only the missing one, once

    view = flow.view(job_id)
    assert view["status"] == "succeeded"
    results = view["result"]["results"]
    assert len(results) == 12
    assert [r["judged_by"] for r in results] == ["openai"] * 4 + ["heuristic"] * 8
    assert [r["filename"] for r in results[4:]] == order[4:]
    assert view["usage"]["calls"] == 4  # the kept assessments' calls and the victim's last
    assert flow.webhook(job_id)["usage"] == view["usage"]
