"""Personal data kept from the model (issue 19): contact details, birth dates and ages, street addresses,
photos and the candidate's name are replaced by placeholders before any engine reads a text.

Every detector returns spans of the original text; overlapping spans are resolved leftmost-longest and
each span becomes a placeholder. The same value gets the same placeholder within one text (`[EMAIL_1]`
twice for one address), numbered per kind in order of appearance; the kinds a person has one of
(`[NAME]`, `[BIRTH_DATE]`, `[AGE]`, `[PHOTO]`) are not numbered. Nothing is deleted without a
placeholder, so any stretch of the minimised text without one is the original text verbatim: that is
what lets the model's quotes go back to the client unchanged, and why a quote holding a placeholder keeps
it (personal data is never put back into model output).

What stays, on purpose: employment date ranges and durations, company, technology and product names,
version numbers, salaries, a city on its own, and everything outside the listed kinds (README,
"Personal data", lists both). Phone numbers are found by `phonenumbers` (Google's libphonenumber
metadata; the `phonenumberslite` distribution, without the geocoding and carrier data we do not use).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class PiiKind(StrEnum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    URL = "URL"
    HANDLE = "HANDLE"
    BIRTH_DATE = "BIRTH_DATE"
    AGE = "AGE"
    ADDRESS = "ADDRESS"
    NAME = "NAME"
    PHOTO = "PHOTO"


# One per person: a single unnumbered placeholder.
_SINGLE = frozenset({PiiKind.NAME, PiiKind.BIRTH_DATE, PiiKind.AGE, PiiKind.PHOTO})
# A vacancy has no candidate heading and no candidate: only contact details (and a labelled contact
# person) are a third person's data there.
_VACANCY_KINDS = frozenset({PiiKind.EMAIL, PiiKind.PHONE, PiiKind.URL, PiiKind.HANDLE, PiiKind.NAME})
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(kind.value for kind in PiiKind) + r")(?:_\d+)?\]")
# Regions whose national formats are tried for numbers without a `+` (the service's two languages; GB
# for British formats); a `+` number is found whatever the region.
PHONE_REGIONS = ("RU", "US", "GB")
# A run of digits with the separators phones are written with (no `—` and no `,`: date ranges and
# lists of figures end a run); the matcher finds the phones in it. Local numbers have 7 digits or more.
_PHONE_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-–/]*\d(?!\w)")
PHONE_MIN_DIGITS = 7
PHONE_MATCHER_BUDGET = 20_000  # characters of runs per text, times the regions tried; a resume uses ~1 %
# What is replaced unchecked past the budget: 10 to 15 digits, with at most two separators between two.
_PHONE_UNCHECKED = re.compile(r"\+?\(?\d(?:[ \t().\-–/]{0,2}\d){9,14}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: PiiKind
    key: str  # the normalised value: equal keys get one placeholder


# --- detectors: each yields spans of the original text --------------------------------------------


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A detector's pattern with every run of blanks bounded: inside a pattern `\\s*`/`[ \\t]*` mean up
    to three spaces or tabs on one line, `\\s+`/`[ \\t]+` one to three, a line's indent up to ten.
    Unbounded, `\\s*x?\\s*` backtracks quadratically on a hostile run of blanks (100 000 spaces after
    "Age" took 96 s)."""
    bounded = pattern.replace(r"^[ \t]*", r"^[ \t]{0,10}")
    for loose, tight in ((r"\s*", r"[ \t]{0,3}"), (r"\s+", r"[ \t]{1,3}"), (r"\s?", r"[ \t]?")):
        bounded = bounded.replace(loose, tight)
    bounded = bounded.replace(r"[ \t]*", r"[ \t]{0,3}").replace(r"[ \t]+", r"[ \t]{1,3}")
    return re.compile(bounded, flags)


