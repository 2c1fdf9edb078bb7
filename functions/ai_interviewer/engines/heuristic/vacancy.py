"""A vacancy read once: its requirements by importance, years, seniority, role, domain, soft skills and
conditions. Every task of the heuristic engine starts here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from ai_interviewer.engines.heuristic.experience import required_years
from ai_interviewer.engines.heuristic.reading import Reading, highest_seniority, read, soft_evidence
from ai_interviewer.engines.heuristic.vocabulary import (
    DOMAINS,
    EXPECTED_YEARS,
    ROLE_BY_KEY,
    SKILL_BY_KEY,
    SOFT_SKILLS,
    Category,
    Domain,
    Role,
    Seniority,
    Skill,
    SoftSkill,
)
from ai_interviewer.language import Language

# A generic "developer" whose stack is all of one kind is that kind of developer.
_ROLE_BY_STACK: tuple[tuple[Category, str], ...] = (
    (Category.FRONTEND, "frontend"),
    (Category.MOBILE, "mobile"),
    (Category.ML, "data_scientist"),
    (Category.DEVOPS, "devops"),
)


class Section(StrEnum):
    NONE = "none"
    ABOUT = "about"
    TASKS = "tasks"
    REQUIRED = "required"
    NICE = "nice"
    CONDITIONS = "conditions"


_HEADINGS: tuple[tuple[Section, re.Pattern[str]], ...] = tuple(
    (section, re.compile(pattern, re.IGNORECASE))
    for section, pattern in (
        (
            Section.NICE,
            r"будет\s+плюсом|плюсом\s+будет|желательно|nice\s+to\s+have|bonus|preferred|"
            r"(?:would\s+be\s+)?a\s+plus|приветствуется|дополнительно",
        ),
        (
            Section.REQUIRED,
            r"требовани\w*|мы\s+ожидаем|ожидаем|что\s+нужно|нам\s+важно|необходим\w*|"
            r"requirements|qualifications|must[\s-]+have|what\s+we\s+expect|you\s+have|"
            r"what\s+you\s+need|who\s+we\s+are\s+looking\s+for|кого\s+мы\s+ищем|навыки|skills",
        ),
        (
            Section.TASKS,
            r"задачи|обязанности|чем\s+предстоит|что\s+делать|responsibilities|what\s+you.ll\s+do|"
            r"duties|your\s+role|tasks",
        ),
        (
            Section.CONDITIONS,
            r"условия|мы\s+предлагаем|предлагаем|we\s+offer|benefits|conditions|perks|"
            r"что\s+мы\s+даем|что\s+мы\s+даём|compensation",
        ),
        (
            Section.ABOUT,
            r"о\s+компании|о\s+проекте|о\s+нас|about\s+(?:us|the\s+company|the\s+project|the\s+role)|"
            r"company|компания",
        ),
    )
)
_HEADING_LINE = re.compile(r"^\s*(?:#{1,6}\s*)?(?P<title>[^\n:]{2,60}?)\s*:?\s*$")
_NICE_CUE = re.compile(
    r"будет\s+плюсом|плюсом\s+будет|желательн\w*|приветствуется|(?:is|are|would\s+be)\s+a\s+plus|nice\s+to\s+have|"
    r"preferred|bonus|optional|не\s+обязательн\w*|как\s+плюс|as\s+a\s+plus",
    re.IGNORECASE,
)
_EMPHASIS_CUE = re.compile(
    r"обязательн\w*|уверенн\w*|глубок\w*|отличн\w*|сильн\w*|эксперт\w*|требуется|необходим\w*|must|strong|"
    r"solid|deep|expert\w*|required|excellent|proficien\w*",
    re.IGNORECASE,
)

_WEIGHT_BY_SECTION = {
    Section.REQUIRED: 1.0,
    Section.NONE: 1.0,
    Section.TASKS: 0.8,
    Section.ABOUT: 0.6,
    Section.NICE: 0.4,
}
NICE_WEIGHT_LIMIT = 0.5  # requirements weighted at or below this are "nice to have"


@dataclass(frozen=True)
class Requirement:
    skill: Skill
    weight: float
    position: int

    @property
    def required(self) -> bool:
        return self.weight > NICE_WEIGHT_LIMIT


@dataclass(frozen=True)
class Condition:
    key: str
    text_ru: str
    text_en: str


_CONDITIONS: tuple[tuple[re.Pattern[str], Condition], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), condition)
    for pattern, condition in (
        (
            r"удал[её]н\w*|удал[её]нк\w*|remote\w*|из\s+любой\s+точки|anywhere",
            Condition("remote", "Удалённая работа", "Remote work"),
        ),
        (r"гибрид\w*|hybrid", Condition("hybrid", "Гибридный формат работы", "Hybrid work")),
        (
            r"(?<!\w)офис\w*|on-?site|in\s+the\s+office",
            Condition("office", "Работа в офисе", "Office-based work"),
        ),
        (r"полн\w+\s+занятост\w*|full[\s-]time", Condition("full_time", "Полная занятость", "Full-time")),
        (
            r"частичн\w+\s+занятост\w*|part[\s-]time",
            Condition("part_time", "Частичная занятость", "Part-time"),
        ),
        (
            r"гибк\w+\s+график\w*|flexible\s+(?:hours|schedule)",
            Condition("flexible", "Гибкий график", "Flexible hours"),
        ),
        (
            r"(?<!\w)дмс(?!\w)|медицинск\w+\s+страхов\w*|health\s+insurance",
            Condition("insurance", "ДМС", "Health insurance"),
        ),
        (r"релокац\w*|relocation", Condition("relocation", "Помощь с релокацией", "Relocation support")),
        (
            r"оформлени\w+\s+по\s+тк|официальн\w+\s+оформлени\w*|по\s+тк\s+рф",
            Condition("official", "Официальное оформление по ТК РФ", "Official employment contract"),
        ),
    )
)
_SALARY = re.compile(
    r"(?:(?:от|до|from|up\s+to)\s+)?\d[\d\s ]{2,}(?:\s*[-–—]\s*\d[\d\s ]{2,})?\s*"
    r"(?:₽|руб\w*\.?|р\.|rub|\$|usd|€|eur|"
    r"тыс\.?\s*(?:руб\w*\.?|₽)?|k\b)|(?:\$|€)\s?\d[\d,\s]{2,}(?:\s*[-–—]\s*(?:\$|€)?\s?\d[\d,\s]{2,})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class VacancyProfile:
    text: str
    reading: Reading
    requirements: tuple[Requirement, ...]  # most important first
    years: float | None  # stated in the text
    seniority: Seniority | None
    role: Role | None
    role_skill: Skill | None  # "Python" in "Python-разработчик"
    domains: tuple[Domain, ...]
    soft_skills: tuple[SoftSkill, ...]  # asked for explicitly
    conditions: tuple[Condition, ...]
    salary: str | None

    @cached_property
    def long_words(self) -> list[str]:
        """Distinct words of five letters or more, for overlap when the vacancy names no known skill."""
        return list(dict.fromkeys(t.text for t in self.reading.tokens if len(t.text) >= 5))

    @property
    def required(self) -> list[Requirement]:
        return [r for r in self.requirements if r.required]

    @property
    def nice(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.required]

    @property
    def expected_years(self) -> float:
        if self.years is not None:
            return self.years
        if self.seniority is not None:
            return EXPECTED_YEARS[self.seniority]
        return 2.0

    @property
    def effective_role(self) -> Role | None:
        """The role named, made specific by the stack when the text only says "developer"."""
        if self.role is not None and self.role.key != "developer":
            return self.role
        categories = [r.skill.category for r in self.required]
        for category, key in _ROLE_BY_STACK:
            if categories.count(category) >= 1 and not any(
                r.skill.category is Category.LANGUAGE and r.skill.key not in ("javascript", "typescript")
                for r in self.required
            ):
                return ROLE_BY_KEY[key]
        return self.role

    def title(self, language: Language) -> str:
        """The position's name: "Python-разработчик", "Backend Developer"."""
        role = self.effective_role
        skill = self.role_skill
        if skill is None and (role is None or role.key in ("developer", "backend", "fullstack")):
            skill = next((r.skill for r in self.required if r.skill.category is Category.LANGUAGE), None)
        if skill is not None and (role is None or role.key in ("developer", "backend")):
            return f"{skill.name}-разработчик" if language is Language.RU else f"{skill.name} Developer"
        if role is None:
            return "Специалист" if language is Language.RU else "Specialist"
        return role.name_ru if language is Language.RU else role.name_en


