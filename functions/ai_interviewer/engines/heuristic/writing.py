"""A complete Markdown vacancy from a terse draft ("Ищем python-разраба. FastAPI, Postgres. Удаленка."):
title, about, tasks, requirements ordered by the request's weights, nice to have, conditions."""

from __future__ import annotations

import re

from ai_interviewer.engines.heuristic.assessment import criterion_kind
from ai_interviewer.engines.heuristic.phrases import capitalised, join_names, pick, required_years_phrase
from ai_interviewer.engines.heuristic.profession import Draft, read_draft
from ai_interviewer.engines.heuristic.requirements import text_terms
from ai_interviewer.engines.heuristic.vacancy import VacancyProfile
from ai_interviewer.engines.heuristic.vocabulary import (
    SKILL_BY_KEY,
    SOFT_BY_KEY,
    Category,
    Seniority,
    Skill,
)
from ai_interviewer.language import Language
from ai_interviewer.scoring import DEFAULT_WEIGHTS, effective_weights

# What a skill of each category asks of the candidate / gives to do, by language.
_REQUIREMENT_BY_CATEGORY: dict[Category, tuple[str, str]] = {
    Category.LANGUAGE: ("Уверенное знание {name}", "Strong knowledge of {name}"),
    Category.BACKEND: ("Опыт разработки на {name}", "Hands-on experience with {name}"),
    Category.FRONTEND: ("Опыт разработки интерфейсов на {name}", "Experience building UIs with {name}"),
    Category.MOBILE: ("Опыт мобильной разработки ({name})", "Mobile development experience ({name})"),
    Category.DATABASE: (
        "Опыт работы с {name}: схемы, индексы, запросы",
        "Experience with {name}: schemas, indexes, queries",
    ),
    Category.MESSAGING: ("Опыт работы с {name}", "Experience with {name}"),
    Category.DEVOPS: ("Практический опыт с {name}", "Practical experience with {name}"),
    Category.CLOUD: ("Опыт работы с облаком {name}", "Experience with {name}"),
    Category.DATA: ("Опыт работы с {name}", "Experience with {name}"),
    Category.ML: ("Опыт в области: {name}", "Experience in {name}"),
    Category.TESTING: ("Умение писать тесты ({name})", "Writing tests ({name})"),
    Category.PRACTICE: ("Понимание: {name}", "Understanding of {name}"),
    Category.TOOL: ("Опыт работы с {name}", "Experience with {name}"),
}
_TASK_BY_CATEGORY: dict[Category, tuple[str, str]] = {
    Category.BACKEND: ("Разработка API и сервисов на {names}", "Build APIs and services with {names}"),
    Category.DATABASE: (
        "Проектирование схем данных и оптимизация запросов ({names})",
        "Design data schemas and tune queries ({names})",
    ),
    Category.MESSAGING: (
        "Асинхронная обработка задач и сообщений ({names})",
        "Asynchronous processing of tasks and messages ({names})",
    ),
    Category.DEVOPS: (
        "Контейнеризация, развёртывание и сопровождение сервисов ({names})",
        "Containerise, deploy and run services ({names})",
    ),
    Category.CLOUD: (
        "Работа с облачной инфраструктурой ({names})",
        "Work with cloud infrastructure ({names})",
    ),
    Category.FRONTEND: (
        "Разработка пользовательских интерфейсов на {names}",
        "Build user interfaces with {names}",
    ),
    Category.MOBILE: ("Разработка мобильного приложения ({names})", "Build the mobile app ({names})"),
    Category.DATA: (
        "Построение конвейеров и анализ данных ({names})",
        "Build data pipelines and analyses ({names})",
    ),
    Category.ML: ("Разработка и внедрение моделей ({names})", "Build and ship models ({names})"),
    Category.TESTING: (
        "Покрытие кода автотестами ({names})",
        "Cover the code with automated tests ({names})",
    ),
}
# Skills teams of a role usually also value: the "nice to have" suggestions.
_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "backend": ("docker", "cicd", "redis", "pytest", "kafka"),
    "developer": ("docker", "cicd", "git", "testing"),
    "fullstack": ("docker", "typescript", "cicd", "testing"),
    "frontend": ("typescript", "testing", "cicd", "figma"),
    "mobile": ("cicd", "testing", "git"),
    "devops": ("terraform", "prometheus", "aws", "python"),
    "data_engineer": ("airflow", "spark", "clickhouse", "docker"),
    "data_scientist": ("pytorch", "spark", "sql", "docker"),
    "qa": ("python", "cicd", "sql"),
    "analyst": ("sql", "powerbi", "python"),
}
_CRITERION_REQUIREMENT: dict[str, tuple[str, str]] = {
    "problem_solving": (
        "Умение самостоятельно разбираться в сложных задачах и доводить решения до результата",
        "Ability to untangle hard problems on your own and see solutions through",
    ),
    "communication": (
        "Умение ясно излагать мысли и договариваться с коллегами и заказчиками",
        "Clear communication with colleagues and stakeholders",
    ),
    "teamwork": (
        "Опыт работы в команде: код-ревью, совместное планирование, взаимопомощь",
        "Teamwork: code review, planning together, helping each other",
    ),
    "leadership": ("Опыт руководства или наставничества", "Experience leading or mentoring"),
    "english": (
        "Английский язык на уровне чтения технической документации",
        "English good enough for technical documentation",
    ),
    "education": ("Профильное высшее образование", "A relevant degree"),
    "testing": ("Привычка покрывать код тестами", "A habit of covering code with tests"),
    "architecture": ("Опыт проектирования архитектуры сервисов", "Experience designing service architecture"),
    "motivation": ("Интерес к продукту и желание развиваться", "Interest in the product and in growing"),
    "learning": ("Готовность быстро осваивать новое", "Eagerness to learn quickly"),
}
_DEFAULT_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("Интересные задачи и сильная команда", "Interesting problems and a strong team"),
    ("Профессиональное развитие: обучение, конференции", "Professional growth: training and conferences"),
)
_SENIORITY_LABEL = {
    Seniority.INTERN: "Intern",
    Seniority.JUNIOR: "Junior",
    Seniority.MIDDLE: "Middle",
    Seniority.SENIOR: "Senior",
    Seniority.LEAD: "Lead",
}


