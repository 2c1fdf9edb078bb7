"""Webhook payloads: exactly the seed's shapes (§4), plus the contract's envelope (CONTRACT §2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ai_interviewer.resources import TaskName

# `unreadable`: the resume's document gave no text (see `documents`); it was not assessed and scores 0.
Flag = Literal["prompt_injection", "keyword_stuffing", "unreadable"]
CriterionScore0to10 = Annotated[int, Field(ge=0, le=10)]


class CriterionJudgement(BaseModel):
    score: CriterionScore0to10
    reason: str


class RankedResume(BaseModel):
    filename: str
    score: Annotated[int, Field(ge=0, le=100)]
    summary: str
    pros: list[str]
    cons: list[str]
    criteria: dict[str, CriterionJudgement] | None = None
    flags: list[Flag] | None = None


class RankResumesResult(BaseModel):
    results: list[RankedResume]


class InterviewAnalysis(BaseModel):
    scores: dict[str, CriterionScore0to10]
    overall_score: Annotated[float, Field(ge=0, le=10)]
    summary: str
    pros: list[str]
    cons: list[str]
    recommendation: str


class StartInterviewResult(BaseModel):
    chat_history: list[str]
    analysis: InterviewAnalysis


class BuildVacancyResult(BaseModel):
    description: str


class AddVacancyWithCandidatesResult(BaseModel):
    message: str
    vacancy_id: int


class GenerateTagsResult(BaseModel):
    tags: str


RESULT_MODELS: dict[TaskName, type[BaseModel]] = {
    TaskName.RANK_RESUMES: RankResumesResult,
    TaskName.START_INTERVIEW: StartInterviewResult,
    TaskName.BUILD_VACANCY: BuildVacancyResult,
    TaskName.ADD_VACANCY_WITH_CANDIDATES: AddVacancyWithCandidatesResult,
    TaskName.GENERATE_TAGS: GenerateTagsResult,
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class Envelope(BaseModel):
    """The contract's top-level additions, merged into every webhook body."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    task: TaskName
    status: Literal["succeeded", "failed"]
    metadata: dict[str, str] | None = None
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    error: ErrorDetail | None = None


def webhook_body(envelope: Envelope, result: dict[str, Any] | None) -> dict[str, Any]:
    """The seed's payload first (so a reader sees it first), then the envelope; absent fields dropped."""
    body: dict[str, Any] = dict(result or {})
    body.update(envelope.model_dump(mode="json", exclude_none=True))
    return body
