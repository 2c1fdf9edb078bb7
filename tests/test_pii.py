"""The minimiser on its own: each kind of personal data in Russian and English, what must stay (date
ranges, durations, versions, technology names, salaries, a city), stable placeholders, the vacancy's
narrower rule, the phone budget that fails closed, and the invariant that lets quotes go back unchanged:
every stretch of minimised text without a placeholder is the original verbatim."""

from __future__ import annotations

import itertools
import json
import re
import string
import time
from pathlib import Path

import pytest
from ai_interviewer import pii
from ai_interviewer.pii import PLACEHOLDER, PiiKind, minimise

EVAL_SET = Path(__file__).parent / "data" / "eval" / "cases.json"
HEADING = "Опыт работы\n"  # a first line that is no name, so only the line under test can change

# (kind, text, the personal data in it, what the line must read after minimisation)
FOUND = [
    (PiiKind.EMAIL, "e-mail: ivan.petrov@mail.ru", "ivan.petrov@mail.ru", "e-mail: [EMAIL_1]"),
    (PiiKind.EMAIL, "ivan (at) mail (dot) ru", "ivan (at) mail", "[EMAIL_1]"),
    (PiiKind.PHONE, "Тел.: +7 (916) 123-45-67", "123-45-67", "Тел.: [PHONE_1]"),
    (PiiKind.PHONE, "тел. 8 916 123 45 67", "916 123 45 67", "тел. [PHONE_1]"),
    (PiiKind.PHONE, "Mobile: 07911 123456", "07911 123456", "Mobile: [PHONE_1]"),
    (PiiKind.PHONE, "Phone: (415) 555-2671", "555-2671", "Phone: [PHONE_1]"),
    (PiiKind.URL, "Профиль: https://hh.ru/resume/abc123", "hh.ru/resume", "Профиль: [URL_1]"),
    (PiiKind.URL, "linkedin.com/in/john-smith-42", "john-smith-42", "[URL_1]"),
    (PiiKind.URL, "Telegram: t.me/ivan_dev", "ivan_dev", "Telegram: [URL_1]"),
    (PiiKind.HANDLE, "Telegram: @ivan_dev", "ivan_dev", "Telegram: [HANDLE_1]"),
    (PiiKind.HANDLE, "Phone and Skype: john.smith77", "john.smith77", "Phone and Skype: john.smith77"),
    (PiiKind.HANDLE, "Email me | Skype: john.smith77", "john.smith77", "Email me | Skype: [HANDLE_1]"),
    (PiiKind.BIRTH_DATE, "Дата рождения: 01.02.1990", "01.02.1990", "Дата рождения: [BIRTH_DATE]"),
    (PiiKind.BIRTH_DATE, "родился 1 февраля 1990 г.", "1990", "родился [BIRTH_DATE]"),
    (PiiKind.BIRTH_DATE, "1990 г.р.", "1990", "[BIRTH_DATE] г.р."),
    (PiiKind.BIRTH_DATE, "born 12 May 1990 in Leeds", "1990", "born [BIRTH_DATE] in Leeds"),
    (PiiKind.BIRTH_DATE, "DOB: 1990-05-12", "1990", "DOB: [BIRTH_DATE]"),
    (PiiKind.BIRTH_DATE, "Дата рождения\n01.02.1990", "1990", "Дата рождения\n[BIRTH_DATE]"),
    (PiiKind.AGE, "Возраст: 35 лет", "35", "Возраст: [AGE]"),
    (PiiKind.AGE, "Age | 35", "35", "Age | [AGE]"),
    (PiiKind.AGE, "Мужчина, 35 лет", "35", "Мужчина, [AGE]"),
    (PiiKind.AGE, "Age: 35", "35", "Age: [AGE]"),
    (PiiKind.AGE, "35 years old, married", "35", "[AGE], married"),
    (PiiKind.ADDRESS, "ул. Ленина, д. 5, кв. 3", "Ленина", "[ADDRESS_1]"),
    (PiiKind.ADDRESS, "г. Москва, пр-т Мира 10", "Мира", "г. Москва, [ADDRESS_1]"),
    (PiiKind.ADDRESS, "Ленинградское шоссе, д. 16", "Ленинградское", "[ADDRESS_1]"),
    (PiiKind.ADDRESS, "123456, г. Москва", "123456", "[ADDRESS_1], г. Москва"),
    (PiiKind.ADDRESS, "221B Baker Street, London", "Baker", "[ADDRESS_1], London"),
    (PiiKind.ADDRESS, "12 Main St, Apt 4", "Main St", "[ADDRESS_1]"),
    (PiiKind.PHOTO, "Фото: https://cdn.example.com/me.jpg", "example.com", "Фото: [PHOTO]"),
    (PiiKind.PHOTO, "![me](photos/ivan.png)", "ivan.png", "[PHOTO]"),
    (PiiKind.PHOTO, "https://example.com/face.jpeg", "face", "[PHOTO]"),
    (PiiKind.NAME, "ФИО: Иванов Иван Иванович", "Иванов", "ФИО: [NAME]"),
    (PiiKind.NAME, "Name: John Smith", "Smith", "Name: [NAME]"),
    (PiiKind.NAME, "ФИО:\nИванова Анна", "Иванова", "ФИО:\n[NAME]"),
]