_EMAIL = _compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])", re.UNICODE)
# Spelled-out e-mails: ivan (at) mail (dot) ru, ivan [at] mail.ru.
_EMAIL_SPELLED = _compile(
    r"(?<![\w.+-])[\w.+-]+\s*[\[(]\s*(?:at|собака)\s*[\])]\s*[\w-]+(?:\s*(?:[\[(]\s*(?:dot|точка)\s*[\])]|\.)\s*[\w-]+)+",
    re.IGNORECASE,
)
_TLDS = (
    r"com|ru|org|net|io|me|dev|info|biz|co|uk|de|eu|by|kz|ua|uz|su|рф|pro|site|online|app|page|tech|ai|"
    r"xyz|us|ca|fr|es|it|nl|pl|in"
)
_URL = _compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+"
    # A bare domain counts only with a path (a lower-case domain: `ASP.NET/C#` and `Node.js` are no URLs).
    rf"|(?<![\w.@/-])(?:[a-z0-9-]+\.)+(?:{_TLDS})/[^\s<>\"')\]]*",
)
_IMAGE_URL = _compile(r"\.(?:jpe?g|png|gif|webp|heic|bmp|tiff?)(?:[?#]\S*)?$", re.IGNORECASE)
_MARKDOWN_IMAGE = _compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_PHOTO_LINE = _compile(
    r"^[ \t]*(?:фото(?:графия)?|photo(?:graph)?|picture|avatar)[ \t]*[:\-–—][ \t]*(\S.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_HANDLE = _compile(r"(?<![\w.@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_])?)(?![\w@])")
# `@Override`, `@Transactional`: Java/Spring annotations are PascalCase words without digits or `_`.
_ANNOTATION_LIKE = _compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)*")
_MESSENGERS = (
    r"telegram|телеграм|tg|тг|skype|скайп|discord|github|gitlab|twitter|instagram|инстаграм|"
    r"linkedin|vk|вконтакте|facebook|фейсбук|whatsapp|viber|icq|nick(?:name)?|ник"
)
# `Telegram: ivan_dev` at the start of a line or of a `,;|` part (not after any word: "CI: GitHub: x").
_LABELLED_HANDLE = _compile(
    rf"(?:^|(?<=[,;|•·]))[ \t]*(?:[-•*·][ \t]*)?(?:{_MESSENGERS})[ \t]*:[ \t]*(@?[\w][\w.\-]{{2,}})",
    re.IGNORECASE | re.MULTILINE,
)

# Between a label and its value: a colon, dash or table bar, or none, and the value may be on the next
# line (a table cell read out of a document).
_LABEL_GAP = r"[ \t]{0,3}[:\-–—|]?[ \t]{0,3}(?:\n[ \t]{0,3})?"
_MONTHS = (
    r"январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|"
    r"ноябр[ья]|декабр[ья]|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}"  # 01.02.1990, 1/2/90
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"  # 1990-02-01
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:19|20)\d{{2}}"  # 12 May 1990
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"  # May 12, 1990
    r"|(?:19|20)\d{2})"  # a year alone
    r"(?:[ \t]*(?:г\.|года?)(?!\w))?"
)
_BIRTH_LABEL = (
    r"дата\s+рождения|д\.\s?р\.|д/р|год\s+рождения|родил(?:ся|ась)|рожд(?:ение|ения)|"
    r"date\s+of\s+birth|birth\s*date|birthday|d\.?o\.?b\.?|born"
)
_BIRTH_DATE = _compile(
    rf"(?<!\w)(?:{_BIRTH_LABEL}){_LABEL_GAP}(?:(?:в|in|on)\s+)?(?P<date>{_DATE})", re.IGNORECASE
)
# `1990 г.р.`, `1990 года рождения`.
_BIRTH_YEAR = _compile(r"(?<!\d)(?P<date>(?:19|20)\d{2})\s*(?:г\.\s?р\.|года\s+рождения)", re.IGNORECASE)
_AGE_LABELLED = _compile(
    rf"(?<!\w)(?:возраст|age){_LABEL_GAP}"
    r"(?P<age>\d{1,2}(?:\s*(?:лет|года?|years?(?:\s+old)?|y\.?o\.?))?)(?!\d)",
    re.IGNORECASE,
)
# `35 years old`, `aged 35`; `Мужчина, 35 лет` / `Female, 29` (a gender word first, as job sites write).
_AGE_STATED = _compile(
    r"(?<!\w)(?P<age>\d{1,2}\s+(?:years?|yrs?)\s+old|aged\s+\d{1,2})(?!\w)"
    r"|(?<!\w)(?:мужчина|женщина|male|female|man|woman)\s*,\s*(?P<age2>\d{1,2}(?:\s+(?:лет|года?|years?))?)(?!\w)",
    re.IGNORECASE,
)
# `35 лет` as a whole comma-separated part of a heading line ("Иванов Иван, 35 лет, Москва"); not in
# English, where "Backend developer, 12 years" in a heading is experience.
_AGE_SEGMENT = _compile(
    r"(?:^|(?<=[,;|•·]))[ \t]*(?P<age>\d{2}[ \t]+(?:лет|года?))[ \t]*(?=$|[,;|•·])",
    re.IGNORECASE | re.MULTILINE,
)

