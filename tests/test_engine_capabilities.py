"""The engine ports are capabilities: an engine offers a subset, a task asks for the one it needs, and the
PII minimiser wraps exactly what the engine offers."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Annotated

import pytest
from ai_interviewer.engines import capabilities
from ai_interviewer.engines.capabilities import (
    Engine,
    Interviewer,
    PersonalText,
    ResumeAssessor,
    ResumeText,
    TagExtractor,
    VacancyWriter,
    capabilities_of,
    capable,
)
from ai_interviewer.engines.heuristic import HeuristicEngine
from ai_interviewer.engines.minimising import MinimisingEngine, minimising
from ai_interviewer.language import Language
from ai_interviewer.models.usage import Usage
from ai_interviewer.settings import Settings
from ai_interviewer.wiring import Services, build_engine


class TagsOnly(TagExtractor):
    name = "tags-only"
    prompt_version = "tags-only-1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def extract_tags(self, vacancy_text: str, language: Language) -> tuple[list[str], Usage]:
        self.seen.append(vacancy_text)
        return ["Python"], Usage()


class Summariser(Engine):
    """A capability added later, its text marked: the minimiser wraps it with no change of its own."""

    @abstractmethod
    def summarise(self, resume_text: ResumeText, language: Language) -> tuple[str, Usage]: ...


class EchoSummariser(Summariser):
    name = "echo"
    prompt_version = "echo-1"

    def summarise(self, resume_text: str, language: Language) -> tuple[str, Usage]:
        return resume_text, Usage()


class Unmarked(Engine):
    """A capability whose text says not what it holds."""

    @abstractmethod
    def read(self, text: str) -> str: ...


class UnmarkedReader(Unmarked):
    name = "unmarked"
    prompt_version = "unmarked-1"

    def read(self, text: str) -> str:
        return text


def services_with(engine: Engine) -> Services:
    settings = Settings()

    def refuse() -> None:
        raise AssertionError("no store is needed")

    return Services(
        settings=settings,
        jobs=None,  # type: ignore[arg-type]  # the capability lookup reads no store
        queues=None,  # type: ignore[arg-type]
        payloads=None,  # type: ignore[arg-type]
        engine_factory=lambda: engine,
        vacancies_factory=refuse,  # type: ignore[arg-type]
    )


def test_a_task_gets_the_capability_it_asks_for_and_a_missing_one_is_named() -> None:
    engine = TagsOnly()
    services = services_with(engine)
    assert services.engine_for(TagExtractor) is engine
    with pytest.raises(TypeError, match=r"the tags-only engine cannot serve ResumeAssessor"):
        services.engine_for(ResumeAssessor)


# Every capability the port defines: the classes of engines.capabilities that extend Engine directly.
EVERY_CAPABILITY = {
    value for value in vars(capabilities).values() if isinstance(value, type) and Engine in value.__bases__
}


def test_both_engines_offer_every_capability() -> None:
    assert {ResumeAssessor, Interviewer, VacancyWriter, TagExtractor} <= EVERY_CAPABILITY
    assert set(capabilities_of(HeuristicEngine())) == EVERY_CAPABILITY
    from ai_interviewer.engines.openai.engine import OpenAiEngine  # noqa: PLC0415

    assert set(OpenAiEngine.__mro__) >= EVERY_CAPABILITY


def test_the_minimiser_offers_exactly_what_the_wrapped_engine_offers() -> None:
    inner = TagsOnly()
    wrapped = minimising(inner)
    assert isinstance(wrapped, MinimisingEngine) and isinstance(wrapped, TagExtractor)
    assert not isinstance(wrapped, ResumeAssessor | Interviewer | VacancyWriter)
    tags, _ = capable(wrapped, TagExtractor).extract_tags(
        "Ищем Python-разработчика. hr@example.com", Language.RU
    )
    assert tags == ["Python"]
    assert "hr@example.com" not in inner.seen[0] and "[EMAIL_1]" in inner.seen[0]

    full = build_engine(Settings(llm_engine="heuristic"))
    assert isinstance(full, MinimisingEngine)
    assert set(capabilities_of(full)) >= EVERY_CAPABILITY


def test_a_new_capability_with_marked_texts_is_minimised_without_a_change_to_the_minimiser() -> None:
    wrapped = minimising(EchoSummariser())
    summary, _ = capable(wrapped, Summariser).summarise("Ivan Petrov\nEmail: ivan@example.com", Language.EN)
    assert "ivan@example.com" not in summary and "[EMAIL_1]" in summary


class HiddenText(Engine):
    """Texts inside an Optional and a list: as unmarked as a bare str."""

    @abstractmethod
    def read(self, language: Language, note: str | None, answers: Sequence[str]) -> str: ...


class HiddenTextReader(HiddenText):
    name = "hidden"
    prompt_version = "hidden-1"

    def read(self, language: Language, note: str | None, answers: Sequence[str]) -> str:
        return note or ""


def test_a_capability_with_an_unmarked_text_is_refused_not_passed_through() -> None:
    with pytest.raises(TypeError, match=r"Unmarked\.read: `text` is a text that says not whether"):
        minimising(UnmarkedReader())
    with pytest.raises(TypeError, match=r"HiddenText\.read: `note` is a text"):
        minimising(HiddenTextReader())


class Noter(Engine):
    """Marked texts in other shapes: optional, and a list of strings."""

    @abstractmethod
    def note(
        self, note: ResumeText | None, answers: Annotated[Sequence[str], PersonalText.RESUME]
    ) -> str: ...


class EchoNoter(Noter):
    name = "noter"
    prompt_version = "noter-1"

    def note(self, note: str | None, answers: Sequence[str]) -> str:
        return f"{note} | {' | '.join(answers)}"


def test_optional_and_listed_texts_are_minimised_too() -> None:
    wrapped = capable(minimising(EchoNoter()), Noter)
    seen = wrapped.note(None, ["Email: a.b@example.com", "Phone: +7 912 345-67-89"])
    assert seen.startswith("None | ") and "a.b@example.com" not in seen and "345-67-89" not in seen
    assert "a.b@example.com" not in wrapped.note("Ivan Petrov, a.b@example.com", [])
