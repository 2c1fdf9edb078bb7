"""The production engine: any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, LM Studio) through
the official `openai` SDK, with structured outputs validated by pydantic.

- Instructions live only in the system message (versioned templates, in the input's language); every
  untrusted text sits in a user message between BEGIN/END lines carrying a random per-job boundary.
- Ranking makes one call per resume, the shared part first (system message, then the vacancy) and the
  resume last, byte-identical across the job, so the provider's prompt cache can reuse the prefix (OpenAI
  caches only prompts of 1024 tokens or more: the prefix gets there from a vacancy of about 1 900 English
  characters, see bench/README.md); calls run on a thread pool bounded by `llm_max_concurrency`.
- The interview is two agents with separate conversations: the recruiter sees the vacancy and the
  resume, the candidate only its resume and the questions; then one analysis call. Each agent's
  conversation only grows by appending, so every call's prompt starts with the whole previous prompt of
  that agent: what it re-sends is the cacheable part (replacing the history by a summary would cost a
  call and break that prefix).
- Resilience: 429 (honouring Retry-After), 5xx, timeouts and connection errors are retried as the SDK
  would (`engines.openai.retries`; the SDK's own loop is off) within the client's explicit `max_retries`
  and per-request `timeout`; what survives becomes `TransientError` or `PermanentError` (see
  `engines.openai.chat`). `engines.openai.budget` says how long one call can take.
- Progress (`ai_interviewer.tasks.progress`): each resume's assessment is reported as it lands, and each
  interview round (question and answer); rounds an earlier receive of the job finished are replayed into
  both conversations instead of being asked again, so a retry pays only for what is missing.
- Time: under the job's deadline (`ai_interviewer.deadline`, set by the worker) every call caps its
  timeout and retries to the time left and stops with `DeadlineExceededError` when too little is left;
  the ranking pool's threads run in a copy of the caller's context, so they see the same deadline.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

import openai

from ai_interviewer.engines.capabilities import (
    Interview,
    Interviewer,
    InterviewJudgement,
    InterviewTurn,
    ResumeAssessment,
    ResumeAssessor,
    TagExtractor,
    VacancyWriter,
)
from ai_interviewer.engines.openai.chat import (
    Message,
    OutputT,
    StructuredChat,
    assistant_message,
    system_message,
    user_message,
)
from ai_interviewer.engines.openai.outputs import (
    CandidateTurnOutput,
    Criterion,
    InterviewerTurnOutput,
    TagsOutput,
    VacancyOutput,
    assessment_output,
    criteria_judgements,
    criterion_names,
    interview_analysis_output,
)
from ai_interviewer.engines.openai.templates import (
    DataFence,
    DataKind,
    PromptTemplates,
    bullet_list,
    new_boundary,
)
from ai_interviewer.errors import InvalidModelOutputError, PermanentError
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.models.results import CriterionJudgement, Flag
from ai_interviewer.models.usage import Usage
from ai_interviewer.pricing import Price, model_price
from ai_interviewer.recommendations import Recommendation, recommendation_text
from ai_interviewer.settings import Settings, openai_api_key
from ai_interviewer.tasks.progress import kept_rounds, report_assessment, report_round

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Local endpoints (Ollama, LM Studio, vLLM) ignore the key, and the SDK refuses to start without one;
# against OpenAI itself this placeholder gets a 401, which ends the job as `llm_auth_failed`.
PLACEHOLDER_API_KEY = "no-key-configured"

# Judging wants repeatable answers; the interview's turns a little variety.
JUDGING_TEMPERATURE = 0.0
CONVERSATION_TEMPERATURE = 0.5
WRITING_TEMPERATURE = 0.3

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

_QUOTES = {Language.RU: ("«", "»"), Language.EN: ("“", "”")}
_EVIDENCE_MAX_CHARS = 200


class OpenAiEngine(ResumeAssessor, Interviewer, VacancyWriter, TagExtractor):
    name = "openai"

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        structured_outputs: bool = True,
        max_concurrency: int = 8,
        interview_questions: int = 6,
        templates: PromptTemplates | None = None,
        boundary_factory: Callable[[], str] = new_boundary,
        price: Price | None = None,
    ) -> None:
        self.model = model
        self._templates = templates or PromptTemplates()
        self.prompt_version = self._templates.version
        self._chat = StructuredChat(
            client,
            model,
            self._templates,
            structured_outputs=structured_outputs,
            price=price,  # None: no price known (`from_settings` passes pricing.model_price's)
        )
        self._max_concurrency = max_concurrency
        self._interview_questions = interview_questions
        self._boundary_factory = boundary_factory

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAiEngine:
        """One client per process, with the timeout and retry budget set explicitly (the SDK's defaults,
        10 minutes and 2 retries, would outlive any Lambda); within a job its deadline tightens both. The
        retries are spent by `engines.openai.retries`, not by the SDK (see `StructuredChat`)."""
        client = openai.OpenAI(
            api_key=openai_api_key(settings) or PLACEHOLDER_API_KEY,
            base_url=settings.openai_base_url or OPENAI_DEFAULT_BASE_URL,
            timeout=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
        )
        return cls(
            client,
            model=settings.openai_model,
            structured_outputs=settings.openai_structured_outputs,
            max_concurrency=settings.llm_max_concurrency,
            interview_questions=settings.interview_questions,
            price=model_price(settings),
        )

    # --- rank ---------------------------------------------------------------------------------------

    def assess_resumes(
        self,
        vacancy_text: str,
        resumes: Sequence[ResumeIn],
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[list[ResumeAssessment], Usage]:
        names = criterion_names(criteria)
        fence = DataFence(self._boundary_factory())
        output = assessment_output(names)
        system = self._templates.render("rank", language, boundary=fence.boundary, criteria=", ".join(names))
        # Byte-identical for every resume of the job: everything up to the resume's BEGIN line.
        shared_prefix = fence.wrap(DataKind.VACANCY, vacancy_text) + "\n\n"

        def assess(item: tuple[int, ResumeIn]) -> tuple[ResumeAssessment, Usage]:
            position, resume = item
            messages: list[Message] = [
                system_message(system),
                user_message(shared_prefix + fence.wrap(DataKind.RESUME, resume.content)),
            ]
            answer, usage = self._chat.complete(messages, output, language, temperature=JUDGING_TEMPERATURE)
            flags: list[Flag] = ["prompt_injection"] if answer.prompt_injection_detected else []
            assessment = ResumeAssessment(
                criteria=self._judgements(criteria_judgements(answer.criteria), language),
                summary=answer.summary,
                pros=answer.pros,
                cons=answer.cons,
                flags=flags,
            )
            report_assessment(position, assessment, usage)  # kept by the task at once: a retry skips it
            return assessment, usage

        results = self._run_bounded(assess, list(enumerate(resumes)))
        return [assessment for assessment, _ in results], _total(usage for _, usage in results)

    def _run_bounded(
        self, call: Callable[[ItemT], tuple[ResultT, Usage]], items: list[ItemT]
    ) -> list[tuple[ResultT, Usage]]:
        """`call` over `items` with at most `max_concurrency` in flight; results in input order.

        On the first failure nothing new starts and the calls in flight finish. A permanent failure wins
        over a transient one (retrying the message cannot help it); invalid output carries the usage of
        every call that was answered, so the failed job still records what it cost."""
        if not items:
            return []
        workers = min(self._max_concurrency, len(items))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
            # Threads do not inherit context variables: each call runs in a copy of ours (one copy per
            # call, as a context cannot be entered by two threads at once), so it sees the job's deadline.
            futures = [pool.submit(contextvars.copy_context().run, call, item) for item in items]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            if not any(f.exception() for f in done):
                return [future.result() for future in futures]
            for future in futures:
                future.cancel()
            wait(futures)
        finished = [f for f in futures if not f.cancelled()]
        errors = [error for f in finished if (error := f.exception()) is not None]
        chosen = next((e for e in errors if isinstance(e, PermanentError)), errors[0])
        if isinstance(chosen, InvalidModelOutputError):
            spent = _total(
                [f.result()[1] for f in finished if f.exception() is None]
                + [e.usage for e in errors if isinstance(e, InvalidModelOutputError)]
            )
            raise InvalidModelOutputError(chosen.message, spent) from None
        raise chosen

    # --- interview ----------------------------------------------------------------------------------

    def run_interview(
        self,
        vacancy_text: str,
        resume_text: str,
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[Interview, Usage]:
        names = criterion_names(criteria)
        fence = DataFence(self._boundary_factory())
        vacancy = fence.wrap(DataKind.VACANCY, vacancy_text)
        resume = fence.wrap(DataKind.RESUME, resume_text)
        chat = _MeteredChat(self._chat, language)

        # Two separate contexts: the candidate never sees the vacancy.
        recruiter: list[Message] = [
            system_message(
                self._templates.render(
                    "interviewer",
                    language,
                    boundary=fence.boundary,
                    questions=str(self._interview_questions),
                )
            ),
            user_message(f"{vacancy}\n\n{resume}"),
        ]
        candidate: list[Message] = [
            system_message(self._templates.render("candidate", language, boundary=fence.boundary))
        ]
        turns: list[InterviewTurn] = []
        kept = kept_rounds()  # rounds an earlier receive of this job finished: replayed, not asked again
        for number in range(self._interview_questions):
            replayed = number < len(kept)
            question = (
                InterviewerTurnOutput.model_validate_json(kept[number][0])
                if replayed
                else chat.complete(recruiter, InterviewerTurnOutput, temperature=CONVERSATION_TEMPERATURE)
            )
            recruiter.append(assistant_message(question.model_dump_json()))
            asked = fence.wrap(DataKind.QUESTION, question.question)
            candidate.append(user_message(f"{resume}\n\n{asked}" if number == 0 else asked))
            answer = (
                CandidateTurnOutput.model_validate_json(kept[number][1])
                if replayed
                else chat.complete(candidate, CandidateTurnOutput, temperature=CONVERSATION_TEMPERATURE)
            )
            candidate.append(assistant_message(answer.model_dump_json()))
            if not replayed:
                report_round(number, (question.model_dump_json(), answer.model_dump_json()))
            recruiter.append(user_message(fence.wrap(DataKind.ANSWER, answer.answer)))
            turns += [
                InterviewTurn(speaker="interviewer", text=question.question),
                InterviewTurn(speaker="candidate", text=answer.answer),
            ]

        transcript = "\n\n".join(
            f"{'Interviewer' if t.speaker == 'interviewer' else 'Candidate'}: {t.text}" for t in turns
        )
        choices = tuple(recommendation_text(choice, language) for choice in Recommendation)
        analysis_system = self._templates.render(
            "analysis",
            language,
            boundary=fence.boundary,
            criteria=", ".join(names),
            recommendations=bullet_list(list(choices)),
        )
        analysis = chat.complete(
            [
                system_message(analysis_system),
                user_message(f"{vacancy}\n\n{resume}\n\n{fence.wrap(DataKind.TRANSCRIPT, transcript)}"),
            ],
            interview_analysis_output(names, choices),
            temperature=JUDGING_TEMPERATURE,
        )
        judgement = InterviewJudgement(
            scores=self._judgements(criteria_judgements(analysis.criteria), language),
            summary=analysis.summary,
            pros=analysis.pros,
            cons=analysis.cons,
            recommendation=analysis.recommendation,
        )
        return Interview(turns=turns, judgement=judgement), chat.usage

    # --- build-vacancy and tags ---------------------------------------------------------------------

    def write_vacancy(
        self, base_text: str, weights: dict[str, float], language: Language
    ) -> tuple[str, Usage]:
        fence = DataFence(self._boundary_factory())
        ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        system = self._templates.render(
            "vacancy",
            language,
            boundary=fence.boundary,
            priorities=", ".join(f"{name}: {weight:g}" for name, weight in ranked),
        )
        draft, usage = self._chat.complete(
            [system_message(system), user_message(fence.wrap(DataKind.DRAFT, base_text))],
            VacancyOutput,
            language,
            temperature=WRITING_TEMPERATURE,
        )
        title = draft.title.lstrip("#").strip()
        body_lines = draft.body.strip().splitlines()
        if body_lines and body_lines[0].startswith("# "):  # the model repeated the title: ours comes first
            body_lines = body_lines[1:]
        body = "\n".join(body_lines).strip()
        if not title:
            raise PermanentError("invalid_model_output", "the model's vacancy had no title")
        return (f"# {title}\n\n{body}" if body else f"# {title}"), usage

    def extract_tags(self, vacancy_text: str, language: Language) -> tuple[list[str], Usage]:
        fence = DataFence(self._boundary_factory())
        system = self._templates.render("tags", language, boundary=fence.boundary)
        answer, usage = self._chat.complete(
            [system_message(system), user_message(fence.wrap(DataKind.VACANCY, vacancy_text))],
            TagsOutput,
            language,
            temperature=JUDGING_TEMPERATURE,
        )
        tags = [tag.lstrip("#").strip() for tag in answer.tags]
        return [tag for tag in tags if tag], usage

    # --- shared -------------------------------------------------------------------------------------

    @staticmethod
    def _judgements(judged: dict[str, Criterion], language: Language) -> dict[str, CriterionJudgement]:
        """`reason — «quote»` as one line: the payload's judgement keeps the model's evidence."""
        opening, closing = _QUOTES[language]
        result = {}
        for name, item in judged.items():
            evidence = item.evidence.strip(" \"'«»“”")
            if len(evidence) > _EVIDENCE_MAX_CHARS:
                evidence = evidence[: _EVIDENCE_MAX_CHARS - 1].rstrip() + "…"
            reason = f"{item.reason} — {opening}{evidence}{closing}" if evidence else item.reason
            result[name] = CriterionJudgement(score=item.score, reason=reason)
        return result


class _MeteredChat:
    """One job's sequential calls and their summed usage, which invalid output carries on as well."""

    def __init__(self, chat: StructuredChat, language: Language) -> None:
        self._chat = chat
        self._language = language
        self.usage = Usage()

    def complete(self, messages: Sequence[Message], output: type[OutputT], *, temperature: float) -> OutputT:
        try:
            answer, cost = self._chat.complete(messages, output, self._language, temperature=temperature)
        except InvalidModelOutputError as error:
            raise InvalidModelOutputError(error.message, self.usage + error.usage) from None
        self.usage += cost
        return answer


def _total(usages: Iterable[Usage]) -> Usage:
    total = Usage()
    for usage in usages:
        total += usage
    return total
