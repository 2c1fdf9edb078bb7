"""Shortlist: a 500-resume ranking in two stages (the heuristic engine over every resume, the model on the
best N = 50) against the same ranking with every resume sent to the model, through the real rank task and
the OpenAI engine against the fake OpenAI server (tests/fake_openai.py) reporting measured usage (prompt
tokens from the request's bytes, cached tokens from its prompt cache) and answering after a fixed delay.
Then what the shortlist keeps: the heuristic engine's recall of grade >= 2 resumes on the labelled set.

    uv run python bench/shortlist.py [--resumes 500] [--shortlist 50] [--delay 0.2] [--eval-set FILE]

Prices are the table's for OPENAI_MODEL (gpt-4o-mini by default). The fake's answers are only the
output schema's structure, so each is billed `--completion-tokens` (a five-criterion assessment with
reasons and evidence is about that long). Targets: <= N ranking calls, every resume returned, <= 12 %
of the full ranking's tokens.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_interviewer import evaluation
from ai_interviewer.models.requests import RankResumesRequest, ResumeIn
from ai_interviewer.models.usage import Usage
from ai_interviewer.settings import Settings
from ai_interviewer.tasks.rank_resumes import rank_resumes
from ai_interviewer.wiring import Services
from harness import (
    ROOT,
    engine_services,
    fake_openai_module,
    machine_line,
    print_table,
    resume_text,
    vacancy_text,
)

TOKEN_SHARE_TARGET = 0.12
EVAL_SET = ROOT / "tests" / "data" / "eval" / "cases.json"


def services(settings: dict[str, str]) -> Services:
    """Only the engines are used by the rank task without `keep_progress`; the stores stay unset."""
    services: Services = engine_services(Settings.from_env(settings))
    return services


def openai_settings(base_url: str, args: argparse.Namespace) -> dict[str, str]:
    return {
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_MODEL": args.model,
        "LLM_MAX_CONCURRENCY": str(args.concurrency),
        "OPENAI_TIMEOUT_SECONDS": "30",
        "OPENAI_MAX_RETRIES": "0",
    }


@dataclass
class Run:
    label: str
    calls: int
    results: int
    usage: Usage
    wall: float
    shared_prefix_share: float  # of the prompt tokens, the part identical across the ranking's calls


def common_prefix(texts: list[bytes]) -> int:
    first = min(texts, key=len)
    for end, byte in enumerate(first):
        if any(text[end] != byte for text in texts):
            return end
    return len(first)


def ranked(label: str, request: RankResumesRequest, args: argparse.Namespace) -> Run:
    fake = fake_openai_module()

    def answer(chat: Any) -> Any:
        return fake.Reply.json(
            chat.conforming_answer(),
            **fake.METERED,
            completion_tokens=args.completion_tokens,
            delay=args.delay,
        )

    with fake.FakeOpenAI(answer) as server:
        ranking = services(openai_settings(server.base_url, args))
        start = time.perf_counter()
        outcome = rank_resumes(request, str(uuid.uuid4()), ranking)
        wall = time.perf_counter() - start
        prompts = [fake.prompt_bytes(r) for r in server.requests]
    usage = outcome.usage or Usage()
    shared = common_prefix(prompts) // fake.BYTES_PER_TOKEN * len(prompts) if len(prompts) > 1 else 0
    return Run(
        label=label,
        calls=len(prompts),
        results=len(outcome.result["results"]),
        usage=usage,
        wall=wall,
        shared_prefix_share=shared / usage.prompt_tokens if usage.prompt_tokens else 0.0,
    )


def heuristic_seconds(request: RankResumesRequest) -> float:
    start = time.perf_counter()
    rank_resumes(request, "bench", services({"LLM_ENGINE": "heuristic"}))
    return time.perf_counter() - start


# --- recall on the labelled set -------------------------------------------------------------------------


def heuristic_grades(case: evaluation.Case, pool: list[tuple[str, str, int]]) -> list[int]:
    """The grades of `pool` (filename, text, grade) in the heuristic engine's order for `case`'s vacancy."""
    request = RankResumesRequest(
        webhook_url="https://receiver.example.com/hook",
        vacancy_text=case.vacancy_text,
        resumes=[ResumeIn(filename=name, content=text) for name, text, _ in pool],
        weights=case.weights,
    )
    grade = {name: value for name, _, value in pool}
    results = rank_resumes(request, "bench", services({"LLM_ENGINE": "heuristic"})).result["results"]
    return [grade[result["filename"]] for result in results]


def recall_rows(rankings: list[list[int]], depths: tuple[int, ...]) -> list[tuple[object, ...]]:
    """Per depth: the share of all grade >= 2 resumes kept in the first n of their vacancy's ranking,
    the counts, and the worst vacancy's recall."""
    rows: list[tuple[object, ...]] = []
    per_case = [sum(grade >= 2 for grade in grades) for grades in rankings]
    relevant = sum(per_case)
    for n in depths:
        kept = sum(grade >= 2 for grades in rankings for grade in grades[:n])
        # A vacancy with r good resumes can keep at most min(n, r) of them in n places.
        best = sum(min(n, count) for count in per_case)
        worst = min(r for grades in rankings if (r := evaluation.recall_at(grades, n)) is not None)
        rows.append(
            (n, f"{kept / relevant:.3f}", f"{kept}/{relevant}", f"{best / relevant:.3f}", f"{worst:.2f}")
        )
    return rows


