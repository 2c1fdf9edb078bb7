"""The facts of one resume, read once after screening: where it mentions each skill, soft skill and
domain (in context, or only inside a stuffed keyword list), its years and level, its sentences, the lines
that copy the vacancy. Nothing here scores or words anything: see `resume_scores` and `assessment`.

Injected instructions are removed before anything is read (they are never evidence) and a skill found
only inside a stuffed keyword list counts once, at part credit (`ScoringPolicy.listed_credit`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import accumulate

from ai_interviewer.engines.heuristic.cv import QUALITY_LEARNING, QUALITY_NEGATED, cv_structure
from ai_interviewer.engines.heuristic.experience import experience_evidence, resume_years
from ai_interviewer.engines.heuristic.matching import ResumeTerms
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import (
    Mention,
    Reading,
    SentenceIndex,
    highest_seniority,
    read,
    snippet,
    soft_evidence,
    tokenize,
)
from ai_interviewer.engines.heuristic.requirements import root_key, text_terms
from ai_interviewer.engines.heuristic.vacancy import SHINGLE, Requirement, VacancyProfile
from ai_interviewer.engines.heuristic.vocabulary import EXPECTED_YEARS, SKILL_BY_KEY, Seniority, Skill
from ai_interviewer.screening import ScreenedText, screen

# Credit for a requirement shown in context, or not at all (the partial credits are in the policy).
FULL, ABSENT = 1.0, 0.0
_QUANTIFIED = re.compile(
    r"\d+(?:[.,]\d+)?\s*%|в\s+\d+(?:[.,]\d+)?\s+раз|\d+(?:[.,]\d+)?\s*(?:x|times)\b", re.I
)


@dataclass(frozen=True)
class SkillEvidence:
    """How a resume shows one required skill."""

    requirement: Requirement
    credit: float
    mention: Mention | None  # where (a contextual mention when there is one)
    related: Skill | None = None  # the family member found instead

    @property
    def skill(self) -> Skill:
        return self.requirement.skill

    @property
    def listed_only(self) -> bool:
        return self.credit == POLICY.listed_credit and self.related is None


class ResumeFacts:
    """One resume read once after screening, against one vacancy: what it shows and where."""

    def __init__(
        self,
        text: str,
        vacancy: VacancyProfile,
        today: date | None = None,
    ) -> None:
        self.screened: ScreenedText = screen(text, vacancy_text=vacancy.text)
        self.vacancy = vacancy
        self.text = self.screened.text
        self.reading: Reading = read(self.text)
        self.today = today
        self.cv = cv_structure(self.text)
        self._stuffed = self.screened.stuffed_spans
        # Stuffed spans by start, with the furthest end reached so far: a bisection answers whether a
        # position is inside one (a scan of every span for every mention was quadratic on long texts).
        ordered = sorted(self._stuffed)
        self._stuffed_starts = [start for start, _ in ordered]
        self._stuffed_reach = list(accumulate((end for _, end in ordered), max))
        self._skill_mentions: dict[str, tuple[list[Mention], list[Mention]]] = {}
        self._soft_mentions: dict[str, list[Mention]] = {}
        self._token_starts = [t.start for t in self.reading.tokens]

    def quality(self, position: int) -> float:
        """How much a mention at `position` shows: see `CvStructure.quality`; inside stuffing, half."""
        if self._pasted_starts:
            index = bisect_right(self._pasted_starts, position)
            if index and position < self._pasted[index - 1][1]:
                return 0.0  # the vacancy's own words pasted in are no evidence of anything
        value = self.cv.quality(position)
        return value * POLICY.stuffed_factor if self._stuffed and self.in_stuffing(position) else value

    @cached_property
    def _pasted(self) -> list[tuple[int, int]]:
        """Lines of the resume that copy the vacancy: most of their word runs occur in it."""
        shingles = self.vacancy.shingles
        lines = self.vacancy.line_words
        if not shingles and not lines:
            return []
        words = [t.text for t in self.reading.tokens]
        copied_lines: dict[int, tuple[int, int, int]] = {}  # line number -> (start, end, words)
        for number, line in enumerate(self.cv.lines):
            first = bisect_left(self._token_starts, line.start)
            last = bisect_left(self._token_starts, line.end)
            if first == last:
                continue
            line_words = words[first:last]
            runs = len(line_words) - SHINGLE + 1
            copied = tuple(line_words) in lines or (
                runs > 0
                and sum(tuple(line_words[i : i + SHINGLE]) in shingles for i in range(runs))
                >= POLICY.pasted_share * runs
            )
            if copied:
                copied_lines[number] = (line.start, line.end, len(line_words))
        # A short line alone that equals one of the vacancy's ("FastAPI, PostgreSQL, Docker") is how an
        # honest candidate lists the skills asked for; pasting is a long line or a block of copied lines.
        return [
            (start, end)
            for number, (start, end, count) in copied_lines.items()
            if count >= POLICY.pasted_line_words or number - 1 in copied_lines or number + 1 in copied_lines
        ]

    @cached_property
    def _pasted_starts(self) -> list[int]:
        return [start for start, _ in self._pasted]

    @cached_property
    def _synonym_mentions(self) -> dict[str, list[Mention]]:
        """Skills the resume spells only through a synonym group ("event-driven services")."""
        found: dict[str, list[Mention]] = {}
        for key, start, end, _ in text_terms(self.reading):
            if key.startswith("skill:") and key[6:] not in self.reading.skills:
                found.setdefault(key[6:], []).append(Mention(start, end))
        return found

    @cached_property
    def terms(self) -> ResumeTerms:
        return resume_terms(self)

    @cached_property
    def contextual_text(self) -> str:
        return self.screened.contextual_text if self._stuffed else self.text

    def in_stuffing(self, position: int) -> bool:
        """`position` is inside a stuffed keyword list."""
        index = bisect_right(self._stuffed_starts, position)
        return index > 0 and position < self._stuffed_reach[index - 1]

    def _in_stuffing(self, mention: Mention) -> bool:
        return self.in_stuffing(mention.start)

    @cached_property
    def sentences(self) -> SentenceIndex:
        return SentenceIndex(self.text)

    @cached_property
    def experience_span(self) -> tuple[int, int] | None:
        """Where the contextual text shows its experience (see `experience_evidence`)."""
        return experience_evidence(self.contextual_text)

    def skill_mentions(self, key: str) -> tuple[list[Mention], list[Mention]]:
        """(contextual mentions, mentions inside stuffed lists) of one skill."""
        cached = self._skill_mentions.get(key)
        if cached is None:
            # Denied or only learned is no mention at all ("Изучаю FastAPI", "No Kafka experience").
            found = self.reading.skills.get(key) or self._synonym_mentions.get(key, [])
            mentions = [m for m in found if self.cv.quality(m.start) > QUALITY_LEARNING]
            inside = [m for m in mentions if self._in_stuffing(m)] if self._stuffed else []
            outside = [m for m in mentions if not self._in_stuffing(m)] if self._stuffed else list(mentions)
            cached = self._skill_mentions[key] = (outside, inside)
        return cached

    def evidence_for(self, requirement: Requirement) -> SkillEvidence:
        contextual, stuffed = self.skill_mentions(requirement.skill.key)
        if contextual:
            return SkillEvidence(requirement, FULL, contextual[0])
        if stuffed:
            return SkillEvidence(requirement, POLICY.listed_credit, stuffed[0])
        family = requirement.skill.family
        if family:
            for key in self.reading.skills:
                other = SKILL_BY_KEY[key]
                related_contextual, _ = self.skill_mentions(key)
                if other.family == family and key != requirement.skill.key and related_contextual:
                    return SkillEvidence(requirement, POLICY.related_credit, related_contextual[0], other)
        return SkillEvidence(requirement, ABSENT, None)

    @cached_property
    def evidence(self) -> list[SkillEvidence]:
        return [self.evidence_for(r) for r in self.vacancy.requirements]

    @cached_property
    def word_overlap(self) -> float:
        vacancy_words = self.vacancy.long_words
        if not vacancy_words:
            return 0.0
        resume_words = {t.text[:6] for t in tokenize(self.contextual_text)}
        found = sum(1 for word in vacancy_words if word[:6] in resume_words)
        return min(1.0, POLICY.overlap_scale * found / len(vacancy_words))

    @cached_property
    def years(self) -> float:
        stated = self.stated_years
        if stated > 0:
            return stated
        level = self.seniority
        return EXPECTED_YEARS[level] if level is not None else 0.0

    @cached_property
    def stated_years(self) -> float:
        """Years the resume states or its work periods add up to (0 when it says nothing)."""
        return resume_years(self.contextual_text, self.today)

    @cached_property
    def years_stated(self) -> bool:
        return self.stated_years > 0

    @cached_property
    def seniority(self) -> Seniority | None:
        return highest_seniority(self.reading.seniority)

    @cached_property
    def domain_mentions(self) -> dict[str, list[Mention]]:
        """Contextual mentions of the vacancy's domains (a domain word in a stuffed list is no experience)."""
        found: dict[str, list[Mention]] = {}
        for domain in self.vacancy.domains:
            mentions = [
                m
                for m in self.reading.domains.get(domain.key, [])
                if not self._in_stuffing(m) and self.cv.quality(m.start) > QUALITY_LEARNING
            ]
            if mentions:
                found[domain.key] = mentions
        return found

    @cached_property
    def shared_domains(self) -> list[str]:
        return list(self.domain_mentions)

    def best_skill_mention(self, found: Sequence[SkillEvidence]) -> Mention:
        """The mention of a found skill whose sentence shows the most: prose always over bare lists, then
        the most required skills in one sentence, then the earliest."""
        wanted = {e.skill.key for e in found}
        # Every skill mention, in text order, once: (start, end, is it a found skill).
        all_mentions = sorted(
            (m.start, m.end, key in wanted) for key, ms in self.reading.skills.items() for m in ms
        )
        starts = [m[0] for m in all_mentions]
        best: tuple[float, int] | None = None
        chosen: Mention | None = None
        seen_sentences: set[int] = set()
        for item in found:
            for mention in self.skill_mentions(item.skill.key)[0][:3]:
                left, right = self.sentences.bounds(mention.start, mention.end)
                if left in seen_sentences:
                    continue
                seen_sentences.add(left)
                inside = all_mentions[bisect_left(starts, left) : bisect_left(starts, right)]
                token_count = bisect_left(self._token_starts, right) - bisect_left(self._token_starts, left)
                prose = token_count - len(inside) >= 4
                rank = (sum(1 for m in inside if m[2]) + (100.0 if prose else 0.0), -mention.start)
                if best is None or rank > best:
                    best, chosen = rank, mention
        assert chosen is not None
        return chosen

    def soft_mentions(self, key: str) -> list[Mention]:
        cached = self._soft_mentions.get(key)
        if cached is None:
            cached = self._soft_mentions[key] = soft_evidence(key, self.contextual_text)
        return cached

    @cached_property
    def quantified(self) -> bool:
        """The resume states a result in numbers ("на 30%", "в 2 раза", "3x")."""
        return _QUANTIFIED.search(self.contextual_text) is not None

    def denies(self, stems: Sequence[str]) -> bool:
        """The resume says it lacks this («Руководящего опыта нет», "no leadership experience")."""
        return any(
            token.text.startswith(stem) and self.cv.quality(token.start) == QUALITY_NEGATED
            for token in self.reading.tokens
            for stem in stems
        )

    def stem_mentions(self, stems: Sequence[str]) -> list[Mention]:
        """One mention per distinct stem found at the start of a word of the contextual text."""
        if not stems:
            return []
        seen: set[str] = set()
        mentions: list[Mention] = []
        for token in tokenize(self.contextual_text):
            if self.cv.quality(token.start) <= QUALITY_LEARNING:
                continue  # «Руководящего опыта нет», "learning to lead" show nothing
            for stem in stems:
                if stem not in seen and token.text.startswith(stem):
                    seen.add(stem)
                    mentions.append(Mention(token.start, token.end))
                    break
        return mentions

    def closest_sentence(self) -> str | None:
        """The resume sentence that shares the most long words with the vacancy (at least two)."""
        wanted = {_stem(word) for word in self.vacancy.long_words} - _GENERIC_STEMS
        best: tuple[int, int] | None = None
        best_span: tuple[int, int] | None = None
        seen: set[int] = set()
        for token in self.reading.tokens:
            if (
                len(token.text) < 5
                or _stem(token.text) not in wanted
                or self._in_stuffing(Mention(token.start, 0))
            ):
                continue
            left, right = self.sentences.bounds(token.start, token.end)
            if left in seen:
                continue
            seen.add(left)
            shared = {_stem(t.text) for t in tokenize(self.text[left:right]) if len(t.text) >= 5} & wanted
            rank = (len(shared), -left)
            if len(shared) >= 2 and (best is None or rank > best):
                best, best_span = rank, (left, right)
        if best_span is None:
            return None
        return snippet(self.text, Mention(*best_span))

    def skills_line(self) -> str | None:
        """The resume's own list of skills ("Навыки: ...", "Skills: ..."), on one line."""
        match = _SKILLS_LINE.search(self.contextual_text)
        return " ".join(match.group(0).split()).rstrip(".") if match else None


