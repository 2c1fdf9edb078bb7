"""Tags of a vacancy, most important first: its key skills, domain, role, level, the soft skills it asks
for, then its nice-to-have skills and the kind of work ("разработка API")."""

from __future__ import annotations

import re

from ai_interviewer.engines.heuristic.profession import profession, read_draft
from ai_interviewer.engines.heuristic.vacancy import VacancyProfile
from ai_interviewer.engines.heuristic.vacancy_messages import VACANCY
from ai_interviewer.engines.heuristic.writing import skill_spellings
from ai_interviewer.language import Language

MAX_TAGS = 15


def extract_tags(profile: VacancyProfile, language: Language) -> list[str]:
    if not profile.titled_by_role:
        name = profession(profile.text)
        if name:
            return _profession_tags(profile, name, language)
    tags: list[str] = [r.skill.label(language) for r in profile.required]
    tags += [d.label(language) for d in profile.domains]
    if profile.role is not None or profile.role_skill is not None:
        tags.append(profile.title(language))
    if profile.seniority is not None:
        tags.append(profile.seniority.value.capitalize())
    tags += [s.label(language) for s in profile.soft_skills]
    tags += [r.skill.label(language) for r in profile.nice]
    if any(r.skill.api for r in profile.requirements):
        tags.append(VACANCY.say(language, "tag_api"))
    unique: dict[str, str] = {}
    for tag in tags:
        unique.setdefault(tag.casefold(), tag)
    return list(unique.values())[:MAX_TAGS]


_PARENTHESES = re.compile(r"\s*\([^()]*\)?|\)")
_TAG_WORDS = 4  # a requirement of a few words is a tag as it is ("IV medication", "договорная работа")


def _profession_tags(profile: VacancyProfile, name: str, language: Language) -> list[str]:
    """The profession first, then its skills and short requirements by weight, domains, soft skills."""
    tags = [name]
    tags += [r.skill.label(language) for r in profile.required]
    headed = any(item.weight != profile.items[0].weight for item in profile.items) if profile.items else False
    if headed:
        # Sections say what is asked for; the header (employer, place) is no tag. A long item gives
        # its known terms ("Eurocodes" from "Design steel structures to Eurocodes").
        texts = []
        for item in sorted(profile.items, key=lambda i: (-i.weight, i.start)):
            if item.weight >= 0.4:
                texts.append(item.text)
                if len(item.text.split()) > _TAG_WORDS:
                    texts += [t.label for t in item.terms if ":" in t.key]
    else:
        draft = read_draft(profile.text, skill_spellings(profile))
        texts = [*draft.requirements, *draft.tasks]
    for text in texts:
        for raw in _PARENTHESES.sub("", text).rstrip(".;:").split(", "):
            piece = raw.strip(" ()")
            if 1 <= len(piece.split()) <= _TAG_WORDS and not any(ch.isdigit() for ch in piece):
                # A phrase reads in lower case inside a list; a single capitalised word is a name.
                lower = " " in piece and not piece.split(" ", 1)[0].isupper() and not piece[1:2].isupper()
                tags.append(piece[0].lower() + piece[1:] if lower else piece)
    tags += [d.label(language) for d in profile.domains]
    tags += [s.label(language) for s in profile.soft_skills]
    tags += [r.skill.label(language) for r in profile.nice]
    unique: dict[str, str] = {}
    for tag in tags:
        key = tag.casefold()
        if key != name.casefold() or tag is name:
            unique.setdefault(key, tag)
    return list(unique.values())[:MAX_TAGS]
