"""build_vacancy: the engine writes Markdown from the draft and the weights; code checks its title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.payloads import BuildVacancyResult
from ai_interviewer.models.requests import BuildVacancyRequest
from ai_interviewer.scoring import effective_weights
from ai_interviewer.tasks.outcome import TaskOutcome

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


def build_vacancy(request: BuildVacancyRequest, job_id: str, services: Services) -> TaskOutcome:
    engine = services.engine
    text, usage = engine.write_vacancy(
        request.base_text, effective_weights(request.weights), detect_language(request.base_text)
    )
    description = text.strip()
    if not description.startswith("# "):
        raise InvalidModelOutputError("the vacancy description must start with a '# ' title line", usage)
    return TaskOutcome.from_engine(BuildVacancyResult(description=description), engine, usage)
