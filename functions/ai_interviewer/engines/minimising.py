"""The engine port with personal data kept from the engine (`PII_MINIMISATION`, on by default).

`wiring.build_engine` wraps every engine it builds (`minimising`), so the model (and the heuristic
engine, which judges the same text) only ever reads minimised resumes and vacancies (`ai_interviewer.pii`).
What the engine returns goes to the client as it is: every removal left a placeholder, so a quote
without one is the original text verbatim, and one with a placeholder keeps it, as personal data is
never put back into model output. The tasks' own screening (`screening.detect_flags`) still reads the
raw resume, outside this wrapper.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import cast

from ai_interviewer.engines.capabilities import (
    Engine,
    Interview,
    Interviewer,
    ResumeAssessment,
    ResumeAssessor,
    TagExtractor,
    VacancyWriter,
    capabilities_of,
)
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.models.usage import Usage
from ai_interviewer.pii import minimise


def minimised_resume(text: str) -> str:
    return minimise(text, resume=True).text


@functools.lru_cache(maxsize=4)  # the same vacancy for every chunk of a ranking: minimised once
def minimised_vacancy(text: str) -> str:
    """A vacancy's contact details (a recruiter's e-mail, phone, messenger, a labelled contact person)
    are a third person's data: removed from every call, write_vacancy and extract_tags included, as
    neither needs them to write a description or name tags."""
    return minimise(text, resume=False).text


class MinimisingEngine(Engine):
    """`inner` as it is (name, model, prompt version, progress reports), fed minimised texts. Built by
    `minimising(inner)`, with exactly the capabilities `inner` has."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.prompt_version = inner.prompt_version


class _MinimisingAssessor(MinimisingEngine, ResumeAssessor):
    def assess_resumes(
        self,
        vacancy_text: str,
        resumes: Sequence[ResumeIn],
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[list[ResumeAssessment], Usage]:
        # Same length and order: the inner engine's progress reports keep their positions.
        minimised = [
            resume.model_copy(update={"content": minimised_resume(resume.content)}) for resume in resumes
        ]
        inner = cast(ResumeAssessor, self.inner)
        return inner.assess_resumes(minimised_vacancy(vacancy_text), minimised, criteria, language)


class _MinimisingInterviewer(MinimisingEngine, Interviewer):
    def run_interview(
        self,
        vacancy_text: str,
        resume_text: str,
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[Interview, Usage]:
        return cast(Interviewer, self.inner).run_interview(
            minimised_vacancy(vacancy_text), minimised_resume(resume_text), criteria, language
        )


class _MinimisingWriter(MinimisingEngine, VacancyWriter):
    def write_vacancy(
        self, base_text: str, weights: dict[str, float], language: Language
    ) -> tuple[str, Usage]:
        return cast(VacancyWriter, self.inner).write_vacancy(minimised_vacancy(base_text), weights, language)


class _MinimisingTagExtractor(MinimisingEngine, TagExtractor):
    def extract_tags(self, vacancy_text: str, language: Language) -> tuple[list[str], Usage]:
        return cast(TagExtractor, self.inner).extract_tags(minimised_vacancy(vacancy_text), language)


# How each capability's texts are minimised. A capability missing here cannot be wrapped: `minimising`
# refuses it rather than let an engine read a text unminimised.
_WRAPPERS: dict[type[Engine], type[MinimisingEngine]] = {
    ResumeAssessor: _MinimisingAssessor,
    Interviewer: _MinimisingInterviewer,
    VacancyWriter: _MinimisingWriter,
    TagExtractor: _MinimisingTagExtractor,
}


def minimising(inner: Engine) -> MinimisingEngine:
    """`inner` behind the minimisation, offering the capabilities `inner` offers."""
    offered = capabilities_of(inner.inner if isinstance(inner, MinimisingEngine) else inner)
    unwrappable = [capability.__name__ for capability in offered if capability not in _WRAPPERS]
    if unwrappable:
        raise TypeError(f"no PII minimisation for {', '.join(unwrappable)}: add it to engines.minimising")
    return _wrapper_class(offered)(inner)


@functools.cache
def _wrapper_class(capabilities: tuple[type[Engine], ...]) -> type[MinimisingEngine]:
    bases = tuple(_WRAPPERS[capability] for capability in capabilities) or (MinimisingEngine,)
    return type("MinimisingEngine", bases, {"__module__": __name__})