def _stem(word: str) -> str:
    """A crude stem that lets inflected forms meet: "кухня"/"кухни", "повара"/"поваров"."""
    return word[:5] if len(word) >= 6 else word[:4]


# Words every vacancy and resume share; they say nothing about closeness.
_GENERIC_STEMS = frozenset(
    ["работ", "опыта", "знани", "умени", "years", "exper", "requi", "требу", "навык", "skill"]
)
_SKILLS_LINE = re.compile(r"^[ \t]*(?:ключевые\s+)?(?:навыки|skills|key\s+skills)\s*:\s*\S.*$", re.I | re.M)


def resume_terms(profile: ResumeFacts) -> ResumeTerms:
    """The resume's terms, each with how well it is shown where it occurs."""
    wanted = profile.vacancy.wanted_keys
    # Only what the vacancy asks for (and every skill, for family stand-ins) is ever looked up.
    terms = [
        term
        for term in text_terms(profile.reading, with_words=True)
        if term[0] in wanted or term[0].startswith("skill:") or root_key(term[0]) in wanted
    ]
    qualities = profile.cv.qualities([start for _, start, _, _ in terms])
    pasted = profile._pasted
    if pasted or profile._stuffed:
        qualities = [
            profile.quality(start) if (pasted or profile.in_stuffing(start)) else value
            for (_, start, _, _), value in zip(terms, qualities, strict=True)
        ]
    return ResumeTerms(
        (key, start, end, label, value)
        for (key, start, end, label), value in zip(terms, qualities, strict=True)
    )
