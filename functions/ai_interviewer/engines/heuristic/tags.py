"""Tags of a vacancy, most important first: its key skills, domain, role, level, the soft skills it asks
for, then its nice-to-have skills and the kind of work ("разработка API")."""

from __future__ import annotations

from ai_interviewer.engines.heuristic.phrases import pick
from ai_interviewer.engines.heuristic.vacancy import VacancyProfile
from ai_interviewer.language import Language

MAX_TAGS = 15


def extract_tags(profile: VacancyProfile, language: Language) -> list[str]:
    tags: list[str] = [r.skill.label(language) for r in profile.required]
    tags += [pick(language, d.name_ru, d.name_en) for d in profile.domains]
    if profile.role is not None or profile.role_skill is not None:
        tags.append(profile.title(language))
    if profile.seniority is not None:
        tags.append(profile.seniority.value.capitalize())
    tags += [pick(language, s.name_ru, s.name_en) for s in profile.soft_skills]
    tags += [r.skill.label(language) for r in profile.nice]
    if any(r.skill.api for r in profile.requirements):
        tags.append(pick(language, "разработка API", "API development"))
    unique: dict[str, str] = {}
    for tag in tags:
        unique.setdefault(tag.casefold(), tag)
    return list(unique.values())[:MAX_TAGS]
