"""rank_resumes: the engine judges each criterion of each resume; code scores, flags and orders them.
With a shortlist, the heuristic engine judges every resume first and the model only the best N.

Progress survives retries: each resume's assessment is kept on the job store as it lands, so a
redelivered message (after a transient failure, invalid output for one resume, or the deadline) assesses
only the resumes still missing, and no model call is made twice for a resume already judged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ai_interviewer.deadline import require_remaining
from ai_interviewer.engines.capabilities import ResumeAssessment, ResumeAssessor
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import Language, detect_language
from ai_interviewer.models.requests import RankResumesRequest, ResumeIn
from ai_interviewer.models.results import JudgedBy, RankedResume, RankResumesResult
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName
from ai_interviewer.review import review_of
from ai_interviewer.scoring import effective_weights, rank_order, resume_score
from ai_interviewer.screening import detect_flags
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.progress import reporting_assessments
from ai_interviewer.tasks.spec import TaskSpec

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
    (evaluation, benchmarks) no store is touched.

    With a shortlist of N (the request's `shortlist`, else RANK_SHORTLIST) and an engine with a model,
    the heuristic engine first ranks every resume and only its best N go to the model; the model-judged
    come first in their order, the rest follow in the heuristic order. The first stage is not kept: it
    is deterministic, in-process and free, so a redelivery recomputes it and picks the same N."""
    weights = effective_weights(request.weights)
    engine = services.engine_for(ResumeAssessor)
    language = detect_language(request.vacancy_text)
    everyone = list(range(len(request.resumes)))
    store = _ProgressStore(services, job_id) if keep_progress else None
    shortlist = request.shortlist or services.settings.rank_shortlist
    if engine.model is None or shortlist is None or shortlist >= len(everyone):
        judged = _judged(engine, request, everyone, weights, language, store=store)
        ranked = rank_order(_ranked(request, judged, weights, engine))
        return TaskOutcome.from_engine(RankResumesResult(results=ranked), engine, judged.usage)

    first_stage = services.shortlist_engine
    screened = _judged(first_stage, request, everyone, weights, language, store=None)
    heuristic_order = rank_order(_ranked(request, screened, weights, first_stage))
    index_of = {resume.filename: index for index, resume in enumerate(request.resumes)}
    chosen = [index_of[result.filename] for result in heuristic_order[:shortlist]]
    judged = _judged(engine, request, chosen, weights, language, store=store)
    by_model = rank_order(_ranked(request, judged, weights, engine))
    modelled = {result.filename for result in by_model}
    rest = [result for result in heuristic_order if result.filename not in modelled]
    return TaskOutcome.from_engine(RankResumesResult(results=by_model + rest), engine, judged.usage)


@dataclass(frozen=True)
class _ProgressStore:
    """Where a worker's ranking keeps each assessment as it lands."""

    services: Services
    job_id: str

    def kept(self, count: int) -> dict[int, tuple[ResumeAssessment, Usage]]:
        kept: dict[int, tuple[ResumeAssessment, Usage]] = {}
        for index, raw in self.services.jobs.progress(self.job_id, ASSESSMENT_PART, count).items():
            record = json.loads(raw)
            kept[index] = (
                ResumeAssessment.model_validate(record["assessment"]),
                Usage.model_validate(record["usage"]),
            )
        return kept

    def keep(self, index: int, assessment: ResumeAssessment, usage: Usage) -> None:
        record = {"assessment": assessment.model_dump(mode="json"), "usage": usage.model_dump()}
        expires_at = int(time.time()) + self.services.settings.job_ttl_days * 86_400
        self.services.jobs.record_progress(
            self.job_id, ASSESSMENT_PART, index, json.dumps(record, ensure_ascii=False), expires_at
        )


@dataclass(frozen=True)
class _Judged:
    """Assessments by resume index (each with the usage that made it) and the usage of them all."""

    assessments: dict[int, tuple[ResumeAssessment, Usage]]
    usage: Usage


def _judged(
    engine: ResumeAssessor,
    request: RankResumesRequest,
    indexes: list[int],
    weights: dict[str, float],
    language: Language,
    *,
    store: _ProgressStore | None,
) -> _Judged:
    """The resumes at `indexes` assessed by `engine`. With a `store`, what an earlier receive of the
    job kept is reused (for any resume it assessed, on the shortlist now or not: it is paid for) and each
    new assessment is kept as it lands."""
    criteria = list(weights)
    kept = store.kept(len(request.resumes)) if store else {}
    missing = [index for index in indexes if index not in kept]
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
        if store:
            store.keep(index, assessment, usage)

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
    return _Judged(kept, total)


def _ranked(
    request: RankResumesRequest, judged: _Judged, weights: dict[str, float], engine: ResumeAssessor
) -> list[RankedResume]:
    """Each judged resume's result, in the request's order, marked with the stage that judged it."""
    judged_by: JudgedBy = "heuristic" if engine.model is None else "openai"
    return [
        rank_one(
            index,
            request.resumes[index],
            assessment,
            weights,
            judged.usage,
            vacancy_text=request.vacancy_text,
            judged_by=judged_by,
        )
        for index, (assessment, _) in sorted(judged.assessments.items())
    ]


def _assess_chunk(
    engine: ResumeAssessor,
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
    judged_by: JudgedBy | None = None,
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
        judged_by=judged_by,
        review=review_of(weights, criteria, flags, resume.content),
    )


SPEC = TaskSpec(
    name=TaskName.RANK_RESUMES,
    request_model=RankResumesRequest,
    result_model=RankResumesResult,
    run=resumable_rank_resumes,
    timeout_seconds=300,
    calls_model=True,
    keeps_progress=True,
    openai_max_retries=2,
    request_example={
        "webhook_url": "https://your-app.com/webhook-receiver",
        "vacancy_text": "Полный текст вакансии здесь...",
        "resumes": [
            {"filename": "cv_developer1.pdf", "content": "Текст первого резюме..."},
            {"filename": "cv_developer2.docx", "content": "Текст второго резюме..."},
        ],
        "weights": {"technical_skills": 5, "experience": 4},
    },
    result_example={
        "results": [
            {
                "filename": "cv_developer1.pdf",
                "score": 85,
                "summary": "Отличный кандидат, полностью соответствует требованиям...",
                "pros": ["Опыт с FastAPI", "Знание PostgreSQL"],
                "cons": ["Мало опыта с Docker"],
            }
        ]
    },
)