def write_vacancy(profile: VacancyProfile, weights: dict[str, float], language: Language) -> str:
    weights = effective_weights(weights) or effective_weights(None)
    draft = read_draft(profile.text, skill_spellings(profile))
    if draft.profession and not profile.titled_by_role:
        return _write_for_profession(profile, draft, weights, language)
    title = profile.title(language)
    if profile.seniority is not None:
        level = f" ({_SENIORITY_LABEL[profile.seniority]})"
    else:
        level = " (Middle/Senior)" if _is_technical(profile) else ""
    skills = [r.skill for r in profile.required]
    nice = [r.skill for r in profile.nice]
    lines = [f"# {title}{level}", ""]
    lines += [
        pick(language, "## О проекте", "## About the project"),
        "",
        _about(profile, title, skills, language),
        "",
    ]
    lines += [pick(language, "## Задачи", "## Responsibilities"), ""]
    lines += [f"- {task}" for task in _tasks(profile, skills, language)]
    lines += ["", pick(language, "## Требования", "## Requirements"), ""]
    lines += [f"- {item}" for item in _requirements(profile, skills, weights, language)]
    extras = _nice_to_have(profile, skills, nice, language)
    if extras:
        lines += ["", pick(language, "## Будет плюсом", "## Nice to have"), ""]
        lines += [f"- {item}" for item in extras]
    lines += ["", pick(language, "## Условия", "## What we offer"), ""]
    lines += [f"- {item}" for item in _conditions(profile, language)]
    return "\n".join(lines) + "\n"


def _about(profile: VacancyProfile, title: str, skills: list[Skill], language: Language) -> str:
    domain = profile.domains[0] if profile.domains else None
    where_ru = f" в {domain.name_ru}-проект" if domain else " в команду"
    where_en = f" for a {domain.name_en} product" if domain else " to join the team"
    stack = join_names([s.label(language) for s in skills], language, limit=8)
    if not _is_technical(profile):
        # Nothing the vocabulary knows: the draft's own words say more than a template would.
        draft = " ".join(profile.text.split())
        return pick(
            language,
            f"Мы ищем специалиста{where_ru}. Из описания: «{draft}»",
            f"We are looking for a new colleague{where_en}. In short: «{draft}»",
        )
    sentences = [
        pick(
            language,
            f"Мы ищем специалиста на позицию «{title}»{where_ru}.",
            f"We are looking for a {title}{where_en}.",
        )
    ]
    if stack:
        sentences.append(pick(language, f"Основной стек: {stack}.", f"Main stack: {stack}."))
    sentences.append(
        pick(
            language,
            "Вы будете отвечать за свою часть продукта от проектирования до работы в продакшене.",
            "You will own your part of the product from design to production.",
        )
    )
    return " ".join(sentences)