_RU_STREET_TYPE = (
    r"ул\.|улица|пр-т|пр-кт|просп\.|проспект|пр\.(?=\s*[А-ЯЁ])|пер\.|переулок|б-р|бульвар|наб\.|набережная|"
    r"ш\.|шоссе|пл\.(?=\s*[А-ЯЁ])|площадь|проезд|пр-д|туп\.|тупик|мкр\.?|микрорайон|аллея|тракт"
)
# House, building and flat after a street: `, д. 5`, `, корп. 2`, `, кв. 3`, or a bare number `10`.
_RU_HOUSE = (
    r"(?:,?[ \t]*(?:д\.|дом|д(?=[ \t]*\d))[ \t]*\d+[а-яА-Я]?(?:/\d+)?"
    r"|,?[ \t]*(?:корп\.|корпус|к\.|стр\.|строение|кв\.|квартира|оф\.|офис|эт\.|этаж|под\.|подъезд)"
    r"[ \t]*\d+[а-яА-Я]?"
    r"|,?[ \t]+\d+[а-яА-Я]?(?:/\d+)?(?=[ \t]*(?:[,;|•·]|$|[ \t](?:кв|корп|стр|д)\.)))"
)
_RU_ADDRESS = _compile(
    # `ул. Ленина, д. 5, кв. 3`, `пр-т Мира 10` (the street type first: the house may be missing) ...
    rf"(?<!\w)(?:{_RU_STREET_TYPE})[ \t]*[А-ЯЁ0-9][\w-]*(?:[ \t]+[А-ЯЁ][\w-]*){{0,3}}(?:{_RU_HOUSE})*"
    # ... or `Ленинградское шоссе, 16` (the type after the name: only with a house, as a route's name
    # alone is often work, "рейсы по Ленинградскому шоссе").
    r"|(?<!\w)[А-ЯЁ][а-яё-]+(?:ая|ий|ой|ое|ый)[ \t]+"
    r"(?:улица|проспект|шоссе|бульвар|переулок|набережная|проезд)"
    rf"(?:{_RU_HOUSE})+",
    re.MULTILINE,
)
# A Russian postcode before its city: `123456, г. Москва` (the city itself stays).
_RU_POSTCODE = _compile(r"(?<!\d)\d{6}(?=,\s*(?:г\.|город\s))")
_EN_STREET_TYPE = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|"
    r"Way|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Row|Mews|Gardens|Grove"
)
_EN_ADDRESS = _compile(
    r"(?<![\w-])\d{1,5}[A-Za-z]?(?:-\d{1,5})?,?[ \t]+(?:[A-Z][a-z'-]+[ \t]+){1,3}"
    rf"(?:{_EN_STREET_TYPE})\b\.?"
    r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Fl|Floor|#)\.?[ \t]*#?\w+)?"
)

