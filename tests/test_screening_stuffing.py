"""Keyword stuffing: the vacancy pasted into a resume, and repeated lists of short skill names.

A pasted vacancy is long verbatim runs of its lines; a strong honest candidate shares the vacancy's
vocabulary (and even a phrase of it) without being flagged.
"""

from __future__ import annotations

import pytest
from ai_interviewer.screening import detect_flags, find_stuffing, has_stuffing, screen

VACANCY_RU = """Главный бухгалтер (производство)
Обязанности:
- ведение бухгалтерского и налогового учёта в 1С:Бухгалтерия 8.3 по трём юрлицам;
- подготовка и сдача отчётности в ФНС, СФР и Росстат в установленные сроки;
- контроль первичной документации, сверки с контрагентами, закрытие месяца;
- взаимодействие с аудиторами и банками, сопровождение налоговых проверок.
Требования:
- высшее экономическое образование;
- опыт работы главным бухгалтером от 5 лет, желательно на производстве;
- уверенное знание 1С:ЗУП и Excel (сводные таблицы, ВПР);
- знание НК РФ, ПБУ и ФСБУ, опыт перехода на ФСБУ 5/2019 и 6/2020.
Условия: офис в Подольске, пятидневка, зарплата от 150 000 рублей."""

STRONG_RU = """Марина Козлова
Главный бухгалтер, 9 лет опыта
2018 — по наст. время, АО «Металлист» (производство, три юрлица)
- Веду бухгалтерский и налоговый учёт в 1С:Бухгалтерия 8.3 и 1С:ЗУП, закрываю месяц к 5 числу.
- Сдаю отчётность в ФНС, СФР и Росстат; за 6 лет ни одного штрафа.
- Перевела учёт на ФСБУ 5/2019 и 6/2020, сопровождала две выездные налоговые проверки.
- Работаю с аудиторами и банками, контролирую первичку, провожу сверки с контрагентами.
2014 — 2018, ООО «Строймаш», бухгалтер по расчётам
- Расчёт зарплаты в 1С:ЗУП, отчёты в Excel (сводные таблицы, ВПР).
Образование: РЭУ им. Плеханова, экономист, 2013."""

WEAK_RU = """Пётр Сидоров
Бухгалтер-кассир, 1 год
2023 — 2024, ИП Сидоров: кассовые операции, авансовые отчёты.
Навыки: Excel."""

VACANCY_EN = """Senior Backend Engineer (Payments)
We are a fintech company building payment infrastructure for small businesses across Europe.
What you will do:
- Design and build high-throughput payment services in Python with FastAPI and asyncio.
- Own the PostgreSQL data model for ledgers, including partitioning and query tuning.
- Run services on Kubernetes with Terraform-managed AWS infrastructure and GitLab CI pipelines.
- Mentor engineers and lead technical design reviews across two product teams.
What we expect:
- 5+ years of commercial backend development, at least 3 of them in Python.
- Deep knowledge of PostgreSQL internals, transactions and isolation levels.
- Experience with event-driven architecture using Kafka or RabbitMQ.
- Fluent English; German is a plus.
We offer remote work within the EU, a learning budget and 30 days of paid vacation."""

STRONG_EN = """Daniel Wilson - Senior Backend Engineer
2019-present, PayFlow (payments for SMBs): built payment services in Python with FastAPI and asyncio.
Designed the PostgreSQL ledger data model with partitioning; tuned queries and isolation levels.
Moved our services to Kubernetes, wrote Terraform for AWS, set up GitLab CI pipelines.
Mentored four engineers and led design reviews for two product teams.
2015-2019, ShopWave: event-driven order processing with Kafka and RabbitMQ; Python and Go.
English C1, German B1."""

WEAK_EN = """Alex Kim
Junior developer, 1 year: PHP and MySQL for a local shop, some Python scripts."""


def _block(vacancy: str, first: str, last: str | None) -> str:
    lines = vacancy.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = len(lines) if last is None else next(i for i, line in enumerate(lines) if line.startswith(last))
    return "\n".join(lines[start + 1 : end])


@pytest.mark.parametrize(
    ("weak", "vacancy"), [(WEAK_RU, VACANCY_RU), (WEAK_EN, VACANCY_EN)], ids=["ru", "en"]
)
def test_a_resume_with_the_whole_vacancy_pasted_in_is_stuffing_and_the_vacancy_is_not_evidence(
    weak: str, vacancy: str
) -> None:
    resume = f"{weak}\n\n{vacancy}"
    screened = screen(resume, vacancy_text=vacancy)
    assert screened.flags == ("keyword_stuffing",)
    assert detect_flags(resume, vacancy_text=vacancy) == ["keyword_stuffing"]
    # Every pasted line is in the stuffed part, none in the evidence; the resume's own lines stay.
    for line in vacancy.splitlines()[1:]:
        assert line.strip("- ") not in screened.contextual_text
        assert line.strip("- ") in screened.stuffed_text
    for line in weak.splitlines():
        assert line in screened.contextual_text


