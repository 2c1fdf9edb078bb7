"""generate_tags: the engine names the tags, most important first; code makes the seed's string (or, with
TAGS_FORMAT=list, the same tags as a JSON array)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ai_interviewer.engines.capabilities import TagExtractor
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.payloads import TagsFormat
from ai_interviewer.models.requests import GenerateTagsRequest
from ai_interviewer.models.results import GenerateTagsResult
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.spec import TaskSpec

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


def generate_tags(request: GenerateTagsRequest, job_id: str, services: Services) -> TaskOutcome:
    engine = services.engine_for(TagExtractor)
    tags, usage = engine.extract_tags(request.vacancy_text, detect_language(request.vacancy_text))
    kept = unique_tags(tags)
    if not kept:
        raise InvalidModelOutputError("no tags were extracted", usage)
    as_list = services.settings.tags_format is TagsFormat.LIST
    result = GenerateTagsResult(tags=kept if as_list else ", ".join(kept))
    return TaskOutcome.from_engine(result, engine, usage)


def unique_tags(tags: Iterable[str]) -> list[str]:
    """The first spelling of each tag (case-insensitive), in order, without empties.

    A tag holding a comma would read as two tags in the seed's joined string, so it is split first, in
    both formats: a client can switch TAGS_FORMAT and get the same tags.
    """
    seen: set[str] = set()
    kept: list[str] = []
    for tag in tags:
        for part in tag.split(","):
            name = " ".join(part.split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                kept.append(name)
    return kept


def join_tags(tags: Iterable[str]) -> str:
    """`"A, B, C"`: the seed's string of `unique_tags`."""
    return ", ".join(unique_tags(tags))


SPEC = TaskSpec(
    name=TaskName.GENERATE_TAGS,
    request_model=GenerateTagsRequest,
    result_model=GenerateTagsResult,
    run=generate_tags,
    timeout_seconds=60,
    calls_model=True,
    request_example={
        "webhook_url": "https://your-app.com/webhook-receiver-tags",
        "vacancy_text": (
            "Ищем опытного Python-разработчика для работы над финтех-проектом. Требуется знание FastAPI, "
            "PostgreSQL и Docker. Важна работа в команде и опыт с CI/CD."
        ),
    },
    result_example={
        "tags": "Python, FastAPI, PostgreSQL, Docker, финтех, работа в команде, CI/CD, разработка API"
    },
)