_NAME_LABEL = _compile(
    r"^[ \t]*(?:резюме|фио|ф\.и\.о\.|имя|кандидат|соискатель|контактное\s+лицо|"
    r"name|full\s+name|candidate|applicant|contact\s+person|resume|cv|curriculum\s+vitae)"
    r"[ \t]*[:\-–—|][ \t]*(?:\n[ \t]*)?(?P<name>\S[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADING_ONLY = _compile(r"(?:резюме|resume|résumé|cv|curriculum\s+vitae)[ \t]*:?", re.IGNORECASE)
# Words that make a heading a job title or a section, not a name: Russian stems (inflected words) and
# English words (whole: "Weber" is a name, "web" a title's word).
_NOT_NAME_STEMS = tuple(
    """резюме опыт навык контакт образован себе цель профиль менеджер бухгалтер разработчик программист
    инженер водител юрист аналитик специалист руководител директор администратор дизайнер врач медсестр
    медбрат медицинск сестра учител преподавател оператор продав кассир консультант экономист маркетолог
    технолог мастер бригадир логист кладовщик секретар помощник ассистент главн старш младш ведущ
    тестировщ архитектор механик электрик сварщик повар официант курьер грузчик монтажник юрисконсульт
    менеджмент продаж""".split()  # noqa: SIM905 - a word list reads better as words
)
_NOT_NAME_WORDS = frozenset(
    """resume curriculum vitae summary profile contact contacts experience skills education objective about
    engineer developer programmer manager analyst designer accountant nurse driver teacher lecturer
    consultant specialist director head lead senior junior principal chief officer assistant associate
    scientist architect administrator admin technician coordinator advisor adviser executive
    representative agent clerk operator supervisor partner counsel lawyer attorney paralegal tester
    intern trainee student graduate owner founder marketing sales support software data product project
    full stack backend frontend devops python java web mobile business customer service finance
    financial hr it qa ui ux chef cook mechanic electrician welder planner buyer recruiter generalist
    controller auditor""".split()  # noqa: SIM905
)
_NAME_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "ibn", "al"}
)
# A heading line's parts: "Ivan Petrov | ivan@mail.ru", "Ivan Petrov — Senior Python Developer".
_HEADING_PARTS = re.compile(r"[|—–·•,]")
_HONORIFIC = r"(?:(?i:mrs|mr|ms|miss|dr|prof)\.?|г-жа|г-н)"
_HONORIFIC_START = re.compile(rf"^{_HONORIFIC}[ \t]+")
_NAMES_SEARCHED = 5  # distinct labelled names looked for elsewhere in a text
_INITIALS = re.compile(r"(?:[^\W\d_]\.){1,2}")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_PATRONYMIC = re.compile(r"[А-ЯЁ][а-яё]+(?:вич|вна|ична|ьич)")
# Surnames declined like -ов/-ин (the `а` a woman's), and other common Russian and CIS surname endings.
_RU_DECLINED = re.compile(r"[А-ЯЁ][а-яё]+(?:ов|ев|ёв|ин|ын)(?P<feminine>а)?")
_RU_SURNAME = re.compile(
    r"[А-ЯЁ][а-яё]+(?:ова?|ева?|ёва?|ина?|ына?|ский|цкий|ская|цкая|енко|ук|юк|ян|дзе|швили)"
)
_LATIN_RU_SURNAME = re.compile(r"[A-Z][a-z]+(?:ova?|eva?|sk[iy]|skiy|skaya|enko)")
_FIRST_NAMES_LIKE_SURNAMES = frozenset(
    """Ирина Марина Алина Галина Полина Кристина Арина Карина Регина Валентина Ангелина Екатерина Нина
    Дина Зарина Альбина Каролина Марьяна Яков Вениамин Ян""".split()  # noqa: SIM905
)
_HEADING_LINES = 3  # non-empty lines from the top where a bare name is looked for
_AGE_HEADING_LINES = 8  # non-empty lines from the top where `35 лет` alone is an age


def _emails(text: str) -> Iterator[Span]:
    for pattern in (_EMAIL, _EMAIL_SPELLED):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), PiiKind.EMAIL, re.sub(r"\s+", "", match.group().lower()))