@pytest.mark.parametrize(("kind", "line", "value", "expected"), FOUND, ids=[f[1] for f in FOUND])
def test_each_kind_is_replaced_by_its_placeholder(
    kind: PiiKind, line: str, value: str, expected: str
) -> None:
    result = minimise(HEADING + line + "\nPython, FastAPI")
    assert result.text == HEADING + expected + "\nPython, FastAPI"
    if expected != line:
        assert value not in result.text
        assert result.kinds == {kind}
    else:  # a label in the middle of a phrase is no label ("Phone and Skype: ..." is prose)
        assert result.kinds == set()


# The candidate's name from the CV's heading: the first non-empty line, or the one after a bare "Резюме".
HEADINGS = [
    ("Иванов Иван Иванович\nPython-разработчик", "[NAME]\nPython-разработчик"),
    ("\n\n  Мария Петрова  \nБухгалтер", "\n\n  [NAME]  \nБухгалтер"),
    ("Резюме: Мария Петрова\nБухгалтер", "Резюме: [NAME]\nБухгалтер"),
    ("Резюме\nПетрова Мария Ивановна\nЮрист", "Резюме\n[NAME]\nЮрист"),
    ("JOHN SMITH\nData Engineer", "[NAME]\nData Engineer"),
    ("Smith, John\nNurse", "[NAME]\nNurse"),
    ("Иванов Иван, 35 лет, Москва\nВодитель", "[NAME], [AGE], Москва\nВодитель"),
    ("Kwame Osei MEng CEng MIStructE\nEngineer", "[NAME] MEng CEng MIStructE\nEngineer"),
    ("Seán O'Connor\nDevOps", "[NAME]\nDevOps"),
    ("Ludwig van Beethoven\nComposer", "[NAME]\nComposer"),
    ("Иванов И.И.\nМенеджер", "[NAME]\nМенеджер"),
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS)
def test_the_name_in_the_heading_is_replaced(text: str, expected: str) -> None:
    assert minimise(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Senior Python Developer\nJohn",
        "Главный Бухгалтер\nОпыт 10 лет",
        "Python Developer\nFastAPI",
        "Менеджер по продажам B2B\nОпыт работы",
        "Customer Service Advisor — Freight\nExperience",
        "HGV Class 1 Driver\nExperience",
        "Summary\nJohn Smith",  # a name below a heading that is not "Резюме"/"CV" is not looked for
    ],
)
def test_a_title_or_section_heading_is_not_a_name(text: str) -> None:
    assert minimise(text).text == text


def test_the_name_is_replaced_wherever_it_appears_again() -> None:
    text = "Мария Петрова\nБухгалтер\nПодпись: Мария Петрова. Рекомендации: Петров А. А."
    assert minimise(text).text == "[NAME]\nБухгалтер\nПодпись: [NAME]. Рекомендации: Петров А. А."


