"""The seed's result shapes (§4), one per task: what the `result` of a job and of its webhook holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from ai_interviewer.models.base import LazyModel

# `unreadable`: the resume's document gave no text (see `documents`); it was not assessed and scores 0.
Flag = Literal["prompt_injection", "keyword_stuffing", "unreadable"]
# The stage that judged a ranked resume: a model (any OpenAI-compatible endpoint) or the heuristic engine.
JudgedBy = Literal["openai", "heuristic"]
CriterionScore0to10 = Annotated[int, Field(ge=0, le=10)]


class CriterionJudgement(LazyModel):
    score: CriterionScore0to10
    reason: str


class ReviewReason(StrEnum):
    """Why a result needs a person's review (EU AI Act Art. 14): stable codes a client can match on,
    computed by `review.py` the same way for every engine (README "Human review")."""

    FLAGGED = "flagged"  # prompt_injection or keyword_stuffing
    UNREADABLE = "unreadable"  # the document gave no text: nothing was judged
    THIN_EVIDENCE = "thin_evidence"  # a high score mostly on criteria that quote nothing from the texts
    CRITERIA_DISAGREE = "criteria_disagree"  # the weighted criteria's scores lie far apart


class Review(LazyModel):
    """Whether a person must look at this result before anyone acts on it, and why. The system never
    decides alone: `required: false` only means none of the reasons applied."""

    required: bool
    reasons: list[ReviewReason]


class RankedResume(LazyModel):
    filename: str
    score: Annotated[int, Field(ge=0, le=100)]
    summary: str
    pros: list[str]
    cons: list[str]
    criteria: dict[str, CriterionJudgement] | None = None
    flags: list[Flag] | None = None
    # Which stage judged it: the model, or (past a `shortlist`, or with no model) the heuristic engine.
    judged_by: JudgedBy | None = None
    review: Review | None = None  # always set on new results; absent only on results stored before 0.3


class RankResumesResult(LazyModel):
    results: list[RankedResume]


class InterviewAnalysis(LazyModel):
    scores: dict[str, CriterionScore0to10]
    overall_score: Annotated[float, Field(ge=0, le=10)]
    summary: str
    pros: list[str]
    cons: list[str]
    recommendation: str
    review: Review | None = None  # always set on new results; absent only on results stored before 0.3


class StartInterviewResult(LazyModel):
    chat_history: list[str]
    analysis: InterviewAnalysis


class BuildVacancyResult(LazyModel):
    description: str


class AddVacancyWithCandidatesResult(LazyModel):
    message: str
    vacancy_id: int


class GenerateTagsResult(LazyModel):
    # "A, B, C" (the seed) or ["A", "B", "C"] (TAGS_FORMAT=list); the same tags in the same order.
    tags: str | list[str]


class TagsStringResult(LazyModel):
    tags: Annotated[str, Field(description="Comma-separated, no duplicates, most important first")]


class TagsListResult(LazyModel):
    tags: Annotated[
        list[str], Field(min_length=1, description="No duplicates (case-insensitive), most important first")
    ]
