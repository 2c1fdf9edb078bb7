"""add_vacancy_with_candidates: no model; the vacancy store keeps the vacancy and its candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_interviewer.language import Language, detect_language
from ai_interviewer.models.requests import AddVacancyWithCandidatesRequest
from ai_interviewer.models.results import AddVacancyWithCandidatesResult
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.spec import TaskSpec

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services

# The seed's message for a Russian vacancy, and its English counterpart.
ADDED_MESSAGE = {
    Language.RU: "Вакансия и кандидаты успешно добавлены",
    Language.EN: "Vacancy and candidates added successfully",
}


def add_vacancy_with_candidates(
    request: AddVacancyWithCandidatesRequest, job_id: str, services: Services
) -> TaskOutcome:
    # Idempotent per job: a redelivered message that reruns this gets the same vacancy_id back.
    vacancy_document = request.vacancy_document
    vacancy_id = services.vacancies.add_vacancy(
        job_id,
        request.vacancy_filename,
        request.vacancy_content,
        request.resumes,
        vacancy_format=None if vacancy_document is None else vacancy_document.format,
    )
    result = AddVacancyWithCandidatesResult(
        message=ADDED_MESSAGE[detect_language(request.vacancy_content)], vacancy_id=vacancy_id
    )
    return TaskOutcome(
        result=result.model_dump(mode="json"), engine=None, model=None, prompt_version=None, usage=None
    )


SPEC = TaskSpec(
    name=TaskName.ADD_VACANCY_WITH_CANDIDATES,
    request_model=AddVacancyWithCandidatesRequest,
    result_model=AddVacancyWithCandidatesResult,
    run=add_vacancy_with_candidates,
    timeout_seconds=60,
    calls_model=False,
    writes_vacancies=True,
    request_example={
        "webhook_url": "https://your-app.com/webhook-receiver-db",
        "vacancy_filename": "backend_dev_vacancy.txt",
        "vacancy_content": "Ищем опытного Backend-разработчика...",
        "resumes": [
            {"filename": "ivanov_cv.pdf", "content": "Иванов Иван, опыт 5 лет..."},
            {"filename": "petrov_cv.docx", "content": "Петров Петр, опыт 3 года..."},
        ],
    },
    result_example={
        "message": "Вакансия и кандидаты успешно добавлены",
        "vacancy_id": 123,
    },
)
