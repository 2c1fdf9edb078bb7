"""Reading a stored vacancy with its candidates (written by the add_vacancy_with_candidates task)."""

from __future__ import annotations

import re

from ai_interviewer.errors import ApiError
from ai_interviewer.stores.vacancies.base import StoredVacancy
from ai_interviewer.wiring import Services

# Up to 18 digits: every such number fits a signed 64-bit integer (DynamoDB, PostgreSQL bigint).
_VACANCY_ID = re.compile(r"[0-9]{1,18}")


def find_vacancy(services: Services, vacancy_id: str) -> StoredVacancy:
    if not _VACANCY_ID.fullmatch(vacancy_id):
        raise ApiError(
            422,
            "validation_error",
            "vacancy_id must be a non-negative integer",
            [{"loc": ["path", "vacancy_id"], "msg": "must be a non-negative integer", "type": "int_parsing"}],
        )
    vacancy = services.vacancies.get_vacancy(int(vacancy_id))
    if vacancy is None:
        raise ApiError(404, "vacancy_not_found", "no vacancy with this id")
    return vacancy
