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
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ai_interviewer.engines.openai_engine import OpenAiEngine
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.scoring import DEFAULT_WEIGHTS
from ai_interviewer.settings import Settings
from harness import fake_openai_module, machine_line, print_table, resume_text, vacancy_text

FENCE_LINE = re.compile(r"^=== (BEGIN|END) [A-Z]+ [0-9a-f]+ ===$", re.MULTILINE)
FRAMING_PER_MESSAGE = 3
FRAMING_PER_CALL = 3


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
    if request.schema is not None:
        cost.schema = count(json.dumps(request.schema, separators=(",", ":"), ensure_ascii=False))
    cost.completion = count(reply_text)
    return cost


def main() -> None:
    fake_openai = fake_openai_module()
    replies: list[str] = []

    def recorded_reply(request: Any) -> Any:
        text = json.dumps(request.conforming_answer(), ensure_ascii=False)
        replies.append(text)
        return fake_openai.Reply(content=text)

    rng = random.Random(5)
    criteria = list(DEFAULT_WEIGHTS)
    rows = []
    with fake_openai.FakeOpenAI(recorded_reply) as server:
        settings = Settings.from_env(
            {
                "LLM_ENGINE": "openai",
                "OPENAI_BASE_URL": server.base_url,
                "OPENAI_API_KEY": "sk-bench",
                "LLM_MAX_CONCURRENCY": "1",
            }
        )
        engine = OpenAiEngine.from_settings(settings)

        def measure(label: str, input_texts: list[str], run: Callable[[], object], per: str) -> None:
            first = len(server.requests)
            run()
            calls = [call_cost(r, replies[i]) for i, r in enumerate(server.requests[first:], start=first)]
            total = sum(calls, CallCost())
            input_size = sum(count(text) for text in input_texts)
            rows.append(
                (
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
            )

        vacancy = {"en": vacancy_text(2000), "ru": vacancy_text(2000, "ru")}
        for language, size in (("en", 1000), ("en", 4000), ("en", 16000), ("ru", 4000)):
            resume = resume_text(rng, size, language)
            lang = Language(language)
            measure(
                f"rank, {language}, resume {size // 1000}k chars",
                [vacancy[language], resume],
                partial(
                    engine.assess_resumes,
                    vacancy[language],
                    [ResumeIn(filename="cv.txt", content=resume)],
                    criteria,
                    lang,
                ),
                "ranked resume",
            )
        for language, size in (("en", 1000), ("en", 4000), ("ru", 4000)):
            resume = resume_text(rng, size, language)
            lang = Language(language)
            measure(
                f"interview, {language}, resume {size // 1000}k chars",
                [vacancy[language], resume],
                partial(engine.run_interview, vacancy[language], resume, criteria, lang),
                f"interview ({settings.interview_questions} questions)",
            )
        for language, size in (("en", 1000), ("en", 4000), ("en", 16000), ("ru", 4000)):
            text = vacancy_text(size, language)
            lang = Language(language)
            measure(
                f"tags, {language}, vacancy {size // 1000}k chars",
                [text],
                partial(engine.extract_tags, text, lang),
                "tag job",
            )
        for language, size in (("en", 500), ("ru", 500)):
            text = vacancy_text(size, language)
            lang = Language(language)
            measure(
                f"build-vacancy, {language}, draft {size} chars",
                [text],
                partial(engine.write_vacancy, text, dict(DEFAULT_WEIGHTS), lang),
                "vacancy",
            )

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
    if not TOKENS:
        print(
            "No tokenizer installed: sizes are characters (run with `uv run --with bpe-openai` for tokens)."
        )


if __name__ == "__main__":
    main()
