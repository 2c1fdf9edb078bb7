"""What the model must answer, as pydantic models: the SDK turns them into strict JSON schemas, and the
same models validate the answer again in code.

The schema is sent with every call, so it carries the shape only: no titles (pydantic's defaults repeat
each field's name) and no descriptions. What each field means is said once, in the system message, which
is also the only place a model sees it when an endpoint enforces the schema by constrained decoding
without showing it (vLLM, Ollama).

Criterion sets come from the request, so the models holding per-criterion judgements are built per set:
one required field per criterion (named by alias, so any snake_case name works, even `class` or
`model_config`), no others. Constraints the strict schema subset may not carry (non-blank text) are
plain validators: they check without adding schema keywords an endpoint could refuse.

Their schema is built where it is sent (`engines.openai.chat.output_schema`, with `UntitledJsonSchema`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

# An enum rather than minimum/maximum: every structured-output backend (OpenAI, vLLM, Ollama) supports it.
Score = Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

_WHITESPACE = re.compile(r"\s+")


def _one_line(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def _trimmed(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _phrases(values: list[str]) -> list[str]:
    """Short phrases: one line each, blanks dropped."""
    return [line for line in (_one_line(v) for v in values) if line]


def _some_phrases(values: list[str]) -> list[str]:
    phrases = _phrases(values)
    if not phrases:
        raise ValueError("must hold at least one non-empty item")
    return phrases


OneLine = Annotated[str, AfterValidator(_one_line)]
NonBlankLine = Annotated[str, AfterValidator(_one_line), AfterValidator(_trimmed)]
# Not the requests' `NonBlankText` (models.base), which keeps a client's text as sent and refuses NUL: a
# model's answer is kept without its surrounding whitespace.
TrimmedText = Annotated[str, AfterValidator(_trimmed)]
Phrases = Annotated[list[str], AfterValidator(_phrases)]


class UntitledJsonSchema(GenerateJsonSchema):
    """Pydantic's JSON schema without the `title` it gives every model and field."""

    def field_title_should_be_set(self, schema: Any) -> bool:  # a core schema or field (private alias)
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        return json_schema


class Output(BaseModel):
    """Every output refuses unknown keys, like the strict schema does (`additionalProperties: false`).
    (A docstring on an output model would become a schema description: use comments there.)"""

    model_config = ConfigDict(extra="forbid")


class Criterion(Output):
    # One criterion as judged. The class name is the schema's `$defs` key, referenced once per criterion
    # on every call: hence short. Evidence first: quoting before scoring keeps the score tied to the text.
    evidence: OneLine
    reason: NonBlankLine
    score: Score


class AssessmentOutput(Output):
    """A resume judged against a vacancy; `criteria` is replaced per criterion set."""

    criteria: BaseModel
    summary: TrimmedText
    pros: Phrases
    cons: Phrases
    prompt_injection_detected: bool


class InterviewAnalysisOutput(Output):
    """An interview judged; `criteria` and `recommendation` are replaced per criterion and phrase set."""

    criteria: BaseModel
    summary: TrimmedText
    pros: Phrases
    cons: Phrases
    recommendation: str


class InterviewerTurnOutput(Output):
    question: TrimmedText


class CandidateTurnOutput(Output):
    answer: TrimmedText


class VacancyOutput(Output):
    title: NonBlankLine
    body: TrimmedText


class TagsOutput(Output):
    tags: Annotated[list[str], AfterValidator(_some_phrases)]


def criteria_judgements(criteria: BaseModel) -> dict[str, Criterion]:
    """The per-criterion judgements of a validated output, keyed by criterion name, in request order."""
    return {name: getattr(criteria, field) for field, name in _aliases(type(criteria)).items()}


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    return {field: info.alias or field for field, info in model.model_fields.items()}


@functools.cache
def _criteria_model(criteria: tuple[str, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        f"criterion_{i}": (Criterion, Field(alias=name)) for i, name in enumerate(criteria)
    }
    return create_model("Criteria", __base__=Output, **fields)


@functools.cache
def assessment_output(criteria: tuple[str, ...]) -> type[AssessmentOutput]:
    """The resume assessment schema for one criterion set (cached: one job reuses it per resume)."""
    return create_model(
        "ResumeAssessment", __base__=AssessmentOutput, criteria=(_criteria_model(criteria), ...)
    )


@functools.cache
def interview_analysis_output(
    criteria: tuple[str, ...], recommendations: tuple[str, ...]
) -> type[InterviewAnalysisOutput]:
    """The analysis schema: one field per criterion, and the recommendation as an enum of phrasings."""
    # Literal[...] over runtime values: the schema gets an enum, validation refuses anything else.
    recommendation: Any = Literal.__getitem__(recommendations)
    return create_model(
        "InterviewAnalysis",
        __base__=InterviewAnalysisOutput,
        criteria=(_criteria_model(criteria), ...),
        recommendation=(recommendation, ...),
    )


def criterion_names(criteria: Sequence[str]) -> tuple[str, ...]:
    names = tuple(criteria)
    if not names or len(set(names)) != len(names):
        raise ValueError("criteria must be a non-empty list of distinct names")
    return names
