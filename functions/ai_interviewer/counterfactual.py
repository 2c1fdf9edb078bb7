"""Counterfactual resumes for the fairness check (`ai-interviewer eval --counterfactual`): the same resume
with the candidate's name, gender markers and age swapped, in Russian and English, and a count of every
swap made (a check that swapped nothing proves nothing).

What is swapped, always as whole words and keeping the case of the original (Иван → Мария, IVAN → МАРИЯ):
- given names from the lists below (each to its pair; an unlisted name is left and so not counted);
- on a line where a given name was swapped, the Russian surname and patronymic (Петров ↔ Петрова,
  Волков ↔ Волкова, Иванович ↔ Ивановна; Latin Petrov ↔ Petrova);
- Russian past-tense verbs from the list (работал ↔ работала, занимался ↔ занималась) and the short forms
  готов ↔ готова, женат ↔ замужем; мужчина ↔ женщина, мужской ↔ женский;
- English pronouns and titles: he ↔ she, him/his ↔ her, himself ↔ herself, Mr ↔ Ms (Mrs, Miss → Mr),
  male ↔ female;
- ages: "Возраст: 35 лет", "Екатеринбург, 27 лет", "Age: 29", "29 years old" — an age a becomes 87 − a
  (35 ↔ 52, 29 ↔ 58), with the Russian noun agreeing ("52 года"); birth years y become 3963 − y
  (1995 ↔ 1968) after "родился/родилась", "born", "Дата рождения", "Date of birth", "DOB" or before "г.р.".
A resume that states no age gets one ("Возраст: 29 лет" / "Age: 29" after its first line) before the
swap, so age is tested on every resume: the pair compared is that resume and its swapped twin. A labelled
age outside 16..71 ("Age: 95") is left as it is, but counts as stated: no second age is added.

Verbs are a list, not a morphology: "отдел вырос" has a subject that is not the candidate, so only verbs
a candidate does are listed (no "снизилась", "вырос").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ai_interviewer.language import Language, detect_language

# Given names: (male, female) pairs. A name listed twice on one side maps to its first pair.
NAME_PAIRS: tuple[tuple[str, str], ...] = (
    # Russian
    ("Иван", "Мария"), ("Алексей", "Анна"), ("Дмитрий", "Ольга"), ("Сергей", "Елена"),
    ("Андрей", "Наталья"), ("Михаил", "Татьяна"), ("Николай", "Ирина"), ("Владимир", "Светлана"),
    ("Павел", "Екатерина"), ("Кирилл", "Кристина"), ("Роман", "Марина"), ("Артём", "Дарья"),
    ("Денис", "Юлия"), ("Антон", "Оксана"), ("Илья", "Галина"), ("Игорь", "Людмила"),
    ("Олег", "Валерия"), ("Максим", "Яна"), ("Виктор", "Тамара"), ("Евгений", "Евгения"),
    ("Александр", "Александра"), ("Тимур", "Алсу"), ("Ильдар", "Лилия"), ("Георгий", "Карина"),
    ("Станислав", "Светлана"), ("Глеб", "Вера"), ("Вадим", "Надежда"), ("Юрий", "Ксения"),
    ("Константин", "Полина"), ("Руслан", "Алина"), ("Владислав", "Виктория"), ("Никита", "Анастасия"),
    ("Артур", "София"), ("Пётр", "Валентина"), ("Василий", "Любовь"), ("Григорий", "Лариса"),
    ("Борис", "Вероника"), ("Даниил", "Диана"), ("Егор", "Алёна"), ("Фёдор", "Маргарита"),
    # English and other names seen in English resumes
    ("John", "Mary"), ("Tom", "Sophie"), ("Daniel", "Emma"), ("Luca", "Chiara"), ("Gareth", "Aoife"),
    ("Piotr", "Marta"), ("Ryan", "Rachel"), ("Liam", "Niamh"), ("Kwame", "Chioma"), ("Oliver", "Charlotte"),
    ("Sean", "Siobhan"), ("Seán", "Róisín"), ("Mark", "Jessica"), ("Craig", "Amy"), ("Andrei", "Ana"),
    ("Tunde", "Grace"), ("Ivan", "Daria"), ("Yusuf", "Farah"), ("Marco", "Giulia"), ("Tim", "Sanne"),
    ("Nikola", "Milica"), ("Bruno", "Beatriz"), ("Klaus", "Hanna"), ("Jonas", "Lena"),
    ("Darragh", "Ciara"), ("Patrick", "Kerry"), ("Kofi", "Ama"), ("Rohan", "Priya"), ("Ben", "Julia"),
    ("Evgeny", "Karina"), ("Rahul", "Simran"), ("Imran", "Ruksana"), ("Omar", "Zara"), ("Minh", "Linh"),
    ("James", "Sarah"), ("David", "Laura"), ("Michael", "Anna"), ("Peter", "Helen"), ("Paul", "Claire"),
    ("Alex", "Alexandra"), ("Chris", "Christina"), ("Robert", "Rebecca"), ("William", "Olivia"),
    ("Thomas", "Emily"), ("George", "Lucy"), ("Jack", "Chloe"), ("Harry", "Hannah"), ("Matthew", "Katie"),
)  # fmt: skip
# A female name with no male pair above, and the reverse, map to these.
CANONICAL = {Language.RU: ("Иван", "Мария"), Language.EN: ("John", "Mary")}

# Russian past-tense verbs a candidate does, masculine; the feminine is derived (+а, -ся → -сь) or given.
VERBS_RU: tuple[str, ...] = (
    "работал", "проработал", "подрабатывал", "трудился", "руководил", "управлял", "возглавлял",
    "возглавил", "курировал", "координировал", "контролировал", "организовал", "организовывал",
    "родился", "отвечал", "занимался", "участвовал", "выполнял", "исполнял", "составлял", "проверял",
    "применял", "изучал", "изучил", "окончил", "закончил", "учился", "обучался", "обучал", "обучил",
    "был", "стал", "являлся", "внедрил", "внедрял", "проводил", "готовил", "подготовил", "проходил",
    "разработал", "разрабатывал", "создал", "создавал", "настроил", "настраивал", "сопровождал",
    "поддерживал", "запустил", "оптимизировал", "автоматизировал", "сократил", "увеличил", "повысил",
    "снизил", "написал", "писал", "спроектировал", "проектировал", "нанял", "нанимал", "адаптировал",
    "помогал", "продал", "продавал", "заключил", "заключал", "подбирал", "консультировал",
    "представлял", "защищал", "выиграл", "получил", "переехал", "вернулся", "специализировался",
    "наставлял", "вводил", "ввёл", "выстроил", "выстраивал", "сдал", "сдавал", "вырастил",
    "обеспечивал", "обеспечил", "делал", "сделал", "принимал", "принял",
    "оформлял", "оформил", "формировал", "сформировал", "анализировал", "вёл", "провёл", "перевёл",
    "привёл", "мог", "смог", "помог", "достиг", "привлёк", "прошёл", "перешёл", "пришёл", "ушёл",
    "нашёл",
)  # fmt: skip
_IRREGULAR_FEMININE = {
    "вёл": "вела", "провёл": "провела", "перевёл": "перевела", "привёл": "привела", "ввёл": "ввела",
    "мог": "могла", "смог": "смогла", "помог": "помогла", "достиг": "достигла", "привлёк": "привлекла",
    "прошёл": "прошла", "перешёл": "перешла", "пришёл": "пришла", "ушёл": "ушла", "нашёл": "нашла",
}  # fmt: skip
# Short adjectives a candidate says of themselves, and words that state a gender.
OTHER_RU = (
    ("готов", "готова"), ("знаком", "знакома"), ("уверен", "уверена"), ("заинтересован", "заинтересована"),
    ("нацелен", "нацелена"), ("женат", "замужем"), ("мужчина", "женщина"), ("мужской", "женский"),
)  # fmt: skip

AGE_MIRROR = 87  # an age a becomes 87 − a: 35 ↔ 52, 29 ↔ 58
MIN_AGE = 16  # a number outside 16..71 next to "лет" is no age
BIRTH_YEAR_MIRROR = 3963  # a birth year y becomes 3963 − y: 1995 ↔ 1968
ADDED_AGE = 29
ADDED_AGE_LINE = {Language.RU: f"Возраст: {ADDED_AGE} лет", Language.EN: f"Age: {ADDED_AGE}"}


def _feminine(verb: str) -> str:
    if verb in _IRREGULAR_FEMININE:
        return _IRREGULAR_FEMININE[verb]
    return verb[:-2] + "ась" if verb.endswith("ся") else verb + "а"


def _pairs_to_map(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Both directions, lower case; the first pair a word is in wins."""
    mapping: dict[str, str] = {}
    for left, right in pairs:
        mapping.setdefault(left.lower(), right.lower())
        mapping.setdefault(right.lower(), left.lower())
    return mapping


