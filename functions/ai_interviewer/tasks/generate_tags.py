"""generate_tags: the engine names the tags, most important first; code makes the seed's string."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.payloads import GenerateTagsResult
from ai_interviewer.models.requests import GenerateTagsRequest
from ai_interviewer.tasks.outcome import TaskOutcome

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services


def generate_tags(request: GenerateTagsRequest, job_id: str, services: Services) -> TaskOutcome:
    engine = services.engine
    tags, usage = engine.extract_tags(request.vacancy_text, detect_language(request.vacancy_text))
    joined = join_tags(tags)
    if not joined:
        raise InvalidModelOutputError("no tags were extracted", usage)
    return TaskOutcome.from_engine(GenerateTagsResult(tags=joined), engine, usage)


def join_tags(tags: Iterable[str]) -> str:
    """`"A, B, C"`: the first spelling of each tag (case-insensitive), in order, without empties.

    A tag holding a comma would read as two tags in the joined string, so it is split first.
    """
    seen: set[str] = set()
    kept: list[str] = []
    for tag in tags:
        for part in tag.split(","):
            name = " ".join(part.split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                kept.append(name)
    return ", ".join(kept)