def recall_tables(cases: list[evaluation.Case]) -> None:
    own = [heuristic_grades(case, [(r.filename, r.content, r.grade) for r in case.resumes]) for case in cases]
    sizes = [len(case.resumes) for case in cases]
    print_table(
        f"Heuristic recall@k of grade >= 2 resumes, each vacancy's own resumes only ({len(cases)} vacancies, "
        f"{min(sizes)}..{max(sizes)} resumes each)",
        ["k", "pooled recall", "kept / relevant", "best possible", "worst vacancy"],
        recall_rows(own, (1, 2, 3, 4, 5, 10, 20, 50)),
    )
    # Each vacancy against every resume of the set: its own, and the other vacancies' counted as grade 0
    # (a related vacancy's resume may be a fair candidate, so this recall is a lower bound).
    pooled = []
    for case in cases:
        pool = [
            (f"{other.name}/{r.filename}", r.content, r.grade if other is case else 0)
            for other in cases
            for r in other.resumes
        ]
        pooled.append(heuristic_grades(case, pool))
    print_table(
        f"Heuristic recall@N of grade >= 2 resumes, each vacancy against all {sum(sizes)} resumes of the "
        "set (the other vacancies' resumes as grade 0)",
        ["N", "pooled recall", "kept / relevant", "best possible", "worst vacancy"],
        recall_rows(pooled, (5, 10, 20, 50)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resumes", type=int, default=500)
    parser.add_argument("--shortlist", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake server waits per call")
    parser.add_argument("--concurrency", type=int, default=8, help="LLM_MAX_CONCURRENCY")
    parser.add_argument("--completion-tokens", type=int, default=350, help="billed per answer")
    parser.add_argument("--model", default="gpt-4o-mini", help="OPENAI_MODEL, priced from the table")
    parser.add_argument("--eval-set", default=str(EVAL_SET), help="the labelled set for the recall tables")
    parser.add_argument("--no-recall", action="store_true", help="skip the labelled set")
    args = parser.parse_args()

    rng = random.Random(500)
    resumes = [{"filename": f"cv_{i:03}.txt", "content": resume_text(rng, 3000)} for i in range(args.resumes)]
    request = RankResumesRequest(
        webhook_url="https://receiver.example.com/hook", vacancy_text=vacancy_text(2000), resumes=resumes
    )
    full = ranked("every resume to the model", request, args)
    short = ranked(
        f"shortlist {args.shortlist}", request.model_copy(update={"shortlist": args.shortlist}), args
    )
    first_stage = heuristic_seconds(request)

    print(machine_line())
    rows = []
    full_tokens = full.usage.prompt_tokens + full.usage.completion_tokens
    for run in (full, short):
        tokens = run.usage.prompt_tokens + run.usage.completion_tokens
        rows.append(
            (
                run.label,
                run.calls,
                run.results,
                run.usage.prompt_tokens,
                run.usage.cached_prompt_tokens,
                run.usage.completion_tokens,
                f"{tokens / full_tokens:.1%}",
                f"{run.usage.cost_usd:.4f}" if run.usage.cost_usd is not None else "unknown",
                f"{run.wall:.2f}",
                f"{run.shared_prefix_share:.0%}",
            )
        )
    print_table(
        f"rank_resumes, {args.resumes} resumes (~3 000 characters), vacancy 2 000 characters, {args.model} "
        f"prices, fake OpenAI server answering after {args.delay * 1000:.0f} ms, LLM_MAX_CONCURRENCY "
        f"{args.concurrency}",
        [
            "ranking",
            "model calls",
            "results",
            "prompt tokens",
            "cached",
            "completion tokens",
            "tokens vs full",
            "cost USD",
            "wall s",
            "shared prefix",
        ],
        rows,
    )
    share = (short.usage.prompt_tokens + short.usage.completion_tokens) / full_tokens
    checks = {
        f"<= {args.shortlist} ranking calls": short.calls <= args.shortlist,
        f"{args.resumes} results": short.results == args.resumes,
        f"<= {TOKEN_SHARE_TARGET:.0%} of the full ranking's tokens": share <= TOKEN_SHARE_TARGET,
    }
    print(f"\nThe heuristic first stage alone: {first_stage:.2f} s for {args.resumes} resumes.")
    print("Targets: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks.items()))
    if not args.no_recall:
        recall_tables(evaluation.load_cases(Path(args.eval_set)))
    print()
    print(json.dumps({"targets_met": all(checks.values())}))


if __name__ == "__main__":
    main()
