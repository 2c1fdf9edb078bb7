"""Model cost: what each job sends to the model, against the size of its input text, through the OpenAI
engine and the fake OpenAI-compatible server (which records every request on the wire).

    uv run --with bpe-openai python bench/model_cost.py    # tokens (o200k_base, gpt-4o's tokenizer)
    uv run python bench/model_cost.py                      # characters, when no tokenizer is installed

`bpe-openai` ships its vocabularies in the wheel, so it counts offline; `--with` keeps it out of the
project's lock. The fake server's own `usage` is a scripted constant and is not used.

Every prompt is split into: data (the untrusted texts, and for the interview the conversation so far),
and what we own per call: the system prompt, the fence lines around each text, the JSON schema of the
answer (sent as response_format; providers count it in some form) and the chat framing (3 tokens a
message plus 3, as OpenAI documents for its chat models). The completion is the fake's schema-conforming
answer: keys, punctuation and short placeholder values, i.e. the structure a real answer also carries.

The per-job data boundaries come from a seeded generator of the engine's own alphabet and length, so
two runs count the same tokens (a random boundary moves the fences' count by a few tokens a run).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import openai
from ai_interviewer.engines.openai.engine import OpenAiEngine
from ai_interviewer.engines.openai.templates import new_boundary
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.scoring import DEFAULT_WEIGHTS
from ai_interviewer.settings import Settings
from harness import fake_openai_module, machine_line, print_table, resume_text, vacancy_text

FENCE_LINE = re.compile(r"^=== (BEGIN|END) [A-Z]+ [0-9A-Za-z]+ ===$", re.MULTILINE)
FRAMING_PER_MESSAGE = 3
FRAMING_PER_CALL = 3
RESUME_FENCE = "=== BEGIN RESUME "
# OpenAI's prompt caching: prompts of at least 1024 tokens, matched in steps of 128 tokens.
CACHE_MIN_TOKENS = 1024
CACHE_STEP_TOKENS = 128


def _counter() -> tuple[str, Callable[[str], int]]:
    try:
        import bpe_openai  # noqa: PLC0415 - optional: `uv run --with bpe-openai`
    except ImportError:
        return "characters", len
    encoding = bpe_openai.get_encoding("o200k_base")
    return "tokens (o200k_base)", lambda text: len(encoding.encode(text)) if text else 0


UNIT, count = _counter()
TOKENS = UNIT.startswith("tokens")


@dataclass
class CallCost:
    system: int = 0
    fences: int = 0
    data: int = 0
    schema: int = 0
    framing: int = 0
    completion: int = 0

    @property
    def overhead(self) -> int:
        return self.system + self.fences + self.schema + self.framing

    @property
    def prompt(self) -> int:
        return self.overhead + self.data

    def __add__(self, other: CallCost) -> CallCost:
        return CallCost(
            *(getattr(self, name) + getattr(other, name) for name in CallCost.__dataclass_fields__)
        )


def call_cost(request: Any, reply_text: str) -> CallCost:
    cost = CallCost(framing=(FRAMING_PER_MESSAGE * len(request.messages) + FRAMING_PER_CALL) if TOKENS else 0)
    for message in request.messages:
        content = str(message.get("content") or "")
        if message["role"] == "system":
            cost.system += count(content)
            continue
        fences = [match.group(0) for match in FENCE_LINE.finditer(content)]
        cost.fences += count("\n".join(fences))
        cost.data += count(FENCE_LINE.sub("", content).strip())
    cost.schema = count(schema_text(request))
    cost.completion = count(reply_text)
    return cost


def cacheable(prefix_tokens: int) -> int:
    """How much of a repeated prefix OpenAI's prompt cache can serve: none below 1024 tokens."""
    if prefix_tokens < CACHE_MIN_TOKENS:
        return 0
    return CACHE_MIN_TOKENS + (prefix_tokens - CACHE_MIN_TOKENS) // CACHE_STEP_TOKENS * CACHE_STEP_TOKENS


