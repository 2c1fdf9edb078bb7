"""How the heuristic engine reads text: skill spellings, years of experience, vacancy requirements."""

from __future__ import annotations

from datetime import date

import pytest
from ai_interviewer.engines.heuristic.experience import required_years, resume_years
from ai_interviewer.engines.heuristic.phrases import about_years_phrase, plural_ru, years_phrase
from ai_interviewer.engines.heuristic.reading import read
from ai_interviewer.engines.heuristic.vacancy import profile_vacancy
from ai_interviewer.engines.heuristic.vocabulary import Seniority
from ai_interviewer.language import Language

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Работал с Postgres и Redis", "postgresql"),
        ("оптимизировал запросы в постгресе", "postgresql"),
        ("PostgreSQL 15", "postgresql"),
        ("деплой в k8s", "kubernetes"),
        ("поддерживаю кубер-кластеры", "kubernetes"),
        ("Kubernetes, Helm", "kubernetes"),
        ("JS (ES6)", "javascript"),
        ("JavaScript", "javascript"),
        ("Node.js scripts", "nodejs"),
        ("пишу на питоне", "python"),
        ("CI/CD на GitLab CI", "cicd"),
        ("Spring Boot", "spring"),
        ("Go, gRPC", "go"),
        ("C++ и C#", "cpp"),
        ("ASP.NET Core", "dotnet"),
        ("машинное обучение", "machine_learning"),
    ],
)
def test_skills_are_found_under_their_usual_spellings(text: str, skill: str) -> None:
    assert skill in read(text).skills


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I like to go hiking", "go"),
        ("ready to react to incidents", "react"),
        ("in spring 2020", "spring"),
        ("я играю на гитаре", "git"),
        ("Node.js developer", "javascript"),  # "js" inside Node.js is Node.js, not JavaScript
    ],
)
def test_everyday_words_are_not_mistaken_for_skills(text: str, absent: str) -> None:
    assert absent not in read(text).skills


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Опыт работы — 6 лет 3 месяца", 6.2),
        ("5 лет коммерческой разработки", 5.0),
        ("6+ years of experience with Python", 6.0),
        ("Работаю разработчиком пять лет", 5.0),
        ("ООО Ромашка, 2019–2023\nБанк, 2023 - по настоящее время", 7.4),
        ("Jan 2019 - Mar 2021: developer\nApr 2021 – present: senior developer", 7.3),
        ("03.2017 — 06.2020 Разработчик", 3.2),
        ("2018 - по настоящее время, Яндекс", 8.4),
        ("Образование\nМГУ, 2010–2015\nОпыт работы\n2016–2018 разработчик", 2.0),
        ("Мне 30 лет, живу в Москве", 0.0),
        ("5 лет Python, FastAPI, PostgreSQL.", 5.0),
        ("4 years with Kotlin and Spring", 4.0),
        ("3 года назад переехал в Казань", 0.0),
    ],
)
def test_years_of_experience_come_from_statements_and_date_ranges(text: str, years: float) -> None:
    assert resume_years(text, today=TODAY) == pytest.approx(years, abs=0.05)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Опыт коммерческой разработки на Python от 3 лет", 3.0),
        ("Опыт работы от 3-х лет", 3.0),
        ("не менее пяти лет опыта", 5.0),
        ("5+ years of experience in frontend development", 5.0),
        ("at least 4 years of professional experience", 4.0),
        ("Ищем python-разраба. FastAPI, Postgres. Удаленка.", None),
    ],
)
def test_a_vacancy_states_the_years_it_requires(text: str, years: float | None) -> None:
    assert required_years(text) == years


def test_vacancy_requirements_are_ordered_by_importance_and_nice_to_have_is_separate() -> None:
    vacancy = profile_vacancy(
        "# Senior Python-разработчик\n\n## Требования\n- Опыт с Docker\n- Уверенное знание PostgreSQL\n\n"
        "## Будет плюсом\n- Kafka\n\n## Условия\nДМС, удалённая работа, MacBook и Jira для всех"
    )
    required = [r.skill.key for r in vacancy.required]
    assert required[0] == "python"  # the role's own language leads
    assert set(required) == {"python", "docker", "postgresql"}
    assert required.index("postgresql") < required.index("docker")  # emphasised ("уверенное")
    assert [r.skill.key for r in vacancy.nice] == ["kafka"]
    assert "jira" not in {r.skill.key for r in vacancy.requirements}  # conditions are not requirements
    assert vacancy.seniority is Seniority.SENIOR
    assert vacancy.title(Language.RU) == "Python-разработчик"
    assert vacancy.domains == ()  # "ДМС" is a benefit, not a domain


def test_a_nice_to_have_cue_covers_only_its_own_clause() -> None:
    vacancy = profile_vacancy("Need a senior React dev, TypeScript, GraphQL nice to have. Remote.")
    assert [r.skill.key for r in vacancy.required] == ["react", "typescript"]
    assert [r.skill.key for r in vacancy.nice] == ["graphql"]
    assert vacancy.title(Language.EN) == "Frontend Developer"


@pytest.mark.parametrize("prefix", ["", " ", "\n"])
def test_a_cue_at_the_very_start_of_a_vacancy_applies_like_anywhere_else(prefix: str) -> None:
    vacancy = profile_vacancy(prefix + "Желательно знать Kafka. Обязательно: Python, PostgreSQL.")
    assert [r.skill.key for r in vacancy.nice] == ["kafka"]
    assert {r.skill.key for r in vacancy.required} == {"python", "postgresql"}


def test_russian_counts_agree_with_their_nouns() -> None:
    assert [plural_ru(n, "год", "года", "лет") for n in (1, 2, 5, 11, 21, 22, 25)] == [
        "год", "года", "лет", "лет", "год", "года", "лет",
    ]  # fmt: skip
    assert years_phrase(4, Language.RU) == "4 года"
    assert about_years_phrase(4, Language.RU) == "около 4 лет"
    assert about_years_phrase(1, Language.RU) == "около 1 года"
    assert about_years_phrase(6, Language.EN) == "about 6 years"
