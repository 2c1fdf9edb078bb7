"""The five request bodies of the seed (§4), plus the contract's `metadata` (CONTRACT §1).

Static shape lives here; limits that are settings (resume count, text length, body size) and the
`webhook_url` host checks are applied by the api function, which knows the settings.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ai_interviewer.documents.formats import DocumentFormatError, check_document, decode_base64
from ai_interviewer.documents.outcome import DocumentInfo
from ai_interviewer.models.base import LazyModel, NonBlankText, not_blank

CRITERION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
METADATA_MAX_KEYS = 20
METADATA_MAX_BYTES = 2048

Filename = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(not_blank)]


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


def _check_document(value: str | None, info: ValidationInfo) -> str | None:
    """Valid base64 of a document we read, of the format its filename's extension names (if any)."""
    if value is None:
        return None
    filename = info.data.get("filename")
    try:
        data = decode_base64(value)
        if filename is not None:  # a bad filename is reported on its own
            check_document(filename, data)
    except DocumentFormatError as error:
        raise ValueError(str(error)) from None
    return value


def _alternatives_error(model: str, problems: list[tuple[str, str, str]]) -> ValidationError:
    """An error at each named field (not at the object), so a client sees which field to fix:
    `(field, "missing" | "value_error", message)`."""
    return ValidationError.from_exception_data(
        model,
        [
            InitErrorDetails(type=PydanticCustomError(kind, message), loc=(field,), input=None)
            for field, kind, message in problems
        ],
    )


def _one_of(*alternatives: list[str]) -> dict[str, Any]:
    """The JSON schema of "exactly one of these groups of fields", for the OpenAPI document. A field
    sent as `null` counts as absent (the validators read it so), so a group needs its fields non-null."""
    return {
        "oneOf": [
            {"required": fields, "properties": {field: {"not": {"type": "null"}} for field in fields}}
            for fields in alternatives
        ]
    }


DOCUMENT_DESCRIPTION = (
    "The document's bytes in standard base64: PDF, DOCX, ODT, RTF or plain text. Its format comes from "
    "the bytes and must match the filename's extension; the worker extracts its text."
)


class DocumentFile(LazyModel):
    """A vacancy sent as a document (`vacancy_file`)."""

    model_config = ConfigDict(extra="forbid")

    filename: Filename
    content_base64: str = Field(description=DOCUMENT_DESCRIPTION)

    _valid_document = field_validator("content_base64")(_check_document)


class ResumeIn(LazyModel):
    """A resume: its text in `content`, or a document in `content_base64`, exactly one of the two."""

    # The task worker replaces a document by its text before any task runs (`documents.extraction`), so
    # tasks, engines and stores always read `content`; `document` then says what the document was. Only
    # a request still on its way to the worker has `content` None.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_of(["content"], ["content_base64"]))

    filename: Filename
    content: NonBlankText = Field(default=None, description="The resume's text")  # type: ignore[assignment]
    content_base64: str | None = Field(default=None, description=DOCUMENT_DESCRIPTION)
    _document: DocumentInfo | None = PrivateAttr(default=None)

    _valid_document = field_validator("content_base64")(_check_document)

    @model_validator(mode="after")
    def _text_or_document(self) -> ResumeIn:
        if self.content is None and self.content_base64 is None:
            raise _alternatives_error(
                "ResumeIn", [("content", "missing", "Field required (or content_base64 for a document)")]
            )
        if self.content is not None and self.content_base64 is not None:
            raise _alternatives_error(
                "ResumeIn",
                [("content_base64", "value_error", "give exactly one of content and content_base64")],
            )
        return self

    @property
    def document(self) -> DocumentInfo | None:
        """The document this resume's text was extracted from; None for a resume sent as text."""
        return self._document

    def with_text(self, text: str, document: DocumentInfo) -> ResumeIn:
        """This resume with the text extracted from its document (empty when it was unreadable)."""
        resume = self.model_copy(update={"content": text, "content_base64": None})
        resume._document = document
        return resume


def _unique_filenames(resumes: list[ResumeIn]) -> list[ResumeIn]:
    seen: set[str] = set()
    for position, resume in enumerate(resumes):
        if resume.filename in seen:
            # The position, not the name: error bodies never repeat the client's text.
            raise ValueError(f"filenames must be unique; resume {position} repeats an earlier one")
        seen.add(resume.filename)
    return resumes


Resumes = Annotated[list[ResumeIn], Field(min_length=1), AfterValidator(_unique_filenames)]


def _resume_texts(resumes: list[ResumeIn]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(("resumes", i, "content"), r.content) for i, r in enumerate(resumes) if r.content is not None]


