"""The `heuristic` engine: no model and no network, it reads the texts (skills, experience, overlap)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ai_interviewer.engines.capabilities import (
    Interview,
    Interviewer,
    ResumeAssessment,
    ResumeAssessor,
    TagExtractor,
    VacancyWriter,
)
from ai_interviewer.engines.heuristic.assessment import ResumeProfile
from ai_interviewer.engines.heuristic.interview import run_interview
from ai_interviewer.engines.heuristic.matching import Specificity
from ai_interviewer.engines.heuristic.resume_facts import ResumeFacts
from ai_interviewer.engines.heuristic.tags import extract_tags
from ai_interviewer.engines.heuristic.vacancy import profile_vacancy
from ai_interviewer.engines.heuristic.writing import write_vacancy
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.models.usage import Usage
from ai_interviewer.screening import remove_injections


class HeuristicEngine(ResumeAssessor, Interviewer, VacancyWriter, TagExtractor):
    name = "heuristic"
    model = None
    prompt_version = "heuristic-3"

    def __init__(self, today: date | None = None) -> None:
        # "по настоящее время" / "present" ends a work period today; tests fix the clock here.
        self.today = today

    def assess_resumes(
        self,
        vacancy_text: str,
        resumes: Sequence[ResumeIn],
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[list[ResumeAssessment], Usage]:
        vacancy = profile_vacancy(remove_injections(vacancy_text))
        facts = [ResumeFacts(r.content, vacancy, today=self.today) for r in resumes]
        # How specific each term is, from the whole batch: the same set of documents in any order.
        specificity = Specificity([f.terms.keys() for f in facts])
        return [ResumeProfile(f, specificity).assess(criteria, language) for f in facts], Usage()

    def run_interview(
        self,
        vacancy_text: str,
        resume_text: str,
        criteria: Sequence[str],
        language: Language,
    ) -> tuple[Interview, Usage]:
        vacancy = profile_vacancy(remove_injections(vacancy_text))
        profile = ResumeProfile(ResumeFacts(resume_text, vacancy, today=self.today))
        return run_interview(profile, criteria, language), Usage()

    def write_vacancy(
        self, base_text: str, weights: dict[str, float], language: Language
    ) -> tuple[str, Usage]:
        return write_vacancy(profile_vacancy(remove_injections(base_text)), weights, language), Usage()

    def extract_tags(self, vacancy_text: str, language: Language) -> tuple[list[str], Usage]:
        return extract_tags(profile_vacancy(remove_injections(vacancy_text)), language), Usage()
