"""Small pieces of Russian and English prose shared by the engine's outputs, and the catalogue type every
piece of the engine's prose is kept in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Formatter
from typing import Any

from ai_interviewer.language import Language


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


class _MessageFormatter(Formatter):
    """`str.format` plus the conversion `!c`, capitalised: whether a slot starts a sentence is the
    template's grammar ("{years!c} of experience"), not the caller's."""

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "c":
            return capitalised(str(value))
        return super().convert_field(value, conversion)


_FORMATTER = _MessageFormatter()


class Catalogue:
    """The messages of one concern in every language, keyed by name, each a whole sentence or label with
    named slots: logic asks for a message by name and never holds a translation of its own."""

    def __init__(self, messages: Mapping[Language, Mapping[str, str]]) -> None:
        keys = {language: set(messages.get(language, {})) for language in Language}
        first = keys[Language.RU]
        if any(found != first for found in keys.values()):
            raise ValueError("every language of a catalogue must hold the same messages")
        self.messages = messages

    def __contains__(self, key: str) -> bool:
        return key in self.messages[Language.RU]

    def say(self, language: Language, key: str, **slots: object) -> str:
        return _FORMATTER.format(self.messages[language][key], **slots)


PHRASES = Catalogue(
    {
        Language.RU: {
            "less_than_year": "меньше года",
            "no_experience": "без опыта",
            "and_more": "{names} и ещё {rest}",
            "and": "{names} и {last}",
        },
        Language.EN: {
            "less_than_year": "less than a year",
            "no_experience": "no experience",
            "and_more": "{names} and {rest} more",
            "and": "{names} and {last}",
        },
    }
)


def plural_ru(count: int, one: str, few: str, many: str) -> str:
    """Russian noun form for a count: 1 год, 2 года, 5 лет, 21 год, 11 лет."""
    tens, units = count % 100, count % 10
    if 11 <= tens <= 14:
        return many
    if units == 1:
        return one
    if 2 <= units <= 4:
        return few
    return many


def years_phrase(years: float, language: Language) -> str:
    """ "6 лет", "1 год", "меньше года"; "6 years", "1 year", "less than a year"."""
    if years < 1:
        return PHRASES.say(language, "less_than_year")
    whole = int(years + 0.5)
    if language is Language.RU:
        return f"{whole} {plural_ru(whole, 'год', 'года', 'лет')}"
    return f"{whole} year" if whole == 1 else f"{whole} years"


def about_years_phrase(years: float, language: Language) -> str:
    """ "около 4 лет" / "about 4 years" (Russian "около" takes the genitive)."""
    if years < 1:
        return PHRASES.say(language, "less_than_year")
    whole = int(years + 0.5)
    if language is Language.RU:
        return f"около {whole} {plural_ru(whole, 'года', 'лет', 'лет')}"
    return f"about {years_phrase(years, language)}"


def required_years_phrase(years: float, language: Language) -> str:
    """ "от 3 лет" / "3+ years" (a requirement, genitive in Russian)."""
    whole = int(years + 0.5)
    if whole < 1:
        return PHRASES.say(language, "no_experience")
    if language is Language.RU:
        return f"от {whole} {plural_ru(whole, 'года', 'лет', 'лет')}"
    return f"{whole}+ year" if whole == 1 else f"{whole}+ years"


def join_names(names: Sequence[str], language: Language, limit: int = 5) -> str:
    """ "A, B и C" / "A, B and C"; the rest folded into "и ещё N" / "and N more"."""
    shown = list(names[:limit])
    rest = len(names) - len(shown)
    if rest > 0:
        return PHRASES.say(language, "and_more", names=", ".join(shown), rest=rest)
    if len(shown) <= 1:
        return "".join(shown)
    return PHRASES.say(language, "and", names=", ".join(shown[:-1]), last=shown[-1])


def one_line(text: str) -> str:
    return " ".join(text.split())