def _is_technical(profile: VacancyProfile) -> bool:
    """An IT position: it names a known skill or an IT role."""
    return bool(profile.requirements) or profile.effective_role is not None


def _stems(text: str) -> set[str]:
    return {word[:6].lower() for word in text.replace("(", " ").replace(")", " ").split() if len(word) >= 6}


def _tasks(profile: VacancyProfile, skills: list[Skill], language: Language) -> list[str]:
    tasks: list[str] = []
    by_category: dict[Category, list[str]] = {}
    for skill in skills:
        by_category.setdefault(skill.category, []).append(skill.label(language))
    for category, names in by_category.items():
        template = _TASK_BY_CATEGORY.get(category)
        if template and len(tasks) < 3:
            tasks.append(pick(language, *template).format(names=join_names(names, language)))
    role = profile.role
    role_tasks = list((role.tasks_ru if language is Language.RU else role.tasks_en) if role else ())
    if not role_tasks and _is_technical(profile):
        role_tasks = pick(
            language,
            "Разработка и поддержка сервисов|Код-ревью и улучшение качества кода",
            "Build and maintain services|Review code and raise its quality",
        ).split("|")
    elif not role_tasks:
        role_tasks = pick(
            language,
            "Выполнение задач по профилю вакансии|Взаимодействие с командой и смежными подразделениями|"
            "Участие в улучшении рабочих процессов",
            "Carry out the work the role is about|Work with the team and neighbouring departments|"
            "Help improve how the work is done",
        ).split("|")
    for task in role_tasks:
        if len(tasks) >= 5:
            break
        if not any(len(_stems(task) & _stems(existing)) >= 2 for existing in tasks):
            tasks.append(task)
    return tasks


def _requirements(
    profile: VacancyProfile, skills: list[Skill], weights: dict[str, float], language: Language
) -> list[str]:
    order = list(DEFAULT_WEIGHTS)
    criteria = sorted(weights, key=lambda c: (-weights[c], order.index(c) if c in order else len(order), c))
    items: list[str] = []
    for criterion in criteria:
        items.extend(_criterion_requirements(criterion, profile, skills, language))
    return list(dict.fromkeys(items))


def _criterion_requirements(  # noqa: PLR0911 - one early answer per kind of criterion
    criterion: str, profile: VacancyProfile, skills: list[Skill], language: Language
) -> list[str]:
    # The same reading of a criterion's name as the ranking's ("tech_stack" is technical skills).
    kind = criterion_kind(criterion)
    words = criterion.split("_")
    if kind == "technical_skills":
        if not skills:
            if _is_technical(profile):
                return [pick(language, "Знание технологий стека команды", "Knowledge of the team's stack")]
            return [
                pick(
                    language,
                    "Профессиональные навыки по профилю вакансии",
                    "The professional skills the role needs",
                )
            ]
        return [
            pick(language, *_REQUIREMENT_BY_CATEGORY[s.category]).format(name=s.label(language))
            for s in skills
        ]
    if kind == "experience":
        years = (
            profile.years
            if profile.years is not None
            else (profile.expected_years if profile.seniority else 3.0)
        )
        wanted = required_years_phrase(years, language)
        if not _is_technical(profile):
            return [
                pick(
                    language, f"Опыт работы по специальности {wanted}", f"{wanted} of experience in the field"
                )
            ]
        return [
            pick(language, f"Опыт коммерческой разработки {wanted}", f"{wanted} of commercial experience")
        ]
    if kind == "domain":
        if profile.domains:
            domain = profile.domains[0]
            return [pick(language, f"Опыт в области: {domain.name_ru}", f"Experience in {domain.name_en}")]
        return [pick(language, "Интерес к предметной области продукта", "Interest in the product's domain")]
    for key in (criterion, kind, *words):
        if key in _CRITERION_REQUIREMENT:
            return [pick(language, *_CRITERION_REQUIREMENT[key])]
        if key in SOFT_BY_KEY:
            soft = SOFT_BY_KEY[key]
            return [pick(language, f"Навык: {soft.name_ru}", f"{soft.name_en.capitalize()}")]
    label = criterion.replace("_", " ")
    return [pick(language, f"Важно для нас: {label}", f"Important to us: {label}")]