def rank_shared_prefix(request: Any) -> int:
    """A ranking call's prompt up to its resume: system message, schema, framing and the fenced vacancy
    (the schema is counted as part of the prefix, where the provider puts it)."""
    system, user = (str(m["content"]) for m in request.messages)
    framing = FRAMING_PER_MESSAGE * 2 if TOKENS else 0
    return count(system) + count(schema_text(request)) + framing + count(user[: user.index(RESUME_FENCE)])


def schema_text(request: Any) -> str:
    return (
        ""
        if request.schema is None
        else json.dumps(request.schema, separators=(",", ":"), ensure_ascii=False)
    )


def interview_cacheable(requests: list[Any], costs: list[CallCost]) -> int:
    """Each agent's context only grows: a call can be served its previous call's whole prompt."""
    served, last_prompt = 0, {}
    for request, cost in zip(requests, costs, strict=True):
        agent = json.dumps(request.schema, sort_keys=True)
        previous = last_prompt.get(agent)
        if previous is not None and request.messages[: len(previous[0])] == previous[0]:
            served += cacheable(previous[1])
        last_prompt[agent] = (request.messages, cost.prompt)
    return served


class RecordedCalls:
    """Runs engine calls against the fake server and hands back each run's requests and their costs."""

    def __init__(self, server: Any, replies: list[str]) -> None:
        self._server = server
        self._replies = replies

    def run(self, call: Callable[[], object]) -> tuple[list[Any], list[CallCost]]:
        first = len(self._server.requests)
        call()
        requests = self._server.requests[first:]
        return requests, [call_cost(r, self._replies[i]) for i, r in enumerate(requests, start=first)]


def cost_row(label: str, per: str, input_texts: list[str], calls: list[CallCost]) -> tuple[object, ...]:
    total = sum(calls, CallCost())
    input_size = sum(count(text) for text in input_texts)
    return (
        label,
        per,
        len(calls),
        input_size,
        total.prompt,
        f"{total.prompt / input_size:.2f}",
        total.data,
        total.system,
        total.fences,
        total.schema,
        total.framing,
        round(total.overhead / len(calls)),
        f"{100 * total.overhead / total.prompt:.0f}%",
        total.completion,
    )


def cost_rows(
    engine: OpenAiEngine, recorded: RecordedCalls, rng: random.Random, questions: int
) -> list[tuple[object, ...]]:
    criteria = list(DEFAULT_WEIGHTS)
    rows = []
    for language, size in (("en", 1000), ("en", 4000), ("en", 16000), ("ru", 4000)):
        vacancy, resume = vacancy_text(2000, language), resume_text(rng, size, language)
        _, calls = recorded.run(
            partial(
                engine.assess_resumes,
                vacancy,
                [ResumeIn(filename="cv.txt", content=resume)],
                criteria,
                Language(language),
            )
        )
        rows.append(
            cost_row(
                f"rank, {language}, resume {size // 1000}k chars", "ranked resume", [vacancy, resume], calls
            )
        )
    for language, size in (("en", 1000), ("en", 4000), ("ru", 4000)):
        vacancy, resume = vacancy_text(2000, language), resume_text(rng, size, language)
        _, calls = recorded.run(partial(engine.run_interview, vacancy, resume, criteria, Language(language)))
        per = f"interview ({questions} questions)"
        rows.append(
            cost_row(f"interview, {language}, resume {size // 1000}k chars", per, [vacancy, resume], calls)
        )
    for language, size in (("en", 1000), ("en", 4000), ("en", 16000), ("ru", 4000)):
        text = vacancy_text(size, language)
        _, calls = recorded.run(partial(engine.extract_tags, text, Language(language)))
        rows.append(cost_row(f"tags, {language}, vacancy {size // 1000}k chars", "tag job", [text], calls))
    for language, size in (("en", 500), ("ru", 500)):
        text = vacancy_text(size, language)
        _, calls = recorded.run(
            partial(engine.write_vacancy, text, dict(DEFAULT_WEIGHTS), Language(language))
        )
        rows.append(cost_row(f"build-vacancy, {language}, draft {size} chars", "vacancy", [text], calls))
    return rows


