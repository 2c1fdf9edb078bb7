"""Word forms meet through the Snowball stemmers (Russian and English): "бухгалтерский"/"бухгалтерии",
"managed"/"management" reduce to one stem, so a requirement is matched in any inflection.

Snowball (snowballstemmer) rather than pymorphy3: it is pure Python, 0.8 MB against pymorphy3's 16 MB of
dictionaries, loads in ~50 ms against ~300 ms, and stems in a fraction of pymorphy3's time per word;
matching needs one shared form per word, not a dictionary lemma.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")
# A stemmer keeps its state in the object: one call at a time (the cache serves almost every call).
_STEM_LOCK = threading.Lock()
_CYRILLIC = re.compile(r"[а-я]")
_LATIN_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-cased token ("ё" already written "е"); tokens with digits stay as they are."""
    if _CYRILLIC.search(word):
        if not word.isalpha():
            return word
        with _STEM_LOCK:
            return str(_RUSSIAN.stemWord(word))
    if _LATIN_WORD.fullmatch(word) and len(word) > 3:
        with _STEM_LOCK:
            return str(_ENGLISH.stemWord(word))
    return word


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w.replace("ё", "е")) for w in words.split())


# Function words: never evidence of anything.
STOP_STEMS = _stems(
    """и в во на с со к ко по о об от до из за для при без над под про через или либо а но же ли бы
    не ни что как так то это этот эта эти тот та те его ее их мы вы они он она оно я ты наш ваш свой
    весь все всех всем быть был была были есть будет будут также уже еще очень более менее чем где
    когда который которая которые которых нам нас вам вас ими им у г гг т д др пр см
    the a an and or of in on at to for with by from as is are was were be been being it its this
    that these those we you they he she i my our your their not no nor but if so than then into
    over under per via also etc e g ie vs will can may must should would could has have had do does
    did who whom which what where when while about up out all any each both other such own same"""
)

# Words every vacancy and resume use: they say little about fit, so they weigh little.
GENERIC_STEMS = _stems(
    """опыт опыта работа работы работать работал работала работаю работе знание знания знаний умение
    умения навык навыки навыков требование требования год года лет месяц хороший хорошее хорошие
    уверенный уверенное уверенные отличный отличные глубокий глубокие базовый базовые понимание
    владение желание готовность способность умеете знаете ищем нужен нужна требуется необходимо
    обязательно желательно плюсом плюс будет компания компании команда команды задачи задач
    проект проекта проекты проектах сфера сфере области область направление уровень уровня
    высокий высокая высокие хорошо успешный успешно ответственность ответственный обязанности
    условия процесс процессы процессов вопрос вопросы новых новые новый основной основные разных
    различных ведение сопровождение участие организация
    experience experienced work working worked works knowledge skills skill ability able
    understanding familiarity proficiency proficient strong solid good great excellent deep
    basic years year months month plus nice have required requirement requirements preferred
    looking seeking need needed must company team teams tasks task project projects role position
    responsibilities responsible field area level high new various different including ensure
    support maintain participate participation successful successfully
    senior junior middle сеньор джун джуниор мидл миддл"""
)
