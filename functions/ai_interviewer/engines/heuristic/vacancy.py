"""A vacancy read once: its requirements by importance, years, seniority, role, domain, soft skills and
conditions. Every task of the heuristic engine starts here."""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from ai_interviewer.engines.heuristic.experience import required_years
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import Reading, highest_seniority, read, soft_evidence, tokenize
from ai_interviewer.engines.heuristic.requirements import (
    Item,
    TermList,
    root_key,
    split_items,
    text_terms,
    with_weight,
)
from ai_interviewer.engines.heuristic.stop_index import StopSpans
from ai_interviewer.engines.heuristic.vacancy_messages import VACANCY
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
            r"(?:would\s+be\s+)?a\s+plus|приветствуется|дополнительно|desirable|desired|"
            r"preferred\s+(?:qualifications|skills)|good\s+to\s+have",
        ),
        (
            Section.REQUIRED,
            r"требовани\w*|мы\s+ожидаем|ожидаем|что\s+нужно|нам\s+важно|необходим\w*|"
            r"requirements|qualifications|must[\s-]+have|what\s+we\s+expect|you\s+have|"
            r"what\s+you\s+need|who\s+we\s+are\s+looking\s+for|кого\s+мы\s+ищем|навыки|skills|"
            r"essential\w*|about\s+you|what\s+you.ll\s+(?:need|bring)|you.ll\s+need|ideal\s+candidate|"
            r"what\s+we.re\s+looking\s+for|обязательн\w*|от\s+вас|ваш\s+опыт|мы\s+ждем|мы\s+ждём",
        ),
        (
            Section.TASKS,
            r"задачи|обязанности|чем\s+предстоит|что\s+делать|responsibilities|what\s+you.ll\s+do|"
            r"duties|your\s+role|the\s+role|tasks|what\s+you\s+will\s+do|в\s+ваши\s+задачи\s+входит|"
            r"функционал|обязанности\s+и\s+задачи",
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
SHINGLE = 4  # words per run when looking for the vacancy's own text in a resume


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

    def label(self, language: Language) -> str:
        return self.text_ru if language is Language.RU else self.text_en


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
    r"тыс\.?\s*(?:руб\w*\.?|₽)?|k\b)|(?:\$|€|£)\s?\d[\d,.\s]{1,}(?:\s*[-–—]\s*(?:\$|€|£)?\s?\d[\d,\s]{2,})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class VacancyProfile:
    text: str
    reading: Reading
    requirements: tuple[Requirement, ...]  # known skills, most important first
    items: tuple[Item, ...]  # every requirement in the vacancy's own words, in text order
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

    @cached_property
    def wanted_keys(self) -> frozenset[str]:
        """Every term key the requirements ask for, with the looser root keys they may meet by."""
        keys = {t.key for item in self.items for t in item.terms}
        return frozenset(keys | {root for root in map(root_key, keys) if root is not None})

    @cached_property
    def shingles(self) -> frozenset[tuple[str, ...]]:
        """Every run of SHINGLE words of the vacancy: a resume line made of them is the vacancy pasted."""
        words = [t.text for t in self.reading.tokens]
        return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))

    @cached_property
    def line_words(self) -> frozenset[tuple[str, ...]]:
        """The words of each vacancy line of two words or more: a short line copied whole is pasted too."""
        lines = (tuple(t.text for t in tokenize(line)) for line in self.text.splitlines())
        return frozenset(words for words in lines if len(words) >= 2)

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

    @property
    def titled_by_role(self) -> bool:
        """An IT role of the vocabulary names the position in its first line ("Ищем python-разраба"),
        not somewhere further on ("design engineer" in a structural engineer's duties)."""
        if self.effective_role is None:
            return False
        first_line = len(self.text.lstrip().split("\n", 1)[0]) + len(self.text) - len(self.text.lstrip())
        reach = min(first_line, TITLE_REACH)
        # "Engineer" alone is any trade's ("Structural Engineer"): software only with a software stack.
        software_stack = self.role_skill is not None or len(self.required) >= MIN_STACK_FOR_ENGINEER
        return any(
            mention.start < reach and (role.key != "developer" or software_stack)
            for role, mention in self.reading.roles
        )

    def title(self, language: Language) -> str:
        """The position's name: "Python-разработчик", "Backend Developer"."""
        role = self.effective_role
        skill = self.role_skill
        if skill is None and (role is None or role.key in ("developer", "backend", "fullstack")):
            skill = next((r.skill for r in self.required if r.skill.category is Category.LANGUAGE), None)
        if skill is not None and (role is None or role.key in ("developer", "backend")):
            return VACANCY.say(language, "title_developer", skill=skill.name)
        if role is None:
            return VACANCY.say(language, "title_specialist")
        return role.label(language)


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


