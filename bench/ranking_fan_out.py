"""Ranking fan-out: a 100-resume rank_resumes job through the OpenAI engine against the fake
OpenAI-compatible server (tests/fake_openai.py) answering every call after a fixed 300 ms, at several
LLM_MAX_CONCURRENCY values side by side.

    uv run python bench/ranking_fan_out.py [--resumes 100] [--delay 0.3] [--concurrency 8,1,4,16]

The job runs the real task code (`tasks.rank_resumes`: engine calls, flags, scores, order) with the
engine built from settings as the worker builds it. The ideal wall time is ceil(resumes / concurrency)
waves of one call each; the target is the first concurrency (8) within 1.2x of it. A one-resume job on
each fresh engine comes first and is not counted (the first call builds the SDK's client state).
"""

from __future__ import annotations

import argparse
import math
import random
import time
import uuid
from typing import Any

import harness
from ai_interviewer.engines.openai.engine import OpenAiEngine
from ai_interviewer.models.requests import RankResumesRequest
from ai_interviewer.settings import Settings
from ai_interviewer.tasks.rank_resumes import rank_resumes
from ai_interviewer.wiring import Services
from harness import fake_openai_module, machine_line, print_table, resume_text, vacancy_text

TARGET_RATIO = 1.2


def rank_request(resumes: int, rng: random.Random) -> RankResumesRequest:
    return RankResumesRequest(
        webhook_url="https://receiver.example.com/hook",
        vacancy_text=vacancy_text(2000),
        resumes=[{"filename": f"cv_{i:03}.txt", "content": resume_text(rng, 3000)} for i in range(resumes)],
    )


def engine_services(base_url: str, concurrency: int) -> Services:
    """Only the engine is used by the rank task; the stores stay unset."""
    settings = Settings.from_env(
        {
            "LLM_ENGINE": "openai",
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": "sk-bench",
            "OPENAI_MODEL": "fake-model",
            "LLM_MAX_CONCURRENCY": str(concurrency),
            "OPENAI_TIMEOUT_SECONDS": "30",
            "OPENAI_MAX_RETRIES": "0",
        }
    )
    services: Services = harness.engine_services(settings, OpenAiEngine.from_settings(settings))
    return services


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resumes", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the fake server waits per call")
    parser.add_argument("--concurrency", default="8,1,4,16", help="LLM_MAX_CONCURRENCY values, target first")
    args = parser.parse_args()
    levels = [int(value) for value in args.concurrency.split(",")]

    fake_openai = fake_openai_module()

    def slow_reply(request: Any) -> Any:
        return fake_openai.Reply.json(request.conforming_answer(), delay=args.delay)

    rng = random.Random(100)
    request = rank_request(args.resumes, rng)
    warmup = rank_request(1, rng)
    rows = []
    for concurrency in levels:
        with fake_openai.FakeOpenAI(slow_reply) as server:
            services = engine_services(server.base_url, concurrency)
            rank_resumes(warmup, str(uuid.uuid4()), services)
            calls_before = len(server.requests)
            cpu_start, start = time.process_time(), time.perf_counter()
            outcome = rank_resumes(request, str(uuid.uuid4()), services)
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu_start
            calls = len(server.requests) - calls_before
            in_flight = server.max_in_flight
        results = outcome.result["results"]
        if len(results) != args.resumes or calls != args.resumes:
            raise RuntimeError(f"expected {args.resumes} results and calls, got {len(results)} and {calls}")
        waves = math.ceil(args.resumes / concurrency)
        ideal = waves * args.delay
        ratio = wall / ideal
        rows.append(
            (
                concurrency,
                calls,
                in_flight,
                f"{ideal:.2f}",
                f"{wall:.2f}",
                f"{ratio:.3f}x",
                f"{(wall - ideal) / waves * 1000:.1f}",
                f"{cpu / calls * 1000:.1f}",
                ("yes" if ratio <= TARGET_RATIO else "NO") if concurrency == levels[0] else "",
            )
        )

    print(machine_line())
    print_table(
        f"rank_resumes, {args.resumes} resumes (~3 000 characters each), fake OpenAI server answering after "
        f"{args.delay * 1000:.0f} ms a call",
        [
            "LLM_MAX_CONCURRENCY",
            "calls",
            "max in flight",
            "ideal s",
            "wall s",
            "wall / ideal",
            "overhead ms per wave",
            "CPU ms per call",
            f"<= {TARGET_RATIO}x",
        ],
        rows,
    )
    print("CPU ms per call: this process (engine, task code and the fake server's threads) over the job.")


if __name__ == "__main__":
    main()
