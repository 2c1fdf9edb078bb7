"""A complete Markdown vacancy from a terse draft ("Ищем python-разраба. FastAPI, Postgres. Удаленка."):
title, about, tasks, requirements ordered by the request's weights, nice to have, conditions."""

from __future__ import annotations

import re

from ai_interviewer.engines.heuristic.criteria import criterion_kind
from ai_interviewer.engines.heuristic.phrases import capitalised, join_names, required_years_phrase
from ai_interviewer.engines.heuristic.profession import Draft, read_draft
from ai_interviewer.engines.heuristic.requirements import text_terms
from ai_interviewer.engines.heuristic.vacancy import VacancyProfile
from ai_interviewer.engines.heuristic.vacancy_messages import VACANCY
from ai_interviewer.engines.heuristic.vocabulary import (
    SKILL_BY_KEY,
    SOFT_BY_KEY,
    Category,
    Seniority,
    Skill,
)
from ai_interviewer.language import Language
from ai_interviewer.scoring import DEFAULT_WEIGHTS

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
# Conditions any vacancy may offer, added until it names four.
_DEFAULT_CONDITIONS = ("condition_team", "condition_growth")
_SENIORITY_LABEL = {
    Seniority.INTERN: "Intern",
    Seniority.JUNIOR: "Junior",
    Seniority.MIDDLE: "Middle",
    Seniority.SENIOR: "Senior",
    Seniority.LEAD: "Lead",
}


def write_vacancy(profile: VacancyProfile, weights: dict[str, float], language: Language) -> str:
    """`weights` are the request's effective ones: `scoring.effective_weights` applies the defaults once,
    in the task, for every engine."""
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
        VACANCY.say(language, "heading_about_project"),
        "",
        _about(profile, title, skills, language),
        "",
    ]
    lines += [VACANCY.say(language, "heading_tasks"), ""]
    lines += [f"- {task}" for task in _tasks(profile, skills, language)]
    lines += ["", VACANCY.say(language, "heading_requirements"), ""]
    lines += [f"- {item}" for item in _requirements(profile, skills, weights, language)]
    extras = _nice_to_have(profile, skills, nice, language)
    if extras:
        lines += ["", VACANCY.say(language, "heading_nice"), ""]
        lines += [f"- {item}" for item in extras]
    lines += ["", VACANCY.say(language, "heading_conditions"), ""]
    lines += [f"- {item}" for item in _conditions(profile, language)]
    return "\n".join(lines) + "\n"


def _about(profile: VacancyProfile, title: str, skills: list[Skill], language: Language) -> str:
    domain = profile.domains[0] if profile.domains else None
    where = (
        VACANCY.say(language, "where_domain", domain=domain.label(language))
        if domain
        else VACANCY.say(language, "where_team")
    )
    stack = join_names([s.label(language) for s in skills], language, limit=8)
    if not _is_technical(profile):
        # Nothing the vocabulary knows: the draft's own words say more than a template would.
        draft = " ".join(profile.text.split())
        return VACANCY.say(language, "about_draft", where=where, draft=draft)
    sentences = [VACANCY.say(language, "about_title", title=title, where=where)]
    if stack:
        sentences.append(VACANCY.say(language, "about_stack", stack=stack))
    sentences.append(VACANCY.say(language, "about_ownership"))
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
        template = f"task_{category.value}"
        if template in VACANCY and len(tasks) < 3:
            tasks.append(VACANCY.say(language, template, names=join_names(names, language)))
    role = profile.role
    role_tasks = list(role.tasks(language) if role else ())
    if not role_tasks and _is_technical(profile):
        role_tasks = VACANCY.say(language, "tasks_technical").split("|")
    elif not role_tasks:
        role_tasks = VACANCY.say(language, "tasks_general").split("|")
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
                return [VACANCY.say(language, "tech_team_stack")]
            return [VACANCY.say(language, "tech_professional")]
        return [
            VACANCY.say(language, f"requirement_{s.category.value}", name=s.label(language)) for s in skills
        ]
    if kind == "experience":
        years = (
            profile.years
            if profile.years is not None
            else (profile.expected_years if profile.seniority else 3.0)
        )
        wanted = required_years_phrase(years, language)
        if not _is_technical(profile):
            return [VACANCY.say(language, "experience_field", wanted=wanted)]
        return [VACANCY.say(language, "experience_commercial", wanted=wanted)]
    if kind == "domain":
        if profile.domains:
            return [VACANCY.say(language, "domain_experience", domain=profile.domains[0].label(language))]
        return [VACANCY.say(language, "domain_interest")]
    for key in (criterion, kind, *words):
        if f"criterion_{key}" in VACANCY:
            return [VACANCY.say(language, f"criterion_{key}")]
        if key in SOFT_BY_KEY:
            return [VACANCY.say(language, "soft_skill", name=SOFT_BY_KEY[key].label(language))]
    return [VACANCY.say(language, "important", label=criterion.replace("_", " "))]


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
        else VACANCY.say(language, "nice_experience_with", name=s.label(language))
        for s in chosen
    ]
    if profile.domains:
        items.append(VACANCY.say(language, "nice_domain", domain=profile.domains[0].label(language)))
    return items


def _conditions(profile: VacancyProfile, language: Language) -> list[str]:
    items = [c.label(language) for c in profile.conditions]
    if profile.salary:
        items.append(VACANCY.say(language, "salary", salary=profile.salary))
    for key in _DEFAULT_CONDITIONS:
        if len(items) >= 4:
            break
        items.append(VACANCY.say(language, key))
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
    about = VACANCY.say(language, "about_profession", title=title, place=place, article=article)
    if other:
        about += " " + " ".join(f"{piece}." for piece in other)
    tasks = draft.tasks or [VACANCY.say(language, "task_profession", title=title)]
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
            requirements.append(VACANCY.say(language, "experience_role"))
        elif f"profession_{criterion}" in VACANCY:
            requirements.append(VACANCY.say(language, f"profession_{criterion}"))
    conditions = list(draft.conditions) or [c.label(language) for c in profile.conditions]
    lines = [f"# {title}", ""]
    lines += [VACANCY.say(language, "heading_about_role"), "", about, ""]
    lines += [VACANCY.say(language, "heading_tasks"), ""]
    lines += [f"- {task}" for task in tasks]
    lines += ["", VACANCY.say(language, "heading_requirements"), ""]
    lines += [f"- {item}" for item in dict.fromkeys(requirements)]
    if conditions:
        lines += ["", VACANCY.say(language, "heading_conditions"), ""]
        lines += [f"- {item}" for item in conditions]
    return "\n".join(lines) + "\n"