class _Sections:
    """The heading lines of a text: (start offset, section) in order, looked up by bisection."""

    def __init__(self, text: str) -> None:
        found: list[tuple[int, Section]] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            section = _section_of(line)
            if section is not None:
                found.append((offset, section))
            offset += len(line)
        self._starts = [start for start, _ in found]
        self._sections = [section for _, section in found]

    @property
    def starts(self) -> list[int]:
        return self._starts

    def at(self, position: int) -> Section:
        """The section of the last heading at or before `position` (NONE before the first heading)."""
        index = bisect_right(self._starts, position)
        return self._sections[index - 1] if index else Section.NONE


# A vacancy skill's sentence ends at a line, ". ", "! " or "? "; "; " and "," end only its clause, since a
# cue before a list governs every item of it ("Желательно: Kafka; Redis").
_SENTENCE_STOPS = ("\n", ". ", "! ", "? ")
_CLAUSE_STOPS = (*_SENTENCE_STOPS, ",", ";", "(", ")")


def _cue_applies(
    around: StopSpans, cue: re.Pattern[str], position: int, sentence: tuple[int, int], clause: tuple[int, int]
) -> bool:
    """A cue ("будет плюсом", "обязательно") applies to a mention in its clause ("GraphQL nice to
    have"), or anywhere after the cue in the same sentence ("Желательно: Kafka, Redis")."""
    if around.match_end(cue, clause) is not None:
        return True
    # Matches in a sentence do not overlap, so the first one ends before any other does.
    end = around.match_end(cue, sentence)
    return end is not None and end <= position


def _requirements(
    text: str, reading: Reading, role_skill: Skill | None, sections: _Sections
) -> tuple[Requirement, ...]:
    weights: dict[str, float] = {}
    positions: dict[str, int] = {}
    sentences: dict[str, set[str]] = {}
    around = StopSpans(text, _CLAUSE_STOPS)
    for key, mentions in reading.skills.items():
        best = 0.0
        for mention in mentions:
            section = sections.at(mention.start)
            if section is Section.CONDITIONS:
                continue
            sentence_span = around.span(mention.start, mention.start, _SENTENCE_STOPS)
            clause_span = around.span(mention.start, mention.start, _CLAUSE_STOPS)
            weight = _WEIGHT_BY_SECTION[section]
            if _cue_applies(around, _NICE_CUE, mention.start, sentence_span, clause_span):
                weight = min(weight, _WEIGHT_BY_SECTION[Section.NICE])
            elif _cue_applies(around, _EMPHASIS_CUE, mention.start, sentence_span, clause_span):
                weight += POLICY.emphasis_bonus
            best = max(best, weight)
            sentences.setdefault(key, set()).add(around.text_of(sentence_span))
            positions.setdefault(key, mention.start)
        if best <= 0:
            continue
        if role_skill is not None and key == role_skill.key:
            best += POLICY.role_skill_bonus
        # Asked for in several places: it matters more (capped, so repetition cannot dominate).
        best += min(POLICY.repeat_bonus_max, POLICY.repeat_bonus * (len(sentences.get(key, ())) - 1))
        weights[key] = round(best, 2)
    ordered = sorted(weights, key=lambda k: (-weights[k], positions[k]))
    return tuple(Requirement(SKILL_BY_KEY[k], weights[k], positions[k]) for k in ordered)


# How much an item counts by the section it is in; soft skills are judged by their own criteria.
_ITEM_WEIGHT_BY_SECTION = {
    Section.REQUIRED: 1.0,
    Section.NONE: 0.8,
    Section.TASKS: 0.7,
    Section.NICE: 0.4,
}
NICE_ITEM_WEIGHT = 0.4
SOFT_ITEM_WEIGHT = 0.2
TITLE_ITEM_WEIGHT = 1.0
TITLE_MAX_LENGTH = 70
HEADER_ITEM_WEIGHT = 0.3
MIN_STACK_FOR_ENGINEER = 2
TITLE_REACH = 150  # characters: where a position's name is written
MAX_ITEMS = 60