def _phones(text: str) -> Iterator[Span]:
    """Runs of digits and phone separators, each read by libphonenumber in every region of
    `PHONE_REGIONS`. Its matcher is slow on digit-heavy text (seconds for 200 000 characters of
    figures), so it reads only these runs, `PHONE_MATCHER_BUDGET` characters of them per text; past
    that (a table of figures, or a hostile text) every phone-length stretch of a run is replaced
    unchecked: the budget fails closed."""
    import phonenumbers  # noqa: PLC0415 - ~30 ms (3.13): only a worker that minimises pays it

    budget = PHONE_MATCHER_BUDGET
    for run in _PHONE_RUN.finditer(text):
        if sum(char.isdigit() for char in run.group()) < PHONE_MIN_DIGITS:
            continue
        regions = PHONE_REGIONS[:1] if run.group().startswith("+") else PHONE_REGIONS
        budget -= len(run.group()) * len(regions)
        if budget < 0:
            for stretch in _PHONE_UNCHECKED.finditer(run.group()):
                key = re.sub(r"\D", "", stretch.group())
                yield Span(run.start() + stretch.start(), run.start() + stretch.end(), PiiKind.PHONE, key)
            continue
        for region in regions:
            for match in phonenumbers.PhoneNumberMatcher(run.group(), region):
                key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
                start = run.start() + match.start
                yield Span(start, start + len(match.raw_string), PiiKind.PHONE, key)


def _urls_and_photos(text: str) -> Iterator[Span]:
    for match in _MARKDOWN_IMAGE.finditer(text):
        yield Span(match.start(), match.end(), PiiKind.PHOTO, "photo")
    for match in _PHOTO_LINE.finditer(text):
        yield Span(match.start(1), match.end(1), PiiKind.PHOTO, "photo")
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        end = match.start() + len(url)
        if _IMAGE_URL.search(url):
            yield Span(match.start(), end, PiiKind.PHOTO, "photo")
        else:
            key = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).rstrip("/")
            yield Span(match.start(), end, PiiKind.URL, key)


def _handles(text: str) -> Iterator[Span]:
    for match in _HANDLE.finditer(text):
        if not _ANNOTATION_LIKE.fullmatch(match.group(1)):
            yield Span(match.start(), match.end(), PiiKind.HANDLE, match.group(1).lower())
    for match in _LABELLED_HANDLE.finditer(text):
        value = match.group(1).rstrip(".,;")
        yield Span(match.start(1), match.start(1) + len(value), PiiKind.HANDLE, value.lstrip("@").lower())


def _birth_dates_and_ages(text: str) -> Iterator[Span]:
    for pattern in (_BIRTH_DATE, _BIRTH_YEAR):
        for match in pattern.finditer(text):
            yield Span(match.start("date"), match.end("date"), PiiKind.BIRTH_DATE, "birth_date")
    for match in _AGE_LABELLED.finditer(text):
        yield Span(match.start("age"), match.end("age"), PiiKind.AGE, "age")
    for match in _AGE_STATED.finditer(text):
        group = "age" if match.group("age") else "age2"
        yield Span(match.start(group), match.end(group), PiiKind.AGE, "age")
    heading_end = _offset_after_lines(text, _AGE_HEADING_LINES)
    for match in _AGE_SEGMENT.finditer(text, 0, heading_end):
        yield Span(match.start("age"), match.end("age"), PiiKind.AGE, "age")


def _addresses(text: str) -> Iterator[Span]:
    for pattern in (_RU_ADDRESS, _EN_ADDRESS, _RU_POSTCODE):
        for match in pattern.finditer(text):
            value = match.group().rstrip(" ,")
            key = " ".join(value.casefold().split())
            yield Span(match.start(), match.start() + len(value), PiiKind.ADDRESS, key)


