"""PII minimisation where it counts: at the fake OpenAI server (real sockets, the SDK unmocked), with the
engine built by the real wiring. Every model request of every task, each kind of personal data in
Russian and in English: the data never arrives, its placeholder does, and the evidence around it
(skills, date ranges) arrives untouched. What the model answers goes back as it is: a quote without a
placeholder equals the original text, one with a placeholder keeps it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from ai_interviewer.engines.capabilities import (
    Engine,
    Interviewer,
    ResumeAssessor,
    TagExtractor,
    VacancyWriter,
    capable,
)
from ai_interviewer.engines.minimising import MinimisingEngine
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.settings import EngineChoice, Settings
from ai_interviewer.wiring import build_engine, build_services

from tests.fake_openai import ChatRequest, FakeOpenAI, Reply
from tests.test_openai_engine import fenced

CRITERIA = ["technical_skills", "experience"]
EVIDENCE = {
    Language.RU: ["Python, FastAPI, PostgreSQL", "03.2018 — по наст. время", "5 лет опыта", "1С"],
    Language.EN: ["Python, FastAPI, PostgreSQL", "Jan 2020 – Present", "3 years", "C# 10"],
}
VACANCIES = {
    Language.RU: "Ищем Python-разработчика: FastAPI, PostgreSQL. Резюме: hr@acme.ru, +7 495 123-45-67.",
    Language.EN: "We hire a Python developer: FastAPI, PostgreSQL. CVs to hr@acme.com, (415) 555-2671.",
}
VACANCY_PII = ["hr@acme.ru", "123-45-67", "hr@acme.com", "555-2671"]

# (language, the resume line, the personal data that must not reach the model, its placeholder), one per
# kind and language
CASES = [
    pytest.param(
        Language.RU, "Почта: ivan.petrov@mail.ru", "ivan.petrov@mail.ru", "[EMAIL_1]", id="ru-email"
    ),
    pytest.param(
        Language.EN, "Email: john.smith@gmail.com", "john.smith@gmail.com", "[EMAIL_1]", id="en-email"
    ),
    pytest.param(Language.RU, "Телефон: +7 (916) 123-45-67", "123-45-67", "[PHONE_1]", id="ru-phone"),
    pytest.param(Language.EN, "Phone: 07911 123456", "07911 123456", "[PHONE_1]", id="en-phone"),
    pytest.param(
        Language.RU, "Профиль: https://hh.ru/resume/ivan42", "hh.ru/resume/ivan42", "[URL_1]", id="ru-url"
    ),
    pytest.param(
        Language.EN,
        "LinkedIn: linkedin.com/in/johnsmith",
        "linkedin.com/in/johnsmith",
        "[URL_1]",
        id="en-url",
    ),
    pytest.param(Language.RU, "Telegram: @ivan_petrov", "ivan_petrov", "[HANDLE_1]", id="ru-handle"),
    pytest.param(Language.EN, "Skype: john.smith77", "john.smith77", "[HANDLE_1]", id="en-handle"),
    pytest.param(Language.RU, "Дата рождения: 01.02.1990", "01.02.1990", "[BIRTH_DATE]", id="ru-birth_date"),
    pytest.param(Language.EN, "Born 12 May 1990", "12 May 1990", "[BIRTH_DATE]", id="en-birth_date"),
    pytest.param(Language.RU, "Возраст: 35 лет", "35 лет", "[AGE]", id="ru-age"),
    pytest.param(Language.EN, "Age: 35", "Age: 35", "[AGE]", id="en-age"),
    pytest.param(Language.RU, "Адрес: ул. Ленина, д. 5, кв. 3", "Ленина", "[ADDRESS_1]", id="ru-address"),
    pytest.param(
        Language.EN, "Address: 221B Baker Street, London", "Baker Street", "[ADDRESS_1]", id="en-address"
    ),
    pytest.param(Language.RU, "Резюме: Мария Петрова", "Петрова", "[NAME]", id="ru-name"),
    pytest.param(Language.EN, "JOHN SMITH", "SMITH", "[NAME]", id="en-name"),
    pytest.param(Language.RU, "Иванов Иван Иванович · Москва", "Иванов", "[NAME]", id="ru-name-parts"),
    pytest.param(
        Language.RU, "Мария Петрова\nРекомендует Петрову", "Петров", "[NAME]", id="ru-surname-inflected"
    ),
    pytest.param(Language.EN, "Mr. John Smith | Leeds", "Smith", "[NAME]", id="en-name-honorific"),
    pytest.param(
        Language.EN,
        "Ivan Petrov — Senior Python Developer\nPetrov led the migration",
        "Petrov",
        "[NAME]",
        id="en-surname-alone",
    ),
    pytest.param(Language.RU, "Фото: https://cdn.example.ru/ivan.jpg", "ivan.jpg", "[PHOTO]", id="ru-photo"),
    pytest.param(Language.EN, "![photo](https://example.com/me.png)", "me.png", "[PHOTO]", id="en-photo"),
]


def resume_text(language: Language, line: str) -> str:
    """The line under test first (where a CV's heading is), then the evidence the model must still see."""
    skills, dates, duration, tech = EVIDENCE[language]
    if language is Language.RU:
        return f"{line}\nPython-разработчик\n{dates}: ООО «Ромашка», {skills}, {tech}\nИтого {duration}."
    return f"{line}\nPython developer\n{dates}: Acme Ltd, {skills}, {tech}\nIn all {duration}."


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def openai_settings(fake: FakeOpenAI, **overrides: str) -> Settings:
    environ = {
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "sk-test-key",
        "OPENAI_MODEL": "fake-model-1",
        "OPENAI_TIMEOUT_SECONDS": "2",
        "OPENAI_MAX_RETRIES": "0",
        "INTERVIEW_QUESTIONS": "2",
        **overrides,
    }
    return Settings.from_env(environ)


def sent(fake: FakeOpenAI) -> str:
    """Every byte the model was sent, as text."""
    assert fake.requests
    return "\n".join(json.dumps(request.body, ensure_ascii=False) for request in fake.requests)


def run_every_task(engine: Engine, vacancy: str, resume: str, language: Language) -> None:
    resumes = [ResumeIn(filename="cv.txt", content=resume)]
    capable(engine, ResumeAssessor).assess_resumes(vacancy, resumes, CRITERIA, language)
    capable(engine, Interviewer).run_interview(vacancy, resume, CRITERIA, language)
    capable(engine, VacancyWriter).write_vacancy(vacancy, {"technical_skills": 3}, language)
    capable(engine, TagExtractor).extract_tags(vacancy, language)


@pytest.mark.parametrize(("language", "line", "value", "placeholder"), CASES)
def test_no_model_request_carries_the_personal_data(
    fake: FakeOpenAI, language: Language, line: str, value: str, placeholder: str
) -> None:
    engine = build_engine(openai_settings(fake))
    run_every_task(engine, VACANCIES[language], resume_text(language, line), language)

    everything = sent(fake)
    assert value not in everything
    assert not any(pii in everything for pii in VACANCY_PII)
    resume_requests = fake.requests_with("Python, FastAPI, PostgreSQL, ")
    # rank (1) + recruiter and candidate turns and the analysis (2 + 2 + 1): every one that reads the CV
    assert len(resume_requests) == 6
    for request in resume_requests:
        resume = fenced(request, "RESUME")
        assert placeholder in resume
        assert all(evidence in resume for evidence in EVIDENCE[language])


def test_the_switch_off_sends_the_texts_as_they_are(fake: FakeOpenAI) -> None:
    engine = build_engine(openai_settings(fake, PII_MINIMISATION="off"))
    assert not isinstance(engine, MinimisingEngine)
    resume = resume_text(Language.EN, "Email: john.smith@gmail.com")
    run_every_task(engine, VACANCIES[Language.EN], resume, Language.EN)
    assert "john.smith@gmail.com" in sent(fake)
    assert "hr@acme.com" in sent(fake)


def test_the_wrapped_engine_keeps_the_inner_engines_identity(fake: FakeOpenAI) -> None:
    engine = build_engine(openai_settings(fake))
    assert isinstance(engine, MinimisingEngine)
    assert (engine.name, engine.model, engine.prompt_version) == (
        engine.inner.name,
        "fake-model-1",
        engine.inner.prompt_version,
    )
    assert engine.inner.name == "openai"


@pytest.mark.parametrize("choice", [EngineChoice.HEURISTIC, EngineChoice.OPENAI])
def test_any_engine_built_by_the_wiring_is_wrapped(fake: FakeOpenAI, choice: EngineChoice) -> None:
    """A second engine next to the configured one (the shortlist's heuristic stage) gets the same rule."""
    engine = build_engine(openai_settings(fake), choice)
    assert isinstance(engine, MinimisingEngine)
    assert engine.inner.name == choice.value


def quoting_replier(request: ChatRequest) -> Reply:
    """An assessment whose evidence and pros quote the resume: the stretch before the first placeholder
    (no personal data) and the line holding it."""
    answer = request.conforming_answer()
    if "criteria" in answer and "prompt_injection_detected" in answer:
        resume = fenced(request, "RESUME")
        clean, with_placeholder = resume.splitlines()[2], resume.splitlines()[0]
        for criterion in answer["criteria"].values():
            criterion["evidence"] = clean
        answer["pros"] = [clean, with_placeholder]
        answer["summary"] = f"{with_placeholder}; {clean}"
    return Reply.json(answer)


def test_quotes_go_back_as_the_original_text_and_placeholders_stay(fake: FakeOpenAI) -> None:
    fake.replier = quoting_replier
    resume = resume_text(Language.EN, "Email: john.smith@gmail.com, Phone: 07911 123456")
    engine = capable(build_engine(openai_settings(fake)), ResumeAssessor)
    [assessment], _ = engine.assess_resumes(
        VACANCIES[Language.EN], [ResumeIn(filename="cv.txt", content=resume)], CRITERIA, Language.EN
    )
    original_line = resume.splitlines()[2]
    assert assessment.pros == [original_line, "Email: [EMAIL_1], Phone: [PHONE_1]"]
    assert all(original_line in judged.reason for judged in assessment.criteria.values())
    assert assessment.summary == f"Email: [EMAIL_1], Phone: [PHONE_1]; {original_line}"
    returned = assessment.model_dump_json()
    assert "john.smith@gmail.com" not in returned
    assert "07911 123456" not in returned


def test_the_heuristic_engine_judges_the_minimised_text() -> None:
    """A skill named only in an e-mail address and a link is no evidence once they are placeholders: the
    bare heuristic engine credits it, the wrapped one does not, and the rest of the judgement holds."""
    settings = Settings.from_env({"LLM_ENGINE": "heuristic"})
    resume = (
        "Иванов Иван\nPython-разработчик\n2019–2023: ООО «Ромашка», Python-разработчик, Django\n"
        "Контакты: kubernetes.fan@mail.ru, github.com/ivan/kubernetes-operator\n5 лет опыта"
    )
    vacancy = "Ищем Python-разработчика: Python, Django, Kubernetes. Опыт от 3 лет."
    judged = {}
    for minimising in (True, False):
        engine = capable(
            build_engine(settings.model_copy(update={"pii_minimisation": minimising})), ResumeAssessor
        )
        [assessment], _ = engine.assess_resumes(
            vacancy, [ResumeIn(filename="cv.txt", content=resume)], CRITERIA, Language.RU
        )
        judged[minimising] = assessment
    assert "Есть опыт: Kubernetes" in judged[False].pros
    assert "Есть опыт: Kubernetes" not in judged[True].pros
    assert "Нет подтверждения: Kubernetes" in judged[True].cons
    assert judged[True].criteria["technical_skills"].score < judged[False].criteria["technical_skills"].score
    assert {"Есть опыт: Python", "Есть опыт: Django"} <= set(judged[True].pros)
    assert "2019–2023" in judged[True].criteria["experience"].reason  # the date range is still read


@pytest.mark.usefixtures("moto_endpoint")  # clients are built, and cached per process, on its endpoint
def test_the_shortlist_stage_reads_the_minimised_text_too(fake: FakeOpenAI) -> None:
    services = build_services(openai_settings(fake))
    first_stage = services.shortlist_engine
    assert isinstance(first_stage, MinimisingEngine) and first_stage.inner.name == "heuristic"
    assert isinstance(services.engine, MinimisingEngine) and services.engine.inner.name == "openai"
