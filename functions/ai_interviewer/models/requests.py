"""The five request bodies of the seed (§4), plus the contract's `metadata` (CONTRACT §1).

Static shape lives here; limits that are settings (resume count, text length, body size) and the
`webhook_url` host checks are applied by the api function, which knows the settings.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ai_interviewer.resources import TaskName

CRITERION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
METADATA_MAX_KEYS = 20
METADATA_MAX_BYTES = 2048


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    # PostgreSQL cannot store NUL; refusing it here keeps both vacancy stores identical.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NonBlankText = Annotated[str, AfterValidator(_not_blank)]
Filename = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(_not_blank)]


def _check_weights(value: dict[str, float] | None) -> dict[str, float] | None:
    if value is None:
        return None
    if not value:
        raise ValueError("must name at least one criterion")
    for name, weight in value.items():
        # The messages never quote the name: error bodies carry no client text.
        if not CRITERION_NAME.match(name):
            raise ValueError("criterion names must be snake_case, at most 64 characters")
        if weight < 0:
            raise ValueError("weights must not be negative")
    if not any(value.values()):
        raise ValueError("at least one weight must be above zero")
    return value


def _check_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > METADATA_MAX_KEYS:
        raise ValueError(f"at most {METADATA_MAX_KEYS} keys")
    if len(json.dumps(value, ensure_ascii=False).encode()) > METADATA_MAX_BYTES:
        raise ValueError(f"at most {METADATA_MAX_BYTES} bytes as JSON")
    return value


# Strict numbers: "5" or true are not weights.
Weights = Annotated[
    dict[str, Annotated[float, Field(strict=True, allow_inf_nan=False)]] | None,
    AfterValidator(_check_weights),
]
Metadata = Annotated[dict[str, str] | None, AfterValidator(_check_metadata)]


class ResumeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Filename
    content: NonBlankText


def _unique_filenames(resumes: list[ResumeIn]) -> list[ResumeIn]:
    seen: set[str] = set()
    for position, resume in enumerate(resumes):
        if resume.filename in seen:
            # The position, not the name: error bodies never repeat the client's text.
            raise ValueError(f"filenames must be unique; resume {position} repeats an earlier one")
        seen.add(resume.filename)
    return resumes


Resumes = Annotated[list[ResumeIn], Field(min_length=1), AfterValidator(_unique_filenames)]


class TaskRequest(BaseModel):
    """Fields every request carries. Unknown fields are refused so typos surface as 422."""

    model_config = ConfigDict(extra="forbid")

    webhook_url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    metadata: Metadata = None

    @field_validator("webhook_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value, re.IGNORECASE):
            raise ValueError("must be an absolute https URL")
        return value

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every untrusted text with its field path, for the length limit."""
        return []

    def resume_list(self) -> list[ResumeIn]:
        return []

    def criterion_names(self) -> list[str]:
        """The criteria the request names (its `weights`), for the settings' bounds on their number."""
        return []


class RankResumesRequest(TaskRequest):
    vacancy_text: NonBlankText
    resumes: Resumes
    weights: Weights = None

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("vacancy_text",), self.vacancy_text)] + [
            (("resumes", i, "content"), r.content) for i, r in enumerate(self.resumes)
        ]

    def resume_list(self) -> list[ResumeIn]:
        return self.resumes

    def criterion_names(self) -> list[str]:
        return list(self.weights or {})


class StartInterviewRequest(TaskRequest):
    vacancy_text: NonBlankText
    resume_text: NonBlankText

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("vacancy_text",), self.vacancy_text), (("resume_text",), self.resume_text)]


class BuildVacancyRequest(TaskRequest):
    base_text: NonBlankText
    weights: Weights = None

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("base_text",), self.base_text)]

    def criterion_names(self) -> list[str]:
        return list(self.weights or {})


class AddVacancyWithCandidatesRequest(TaskRequest):
    vacancy_filename: Filename
    vacancy_content: NonBlankText
    resumes: Resumes

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("vacancy_content",), self.vacancy_content)] + [
            (("resumes", i, "content"), r.content) for i, r in enumerate(self.resumes)
        ]

    def resume_list(self) -> list[ResumeIn]:
        return self.resumes


class GenerateTagsRequest(TaskRequest):
    vacancy_text: NonBlankText

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("vacancy_text",), self.vacancy_text)]


REQUEST_MODELS: dict[TaskName, type[TaskRequest]] = {
    TaskName.RANK_RESUMES: RankResumesRequest,
    TaskName.START_INTERVIEW: StartInterviewRequest,
    TaskName.BUILD_VACANCY: BuildVacancyRequest,
    TaskName.ADD_VACANCY_WITH_CANDIDATES: AddVacancyWithCandidatesRequest,
    TaskName.GENERATE_TAGS: GenerateTagsRequest,
}


def parse_request(task: TaskName, body: dict[str, Any]) -> TaskRequest:
    return REQUEST_MODELS[task].model_validate(body)