def _nice_to_have(
    profile: VacancyProfile, skills: list[Skill], nice: list[Skill], language: Language
) -> list[str]:
    chosen = list(nice)
    role_key = profile.role.key if profile.role else "developer"
    suggestions = _SUGGESTIONS.get(role_key, _SUGGESTIONS["developer"]) if _is_technical(profile) else ()
    for key in suggestions:
        skill = SKILL_BY_KEY[key]
        if skill not in skills and skill not in chosen and len(chosen) < 4:
            chosen.append(skill)
    # A skill with a Russian name reads as a noun phrase on its own ("Автотесты"), not after "Опыт с".
    items = [
        capitalised(s.label(language))
        if language is Language.RU and s.name_ru
        else pick(language, "Опыт с {name}", "Experience with {name}").format(name=s.label(language))
        for s in chosen
    ]
    if profile.domains:
        domain = profile.domains[0]
        items.append(
            pick(language, f"Опыт в области: {domain.name_ru}", f"{domain.name_en} domain experience")
        )
    return items


def _conditions(profile: VacancyProfile, language: Language) -> list[str]:
    items = [pick(language, c.text_ru, c.text_en) for c in profile.conditions]
    if profile.salary:
        items.append(pick(language, f"Зарплата: {profile.salary}", f"Salary: {profile.salary}"))
    for ru, en in _DEFAULT_CONDITIONS:
        if len(items) >= 4:
            break
        items.append(pick(language, ru, en))
    return items


def skill_spellings(profile: VacancyProfile) -> set[str]:
    """The skills and synonyms of a vacancy as its text spells them, lower-cased."""
    text = profile.text
    spellings = {
        text[m.start : m.end].lower() for mentions in profile.reading.skills.values() for m in mentions
    }
    spellings |= {label.lower() for key, _, _, label in text_terms(profile.reading) if ":" in key}
    return spellings


_PLACE = re.compile(r"(?:в|во|на|для|to|for|in|at)\s", re.IGNORECASE)


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[0].lower() + text[1:]


# Requirements any profession may ask for, by criterion (no software words: no code review here).
_PROFESSION_REQUIREMENT: dict[str, tuple[str, str]] = {
    "problem_solving": (
        "Умение самостоятельно разбираться в сложных ситуациях и доводить дело до результата",
        "Ability to untangle hard situations on your own and see them through",
    ),
    "communication": (
        "Умение ясно излагать мысли и договариваться с коллегами и клиентами",
        "Clear communication with colleagues and clients",
    ),
    "teamwork": ("Умение работать в команде", "Teamwork"),
}


def _write_for_profession(
    profile: VacancyProfile, draft: Draft, weights: dict[str, float], language: Language
) -> str:
    """A vacancy for a profession the vocabulary does not know: every piece of the draft is kept, each in
    its section (pay, schedule and place in the conditions), and nothing of another trade is added."""
    assert draft.profession is not None
    title = draft.profession
    other = list(draft.other)
    # "в процедурный кабинет", "for our Leeds site": the place of the job finishes the first sentence.
    place = ""
    if other and _PLACE.match(other[0]):
        place = " " + _lower_first(other.pop(0))
    article = "an" if title[:1].lower() in "aeiou" else "a"
    about = pick(
        language,
        f"Мы ищем сотрудника на позицию «{title}»{place}.",
        f"We are looking for {article} {title}{place}.",
    )
    if other:
        about += " " + " ".join(f"{piece}." for piece in other)
    tasks = draft.tasks or [
        pick(language, f"Работа по профилю позиции «{title}»", f"The day-to-day work of the {title} role")
    ]
    requirements = list(draft.requirements)
    said = " ".join(requirements).lower()
    order = list(DEFAULT_WEIGHTS)
    for criterion in sorted(
        weights, key=lambda c: (-weights[c], order.index(c) if c in order else len(order))
    ):
        if (
            criterion == "experience"
            and profile.years is None
            and "опыт" not in said
            and "experien" not in said
        ):
            requirements.append(pick(language, "Опыт работы по специальности", "Experience in the role"))
        elif criterion in _PROFESSION_REQUIREMENT:
            requirements.append(pick(language, *_PROFESSION_REQUIREMENT[criterion]))
    conditions = list(draft.conditions) or [pick(language, c.text_ru, c.text_en) for c in profile.conditions]
    lines = [f"# {title}", ""]
    lines += [pick(language, "## О вакансии", "## About the role"), "", about, ""]
    lines += [pick(language, "## Задачи", "## Responsibilities"), ""]
    lines += [f"- {task}" for task in tasks]
    lines += ["", pick(language, "## Требования", "## Requirements"), ""]
    lines += [f"- {item}" for item in dict.fromkeys(requirements)]
    if conditions:
        lines += ["", pick(language, "## Условия", "## What we offer"), ""]
        lines += [f"- {item}" for item in conditions]
    return "\n".join(lines) + "\n"