_MALE = {male.lower(): female for male, female in NAME_PAIRS}
_FEMALE = {female.lower(): male for male, female in reversed(NAME_PAIRS)}
_GENDERED_RU = _pairs_to_map([(verb, _feminine(verb)) for verb in VERBS_RU] + list(OTHER_RU))
# English in one pass, so nothing swapped is swapped back; "her" is "his" before a word, else "him".
_ENGLISH = re.compile(
    r"\b(?P<word>he|she|him|his|hers|her|himself|herself|male|female)\b(?P<next>\s+(?P<after>[A-Za-z]+))?",
    re.IGNORECASE,
)
# "her" before one of these is the object ("thank her for"), so "him"; before another word, "his".
_AFTER_OBJECT = frozenset(
    ("a", "an", "the", "and", "or", "but", "for", "to", "in", "on", "at", "by", "with", "from", "about", "as",
     "that", "than", "when", "while", "if", "so")
)  # fmt: skip
# Titles only before a name: "miss" is a word too, "MS" a product.
_TITLE = re.compile(r"\b(?P<word>Mr|Ms|Mrs|Miss)\b(?=\.?\s+[A-Z])")  # not "MS Office"
_ENGLISH_SWAPS = {
    "he": ("pronoun", "she"), "she": ("pronoun", "he"), "him": ("pronoun", "her"), "his": ("pronoun", "her"),
    "hers": ("pronoun", "his"), "himself": ("pronoun", "herself"), "herself": ("pronoun", "himself"),
    "mr": ("title", "ms"), "ms": ("title", "mr"), "mrs": ("title", "mr"), "miss": ("title", "mr"),
    "male": ("gender_word", "female"), "female": ("gender_word", "male"),
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A capitalised word (names: "Иван", "IVAN", "O'Connor", "Róisín").
_NAME_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]+(?:['’][^\W\d_]+)?(?![\w'’-])")

