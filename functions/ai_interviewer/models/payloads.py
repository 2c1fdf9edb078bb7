"""Webhook payloads: exactly the seed's shapes (§4), plus the contract's envelope (CONTRACT §2)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ai_interviewer.errors import failure_message
from ai_interviewer.models.base import LazyModel
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName

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


class TagsFormat(StrEnum):
    """How `tags` travels (TAGS_FORMAT): the seed's one string, or a JSON array for clients that validate
    `'tags' => 'required|array'`."""

    STRING = "string"
    LIST = "list"


class GenerateTagsResult(LazyModel):
    # "A, B, C" (the seed) or ["A", "B", "C"] (TAGS_FORMAT=list); the same tags in the same order.
    tags: str | list[str]


class TagsStringResult(LazyModel):
    tags: Annotated[str, Field(description="Comma-separated, no duplicates, most important first")]


class TagsListResult(LazyModel):
    tags: Annotated[
        list[str], Field(min_length=1, description="No duplicates (case-insensitive), most important first")
    ]


class LastCause(BaseModel):
    """The last transient error of a job given up after its retries: class names and codes, no text."""

    code: str
    error_class: str
    http_status: int | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str
    last_cause: LastCause | None = None

    @classmethod
    def of(cls, code: str, last_cause: LastCause | None = None) -> ErrorDetail:
        """A failure with its code's fixed message (`errors.FAILURE_MESSAGES`)."""
        return cls(code=code, message=failure_message(code), last_cause=last_cause)


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
    usage: Usage | None = None  # what the job spent, summed over its model calls, with its price
    error: ErrorDetail | None = None


def webhook_body(envelope: Envelope, result: dict[str, Any] | None) -> dict[str, Any]:
    """The seed's payload first (so a reader sees it first), then the envelope; absent fields dropped."""
    body: dict[str, Any] = dict(result or {})
    body.update(envelope.model_dump(mode="json", exclude_none=True))
    if envelope.usage is not None:  # whole: `cost_usd: null` says the price is unknown
        body["usage"] = envelope.usage.model_dump(mode="json")
    return body


# The webhook payloads as the OpenAPI document's `webhooks` describe them: the seed's result with the
# envelope's fields around it (so a field added to `Envelope` is documented too). Only for the document:
# the notifier builds bodies with `webhook_body`.
_OUTCOME_FIELDS = ("task", "status", "error")


def _envelope_fields(**outcome: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: (field.annotation, field)
        for name, field in Envelope.model_fields.items()
        if name not in _OUTCOME_FIELDS
    }
    return {**fields, **outcome}


@functools.cache
def failed_webhook_model() -> type[BaseModel]:
    """`FailedWebhook`, made on the first call (the OpenAPI document's), not at every function's import."""
    return create_model(
        "FailedWebhook",
        __base__=LazyModel,
        __doc__="What `webhook_url` receives when a job cannot succeed.",
        **_envelope_fields(task=(TaskName, ...), status=(Literal["failed"], ...), error=(ErrorDetail, ...)),
    )


def success_webhook_models(
    result_models: Mapping[TaskName, type[BaseModel]], tags_format: TagsFormat
) -> dict[TaskName, type[BaseModel]]:
    """One model per task: its seed result (tags as configured) plus the envelope, `task` fixed."""
    results: dict[TaskName, type[BaseModel]] = {
        **result_models,
        TaskName.GENERATE_TAGS: TagsListResult if tags_format is TagsFormat.LIST else TagsStringResult,
    }
    models: dict[TaskName, type[BaseModel]] = {}
    for task, result in results.items():
        name = "".join(part.capitalize() for part in task.value.split("_")) + "Webhook"
        fields = _envelope_fields(task=(Literal[task.value], ...), status=(Literal["succeeded"], ...))
        models[task] = create_model(name, __base__=result, **fields)
    return models
