"""Small pieces of Russian and English prose shared by the engine's outputs."""

from __future__ import annotations

from collections.abc import Sequence

from ai_interviewer.language import Language


def pick(language: Language, ru: str, en: str) -> str:
    return ru if language is Language.RU else en


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
        return pick(language, "меньше года", "less than a year")
    whole = int(years + 0.5)
    if language is Language.RU:
        return f"{whole} {plural_ru(whole, 'год', 'года', 'лет')}"
    return f"{whole} year" if whole == 1 else f"{whole} years"


def about_years_phrase(years: float, language: Language) -> str:
    """ "около 4 лет" / "about 4 years" (Russian "около" takes the genitive)."""
    if years < 1:
        return pick(language, "меньше года", "less than a year")
    whole = int(years + 0.5)
    if language is Language.RU:
        return f"около {whole} {plural_ru(whole, 'года', 'лет', 'лет')}"
    return f"about {years_phrase(years, language)}"


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


def required_years_phrase(years: float, language: Language) -> str:
    """ "от 3 лет" / "3+ years" (a requirement, genitive in Russian)."""
    whole = int(years + 0.5)
    if whole < 1:
        return pick(language, "без опыта", "no experience")
    if language is Language.RU:
        return f"от {whole} {plural_ru(whole, 'года', 'лет', 'лет')}"
    return f"{whole}+ year" if whole == 1 else f"{whole}+ years"


def join_names(names: Sequence[str], language: Language, limit: int = 5) -> str:
    """ "A, B и C" / "A, B and C"; the rest folded into "и ещё N" / "and N more"."""
    shown = list(names[:limit])
    rest = len(names) - len(shown)
    if rest > 0:
        return ", ".join(shown) + pick(language, f" и ещё {rest}", f" and {rest} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + pick(language, " и ", " and ") + shown[-1]


def one_line(text: str) -> str:
    return " ".join(text.split())
