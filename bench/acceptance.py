"""Acceptance: the api Lambda handler in-process, every route, p50 and p99, split into our own code and
the AWS calls (moto in-process, `moto.mock_aws`).

    uv run python bench/acceptance.py [--requests 300]

Each AWS call is timed by wrapping botocore's `BaseClient._make_api_call`, so everything the SDK does
(serialising, moto's answer, parsing) counts as "AWS"; "own" is the rest of the invocation: the handler,
Powertools' routing and logging (INFO, as deployed; written to /dev/null), our validation and JSON.
Routes run round-robin, so the machine's noise spreads over all of them alike; a warm-up round per
route (the first invocation builds the clients and the resolver) is not counted.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness import ROOT, machine_line, percentile, print_table, resume_text, use_fake_aws, vacancy_text

TARGET_OWN_P99_MS = 5.0
EVENTS_DIR = ROOT / "events" / "api"
WEBHOOK_URL = "https://receiver.example.com/ai-interviewer/webhook"


class AwsMeter:
    """Seconds spent inside botocore API calls (and how many) since the last `reset`."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0

    def install(self) -> None:
        from botocore.client import BaseClient  # noqa: PLC0415

        original = BaseClient._make_api_call  # type: ignore[attr-defined]
        meter = self

        def timed_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            start = time.perf_counter()
            try:
                return original(client, operation_name, api_params)
            finally:
                meter.seconds += time.perf_counter() - start
                meter.calls += 1

        BaseClient._make_api_call = timed_api_call  # type: ignore[attr-defined]


@dataclass
class Route:
    name: str
    event: dict[str, Any]
    expected_status: int
    total_ms: list[float] = field(default_factory=list)
    aws_ms: list[float] = field(default_factory=list)
    own_ms: list[float] = field(default_factory=list)
    aws_calls: list[int] = field(default_factory=list)


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return event


