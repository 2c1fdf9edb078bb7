"""build_vacancy: the engine writes Markdown from the draft and the weights; code checks its title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_interviewer.engines.capabilities import VacancyWriter
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.requests import BuildVacancyRequest
from ai_interviewer.models.results import BuildVacancyResult
from ai_interviewer.resources import TaskName
from ai_interviewer.scoring import effective_weights
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.spec import TaskSpec

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


def build_vacancy(request: BuildVacancyRequest, job_id: str, services: Services) -> TaskOutcome:
    engine = services.engine_for(VacancyWriter)
    text, usage = engine.write_vacancy(
        request.base_text, effective_weights(request.weights), detect_language(request.base_text)
    )
    description = text.strip()
    if not description.startswith("# "):
        raise InvalidModelOutputError("the vacancy description must start with a '# ' title line", usage)
    return TaskOutcome.from_engine(BuildVacancyResult(description=description), engine, usage)


SPEC = TaskSpec(
    name=TaskName.BUILD_VACANCY,
    request_model=BuildVacancyRequest,
    result_model=BuildVacancyResult,
    run=build_vacancy,
    timeout_seconds=60,
    calls_model=True,
    request_example={
        "webhook_url": "https://your-app.com/webhook-receiver-vacancy",
        "base_text": "Ищем python-разраба. FastAPI, Postgres. Удаленка.",
        "weights": {
            "technical_skills": 5,
            "experience": 5,
            "communication": 3,
            "problem_solving": 4,
            "teamwork": 3,
        },
    },
    result_example={"description": "# Python-разработчик (Middle/Senior)\n\n## О проекте..."},
)
