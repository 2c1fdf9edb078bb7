"""Output language follows the input (CONTRACT §2): Russian text gets Russian prose, otherwise English."""

from __future__ import annotations

import re
from enum import StrEnum

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


class Language(StrEnum):
    RU = "ru"
    EN = "en"


def detect_language(text: str) -> Language:
    """Russian when Cyrillic letters are at least a fifth of the letters.

    A Russian vacancy is full of Latin technology names (Python, FastAPI, PostgreSQL), so a plain
    majority vote would call many Russian texts English; an English resume with a Russian name in it
    stays far below a fifth.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    if cyrillic == 0:
        return Language.EN
    return Language.RU if cyrillic * 4 >= latin else Language.EN