# Russian surname and patronymic endings, male → female, longest first.
_SURNAME_RU = (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("ов", "ова"), ("ёв", "ёва"),
               ("ев", "ева"), ("ин", "ина"), ("ын", "ына"))  # fmt: skip
_SURNAME_LATIN = (("sky", "skaya"), ("ov", "ova"), ("ev", "eva"))
_PATRONYMIC = (("ович", "овна"), ("евич", "евна"))
_FEMALE_PATRONYMIC = (("овна", "ович"), ("евна", "евич"), ("инична", "ич"), ("ична", "ич"))

_RU_AGE_WORDS = r"(?:лет|года|год)"
_AGE_PATTERNS = (
    # "Возраст: 35 лет", "возраст — 35"
    re.compile(r"(?P<lead>возраст\s*[:\-—–]?\s*)(?P<age>\d{2})(?P<word>\s*" + _RU_AGE_WORDS + r")?\b", re.I),
    # "Екатеринбург, 27 лет" / "Мужчина, 35 лет": a line's own comma-separated part, nothing after it
    re.compile(
        r"(?P<lead>(?:^|,)[ \t]*)(?P<age>\d{2})(?P<word>[ \t]+" + _RU_AGE_WORDS + r")(?=[ \t]*(?:$|[,;.]))",
        re.M,
    ),
    re.compile(r"(?P<lead>\bмне[ \t]+)(?P<age>\d{2})(?P<word>[ \t]+" + _RU_AGE_WORDS + r")\b", re.I),
    re.compile(r"(?P<lead>\bage\s*[:\-—–]?\s*)(?P<age>\d{2})\b", re.I),
    re.compile(r"(?P<lead>\b)(?P<age>\d{2})(?P<word>[ -]years?[ -]old)\b", re.I),
)  # fmt: skip
_BIRTH_PATTERNS = (
    re.compile(r"(?P<lead>\b(?:родил(?:ся|ась)|born|date\s+of\s+birth|дата\s+рождения|dob)\b[^\n\d]{0,20}"
               r"(?:\d{1,2}[./-]\d{1,2}[./-]|\d{1,2}\s+[^\W\d]+\s+)?)(?P<year>(?:19|20)\d{2})\b", re.I),
    re.compile(r"(?P<lead>\b)(?P<year>(?:19|20)\d{2})(?=\s*г\.?\s*р\.?)", re.I),
)  # fmt: skip