class TaskRequest(LazyModel):
    """Fields every request carries. Unknown fields are refused so typos surface as 422."""

    model_config = ConfigDict(extra="forbid")

    webhook_url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    metadata: Metadata = None
    # Set by the worker when the vacancy came as `vacancy_file` (see `documents.extraction`).
    _vacancy_document: DocumentInfo | None = PrivateAttr(default=None)

    @field_validator("webhook_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value, re.IGNORECASE):
            raise ValueError("must be an absolute https URL")
        return value

    @property
    def vacancy_document(self) -> DocumentInfo | None:
        """The document the vacancy's text was extracted from; None for a vacancy sent as text."""
        return self._vacancy_document

    def with_extracted(self, update: dict[str, Any], vacancy_document: DocumentInfo | None) -> Self:
        """A copy with the fields in `update` replaced by text extracted from documents, and the
        vacancy's document (if it was one) recorded."""
        request = self.model_copy(update=update)
        request._vacancy_document = vacancy_document
        return request

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every untrusted text with its field path, for the length limit (documents are measured by
        the worker, once their text is out)."""
        return []

    def resume_list(self) -> list[ResumeIn]:
        return []

    def criterion_names(self) -> list[str]:
        """The criteria the request names (its `weights`), for the settings' bounds on their number."""
        return []


class RankResumesRequest(TaskRequest):
    model_config = ConfigDict(json_schema_extra=_one_of(["vacancy_text"], ["vacancy_file"]))

    # Exactly one of the two; the worker turns `vacancy_file` into `vacancy_text`.
    vacancy_text: NonBlankText = None  # type: ignore[assignment]
    vacancy_file: DocumentFile | None = None
    resumes: Resumes
    weights: Weights = None
    shortlist: Annotated[int, Field(strict=True, ge=1)] | None = Field(
        default=None,
        description=(
            "Rank in two stages: the heuristic engine ranks every resume and only the best `shortlist` "
            "go to the model. Every resume is returned: the model-judged ones first, in their order, then "
            "the rest in the heuristic order, each with `judged_by`. A number at least the number of "
            "resumes sends them all to the model; absent, the deployment's RANK_SHORTLIST applies."
        ),
    )

    @model_validator(mode="after")
    def _vacancy_text_or_file(self) -> RankResumesRequest:
        if self.vacancy_text is None and self.vacancy_file is None:
            raise _alternatives_error(
                "RankResumesRequest",
                [("vacancy_text", "missing", "Field required (or vacancy_file for a document)")],
            )
        if self.vacancy_text is not None and self.vacancy_file is not None:
            raise _alternatives_error(
                "RankResumesRequest",
                [("vacancy_file", "value_error", "give exactly one of vacancy_text and vacancy_file")],
            )
        return self

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        vacancy = [] if self.vacancy_text is None else [(("vacancy_text",), self.vacancy_text)]
        return vacancy + _resume_texts(self.resumes)

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
    model_config = ConfigDict(
        json_schema_extra=_one_of(["vacancy_filename", "vacancy_content"], ["vacancy_file"])
    )

    # Either `vacancy_filename` with `vacancy_content`, or `vacancy_file`; the worker turns the file into
    # the other two.
    vacancy_filename: Filename = None  # type: ignore[assignment]
    vacancy_content: NonBlankText = None  # type: ignore[assignment]
    vacancy_file: DocumentFile | None = None
    resumes: Resumes

    @model_validator(mode="after")
    def _vacancy_content_or_file(self) -> AddVacancyWithCandidatesRequest:
        as_text = self.vacancy_filename is not None or self.vacancy_content is not None
        if self.vacancy_file is not None and as_text:
            raise _alternatives_error(
                "AddVacancyWithCandidatesRequest",
                [
                    (
                        "vacancy_file",
                        "value_error",
                        "give vacancy_file or vacancy_filename with vacancy_content, not both",
                    )
                ],
            )
        if self.vacancy_file is None:
            missing = [
                (name, "missing", "Field required (or vacancy_file for a document)")
                for name in ("vacancy_filename", "vacancy_content")
                if getattr(self, name) is None
            ]
            if missing:
                raise _alternatives_error("AddVacancyWithCandidatesRequest", missing)
        return self

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        vacancy = [] if self.vacancy_content is None else [(("vacancy_content",), self.vacancy_content)]
        return vacancy + _resume_texts(self.resumes)

    def resume_list(self) -> list[ResumeIn]:
        return self.resumes


class GenerateTagsRequest(TaskRequest):
    vacancy_text: NonBlankText

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("vacancy_text",), self.vacancy_text)]