# Evidence the model needs: none of it may change.
KEPT = [
    "2019–2023",
    "2018 — 2020",
    "03.2018 — по наст. время",
    "01.03.2018 – 30.06.2020",
    "Jan 2020 – Present",
    "Sep 2018 - Jun 2021",
    "август 2020 — по настоящее время",
    "5 лет опыта",
    "Опыт работы — 12 лет",
    "3 years of Python",
    "Backend developer, 12 years",
    "C# 10, .NET 8, ASP.NET/C#",
    "+100500 к производительности",
    "Python 3.12, Django 5.0, PostgreSQL 16",
    "version 2.3.1, v1.2.3, ISO 27001:2013",
    "1С:Предприятие 8.3, 1С:ЗУП",
    "Node.js, Vue.js, Socket.IO",
    "Spring: @Transactional, @Autowired",
    "зарплата от 150 000 до 200 000 руб.",
    "Salary: $120,000 – $140,000",
    "г. Москва",
    "Москва, готов к переездам",
    "London, UK",
    "1 500 000 users, 20 000 RPS, p99 < 120 ms",
    "ООО «Ромашка», ПАО «Сбербанк», Yandex, Google",
    "Class 1 driver, 2 years",
    "100+ tickets a week, 40 patients a shift",
    "Ага, age of empires",
    "рейсы по Ленинградскому шоссе",
    "Git/GitHub — 5 лет",
    "yandex.ru",
]


@pytest.mark.parametrize("line", KEPT)
def test_evidence_that_is_no_personal_data_stays(line: str) -> None:
    text = HEADING + line
    result = minimise(text)
    assert result.text == text
    assert result.kinds == set()


def test_placeholders_are_stable_per_value_and_numbered_per_kind() -> None:
    text = (
        HEADING + "ivan@mail.ru, IVAN@mail.ru, other@mail.ru; +7 916 123-45-67, 8 (916) 123 45 67, "
        "+7 916 765-43-21; github.com/ivan, https://github.com/ivan/"
    )
    assert minimise(text).text == (
        HEADING + "[EMAIL_1], [EMAIL_1], [EMAIL_2]; [PHONE_1], [PHONE_1], [PHONE_2]; [URL_1], [URL_1]"
    )


def test_each_text_numbers_its_own_placeholders() -> None:
    assert minimise(HEADING + "b@x.io").text == HEADING + "[EMAIL_1]"
    assert minimise(HEADING + "a@x.io b@x.io").text == HEADING + "[EMAIL_1] [EMAIL_2]"


def test_a_vacancy_loses_contact_details_and_a_contact_person_only() -> None:
    vacancy = (
        "Иван Петров и партнёры\nИщем бухгалтера. Офис: ул. Ленина, д. 5. Возраст: 25 лет и старше.\n"
        "Контактное лицо: Анна Смирнова\nРезюме: hr@company.ru, +7 495 123-45-67, t.me/company_hr"
    )
    assert minimise(vacancy, resume=False).text == (
        "Иван Петров и партнёры\nИщем бухгалтера. Офис: ул. Ленина, д. 5. Возраст: 25 лет и старше.\n"
        "Контактное лицо: [NAME]\nРезюме: [EMAIL_1], [PHONE_1], [URL_1]"
    )


def test_the_phone_budget_fails_closed_on_a_text_full_of_figures() -> None:
    figures = "\n".join(f"{n:07d}" for n in range(3000))  # 24 000 characters of 7-digit runs
    text = f"{HEADING}{figures}\nТел.: +7 916 123-45-67\n2019–2023"
    runs = figures.count("\n") + 1
    assert runs * 8 * len(pii.PHONE_REGIONS) > pii.PHONE_MATCHER_BUDGET  # the budget is spent before it
    result = minimise(text)
    assert "123-45-67" not in result.text
    assert result.text.endswith("Тел.: [PHONE_1]\n2019–2023")
    assert f"{2999:07d}" in result.text  # 7 digits: too short for an unchecked phone