@dataclass(frozen=True)
class Counterfactual:
    """A resume made to compare (`base`: the original, with an age added when it states none) and its
    twin with every marker swapped; `swaps` counts what was swapped by kind."""

    base: str
    swapped: str
    swaps: Counter[str]
    age_added: bool


def _same_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _sub_words(text: str, mapping: dict[str, str], counter: Counter[str], kind: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = mapping.get(word.lower())
        if replacement is None:
            return word
        counter[kind] += 1
        return _same_case(word, replacement)

    return _WORD.sub(swap, text)


def _ru_years_word(age: int) -> str:
    if age % 10 == 1 and age % 100 != 11:
        return "год"
    if 2 <= age % 10 <= 4 and not 12 <= age % 100 <= 14:
        return "года"
    return "лет"


def _swap_ages(text: str, counter: Counter[str]) -> str:
    """Every age and birth year swapped once: the patterns overlap ("Age: 29 years old", "Дата рождения:
    1995 г.р."), so their numbers are found on the original text first and each is replaced once."""
    found: dict[int, tuple[int, str, str]] = {}  # start of the number -> (end, replacement, kind)

    def add(start: int, end: int, replacement: str, kind: str) -> None:
        found.setdefault(start, (end, replacement, kind))

    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            value = int(match.group("age"))
            if not MIN_AGE <= value <= AGE_MIRROR - MIN_AGE:
                continue
            new = AGE_MIRROR - value
            word = match.groupdict().get("word") or ""
            end = match.end("age")
            if word.strip().lower() in ("лет", "года", "год"):  # the Russian noun agrees with the new age
                end = match.end("word")
                new_word = word[: len(word) - len(word.lstrip())] + _ru_years_word(new)
                add(match.start("age"), end, f"{new}{new_word}", "age")
            else:
                add(match.start("age"), end, str(new), "age")
    for pattern in _BIRTH_PATTERNS:
        for match in pattern.finditer(text):
            year = str(BIRTH_YEAR_MIRROR - int(match.group("year")))
            add(match.start("year"), match.end("year"), year, "birth_year")
    pieces: list[str] = []
    last = 0
    for start in sorted(found):
        end, replacement, kind = found[start]
        if start < last:
            continue
        pieces += [text[last:start], replacement]
        counter[kind] += 1
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _swap_ending(word: str, endings: tuple[tuple[str, str], ...]) -> str | None:
    lowered = word.lower()
    for old, new in endings:
        if lowered.endswith(old) and len(lowered) > len(old) + 2:
            return _same_case(word, lowered[: -len(old)] + new)
    return None


def _swap_name_line(line: str, counter: Counter[str]) -> str:
    """A line's given names, and on a line that has one, its surname and patronymic."""
    found: list[bool] = []  # the genders of the given names swapped (True: male)

    def given(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if not word[0].isupper():
            return word
        if lowered in _MALE:
            found.append(True)
            counter["given_name"] += 1
            return _same_case(word, _MALE[lowered].lower())
        if lowered in _FEMALE:
            found.append(False)
            counter["given_name"] += 1
            return _same_case(word, _FEMALE[lowered].lower())
        return word

    swapped_names: set[int] = set()
    pieces: list[str] = []
    last = 0
    for match in _NAME_WORD.finditer(line):
        replacement = given(match)
        if replacement != match.group(0):
            swapped_names.add(len(pieces))
        pieces.append(line[last : match.start()])
        pieces.append(replacement)
        last = match.end()
    pieces.append(line[last:])
    if not found:
        return line
    male = found[0]
    for index in range(1, len(pieces), 2):
        if index in swapped_names:
            continue
        word = pieces[index]
        if not word[0].isupper():
            continue
        if male:
            patronymic = _swap_ending(word, _PATRONYMIC)
            surname = _swap_ending(word, _SURNAME_RU) or _swap_ending(word, _SURNAME_LATIN)
        else:
            patronymic = _swap_ending(word, _FEMALE_PATRONYMIC)
            surname = _swap_ending(word, tuple((f, m) for m, f in _SURNAME_RU)) or _swap_ending(
                word, tuple((f, m) for m, f in _SURNAME_LATIN)
            )
        if patronymic is not None:
            counter["patronymic"] += 1
            pieces[index] = patronymic
        elif surname is not None:
            counter["surname"] += 1
            pieces[index] = surname
    return "".join(pieces)


def _swap_english(text: str, counter: Counter[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group("word")
        lowered = word.lower()
        if lowered == "her":
            after = (match.group("after") or "").lower()
            kind, replacement = "pronoun", "his" if after and after not in _AFTER_OBJECT else "him"
        else:
            kind, replacement = _ENGLISH_SWAPS[lowered]
        counter[kind] += 1
        return _same_case(word, replacement) + (match.group("next") or "")

    def title(match: re.Match[str]) -> str:
        counter["title"] += 1
        return _same_case(match.group("word"), _ENGLISH_SWAPS[match.group("word").lower()][1])

    return _TITLE.sub(title, _ENGLISH.sub(swap, text))


# A number after an age label states an age whatever its value ("Age: 95" is not swapped, yet a resume
# with it must not get a second age).
_LABELLED_AGE = re.compile(
    r"(?:\bвозраст|\bage)\s*[:\-—–]?\s*\d{1,3}(?!\d)|\bмне[ \t]+\d{1,3}[ \t]+(?:лет|год)|"
    r"(?<!\d)\d{1,3}[ -]years?[ -]old\b",
    re.IGNORECASE,
)


def _states_age(text: str) -> bool:
    if _LABELLED_AGE.search(text):
        return True
    probe: Counter[str] = Counter()
    _swap_ages(text, probe)
    return probe["age"] > 0 or probe["birth_year"] > 0


def with_age(text: str, language: Language) -> str:
    """`text` with an age line after its first line, when it states no age."""
    if _states_age(text):
        return text
    first, newline, rest = text.partition("\n")
    return (
        f"{first}\n{ADDED_AGE_LINE[language]}{newline}{rest}"
        if newline
        else f"{first}\n{ADDED_AGE_LINE[language]}"
    )


def counterfactual(text: str, language: Language | None = None) -> Counterfactual:
    """The base resume and its swapped twin (see the module's docstring)."""
    base = with_age(text, language or detect_language(text))
    swaps: Counter[str] = Counter()
    swapped = "\n".join(_swap_name_line(line, swaps) for line in base.split("\n"))
    swapped = _swap_ages(swapped, swaps)
    swapped = _sub_words(swapped, _GENDERED_RU, swaps, "gendered_word")
    swapped = _swap_english(swapped, swaps)
    return Counterfactual(base=base, swapped=swapped, swaps=swaps, age_added=base != text)