def cache_rows(engine: OpenAiEngine, recorded: RecordedCalls, rng: random.Random) -> list[tuple[object, ...]]:
    """One job at a time: a ranking's calls after the first can be served the shared prefix; an interview
    call its agent's previous prompt. (Calls sent together before the first is answered all miss.)"""
    criteria = list(DEFAULT_WEIGHTS)
    rows: list[tuple[object, ...]] = []

    def row(label: str, requests: list[Any], prefix: str, served: int, costs: list[CallCost]) -> None:
        prompt = sum(cost.prompt for cost in costs)
        rows.append((label, len(requests), prompt, prefix, served, f"{100 * served / prompt:.0f}%"))

    resumes = [ResumeIn(filename=f"cv-{i}.txt", content=resume_text(rng, 4000)) for i in range(10)]
    for language, size in (
        ("en", 1000),
        ("en", 2000),
        ("en", 3000),
        ("en", 4000),
        ("en", 8000),
        ("ru", 2000),
    ):
        call = partial(
            engine.assess_resumes, vacancy_text(size, language), resumes, criteria, Language(language)
        )
        requests, costs = recorded.run(call)
        prefixes = {rank_shared_prefix(r) for r in requests}
        assert len(prefixes) == 1, "one job's ranking calls share one prefix"
        prefix = prefixes.pop()
        served = (len(requests) - 1) * cacheable(prefix)  # the first call writes the cache
        row(
            f"rank 10 resumes (4k chars), {language}, vacancy {size} chars",
            requests,
            str(prefix),
            served,
            costs,
        )
    for language, size in (("en", 1000), ("en", 4000), ("ru", 4000)):
        vacancy, resume = vacancy_text(2000, language), resume_text(rng, size, language)
        requests, costs = recorded.run(
            partial(engine.run_interview, vacancy, resume, criteria, Language(language))
        )
        served = interview_cacheable(requests, costs)
        label = f"interview, {language}, resume {size // 1000}k chars"
        row(label, requests, "the agent's previous prompt", served, costs)
    return rows


def main() -> None:
    fake_openai = fake_openai_module()
    replies: list[str] = []

    def recorded_reply(request: Any) -> Any:
        text = json.dumps(request.conforming_answer(), ensure_ascii=False)
        replies.append(text)
        return fake_openai.Reply(content=text)

    with fake_openai.FakeOpenAI(recorded_reply) as server:
        settings = Settings.from_env({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-bench"})
        engine = OpenAiEngine(
            openai.OpenAI(api_key="sk-bench", base_url=server.base_url),
            model=settings.openai_model,
            max_concurrency=1,
            interview_questions=settings.interview_questions,
            boundary_factory=partial(new_boundary, random.Random(11)),
        )
        recorded = RecordedCalls(server, replies)
        rows = cost_rows(engine, recorded, random.Random(5), settings.interview_questions)
        caching = cache_rows(engine, recorded, random.Random(6))

    print(machine_line())
    print_table(
        f"Model cost per job, in {UNIT}; prompt = data + system + fences + schema + framing",
        [
            "job",
            "per",
            "calls",
            "input",
            "prompt",
            "prompt / input",
            "data",
            "system",
            "fences",
            "schema",
            "framing",
            "overhead per call",
            "overhead share",
            "completion (structure)",
        ],
        rows,
    )
    print_table(
        f"Prompt caching: what OpenAI's cache could serve of one job run alone, in {UNIT} "
        f"(prompts of {CACHE_MIN_TOKENS}+ tokens, in steps of {CACHE_STEP_TOKENS})",
        ["job", "calls", "prompt", "repeated prefix per call", "cacheable", "cacheable share"],
        caching,
    )
    if not TOKENS:
        print(
            "No tokenizer installed: sizes are characters (run with `uv run --with bpe-openai` for tokens)."
        )


if __name__ == "__main__":
    main()
