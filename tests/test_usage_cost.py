"""What a job cost: token usage summed over its model calls (cached prompt tokens included) and priced,
on the job view and at the webhook's top level, through the real api, worker and notifier on the
emulated account, against the fake OpenAI server reporting measured usage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from ai_interviewer.models.jobs import TaskMessage
from ai_interviewer.models.usage import Usage
from ai_interviewer.pricing import PRICES, Price, listed_price, model_price
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings
from ai_interviewer.worker import processing as worker

from tests.conftest import AwsStack
from tests.fake_openai import (
    BYTES_PER_TOKEN,
    CACHE_BLOCK_TOKENS,
    CACHE_MIN_TOKENS,
    METERED,
    FakeOpenAI,
    Reply,
    metered_reply,
    prompt_bytes,
)
from tests.test_api_events import call, load_event, with_body, with_path_parameter
from tests.test_api_openapi import document, validator, webhook_schema
from tests.test_delivery import WebhookReceiver
from tests.test_notifier import NotifierBench, make_bench

# Long enough that the shared prefix (system message and vacancy) passes the 1024 tokens OpenAI caches.
VACANCY = "We are hiring a senior Python developer for a payments platform. " + " ".join(
    f"Requirement {n}: experience with service number {n}, its FastAPI endpoints, PostgreSQL schema "
    f"migrations, Docker images and CI pipelines, and on-call duty for incident {n}."
    for n in range(40)
)


COUNTS = ("prompt_tokens", "cached_prompt_tokens", "completion_tokens", "calls")


def resumes(count: int) -> list[dict[str, str]]:
    return [
        {"filename": f"cv_{n:03d}.txt", "content": f"Candidate {n}: {n % 9} years of Python, FastAPI."}
        for n in range(count)
    ]


@dataclass
class Pipeline:
    """The api, a rank worker and the notifier over one set of services, the model at the fake server."""

    bench: NotifierBench
    fake: FakeOpenAI
    receiver: WebhookReceiver

    @property
    def settings(self) -> Settings:
        return self.bench.settings

    def accept(self, **body: Any) -> str:
        """POST rank-resumes through the api; returns the job id."""
        request = {"webhook_url": self.receiver.url(), "vacancy_text": VACANCY, **body}
        answer = call(self.bench.services, with_body(load_event("rank-resumes"), request))
        assert answer.status == 202, answer.text
        job_id: str = answer.json["job_id"]
        return job_id

    def task_message(self, job_id: str) -> TaskMessage:
        sqs = self.bench.aws.client("sqs")
        url = self.settings.task_queue_urls[TaskName.RANK_RESUMES]
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            task = TaskMessage.model_validate_json(message["Body"])
            if task.job_id == job_id:
                return task
        raise AssertionError("no task message for the job")

    def run(self, **body: Any) -> str:
        """Accept, run the task once, deliver the webhook: the job id."""
        job_id = self.accept(**body)
        worker.run_job(self.task_message(job_id), 1, self.bench.services)
        self.bench.run_queue()
        return job_id

    def view(self, job_id: str) -> dict[str, Any]:
        answer = call(self.bench.services, with_path_parameter(load_event("get-job"), "job_id", job_id))
        assert answer.status == 200
        found: dict[str, Any] = answer.json
        return found

    def webhook(self, job_id: str) -> dict[str, Any]:
        bodies = [json.loads(r.body) for r in self.receiver.requests]
        found = [body for body in bodies if body["job_id"] == job_id]
        assert len(found) == 1
        return found[0]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(metered_reply) as server:
        yield server


def pipeline(aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver, **env: str) -> Pipeline:
    settings = {
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "sk-test-key",
        "OPENAI_MODEL": "gpt-4o-mini",
        "OPENAI_TIMEOUT_SECONDS": "5",
        "OPENAI_MAX_RETRIES": "0",
        "LLM_MAX_CONCURRENCY": "1",  # one call at a time: the prompt cache sees each prefix before the next
        **env,
    }
    return Pipeline(make_bench(aws, **settings), fake, receiver)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


def reported_usage(fake: FakeOpenAI) -> Usage:
    """What the fake server reported, summed: the numbers the job must carry."""
    return Usage(
        prompt_tokens=sum(u["prompt_tokens"] for u in fake.usages),
        cached_prompt_tokens=sum(u["prompt_tokens_details"]["cached_tokens"] for u in fake.usages),
        completion_tokens=sum(u["completion_tokens"] for u in fake.usages),
        calls=len(fake.usages),
        cost_usd=None,
    )


def usd(usage: dict[str, Any], input_price: float, cached_price: float, output_price: float) -> float:
    fresh = usage["prompt_tokens"] - usage["cached_prompt_tokens"]
    return (
        fresh * input_price
        + usage["cached_prompt_tokens"] * cached_price
        + usage["completion_tokens"] * output_price
    ) / 1_000_000


def test_the_job_view_and_the_webhook_carry_the_summed_usage_with_cached_tokens_and_its_cost(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    flow = pipeline(aws, fake, receiver)
    job_id = flow.run(resumes=resumes(4))

    view, webhook = flow.view(job_id), flow.webhook(job_id)
    reported = reported_usage(fake)
    assert reported.calls == 4 and reported.cached_prompt_tokens > 0  # calls 2..4 hit the cached prefix
    usage = view["usage"]
    assert {k: usage[k] for k in COUNTS} == {k: getattr(reported, k) for k in COUNTS}
    # gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens.
    assert usage["cost_usd"] == pytest.approx(usd(usage, 0.15, 0.075, 0.60), abs=1e-8)
    assert usage["cost_usd"] < usd({**usage, "cached_prompt_tokens": 0}, 0.15, 0.075, 0.60)
    assert webhook["usage"] == usage
    assert next(iter(webhook)) == "results"  # the seed's payload first, the envelope after it
    doc = document(aws)
    validator(doc, webhook_schema(doc, TaskName.RANK_RESUMES)).validate(webhook)


def test_the_price_settings_override_the_table(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    flow = pipeline(
        aws,
        fake,
        receiver,
        LLM_PRICE_INPUT_PER_MTOK="3",
        LLM_PRICE_CACHED_INPUT_PER_MTOK="1",
        LLM_PRICE_OUTPUT_PER_MTOK="20",
    )
    job_id = flow.run(resumes=resumes(3))
    usage = flow.view(job_id)["usage"]
    assert usage["cached_prompt_tokens"] > 0
    assert usage["cost_usd"] == pytest.approx(usd(usage, 3, 1, 20), abs=1e-8)
    assert flow.webhook(job_id)["usage"]["cost_usd"] == usage["cost_usd"]


def test_an_unknown_model_has_a_null_cost_and_the_settings_can_price_it(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    flow = pipeline(aws, fake, receiver, OPENAI_MODEL="llama3.1:8b")
    job_id = flow.run(resumes=resumes(2))
    view, webhook = flow.view(job_id), flow.webhook(job_id)
    assert view["usage"]["calls"] == 2 and view["usage"]["prompt_tokens"] > 0
    assert view["usage"]["cost_usd"] is None
    assert "cost_usd" in webhook["usage"] and webhook["usage"]["cost_usd"] is None  # null, not dropped
    doc = document(aws)
    validator(doc, webhook_schema(doc, TaskName.RANK_RESUMES)).validate(webhook)

    priced = pipeline(
        aws,
        fake,
        receiver,
        OPENAI_MODEL="llama3.1:8b",
        LLM_PRICE_INPUT_PER_MTOK="0.5",
        LLM_PRICE_OUTPUT_PER_MTOK="1",
    )
    usage = priced.view(priced.run(resumes=resumes(2)))["usage"]
    # No cached price given and none listed: cached input is priced as input.
    assert usage["cost_usd"] == pytest.approx(usd(usage, 0.5, 0.5, 1), abs=1e-8)


def test_the_heuristic_engine_spends_nothing_and_says_so(aws: AwsStack, receiver: WebhookReceiver) -> None:
    bench = make_bench(aws, LLM_ENGINE="heuristic")
    with FakeOpenAI() as unused:
        flow = Pipeline(bench, unused, receiver)
        job_id = flow.run(resumes=resumes(3))
        assert unused.requests == []
    expected = {"prompt_tokens": 0, "cached_prompt_tokens": 0, "completion_tokens": 0, "calls": 0}
    assert flow.view(job_id)["usage"] == {**expected, "cost_usd": 0.0}
    assert flow.webhook(job_id)["usage"] == {**expected, "cost_usd": 0.0}


def test_a_failed_job_carries_what_it_spent(aws: AwsStack, receiver: WebhookReceiver) -> None:
    with FakeOpenAI(lambda request: Reply(content="{not json", **METERED)) as broken:
        flow = pipeline(aws, broken, receiver)
        job_id = flow.accept(resumes=resumes(1))
        worker.run_job(flow.task_message(job_id), flow.settings.task_max_receive_count, flow.bench.services)
        flow.bench.run_queue()
        reported = reported_usage(broken)
    webhook = flow.webhook(job_id)
    assert webhook["status"] == "failed" and webhook["error"]["code"] == "invalid_model_output"
    assert webhook["usage"]["calls"] == reported.calls == 2  # the answer and its one repair
    assert webhook["usage"]["prompt_tokens"] == reported.prompt_tokens
    assert webhook["usage"]["cost_usd"] == pytest.approx(usd(webhook["usage"], 0.15, 0.075, 0.60), abs=1e-8)
    assert flow.view(job_id)["usage"] == webhook["usage"]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-mini", Price(0.15, 0.075, 0.60)),
        ("gpt-4o-mini-2024-07-18", Price(0.15, 0.075, 0.60)),  # a dated snapshot costs what its alias does
        ("GPT-4.1-nano", Price(0.10, 0.025, 0.40)),
        ("gpt-4o", Price(2.50, 1.25, 10.00)),
        ("gpt-4o-2024-08-06-custom", None),
        ("gpt-4o-audio", None),
        ("mistral-large", None),
    ],
)
def test_the_table_prices_the_listed_models_and_their_dated_snapshots_only(
    model: str, expected: Price | None
) -> None:
    assert listed_price(model) == expected


def test_the_table_lists_the_models_of_the_brief() -> None:
    names = {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5", "gpt-5-mini"}
    assert names | {"gpt-5-nano", "o4-mini"} == set(PRICES)
    assert all(p.cached_input <= p.input < p.output for p in PRICES.values())


def test_a_price_counts_cached_tokens_at_the_cached_rate() -> None:
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    assert price.cost(prompt_tokens=1_000_000, cached_prompt_tokens=0, completion_tokens=0) == 2.0
    assert price.cost(prompt_tokens=1_000_000, cached_prompt_tokens=600_000, completion_tokens=0) == 1.1
    assert price.cost(prompt_tokens=1000, cached_prompt_tokens=0, completion_tokens=1000) == 0.01


def test_an_input_price_override_alone_keeps_the_tables_output_and_drops_its_cache_discount() -> None:
    settings = Settings(openai_model="gpt-4o-mini", llm_price_input_per_mtok=1.0)
    assert model_price(settings) == Price(input=1.0, cached_input=1.0, output=0.60)
    assert model_price(Settings(openai_model="gpt-4o-mini")) == Price(0.15, 0.075, 0.60)
    assert model_price(Settings(openai_model="my-model", llm_price_input_per_mtok=1.0)) is None


def test_usage_sums_costs_and_an_unknown_cost_stays_unknown() -> None:
    known = Usage(prompt_tokens=10, completion_tokens=2, calls=1, cost_usd=0.1)
    unknown = Usage(prompt_tokens=10, completion_tokens=2, calls=1, cost_usd=None)
    assert (known + known).cost_usd == 0.2
    assert (known + unknown).cost_usd is None and (Usage() + unknown).cost_usd is None
    assert (Usage() + known) == known
    assert (known + known - known) == known


def test_a_rankings_calls_share_a_byte_identical_prefix_and_the_cache_serves_it(
    aws: AwsStack, fake: FakeOpenAI, receiver: WebhookReceiver
) -> None:
    sent = resumes(5)
    flow = pipeline(aws, fake, receiver)
    job_id = flow.run(resumes=sent)
    requests = fake.requests
    assert len(requests) == 5
    # The instructions and the vacancy come first and the resume last: up to the resume's fence the
    # messages are the same bytes in every call of the ranking...
    texts = [json.dumps(r.messages, ensure_ascii=False) for r in requests]
    prefixes = {text[: text.index("=== BEGIN RESUME")] for text in texts}
    assert len(prefixes) == 1
    (prefix,) = prefixes
    assert [m["role"] for m in requests[0].messages] == ["system", "user"] and VACANCY in prefix
    # ...and what the SDK sent differs only by the resume's text.
    bodies = set()
    for request, resume in zip(requests, sent, strict=True):
        raw = request.raw.decode()
        escaped = json.dumps(resume["content"], ensure_ascii=False)[1:-1]
        assert raw.count(escaped) == 1
        bodies.add(raw.replace(escaped, ""))
    assert len(bodies) == 1
    # The fake's cache serves each call the whole 128-token blocks it shares with an earlier call.
    prompts = [prompt_bytes(r) for r in requests]
    for k, usage in enumerate(fake.usages):
        shared = max((common_prefix(prompts[k], earlier) for earlier in prompts[:k]), default=0)
        blocks = shared // (CACHE_BLOCK_TOKENS * BYTES_PER_TOKEN) * CACHE_BLOCK_TOKENS
        assert usage["prompt_tokens_details"]["cached_tokens"] == (
            blocks if blocks >= CACHE_MIN_TOKENS else 0
        )
    view = flow.view(job_id)["usage"]
    assert view["cached_prompt_tokens"] == sum(
        u["prompt_tokens_details"]["cached_tokens"] for u in fake.usages
    )
    # Most of each prompt is the shared prefix: 4 of 5 calls get most of theirs from the cache.
    assert view["cached_prompt_tokens"] > 0.6 * view["prompt_tokens"]


def common_prefix(one: bytes, other: bytes) -> int:
    return next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other))
    )
