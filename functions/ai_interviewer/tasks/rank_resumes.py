"""rank_resumes: the engine judges each criterion of each resume; code scores, flags and orders them.

Progress survives retries: each resume's assessment is kept on the job store as it lands, so a
redelivered message (after a transient failure, invalid output for one resume, or the deadline) assesses
only the resumes still missing, and no model call is made twice for a resume already judged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ai_interviewer.deadline import require_remaining
from ai_interviewer.engines.base import Engine, ResumeAssessment
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import Language, detect_language
from ai_interviewer.models.jobs import Usage
from ai_interviewer.models.payloads import RankedResume, RankResumesResult
from ai_interviewer.models.requests import RankResumesRequest, ResumeIn
from ai_interviewer.review import review_of
from ai_interviewer.scoring import effective_weights, rank_order, resume_score
from ai_interviewer.screening import detect_flags
from ai_interviewer.task_progress import reporting_assessments
from ai_interviewer.tasks.outcome import TaskOutcome

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


# Resumes per engine call for an engine without a model: it works in-process, so the job's deadline is
# checked between such chunks (an engine with a model checks it before each of its calls).
IN_PROCESS_CHUNK = 10
ASSESSMENT_PART = "assessment"  # the job store's name for a kept resume assessment


def resumable_rank_resumes(request: RankResumesRequest, job_id: str, services: Services) -> TaskOutcome:
    """The workers' rank task: `rank_resumes` keeping its progress on the job store."""
    return rank_resumes(request, job_id, services, keep_progress=True)


def rank_resumes(
    request: RankResumesRequest, job_id: str, services: Services, *, keep_progress: bool = False
) -> TaskOutcome:
    """Assess every resume, then score and order them. With `keep_progress` (the workers), each
    assessment is kept on the job store as it lands and resumes an earlier receive of the job already
    assessed are not asked again: a failure (or the deadline) on the way loses nothing. Without it
    (evaluation, benchmarks) no store is touched."""
    weights = effective_weights(request.weights)
    criteria = list(weights)
    engine = services.engine
    language = detect_language(request.vacancy_text)
    count = len(request.resumes)
    kept = _kept_assessments(services, job_id, count) if keep_progress else {}
    missing = [index for index in range(count) if index not in kept]
    expires_at = int(time.time()) + services.settings.job_ttl_days * 86_400

    rejected: dict[int, list[str]] = {}  # index -> the criteria its assessment lacked
    wasted: list[Usage] = []  # what the rejected assessments cost

    def keep(index: int, assessment: ResumeAssessment, usage: Usage) -> None:
        lacking = [name for name in weights if name not in assessment.criteria]
        if lacking:
            # Not kept, so the next receive asks for this resume again.
            rejected[index] = lacking
            wasted.append(usage)
            return
        kept[index] = (assessment, usage)
        if keep_progress:
            record = {"assessment": assessment.model_dump(mode="json"), "usage": usage.model_dump()}
            services.jobs.record_progress(
                job_id, ASSESSMENT_PART, index, json.dumps(record, ensure_ascii=False), expires_at
            )

    step = IN_PROCESS_CHUNK if engine.model is None else max(1, len(missing))
    for start in range(0, len(missing), step):
        require_remaining(0.0)
        chunk = missing[start : start + step]
        _assess_chunk(engine, request, chunk, criteria=criteria, language=language, keep=keep)

    total = _total([usage for _, usage in kept.values()] + wasted)
    if rejected:
        # The position, not the filename: error messages carry no client text.
        index = min(rejected)
        raise InvalidModelOutputError(
            f"assessment of resume #{index + 1} lacks criteria: {', '.join(rejected[index])}", total
        )
    ranked = [
        rank_one(index, resume, kept[index][0], weights, total, vacancy_text=request.vacancy_text)
        for index, resume in enumerate(request.resumes)
    ]
    return TaskOutcome.from_engine(RankResumesResult(results=rank_order(ranked)), engine, total)


def _assess_chunk(
    engine: Engine,
    request: RankResumesRequest,
    chunk: list[int],
    *,
    criteria: list[str],
    language: Language,
    keep: Callable[[int, ResumeAssessment, Usage], None],
) -> None:
    """One engine call for the resumes at the indexes `chunk`, each kept as soon as it is reported."""
    reported: dict[int, Usage] = {}

    def on_assessed(position: int, assessment: ResumeAssessment, usage: Usage) -> None:
        reported[position] = usage
        keep(chunk[position], assessment, usage)

    with reporting_assessments(on_assessed):
        assessments, usage = engine.assess_resumes(
            request.vacancy_text, [request.resumes[i] for i in chunk], criteria, language
        )
    if len(assessments) != len(chunk):
        raise InvalidModelOutputError(
            f"expected {len(chunk)} resume assessments, got {len(assessments)}", usage
        )
    # What the engine did not report is kept now, the call's usage (less what was reported) with the first.
    spent = usage - _total(reported.values())
    for position, assessment in enumerate(assessments):
        if position not in reported:
            keep(chunk[position], assessment, spent)
            spent = Usage()


def _kept_assessments(
    services: Services, job_id: str, count: int
) -> dict[int, tuple[ResumeAssessment, Usage]]:
    kept: dict[int, tuple[ResumeAssessment, Usage]] = {}
    for index, raw in services.jobs.progress(job_id, ASSESSMENT_PART, count).items():
        record = json.loads(raw)
        kept[index] = (
            ResumeAssessment.model_validate(record["assessment"]),
            Usage.model_validate(record["usage"]),
        )
    return kept


def _total(usages: Iterable[Usage]) -> Usage:
    return sum(usages, Usage())


def rank_one(
    position: int,
    resume: ResumeIn,
    assessment: ResumeAssessment,
    weights: dict[str, float],
    usage: Usage,
    *,
    vacancy_text: str,
) -> RankedResume:
    """One resume's result: the score is the contract's formula over the engine's criterion scores;
    the flags are the engine's and the screening's (which also finds the vacancy pasted into it)."""
    missing = [name for name in weights if name not in assessment.criteria]
    if missing:
        # The position, not the filename: error messages carry no client text.
        raise InvalidModelOutputError(
            f"assessment of resume #{position + 1} lacks criteria: {', '.join(missing)}", usage
        )
    criteria = {name: assessment.criteria[name] for name in weights}
    flags = sorted(set(assessment.flags) | set(detect_flags(resume.content, vacancy_text=vacancy_text)))
    return RankedResume(
        filename=resume.filename,
        score=resume_score(weights, {name: judged.score for name, judged in criteria.items()}),
        summary=assessment.summary,
        pros=assessment.pros,
        cons=assessment.cons,
        criteria=criteria,
        flags=flags or None,
        review=review_of(weights, criteria, flags, resume.content),
    )