def with_body(event: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["body"] = json.dumps(body, ensure_ascii=False)
    return changed


def with_header(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["headers"][name] = value
    changed["multiValueHeaders"][name] = [value]
    return changed


def with_path_parameter(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    old = changed["pathParameters"][name]
    changed["path"] = changed["path"].replace(old, value)
    changed["requestContext"]["path"] = changed["requestContext"]["path"].replace(old, value)
    changed["pathParameters"][name] = value
    return changed


def fifty_resume_body(rng: random.Random) -> dict[str, Any]:
    """A rank-resumes request with 50 resumes of about 4 000 characters each (~210 KB, sent inline)."""
    return {
        "webhook_url": WEBHOOK_URL,
        "vacancy_text": vacancy_text(2000),
        "resumes": [{"filename": f"cv_{i:03}.txt", "content": resume_text(rng, 4000)} for i in range(50)],
        "metadata": {"ticket": "HR-50"},
    }


_DEVNULL = open(os.devnull, "w")  # noqa: SIM115 - stays open: the loggers keep writing to it


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Powertools' Logger binds sys.stdout when it is built: build it while stdout is /dev/null."""
    saved = sys.stdout
    sys.stdout = _DEVNULL
    try:
        yield
    finally:
        sys.stdout = saved


def run_worker_once(task_value: str, services: Any) -> str:
    """Receive the task's one queued message and run it through the real worker (heuristic engine)."""
    from ai_interviewer.local.pollers import sqs_event  # noqa: PLC0415
    from ai_interviewer.resources import TaskName  # noqa: PLC0415
    from ai_interviewer.worker.processing import process_batch  # noqa: PLC0415

    task = TaskName(task_value)
    sqs = services.queues._client
    url = services.settings.task_queue_urls[task]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]
    result = process_batch(
        task, sqs_event(messages, f"arn:aws:sqs:us-east-1:123456789012:{task.route}"), services
    )
    if result["batchItemFailures"]:
        raise RuntimeError(f"the {task.value} job failed during setup")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    return str(json.loads(messages[0]["Body"])["job_id"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="measured requests per route")
    parser.add_argument("--warmup", type=int, default=10, help="uncounted requests per route first")
    args = parser.parse_args()

    use_fake_aws()
    token = load_event("rank-resumes")["headers"]["X-Webhook-Token"]
    os.environ.update(
        {
            "WEBHOOK_SECRET_TOKEN": token,
            "LLM_ENGINE": "heuristic",
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)

    import boto3  # noqa: PLC0415
    from ai_interviewer.local.lambda_runtime import LambdaContext  # noqa: PLC0415
    from ai_interviewer.local.provision import provision  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    meter = AwsMeter()
    meter.install()
    with mock_aws():
        os.environ.update(provision(boto3.session.Session()))
        with quiet_stdout():
            from ai_interviewer.api import handler as api  # noqa: PLC0415
            from ai_interviewer.wiring import default_services  # noqa: PLC0415

        def invoke(event: dict[str, Any]) -> dict[str, Any]:
            answer: dict[str, Any] = api.handler(event, LambdaContext("ai-interviewer-api", 10))
            return answer

        # Setup through the real path: accept jobs, run two through the worker, store a vacancy.
        rng = random.Random(8)
        fifty = with_body(load_event("rank-resumes"), fifty_resume_body(rng))
        with quiet_stdout():
            for event in (load_event("rank-resumes"), fifty, load_event("add-vacancy-with-candidates")):
                if invoke(event)["statusCode"] != 202:
                    raise RuntimeError("setup request refused")
            services = default_services()
            small_job = run_worker_once("rank_resumes", services)
            fifty_job = run_worker_once("rank_resumes", services)
            vacancy_job = run_worker_once("add_vacancy_with_candidates", services)
        vacancy = services.jobs.get(vacancy_job)
        if vacancy is None or not isinstance(vacancy.result, dict):
            raise RuntimeError("the add-vacancy job left no result")
        vacancy_id = str(vacancy.result["vacancy_id"])

        replay = with_header(load_event("rank-resumes"), "Idempotency-Key", f"bench-{uuid.uuid4()}")
        routes = [
            Route("POST rank-resumes (seed example, 2 resumes)", load_event("rank-resumes"), 202),
            Route("POST rank-resumes (50 resumes, 210 KB)", fifty, 202),
            Route("POST rank-resumes (Idempotency-Key replay)", replay, 202),
            Route("POST start-interview", load_event("start-interview"), 202),
            Route("POST build-vacancy", load_event("build-vacancy"), 202),
            Route("POST add-vacancy-with-candidates", load_event("add-vacancy-with-candidates"), 202),
            Route("POST generate-tags", load_event("generate-tags"), 202),
            Route(
                "GET jobs/{id} (2 results)",
                with_path_parameter(load_event("get-job"), "job_id", small_job),
                200,
            ),
            Route(
                "GET jobs/{id} (50 results)",
                with_path_parameter(load_event("get-job"), "job_id", fifty_job),
                200,
            ),
            Route(
                "POST jobs/{id}/redeliver",
                with_path_parameter(load_event("redeliver-job"), "job_id", small_job),
                202,
            ),
            Route(
                "GET vacancies/{id}",
                with_path_parameter(load_event("get-vacancy"), "vacancy_id", vacancy_id),
                200,
            ),
            Route("GET health", load_event("health"), 200),
            Route("GET openapi.json", load_event("openapi"), 200),
            Route(
                "POST rank-resumes, wrong token (401)",
                with_header(load_event("rank-resumes"), "X-Webhook-Token", "nope"),
                401,
            ),
        ]

        measure(routes, invoke, meter, args.warmup, counted=False)
        measure(routes, invoke, meter, args.requests, counted=True)

    print(machine_line())
    rows = []
    for route in routes:
        own_p99 = percentile(route.own_ms, 99)
        rows.append(
            (
                route.name,
                f"{percentile(route.aws_calls, 50):.0f}",
                f"{percentile(route.total_ms, 50):.2f}",
                f"{percentile(route.total_ms, 99):.2f}",
                f"{percentile(route.aws_ms, 50):.2f}",
                f"{percentile(route.aws_ms, 99):.2f}",
                f"{percentile(route.own_ms, 50):.2f}",
                f"{own_p99:.2f}",
                "yes" if own_p99 < TARGET_OWN_P99_MS else "NO",
            )
        )
    print_table(
        f"api handler in-process on moto (mock_aws), {args.requests} requests per route, round-robin (ms)",
        [
            "route",
            "AWS calls",
            "total p50",
            "total p99",
            "AWS p50",
            "AWS p99",
            "own p50",
            "own p99",
            f"own p99 < {TARGET_OWN_P99_MS:g} ms",
        ],
        rows,
    )


def measure(
    routes: list[Route],
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
    meter: AwsMeter,
    rounds: int,
    *,
    counted: bool,
) -> None:
    with quiet_stdout():
        for _ in range(rounds):
            for route in routes:
                meter.reset()
                start = time.perf_counter()
                answer = invoke(route.event)
                total = time.perf_counter() - start
                if answer["statusCode"] != route.expected_status:
                    raise RuntimeError(f"{route.name}: HTTP {answer['statusCode']} {answer['body'][:300]}")
                if counted:
                    route.total_ms.append(total * 1000)
                    route.aws_ms.append(meter.seconds * 1000)
                    route.own_ms.append((total - meter.seconds) * 1000)
                    route.aws_calls.append(meter.calls)


if __name__ == "__main__":
    main()
