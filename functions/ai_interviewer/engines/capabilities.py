"""The engine ports: one small interface per capability (assess resumes, interview, write a vacancy,
extract tags). An engine implements the ones it can; a task names the one it needs
(`Services.engine_for`), so a new task adds one interface here, not a method on every engine.

An engine only judges (criterion scores with evidence, interview turns, prose, tags). Arithmetic,
ordering, language choice and the code's own injection/stuffing detector live in the tasks and are
the same for every engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel

from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.models.results import CriterionJudgement, Flag
from ai_interviewer.models.usage import Usage


class ResumeAssessment(BaseModel):
    """One resume judged against one vacancy. `criteria` has exactly the requested criterion names."""

    criteria: dict[str, CriterionJudgement]
    summary: str
    pros: list[str]
    cons: list[str]
    flags: list[Flag] = []  # what the engine itself noticed (copied per instance)


class InterviewTurn(BaseModel):
    speaker: Literal["interviewer", "candidate"]
    text: str


class InterviewJudgement(BaseModel):
    scores: dict[str, CriterionJudgement]
    summary: str
    pros: list[str]
    cons: list[str]
    recommendation: str


class Interview(BaseModel):
    turns: list[InterviewTurn]
    judgement: InterviewJudgement


class PersonalText(StrEnum):
    """What a capability's text argument holds, for the PII minimiser (`engines.minimising`): every text
    argument of a capability is marked, and the minimiser refuses a capability with an unmarked one."""

    RESUME = "resume"  # the candidate's own text: contacts, birth date, photo, the CV's name
    VACANCY = "vacancy"  # a recruiter's text: its contact details are a third person's data
    NONE = "none"  # strings that are no one's text: criterion names, chosen by the client


ResumeText = Annotated[str, PersonalText.RESUME]
VacancyText = Annotated[str, PersonalText.VACANCY]
Resumes = Annotated[Sequence[ResumeIn], PersonalText.RESUME]
CriterionNames = Annotated[Sequence[str], PersonalText.NONE]
Weights = Annotated[dict[str, float], PersonalText.NONE]


class Engine(ABC):
    """What every engine says of itself, recorded on each job. Each capability's call returns its value
    and the usage it cost (zero for engines without a model)."""

    name: str
    model: str | None = None
    prompt_version: str


class ResumeAssessor(Engine):
    @abstractmethod
    def assess_resumes(
        self,
        vacancy_text: VacancyText,
        resumes: Resumes,
        criteria: CriterionNames,
        language: Language,
    ) -> tuple[list[ResumeAssessment], Usage]:
        """One assessment per resume, in the input order."""


class Interviewer(Engine):
    @abstractmethod
    def run_interview(
        self,
        vacancy_text: VacancyText,
        resume_text: ResumeText,
        criteria: CriterionNames,
        language: Language,
    ) -> tuple[Interview, Usage]: ...


class VacancyWriter(Engine):
    @abstractmethod
    def write_vacancy(
        self, base_text: VacancyText, weights: Weights, language: Language
    ) -> tuple[str, Usage]:
        """A Markdown vacancy description starting with a `# ` title line."""


class TagExtractor(Engine):
    @abstractmethod
    def extract_tags(self, vacancy_text: VacancyText, language: Language) -> tuple[list[str], Usage]:
        """Tags, most important first (code deduplicates and joins them)."""


CapabilityT = TypeVar("CapabilityT", bound=Engine)


def capable(engine: Engine, capability: type[CapabilityT]) -> CapabilityT:
    """`engine` as `capability`; an engine without it is a wiring mistake, named here."""
    if not isinstance(engine, capability):
        raise TypeError(f"the {engine.name} engine cannot serve {capability.__name__}")
    return engine


def capabilities_of(engine: Engine) -> tuple[type[Engine], ...]:
    """The capabilities `engine` offers: the classes in its ancestry that extend `Engine` directly."""
    return tuple(base for base in type(engine).__mro__ if Engine in base.__bases__)
