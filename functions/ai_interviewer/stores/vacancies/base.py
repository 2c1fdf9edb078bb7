"""The vacancy store port. Writes are idempotent per job: the same job stored twice (a redelivered
queue message, or two racing deliveries) gives the same `vacancy_id` and no duplicate candidates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.outcome import Unreadable
from ai_interviewer.models.requests import ResumeIn


def _not_for_text() -> Any:
    """A document-only field: left out of the JSON when None, so a text vacancy looks as before."""
    return Field(default=None, exclude_if=lambda value: value is None)


class StoredCandidate(BaseModel):
    candidate_id: int  # 1-based position within the vacancy
    filename: str
    # The extracted text of a resume sent as a document; empty when it was `unreadable`.
    content: str
    format: DocumentFormat | None = _not_for_text()
    unreadable: Unreadable | None = _not_for_text()  # why the document gave no text


class StoredVacancy(BaseModel):
    vacancy_id: int
    filename: str
    content: str
    format: DocumentFormat | None = _not_for_text()
    created_at: datetime
    job_id: str
    candidates: list[StoredCandidate]


class VacancyStore(ABC):
    @abstractmethod
    def add_vacancy(
        self,
        job_id: str,
        filename: str,
        content: str,
        candidates: Sequence[ResumeIn],
        *,
        vacancy_format: DocumentFormat | None = None,
    ) -> int:
        """Store the vacancy with all its candidates; return its id (the same id for the same job).
        `vacancy_format` is the vacancy's document format when it came as one; each candidate's comes
        from its `document`."""

    @abstractmethod
    def get_vacancy(self, vacancy_id: int) -> StoredVacancy | None: ...