def _names(text: str, *, heading: bool) -> Iterator[Span]:
    """A labelled name anywhere (`Name: ...`, `ФИО: ...`), and with `heading` a bare name among the first
    lines (an honorific before it included); then, in one pass, every other occurrence of a name found
    and, in a resume, the candidate's surname alone and its Russian case forms ("Petrov led ...")."""
    labelled: list[str] = []
    for match in _NAME_LABEL.finditer(text):
        value = match.group("name").rstrip()
        if _looks_like_name(value):
            yield Span(match.start("name"), match.start("name") + len(value), PiiKind.NAME, "name")
            labelled.append(value)
    # Searched for again: a few names only, so a text of a thousand `Name:` lines stays one linear pass.
    found = list(dict.fromkeys(labelled))[:_NAMES_SEARCHED]
    candidate = _heading_name(text) if heading else None
    if candidate:
        found.insert(0, candidate)
    surname = _surname(candidate or (found[0] if found else "")) if heading else None
    forms = [*found, *(_surname_forms(surname) if surname else ())]
    if not forms:
        return
    names = "|".join(re.escape(form) for form in sorted(set(forms), key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{_HONORIFIC}[ \t]{{1,3}})?(?:{names})(?!\w)")
    for match in pattern.finditer(text):
        yield Span(match.start(), match.end(), PiiKind.NAME, "name")


def _heading_name(text: str) -> str | None:
    """The bare name among the first lines: the first line, or the one after a bare "Резюме"/"CV"; the
    line whole ("Smith, John") or its first part that is a name ("Ivan Petrov | ivan@mail.ru",
    "Иванов Иван, 35 лет, Москва"), without trailing degrees or a leading honorific."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_HEADING_LINES]
    for index, line in enumerate(lines):
        if index > 0 and not _HEADING_ONLY.fullmatch(lines[index - 1]):
            return None
        for part in (line, *_HEADING_PARTS.split(line)):
            for option in (part.strip(), _without_credentials(part.strip())):
                bare = _HONORIFIC_START.sub("", option)
                if _looks_like_name(bare):
                    return bare
    return None


def _surname(name: str) -> str | None:
    """The surname in a name, when it can be told and has four letters or more: the word before a comma
    ("Smith, John"); in Cyrillic the word with a surname's ending (-ов, -ина, -ский, -енко, ...), or the
    word at the other end from a patronymic; in Latin script a Russian ending (Petrov) or the last word.
    Cyrillic first names with a surname's ending (Ирина, Яков) and trailing degrees (BEng) are not taken."""
    words = [
        word.capitalize() if word.isupper() else word
        for word in re.split(r"[ \t]+", _without_credentials(name).replace(",", " , "))
        if word and word.lower() not in _NAME_PARTICLES and not _INITIALS.fullmatch(word)
    ]
    if "," in words:
        chosen: str | None = words[0]
    elif any(_CYRILLIC.search(word) for word in words):
        words = [word for word in words if word not in _FIRST_NAMES_LIKE_SURNAMES]
        patronymics = [i for i, word in enumerate(words) if _PATRONYMIC.fullmatch(word)]
        endings = [word for word in words if _RU_SURNAME.fullmatch(word)]
        if endings:
            chosen = endings[0]
        elif patronymics and len(words) == 3:
            chosen = words[0] if patronymics[-1] == 2 else words[2]
        else:
            chosen = None
    else:
        endings = [word for word in words if _LATIN_RU_SURNAME.fullmatch(word)]
        chosen = endings[0] if endings else (words[-1] if words else None)
    return chosen if chosen and chosen != "," and sum(c.isalpha() for c in chosen) >= 4 else None


def _surname_forms(surname: str) -> list[str]:
    """`Иванов`: Иванов, Иванова, Иванову, Ивановым, Ивановой, Ивановом, Иванове; `Иванова`: Иванова,
    Ивановой, Иванову (a man's forms stay: "Петров А. А." beside "Мария Петрова" is someone else); any
    other surname as it is. Each also in capitals."""
    declined = _RU_DECLINED.fullmatch(surname)
    if declined and declined.group("feminine"):
        forms = [surname[:-1] + ending for ending in ("а", "ой", "у")]
    elif declined:
        forms = [surname + ending for ending in ("", "а", "у", "ым", "ой", "ом", "е")]
    else:
        forms = [surname]
    return [*forms, *(form.upper() for form in forms)]


def _looks_like_name(value: str) -> bool:
    """Two to four capitalised (or upper-case) words, or initials, none of them a title or a section."""
    words = [word for word in re.split(r"[ \t]+", value.strip().replace(",", " ")) if word]
    words = [word for word in words if word.lower() not in _NAME_PARTICLES]
    if not 2 <= len(words) <= 4 or not all(_is_name_word(word) for word in words):
        return False
    if all(len(word.rstrip(".")) <= 1 for word in words):
        return False
    lowered = [word.lower() for word in words]
    return not any(word in _NOT_NAME_WORDS or word.startswith(_NOT_NAME_STEMS) for word in lowered)


def _is_name_word(word: str) -> bool:
    """`Иванов`, `JOHN`, `O'Connor`, `Jovanović`, `Анна-Мария`, or initials `И.` / `И.И.`."""
    if re.fullmatch(r"(?:[^\W\d_]\.){1,2}", word):
        return word[0].isupper()
    parts = re.split(r"['’-]", word)
    return all(part.isalpha() and part[0].isupper() for part in parts if part) and bool(parts[0])


def _without_credentials(line: str) -> str:
    """`Simran Kaur BEng`, `Kwame Osei MEng CEng`: trailing degrees and memberships (words with two or
    more capitals) are not part of the name."""
    words = line.split()
    while len(words) > 2 and len(re.findall(r"[A-ZА-ЯЁ]", words[-1])) >= 2:
        words.pop()
    return " ".join(words)


def _offset_after_lines(text: str, count: int) -> int:
    for seen, match in enumerate(re.finditer(r"[^\n]*\S[^\n]*(?:\n|$)", text), start=1):
        if seen == count:
            return match.end()
    return len(text)


# --- putting it together ---------------------------------------------------------------------------


@dataclass
class Placeholders:
    """Stable placeholders for one text: one per kind and value, numbered in order of appearance."""

    _given: dict[tuple[PiiKind, str], str] = field(default_factory=dict)
    _counts: Counter[PiiKind] = field(default_factory=Counter)

    def for_span(self, span: Span) -> str:
        key = (span.kind, span.key)
        if key not in self._given:
            self._counts[span.kind] += 1
            number = "" if span.kind in _SINGLE else f"_{self._counts[span.kind]}"
            self._given[key] = f"[{span.kind.value}{number}]"
        return self._given[key]

    @property
    def kinds(self) -> set[PiiKind]:
        return set(self._counts)


@dataclass(frozen=True)
class Minimised:
    text: str
    kinds: frozenset[PiiKind]  # what was found (for tests and counts; the values are not kept)


def find_spans(text: str, *, resume: bool) -> list[Span]:
    """Every personal-data span, without overlaps (leftmost first, then longest)."""
    spans: list[Span] = [
        *_emails(text),
        *_phones(text),
        *_urls_and_photos(text),
        *_handles(text),
        *_names(text, heading=resume),
    ]
    if resume:
        spans += [*_birth_dates_and_ages(text), *_addresses(text)]
    else:
        spans = [span for span in spans if span.kind in _VACANCY_KINDS]
    return _without_overlaps(spans)


def _without_overlaps(spans: Iterable[Span]) -> list[Span]:
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.end > span.start and (not chosen or span.start >= chosen[-1].end):
            chosen.append(span)
    return chosen


def minimise(text: str, *, resume: bool = True) -> Minimised:
    """`text` with its personal data replaced. A resume gets every kind; a vacancy (`resume=False`) its
    contact details and a labelled contact person, since it has no candidate and no CV heading."""
    placeholders = Placeholders()
    parts: list[str] = []
    position = 0
    for span in find_spans(text, resume=resume):
        parts += [text[position : span.start], placeholders.for_span(span)]
        position = span.end
    parts.append(text[position:])
    return Minimised(text="".join(parts), kinds=frozenset(placeholders.kinds))
