"""The heuristic engine's message catalogues: every language holds the same messages, a slot can be
capitalised by the template, and the logic holds no translation of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ai_interviewer.engines.heuristic.interview_messages import INTERVIEW
from ai_interviewer.engines.heuristic.messages import RANKING
from ai_interviewer.engines.heuristic.phrases import PHRASES, Catalogue
from ai_interviewer.engines.heuristic.vacancy_messages import VACANCY
from ai_interviewer.language import Language

HEURISTIC = Path(__file__).parents[1] / "functions" / "ai_interviewer" / "engines" / "heuristic"


def test_a_catalogue_with_a_message_missing_in_one_language_is_refused() -> None:
    with pytest.raises(ValueError, match="same messages"):
        Catalogue({Language.RU: {"hello": "Привет"}, Language.EN: {"hello": "Hello", "bye": "Bye"}})


def test_a_slot_marked_c_starts_the_sentence_capitalised() -> None:
    catalogue = Catalogue({Language.RU: {"years": "Опыт {years}"}, Language.EN: {"years": "{years!c} of it"}})
    assert catalogue.say(Language.RU, "years", years="около 4 лет") == "Опыт около 4 лет"
    assert catalogue.say(Language.EN, "years", years="about 4 years") == "About 4 years of it"


@pytest.mark.parametrize("catalogue", [PHRASES, RANKING, INTERVIEW, VACANCY])
def test_every_message_formats_in_every_language(catalogue: Catalogue) -> None:
    # A malformed template (a stray brace, an unknown conversion) fails here rather than in a request. A
    # language may leave out a slot the other uses (English needs an article Russian does not).
    for key in catalogue.messages[Language.RU]:
        names = {
            name
            for language in Language
            for name in re.findall(r"\{(\w+)", catalogue.messages[language][key])
        }
        for language in Language:
            assert catalogue.say(language, key, **dict.fromkeys(names, "x")), key


def test_no_russian_and_english_pair_is_left_inline_in_the_logic() -> None:
    catalogues = {
        "messages.py",
        "interview_messages.py",
        "vacancy_messages.py",
        "phrases.py",
        "vocabulary.py",
    }
    for path in sorted(HEURISTIC.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "pick(" not in text, path.name
        if path.name not in catalogues:
            assert not re.search(r'"[^"\n]*[а-яё][^"\n]*" if language is Language\.RU else', text), path.name
