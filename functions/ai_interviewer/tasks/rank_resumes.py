"""rank_resumes: the engine judges each criterion of each resume; code scores, flags and orders them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_interviewer.engines.base import ResumeAssessment
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.jobs import Usage
from ai_interviewer.models.payloads import RankedResume, RankResumesResult
from ai_interviewer.models.requests import RankResumesRequest, ResumeIn
from ai_interviewer.scoring import effective_weights, rank_order, resume_score
from ai_interviewer.screening import detect_flags
from ai_interviewer.tasks.outcome import TaskOutcome

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


def rank_resumes(request: RankResumesRequest, job_id: str, services: Services) -> TaskOutcome:
    weights = effective_weights(request.weights)
    criteria = list(weights)
    engine = services.engine
    assessments, usage = engine.assess_resumes(
        request.vacancy_text, request.resumes, criteria, detect_language(request.vacancy_text)
    )
    if len(assessments) != len(request.resumes):
        raise InvalidModelOutputError(
            f"expected {len(request.resumes)} resume assessments, got {len(assessments)}", usage
        )
    ranked = [
        rank_one(position, resume, assessment, weights, usage)
        for position, (resume, assessment) in enumerate(zip(request.resumes, assessments, strict=True))
    ]
    return TaskOutcome.from_engine(RankResumesResult(results=rank_order(ranked)), engine, usage)


def rank_one(
    position: int,
    resume: ResumeIn,
    assessment: ResumeAssessment,
    weights: dict[str, float],
    usage: Usage,
) -> RankedResume:
    """One resume's result: the score is the contract's formula over the engine's criterion scores."""
    missing = [name for name in weights if name not in assessment.criteria]
    if missing:
        # The position, not the filename: error messages carry no client text.
        raise InvalidModelOutputError(
            f"assessment of resume #{position + 1} lacks criteria: {', '.join(missing)}", usage
        )
    criteria = {name: assessment.criteria[name] for name in weights}
    flags = sorted(set(assessment.flags) | set(detect_flags(resume.content)))
    return RankedResume(
        filename=resume.filename,
        score=resume_score(weights, {name: judged.score for name, judged in criteria.items()}),
        summary=assessment.summary,
        pros=assessment.pros,
        cons=assessment.cons,
        criteria=criteria,
        flags=flags or None,
    )