def _section_of(line: str) -> Section | None:
    """The section a heading line opens, or None when the line is not a heading."""
    match = _HEADING_LINE.match(line)
    if not match or len(match.group("title").split()) > 6:
        return None
    stripped = line.strip()
    if not (stripped.endswith(":") or stripped.startswith("#") or len(stripped) <= 40):
        return None
    title = match.group("title")
    for section, pattern in _HEADINGS:
        if pattern.search(title):
            return section
    return None


def _sections(text: str) -> list[tuple[int, Section]]:
    """(start offset, section) for every heading line, in order."""
    found: list[tuple[int, Section]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        section = _section_of(line)
        if section is not None:
            found.append((offset, section))
        offset += len(line)
    return found


def _section_at(sections: list[tuple[int, Section]], position: int) -> Section:
    current = Section.NONE
    for start, section in sections:
        if start > position:
            break
        current = section
    return current


def _span_at(text: str, position: int, stops: tuple[str, ...]) -> tuple[int, int]:
    left = max(text.rfind(stop, 0, position) + len(stop) for stop in stops)
    rights = [i for i in (text.find(stop, position) for stop in stops) if i >= 0]
    return max(0, left), min(rights) if rights else len(text)


_SENTENCE_STOPS = ("\n", ". ", "! ", "? ")
_CLAUSE_STOPS = (*_SENTENCE_STOPS, ",", ";", "(", ")")


def _cue_applies(cue: re.Pattern[str], text: str, position: int) -> bool:
    """A cue ("будет плюсом", "обязательно") applies to a mention in its clause ("GraphQL nice to have"),
    or anywhere after the cue in the same sentence ("Желательно: Kafka, Redis")."""
    left, right = _span_at(text, position, _SENTENCE_STOPS)
    clause_left, clause_right = _span_at(text, position, _CLAUSE_STOPS)
    if cue.search(text, clause_left, clause_right):
        return True
    return any(match.end() <= position for match in cue.finditer(text, left, right))


def _requirements(
    text: str, reading: Reading, role_skill: Skill | None, sections: list[tuple[int, Section]]
) -> tuple[Requirement, ...]:
    weights: dict[str, float] = {}
    positions: dict[str, int] = {}
    sentences: dict[str, set[str]] = {}
    for key, mentions in reading.skills.items():
        best = 0.0
        for mention in mentions:
            section = _section_at(sections, mention.start)
            if section is Section.CONDITIONS:
                continue
            left, right = _span_at(text, mention.start, _SENTENCE_STOPS)
            sentence = text[left:right]
            weight = _WEIGHT_BY_SECTION[section]
            if _cue_applies(_NICE_CUE, text, mention.start):
                weight = min(weight, _WEIGHT_BY_SECTION[Section.NICE])
            elif _cue_applies(_EMPHASIS_CUE, text, mention.start):
                weight += 0.2
            best = max(best, weight)
            sentences.setdefault(key, set()).add(sentence)
            positions.setdefault(key, mention.start)
        if best <= 0:
            continue
        if role_skill is not None and key == role_skill.key:
            best += 0.3
        # Asked for in several places: it matters more (capped, so repetition cannot dominate).
        best += min(0.2, 0.1 * (len(sentences.get(key, ())) - 1))
        weights[key] = round(best, 2)
    ordered = sorted(weights, key=lambda k: (-weights[k], positions[k]))
    return tuple(Requirement(SKILL_BY_KEY[k], weights[k], positions[k]) for k in ordered)


def _role(reading: Reading) -> tuple[Role | None, Skill | None]:
    """The most specific role named, and the skill written right before it ("Python-разработчик")."""
    if not reading.roles:
        return None, None
    specific = [(role, mention) for role, mention in reading.roles if role.key != "developer"]
    role, mention = (specific or reading.roles)[0]
    role_skill: Skill | None = None
    for candidate_role, candidate in [(role, mention), *reading.roles]:
        for key, mentions in reading.skills.items():
            skill = SKILL_BY_KEY[key]
            if skill.category is not Category.LANGUAGE:
                continue
            if any(0 <= candidate.start - m.end <= 2 for m in mentions):
                role_skill = skill
                if candidate_role.key == "developer" and role.key == "developer":
                    role = candidate_role
                break
        if role_skill is not None:
            break
    return role, role_skill


def _seniority(reading: Reading, text: str) -> Seniority | None:
    """Seniority from the first lines (the title), else anywhere in the text."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    head = read(first_line[:200])
    return highest_seniority(head.seniority) or highest_seniority(reading.seniority)


def _conditions(text: str) -> tuple[Condition, ...]:
    found: list[tuple[int, Condition]] = []
    for pattern, condition in _CONDITIONS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), condition))
    return tuple(c for _, c in sorted(found, key=lambda item: item[0]))


def profile_vacancy(text: str) -> VacancyProfile:
    reading = read(text)
    sections = _sections(text)
    role, role_skill = _role(reading)
    domain_by_key = {d.key: d for d in DOMAINS}
    soft = tuple(s for s in SOFT_SKILLS if _asks_for(s, text))
    salary = _SALARY.search(text)
    return VacancyProfile(
        text=text,
        reading=reading,
        requirements=_requirements(text, reading, role_skill, sections),
        years=required_years(text),
        seniority=_seniority(reading, text),
        role=role,
        role_skill=role_skill,
        # Benefits ("health insurance", "ДМС") say nothing about the product's domain.
        domains=tuple(
            domain_by_key[key]
            for key, mentions in reading.domains.items()
            if any(_section_at(sections, m.start) is not Section.CONDITIONS for m in mentions)
        ),
        soft_skills=soft,
        conditions=_conditions(text),
        salary=" ".join(salary.group().split()) if salary else None,
    )


# Vacancies name soft skills in few words; these are the phrasings that count as asking for one.
_ASKS_FOR: dict[str, re.Pattern[str]] = {
    "teamwork": re.compile(
        r"работ\w*\s+в\s+команд\w*|командн\w*|team\s*work|team\s+player|collaborat\w*|"
        r"умение\s+работать\s+в\s+команде",
        re.IGNORECASE,
    ),
    "communication": re.compile(
        r"коммуникаб\w*|коммуникац\w*|communicat\w*|грамотн\w+\s+(?:речь|письм)\w*", re.IGNORECASE
    ),
    "problem_solving": re.compile(
        r"решени\w+\s+(?:сложн\w+\s+)?(?:задач|проблем)\w*|problem[\s-]solving|"
        r"аналитическ\w+\s+(?:склад|мышлен)\w*|analytical\s+(?:skills|thinking|mind)",
        re.IGNORECASE,
    ),
}


def _asks_for(soft: SoftSkill, text: str) -> bool:
    pattern = _ASKS_FOR.get(soft.key)
    return bool(pattern.search(text)) if pattern else bool(soft_evidence(soft.key, text))