def _items(text: str, reading: Reading, sections: _Sections) -> tuple[Item, ...]:
    """The vacancy's requirements: every line of its requirement, task and untitled parts split into
    items; "желательно"/"nice to have" before an item in its line makes it nice-to-have."""
    terms = TermList(text_terms(reading))
    found: dict[frozenset[str], Item] = {}
    # With sections of requirements, the untitled lines are the header: employer, place, hours.
    headed = any(sections.at(i) in (Section.REQUIRED, Section.NICE) for i in sections.starts)
    offset = 0
    title_seen = False
    for raw in text.splitlines(keepends=True):
        start, end = offset, offset + len(raw.rstrip("\r\n"))
        offset += len(raw)
        if not raw.strip():
            continue
        if _section_of(raw) is not None:
            title_seen = True
            continue
        section = sections.at(start)
        if section in (Section.ABOUT, Section.CONDITIONS):
            continue
        if _SALARY.search(raw) or any(pattern.search(raw) for pattern, _ in _CONDITIONS):
            continue  # pay, hours and the work format are conditions, not requirements
        # A short first line is the position's title: the role itself is a must-have.
        is_title = not title_seen and end - start <= TITLE_MAX_LENGTH
        weight = TITLE_ITEM_WEIGHT if is_title else _ITEM_WEIGHT_BY_SECTION[section]
        if headed and section is Section.NONE and not is_title:
            weight = HEADER_ITEM_WEIGHT
        title_seen = True
        for split in split_items(text, start, end, weight, terms):
            item = split
            if section is not Section.NICE and _NICE_CUE.search(text, start, item.end):
                item = with_weight(item, NICE_ITEM_WEIGHT)
            if any(pattern.search(item.text) for pattern in _ASKS_FOR.values()):
                item = with_weight(item, min(item.weight, SOFT_ITEM_WEIGHT))
            key = frozenset(t.key for t in item.terms)
            if key not in found or found[key].weight < item.weight:
                found[key] = item
    ordered = sorted(found.values(), key=lambda i: i.start)
    if len(ordered) > MAX_ITEMS:
        kept = sorted(ordered, key=lambda i: (-i.weight, i.start))[:MAX_ITEMS]
        ordered = sorted(kept, key=lambda i: i.start)
    return tuple(ordered)


def _role(reading: Reading) -> tuple[Role | None, Skill | None]:
    """The most specific role named, and the skill written right before it ("Python-разработчик")."""
    if not reading.roles:
        return None, None
    specific = [(role, mention) for role, mention in reading.roles if role.key != "developer"]
    role, mention = (specific or reading.roles)[0]
    # Where each language's mentions end -> the first language (in order of first mention) ending there,
    # so each role looks up three offsets instead of going through every mention.
    first_language_ending_at: dict[int, int] = {}
    languages: list[Skill] = []
    for key, mentions in reading.skills.items():
        skill = SKILL_BY_KEY[key]
        if skill.category is Category.LANGUAGE:
            for m in mentions:
                first_language_ending_at.setdefault(m.end, len(languages))
            languages.append(skill)
    if not languages:
        return role, None
    for candidate_role, candidate in [(role, mention), *reading.roles]:
        found = [
            first_language_ending_at[end]
            for end in range(candidate.start - 2, candidate.start + 1)
            if end in first_language_ending_at
        ]
        if found:
            if candidate_role.key == "developer" and role.key == "developer":
                role = candidate_role
            return role, languages[min(found)]
    return role, None


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


# A ranking assesses its resumes in chunks (the deadline is checked between them), each chunk reading the
# same vacancy: read it once (a 200 000-character vacancy takes about 0.7 s; 500 resumes are 50 chunks).
@functools.lru_cache(maxsize=4)
def profile_vacancy(text: str) -> VacancyProfile:
    reading = read(text)
    sections = _Sections(text)
    role, role_skill = _role(reading)
    domain_by_key = {d.key: d for d in DOMAINS}
    soft = tuple(s for s in SOFT_SKILLS if _asks_for(s, text))
    salary = _SALARY.search(text)
    return VacancyProfile(
        text=text,
        reading=reading,
        requirements=_requirements(text, reading, role_skill, sections),
        items=_items(text, reading, sections),
        years=required_years(text),
        seniority=_seniority(reading, text),
        role=role,
        role_skill=role_skill,
        # Benefits ("health insurance", "ДМС") say nothing about the product's domain.
        domains=tuple(
            domain_by_key[key]
            for key, mentions in reading.domains.items()
            if any(sections.at(m.start) is not Section.CONDITIONS for m in mentions)
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