@pytest.mark.parametrize(
    ("weak", "vacancy", "block"),
    [
        (WEAK_RU, VACANCY_RU, ("Требования", "Условия")),
        (WEAK_RU, VACANCY_RU, ("Обязанности", "Требования")),
        (WEAK_EN, VACANCY_EN, ("What we expect", "We offer")),
        (WEAK_EN, VACANCY_EN, ("What you will do", "What we expect")),
    ],
)
def test_part_of_the_vacancy_pasted_near_verbatim_is_stuffing(
    weak: str, vacancy: str, block: tuple[str, str]
) -> None:
    # Another bullet, another case, a number changed: still the vacancy's own lines.
    pasted = _block(vacancy, *block).replace("- ", "• ").replace("5", "7").lower()
    resume = f"{weak}\nО себе / About:\n{pasted}\n"
    assert detect_flags(resume, vacancy_text=vacancy) == ["keyword_stuffing"]
    spans = find_stuffing(resume, vacancy_text=vacancy)
    assert spans
    assert all(resume[start:end].strip() for start, end in spans)
    assert not any("Сидоров" in resume[s:e] or "Alex Kim" in resume[s:e] for s, e in spans)


def test_the_vacancy_pasted_as_one_paragraph_is_stuffing() -> None:
    lines = _block(VACANCY_EN, "What you will do", "What we expect").splitlines()
    paragraph = " ".join(line.strip("- ") for line in lines)
    assert has_stuffing(f"{WEAK_EN}\n{paragraph}", vacancy_text=VACANCY_EN)


@pytest.mark.parametrize(
    ("strong", "vacancy"), [(STRONG_RU, VACANCY_RU), (STRONG_EN, VACANCY_EN)], ids=["ru", "en"]
)
def test_a_strong_candidate_who_shares_the_vacancys_vocabulary_is_not_stuffing(
    strong: str, vacancy: str
) -> None:
    assert detect_flags(strong, vacancy_text=vacancy) == []
    assert screen(strong, vacancy_text=vacancy).stuffed_spans == ()


def test_one_line_of_the_vacancy_in_an_honest_resume_is_not_stuffing() -> None:
    line = VACANCY_EN.splitlines()[4]  # one requirement, word for word
    assert detect_flags(f"{STRONG_EN}\n{line}", vacancy_text=VACANCY_EN) == []


def test_without_the_vacancy_screening_is_as_before() -> None:
    resume = f"{WEAK_EN}\n\n{VACANCY_EN}"
    assert detect_flags(resume) == []
    assert detect_flags(resume, vacancy_text="") == []
    assert detect_flags(resume, vacancy_text=VACANCY_EN) == ["keyword_stuffing"]


def test_a_very_short_vacancy_pasted_whole_is_stuffing_and_a_short_match_is_not() -> None:
    vacancy = "Courier with a driving licence, evening shifts in Leeds, weekly pay."
    pasted = (
        f"Sam Green\nWarehouse picker, 2 years.\n{vacancy}\nCourier with a driving licence, evening shifts."
    )
    assert detect_flags(pasted, vacancy_text=vacancy) == ["keyword_stuffing"]
    honest = "Sam Green\nCourier, 4 years; I hold a driving licence and prefer evening shifts in Leeds."
    assert detect_flags(honest, vacancy_text=vacancy) == []


@pytest.mark.parametrize(
    "skills",
    [
        "Навыки: 1С, Excel, 1С, 1С:Бухгалтерия, 1С, Excel, 1С, 1С:ЗУП, 1С",
        "1С 1С 1С 1С Excel",
        "Навыки: 1С, Excel, 1С:ЗУП, СБИС, Контур, 1С, Excel, 1С:ЗУП, СБИС, Контур",
        "Skills: C#, Go, R, SQL, C#, Go, R, SQL, C#, Go, R, SQL",
        "Go Go Go Go Rust",
        "R, Python, SAS, R, Python, SAS, R, Python, SAS",
    ],
)
def test_a_repeated_list_of_short_skill_names_is_stuffing(skills: str) -> None:
    resume = f"Бухгалтер / Analyst\nОпыт 3 года в торговле.\n{skills}\nЛюблю порядок в документах."
    assert detect_flags(resume) == ["keyword_stuffing"]
    screened = screen(resume)
    assert skills.rsplit(":", maxsplit=1)[-1].strip() in screened.stuffed_text
    assert "Опыт 3 года в торговле." in screened.contextual_text


def test_a_one_c_stack_line_per_job_is_not_stuffing() -> None:
    resume = """Бухгалтер, 8 лет
ООО «Север», 2016 — 2020: 1С:Бухгалтерия 8.3, 1С:ЗУП, сдача отчётности.
Стек: 1С, Excel
ООО «Юг», 2020 — 2024: закрытие месяца в 1С, сверки с контрагентами.
Стек: 1С, Excel, СБИС"""
    assert detect_flags(resume) == []


def test_homoglyphs_do_not_hide_a_repeated_list() -> None:
    # The same list written again with Cyrillic look-alike letters is still the same list.
    resume = "Skills: Python, Docker, Kafka, Redis\nSkills: Pythоn, Dоckеr, Kаfkа, Rеdis\nBuilt APIs in Go."
    assert detect_flags(resume) == ["keyword_stuffing"]