def test_every_stretch_without_a_placeholder_is_the_original_verbatim() -> None:
    """What lets a model's quote go back unchanged: the minimised text is the original with some spans
    replaced, never rewritten around them."""
    texts = [r["content"] for case in json.loads(EVAL_SET.read_text()) for r in case["resumes"]]
    texts += [HEADING + line for _, line, _, _ in FOUND] + [text for text, _ in HEADINGS]
    replaced = 0
    for text in texts:
        minimised = minimise(text).text
        pieces = PLACEHOLDER.split(minimised)
        replaced += len(pieces) - 1
        pattern = "(.+?)".join(re.escape(piece) for piece in pieces)
        assert re.fullmatch(pattern, text, re.DOTALL), minimised[:80]
    assert replaced > 100  # the set's names, e-mails and phones were found


def test_the_placeholder_pattern_knows_only_our_placeholders() -> None:
    assert PLACEHOLDER.findall("Contact [EMAIL_2] or [NAME].") == ["[EMAIL_2]", "[NAME]"]
    assert not PLACEHOLDER.search("array[INDEX_1], [TODO], [email], [NAME_]")


@pytest.mark.parametrize(
    ("head", "unit", "tail"),
    [
        ("Age", " ", "x"),  # an unbounded `\s*:?\s*` after a label backtracked for 96 s on this
        ("Дата рождения", " ", "x"),
        ("", "1-", ""),  # every digit a possible start of a spelled-out e-mail that never ends
        ("", "12345 ", ""),  # digit runs for the phone matcher
        ("Name: a", " ", "b"),
        ("", "a.", "@"),
    ],
)
def test_hostile_text_of_the_largest_size_is_minimised_in_linear_time(
    head: str, unit: str, tail: str
) -> None:
    text = head + unit * ((200_000 - len(head) - len(tail)) // len(unit)) + tail
    started = time.perf_counter()
    minimise(text)
    minimise(text, resume=False)
    assert time.perf_counter() - started < 10  # ~0.5 s here; a quadratic pattern takes minutes


def distinct_labelled_names(size: int) -> str:
    """`Name: Aaab Baab` lines, every name different: each once cost a pass over the whole text."""
    letters = string.ascii_lowercase
    lines = (f"Name: A{a}{b}{c} B{c}{b}{a}\n" for a, b, c in itertools.product(letters, repeat=3))
    return "".join(itertools.islice(lines, size // 16 + 1))[:size]


def test_distinct_labelled_names_are_all_replaced_in_one_linear_pass() -> None:
    hostile = distinct_labelled_names(200_000)
    benign = ("Python developer at Acme, 2019–2023: FastAPI, PostgreSQL.\n" * 4000)[:200_000]
    timings, results = [], []
    for text in (hostile, benign):
        started = time.process_time()
        results.append(minimise(text).text)
        timings.append(time.process_time() - started)
    assert timings[0] < 5  # ~0.2 s; a pass over the text per name took 30 s
    assert timings[0] < 10 * max(timings[1], 0.05)  # no worse than ordinary text of the size
    lines = results[0].splitlines()
    assert len(lines) > 12_000
    assert set(lines[:-1]) == {"Name: [NAME]"}  # the last line is cut mid-name
    assert results[1] == benign


def test_every_labelled_name_is_replaced_at_its_label_and_the_first_few_elsewhere() -> None:
    labels = "".join(f"Контактное лицо: Анна Смирнов{ending}\n" for ending in "абвгдежз")
    result = minimise(HEADING + labels + "Анна Смирнова, Анна Смирновд и Анна Смирнове", resume=False)
    assert result.text == HEADING + "Контактное лицо: [NAME]\n" * 8 + "[NAME], [NAME] и Анна Смирнове"


# Heading lines of a CV's usual shapes: the name goes (with an honorific before it), the rest stays.
HEADER_SHAPES = [
    ("Ivan Petrov | ivan@mail.ru | +7 916 123-45-67", "[NAME] | [EMAIL_1] | [PHONE_1]"),
    ("Иван Петров | ivan@mail.ru | +7 916 123-45-67", "[NAME] | [EMAIL_1] | [PHONE_1]"),
    ("Ivan Petrov — Senior Python Developer", "[NAME] — Senior Python Developer"),
    ("Иван Петров — Ведущий Python-разработчик", "[NAME] — Ведущий Python-разработчик"),
    ("Ivan Petrov – Senior Python Developer", "[NAME] – Senior Python Developer"),
    ("Ivan Petrov, Senior Python Developer, London", "[NAME], Senior Python Developer, London"),
    ("Mr. John Smith", "[NAME]"),
    ("Mrs Jane Smith · London", "[NAME] · London"),
    ("Dr. Jane Doe", "[NAME]"),
    ("Prof. Jane Doe — Data Scientist", "[NAME] — Data Scientist"),
    ("г-н Иван Петров", "[NAME]"),
    ("г-жа Анна Смирнова • Казань", "[NAME] • Казань"),
    ("Иванов Иван Иванович · Москва", "[NAME] · Москва"),
    ("John Smith · London", "[NAME] · London"),
    ("Senior Python Developer | Ivan Petrov", "Senior Python Developer | [NAME]"),
]


@pytest.mark.parametrize(("line", "expected"), HEADER_SHAPES, ids=[shape[0] for shape in HEADER_SHAPES])
def test_the_name_in_a_heading_of_several_parts_is_replaced_and_the_rest_stays(
    line: str, expected: str
) -> None:
    result = minimise(f"{line}\nPython, FastAPI")
    assert result.text == f"{expected}\nPython, FastAPI"
    assert PiiKind.NAME in result.kinds


# The heading's surname alone later in the text, and its Russian case forms; nothing else.
SURNAMES = [
    ("Ivan Petrov", "Petrov led the migration; PETROV signed.", "[NAME] led the migration; [NAME] signed."),
    ("Petrov Ivan", "Petrov led the migration.", "[NAME] led the migration."),
    ("Smith, John", "Smith led the audit.", "[NAME] led the audit."),
    ("JOHN SMITH", "Smith led the audit, Mr Smith said.", "[NAME] led the audit, [NAME] said."),
    ("Mr. John Smith", "Smith led the audit.", "[NAME] led the audit."),
    (
        "Иванов Иван Иванович · Москва",
        "Иванов, Иванова, Иванову, Ивановым, Ивановой, Ивановом, Иванове.",
        "[NAME], [NAME], [NAME], [NAME], [NAME], [NAME], [NAME].",
    ),
    ("Иван Иванович Иванов", "ИП Иванов", "ИП [NAME]"),
    ("Иванов И.И.", "отчёт Иванову", "отчёт [NAME]"),
    ("Романова Ирина Владимировна", "с Романовой; Ирина", "с [NAME]; Ирина"),  # a first name stays
    ("Мария Петрова", "Петровой, Петрову; Петров А. А.", "[NAME], [NAME]; Петров А. А."),
    ("Шевченко Анна", "Шевченко", "[NAME]"),
    # Stays: a short surname, another word that begins with it, lower case, a degree after the name.
    ("Dr. Jane Doe", "Doe, Jane's team.", "Doe, Jane's team."),
    ("Ivan Petrov", "Petrovsky, Petrovich, petrov.", "Petrovsky, Petrovich, petrov."),
    ("Иванов Иван", "Ивановский, Ивановна, ивановы.", "Ивановский, Ивановна, ивановы."),
    ("Simran Kaur BEng", "BEng Civil Engineering; Kaur", "BEng Civil Engineering; [NAME]"),
    ("Ким Анна", "Анна, Ким", "Анна, Ким"),  # which word is the surname cannot be told
]


@pytest.mark.parametrize(
    ("heading", "later", "expected"), SURNAMES, ids=[s[0] + ": " + s[1] for s in SURNAMES]
)
def test_the_heading_surname_alone_is_replaced_with_its_russian_forms(
    heading: str, later: str, expected: str
) -> None:
    text = f"{heading}\nОпыт работы\n{later}"
    assert minimise(text).text.splitlines()[2] == expected


def test_a_vacancy_keeps_the_surname_of_its_contact_person() -> None:
    vacancy = "Контактное лицо: Анна Смирнова\nОтдел Смирновой ищет аналитика."
    assert minimise(vacancy, resume=False).text == "Контактное лицо: [NAME]\nОтдел Смирновой ищет аналитика."
