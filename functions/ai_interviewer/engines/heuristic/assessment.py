"""Judging one resume against one vacancy: per-criterion 0..10 scores with evidence quoted from the
resume, pros (matched requirements), cons (missing ones) and a summary in the requested language.

The resume is read after screening: injected instructions are removed before anything is read (they are
never evidence) and a skill found only inside a stuffed keyword list counts once, at half credit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import accumulate

from ai_interviewer.engines.base import ResumeAssessment
from ai_interviewer.engines.heuristic.cv import QUALITY_LEARNING, QUALITY_NEGATED, cv_structure
from ai_interviewer.engines.heuristic.experience import experience_evidence, resume_years
from ai_interviewer.engines.heuristic.matching import (
    SINGLE,
    ItemMatch,
    ResumeTerms,
    Specificity,
    coverage,
    match_item,
)
from ai_interviewer.engines.heuristic.messages import CANDIDATE_BY_LEVEL, RANKING
from ai_interviewer.engines.heuristic.phrases import (
    about_years_phrase,
    join_names,
    one_line,
    required_years_phrase,
    years_phrase,
)
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import (
    SKILL_INDEX,
    Mention,
    Reading,
    SentenceIndex,
    highest_seniority,
    quote,
    read,
    snippet,
    soft_evidence,
    tokenize,
)
from ai_interviewer.engines.heuristic.requirements import root_key, text_terms
from ai_interviewer.engines.heuristic.vacancy import SHINGLE, Requirement, VacancyProfile
from ai_interviewer.engines.heuristic.vocabulary import (
    CRITERION_TOPICS,
    EXPECTED_YEARS,
    SKILL_BY_KEY,
    SOFT_BY_KEY,
    Seniority,
    Skill,
)
from ai_interviewer.language import Language
from ai_interviewer.models.payloads import CriterionJudgement
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


class ResumeProfile:
    """One resume read once after screening; criterion judgements are computed from it on demand."""

    def __init__(
        self,
        text: str,
        vacancy: VacancyProfile,
        specificity: Specificity = SINGLE,
        today: date | None = None,
    ) -> None:
        self.screened: ScreenedText = screen(text, vacancy_text=vacancy.text)
        self.vacancy = vacancy
        self.text = self.screened.text
        self.reading: Reading = read(self.text)
        self.specificity = specificity
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
    def matches(self) -> list[ItemMatch]:
        """Each of the vacancy's requirement items matched to this resume, in the vacancy's order."""
        return [match_item(item, self.terms, self.specificity) for item in self.vacancy.items]

    # -- facts -------------------------------------------------------------------------------------

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
    def coverage(self) -> float:
        """Weighted share of the vacancy's requirements the resume shows, 0..1 (word overlap when the
        vacancy yields no requirement)."""
        if not self.matches:
            return self.word_overlap
        return coverage(self.matches)

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

    # -- criteria ----------------------------------------------------------------------------------

    def judge(self, criterion: str, language: Language) -> CriterionJudgement:
        kind = criterion_kind(criterion)
        if kind == "technical_skills":
            score, reason = self._technical(language)
        elif kind == "experience":
            score, reason = self._experience(language)
        elif kind in SOFT_BY_KEY:
            score, reason = self._soft(kind, language)
        elif kind == "domain":
            score, reason = self._domain(language)
        else:
            score, reason = self._other(criterion, language)
        return CriterionJudgement(score=max(0, min(10, score)), reason=one_line(reason))

    def technical_score(self) -> int:
        return round(10 * min(1.0, self.coverage / POLICY.full_coverage))

    @cached_property
    def key_matches(self) -> list[ItemMatch]:
        """The must-have requirements (all of them when the vacancy marks none as must-have)."""
        must = [m for m in self.matches if m.item.weight >= POLICY.must_weight]
        return must or list(self.matches)

    def met(self) -> list[ItemMatch]:
        return [m for m in self.key_matches if m.credit >= POLICY.met_credit]

    def partly_met(self) -> list[ItemMatch]:
        return [m for m in self.key_matches if POLICY.partial_credit <= m.credit < POLICY.met_credit]

    def unmet(self) -> list[ItemMatch]:
        return [m for m in self.key_matches if m.credit < POLICY.partial_credit]

    def evidence_quote(self, found: Sequence[ItemMatch]) -> str:
        """The resume's sentence behind the best-met requirement, quoted."""
        best = max(found, key=lambda m: (m.credit * m.item.weight, -m.item.start))
        assert best.evidence is not None
        return quote(snippet(self.text, Mention(best.evidence.start, best.evidence.end)))

    def _technical(self, language: Language) -> tuple[int, str]:
        score = self.technical_score()
        if not self.matches:
            return score, RANKING.say(language, "tech_no_requirements", share=round(self.word_overlap * 100))
        total = len(self.key_matches)
        found = self.met()
        parts: list[str] = []
        if found:
            parts.append(
                RANKING.say(
                    language,
                    "tech_found",
                    found=len(found),
                    total=total,
                    names=join_names([requirement_name(m, inline=True) for m in found[:4]], language),
                    quote=self.evidence_quote(found),
                )
            )
        else:
            parts.append(RANKING.say(language, "tech_none", total=total))
        partly = self.partly_met()
        if partly:
            parts.append(
                RANKING.say(
                    language,
                    "tech_partial",
                    names=join_names(
                        [
                            requirement_name(m, inline=True) + (f" ({m.related})" if m.related else "")
                            for m in partly[:3]
                        ],
                        language,
                    ),
                )
            )
        missing = self.unmet()
        if missing:
            parts.append(
                RANKING.say(
                    language,
                    "tech_missing",
                    names=join_names([requirement_name(m, inline=True) for m in missing[:4]], language),
                )
            )
        return score, "; ".join(parts)

    def relevance(self) -> float:
        """How much of the resume's experience is relevant to this vacancy, 0.25..1."""
        floor = POLICY.relevance_floor
        bonus = POLICY.domain_relevance_bonus if self.shared_domains else 0.0
        return min(1.0, floor + (1 - floor) * self.coverage + bonus)

    def years_score(self) -> float:
        expected = max(self.vacancy.expected_years, POLICY.min_expected_years)
        ratio = self.years / expected
        at_expected = POLICY.years_score_at_expected
        if ratio < 1:
            return min(10.0, at_expected * ratio)
        return min(10.0, at_expected + POLICY.years_score_per_ratio * (ratio - 1))

    def experience_score(self) -> int:
        score = self.years_score() * self.relevance()
        wanted = self.vacancy.seniority
        if wanted in (Seniority.SENIOR, Seniority.LEAD) and self.seniority in (
            Seniority.JUNIOR,
            Seniority.INTERN,
        ):
            score -= POLICY.junior_penalty
        return max(0, min(10, round(score)))

    def _years_wanted(self) -> str:
        """How to name the years asked for: "required" when the vacancy states them, "expected" when
        they are inferred from its seniority or assumed, so a reason never invents a requirement."""
        return "wanted_stated" if self.vacancy.years is not None else "wanted_assumed"

    def _experience(self, language: Language) -> tuple[int, str]:
        score = self.experience_score()
        required = required_years_phrase(self.vacancy.expected_years, language)
        wanted = RANKING.say(language, self._years_wanted())
        span = self.experience_span
        if not self.years_stated and span is None:
            level = f" ({self.seniority.value})" if self.seniority else ""
            return score, RANKING.say(
                language, "exp_not_stated", level=level, wanted=wanted, required=required
            )
        where = f": {quote(snippet(self.contextual_text, Mention(*span)))}" if span else ""
        relevant = (
            "" if self.coverage >= POLICY.relevant_coverage else RANKING.say(language, "exp_little_relevant")
        )
        return score, RANKING.say(
            language,
            "exp_years",
            years=about_years_phrase(self.years, language),
            wanted=wanted,
            required=required,
            relevant=relevant,
            where=where,
        )

    def soft_mentions(self, key: str) -> list[Mention]:
        cached = self._soft_mentions.get(key)
        if cached is None:
            cached = self._soft_mentions[key] = soft_evidence(key, self.contextual_text)
        return cached

    def soft_score(self, key: str) -> int:
        mentions = self.soft_mentions(key)
        score = evidence_score(len(mentions))
        if key == "problem_solving" and _QUANTIFIED.search(self.contextual_text):
            score += POLICY.quantified_bonus
        return min(10, score)

    def _soft(self, key: str, language: Language) -> tuple[int, str]:
        soft = SOFT_BY_KEY[key]
        mentions = self.soft_mentions(key)
        score = self.soft_score(key)
        if not mentions:
            return score, RANKING.say(language, "soft_none", name=soft.label(language))
        more = RANKING.say(language, "soft_more", count=len(mentions) - 1) if len(mentions) > 1 else ""
        return score, RANKING.say(
            language,
            "soft_found",
            name=soft.label(language),
            quote=quote(snippet(self.contextual_text, mentions[0])),
            more=more,
        )

    def _domain(self, language: Language) -> tuple[int, str]:
        if not self.vacancy.domains:
            score = self.technical_score()
            return score, RANKING.say(language, "domain_unnamed", share=round(self.coverage * 100))
        names = join_names([d.label(language) for d in self.vacancy.domains], language)
        if not self.shared_domains:
            return POLICY.no_domain_score, RANKING.say(language, "domain_missing", names=names)
        key = self.shared_domains[0]
        count = sum(len(m) for m in self.domain_mentions.values())
        where = quote(snippet(self.text, self.domain_mentions[key][0]))
        return min(10, POLICY.domain_base_score + count), RANKING.say(
            language, "domain_found", names=names, where=where
        )

    def _other(self, criterion: str, language: Language) -> tuple[int, str]:
        """A criterion the engine has no model for: the resume is searched for its words and related ones."""
        label = criterion.replace("_", " ")
        skills = _criterion_skills(criterion)
        if skills:
            shown = [s for s in skills if self.skill_mentions(s.key)[0]]
            listed = [
                s for s in skills if not self.skill_mentions(s.key)[0] and self.skill_mentions(s.key)[1]
            ]
            if shown:
                mention = self.skill_mentions(shown[0].key)[0][0]
                extra = min(POLICY.named_skill_extra_max, len(self.skill_mentions(shown[0].key)[0]) - 1)
                return POLICY.named_skill_score + extra, RANKING.say(
                    language, "criterion_quote", label=label, quote=quote(snippet(self.text, mention))
                )
            if listed:
                return POLICY.listed_skill_score, RANKING.say(language, "criterion_listed", label=label)
            return POLICY.absent_score, RANKING.say(language, "criterion_absent", label=label)
        stems = _criterion_stems(criterion)
        mentions = self._stem_mentions(stems)
        if mentions:
            return evidence_score(len(mentions)), RANKING.say(
                language,
                "criterion_quote",
                label=label,
                quote=quote(snippet(self.contextual_text, mentions[0])),
            )
        if self._denies(stems):
            return POLICY.absent_score, RANKING.say(language, "criterion_denied", label=label)
        score = max(POLICY.absent_score, round(self.technical_score() * POLICY.indirect_share))
        return score, RANKING.say(
            language, "criterion_indirect", label=label, share=round(self.coverage * 100)
        )

    def _denies(self, stems: Sequence[str]) -> bool:
        """The resume says it lacks this («Руководящего опыта нет», "no leadership experience")."""
        return any(
            token.text.startswith(stem) and self.cv.quality(token.start) == QUALITY_NEGATED
            for token in self.reading.tokens
            for stem in stems
        )

    def _stem_mentions(self, stems: Sequence[str]) -> list[Mention]:
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

    # -- prose -------------------------------------------------------------------------------------

    def fit(self) -> float:
        """Overall fit 0..1 for the summary's verdict."""
        expected = max(self.vacancy.expected_years, POLICY.min_expected_years)
        skills = min(1.0, self.coverage / POLICY.full_coverage)
        years = min(1.0, self.years / expected) * self.relevance()
        return POLICY.fit_skills_weight * skills + POLICY.fit_years_weight * years

    def pros(self, language: Language) -> list[str]:
        pros = [
            RANKING.say(language, "pro_shown", name=requirement_name(m, inline=True))
            for m in sorted(self.met(), key=lambda m: (-m.item.weight * m.credit, m.item.start))[
                : POLICY.max_listed
            ]
        ]
        if (
            self.years_stated
            and self.years >= self.vacancy.expected_years
            and self.coverage >= POLICY.years_pro_coverage
        ):
            required = required_years_phrase(self.vacancy.expected_years, language)
            pros.append(
                RANKING.say(
                    language,
                    "pro_years",
                    years=about_years_phrase(self.years, language),
                    wanted=RANKING.say(language, self._years_wanted()),
                    required=required,
                )
            )
        for key in self.shared_domains[:1]:
            domain = next(d for d in self.vacancy.domains if d.key == key)
            pros.append(RANKING.say(language, "pro_domain", name=domain.label(language)))
        for soft in self.vacancy.soft_skills:
            if self.soft_mentions(soft.key):
                pros.append(RANKING.say(language, "pro_soft", name=soft.label(language)))
        return pros

    def cons(self, language: Language) -> list[str]:
        cons: list[str] = []
        short = [m for m in self.key_matches if m.credit < POLICY.met_credit]
        # Missing first, then stand-ins (a related skill), then partly shown.
        for match in sorted(
            short, key=lambda m: (m.credit >= POLICY.partial_credit and not m.related, m.credit, m.item.start)
        )[: POLICY.max_listed]:
            name = requirement_name(match, inline=True)
            cons.append(RANKING.say(language, self._shortfall(match), name=name, related=match.related))
        expected = self.vacancy.expected_years
        if not self.years_stated:
            cons.append(RANKING.say(language, "con_no_years"))
        elif self.years + POLICY.years_slack < expected:
            cons.append(
                RANKING.say(
                    language,
                    "con_few_years",
                    years=years_phrase(self.years, language),
                    required=required_years_phrase(expected, language),
                )
            )
        if self.vacancy.domains and not self.shared_domains:
            cons.append(RANKING.say(language, "con_no_domain", name=self.vacancy.domains[0].label(language)))
        if "prompt_injection" in self.screened.flags:
            cons.append(RANKING.say(language, "con_injection"))
        if "keyword_stuffing" in self.screened.flags:
            cons.append(RANKING.say(language, "con_stuffing"))
        if not cons and self.fit() < POLICY.strong_fit:
            cons.append(RANKING.say(language, "con_weak_match"))
        return cons

    def _shortfall(self, match: ItemMatch) -> str:
        """Which con names a requirement not met: missing, only learned, only listed, related, partly."""
        if match.related:
            return "con_related"
        shown = [self.terms.best.get(t.key) for t in match.item.terms]
        qualities = [s.quality for s in shown if s is not None]
        if qualities and 0 < max(qualities) <= QUALITY_LEARNING:
            return "con_learning"
        if match.credit >= POLICY.partial_credit:
            return "con_partial"
        if qualities and self._stuffed and any(s is not None and self.in_stuffing(s.start) for s in shown):
            return "con_listed"
        return "con_missing"

    def summary(self, language: Language) -> str:
        fit = self.fit()
        if fit >= POLICY.strong_fit:
            sentences = [RANKING.say(language, "verdict_strong")]
        elif fit >= POLICY.partial_fit:
            sentences = [RANKING.say(language, "verdict_partial")]
        else:
            sentences = [RANKING.say(language, "verdict_weak")]
        candidate = CANDIDATE_BY_LEVEL[language][self.seniority]
        head = (
            RANKING.say(
                language,
                "candidate_years",
                candidate=candidate,
                years=about_years_phrase(self.years, language),
            )
            if self.years_stated
            else RANKING.say(language, "candidate_no_years", candidate=candidate)
        )
        found = self.met()
        if self.matches and found:
            names = join_names([requirement_name(m, inline=True) for m in found[:4]], language)
            sentences.append(
                RANKING.say(
                    language,
                    "meets",
                    head=head,
                    found=len(found),
                    total=len(self.key_matches),
                    names=f" ({names})",
                )
            )
        elif self.matches:
            sentences.append(RANKING.say(language, "meets_none", head=head))
        else:
            sentences.append(RANKING.say(language, "head_only", head=head))
        missing = [m for m in self.key_matches if m.credit < POLICY.met_credit]
        if missing:
            names = join_names([requirement_name(m, inline=True) for m in missing[:4]], language)
            sentences.append(RANKING.say(language, "missing_sentence", names=names))
        if "prompt_injection" in self.screened.flags:
            sentences.append(RANKING.say(language, "injection_sentence"))
        if "keyword_stuffing" in self.screened.flags:
            sentences.append(RANKING.say(language, "stuffing_sentence"))
        return " ".join(sentences)

    def assess(self, criteria: Sequence[str], language: Language) -> ResumeAssessment:
        return ResumeAssessment(
            criteria={name: self.judge(name, language) for name in criteria},
            summary=self.summary(language),
            pros=self.pros(language),
            cons=self.cons(language),
            flags=list(self.screened.flags),
        )


def _stem(word: str) -> str:
    """A crude stem that lets inflected forms meet: "кухня"/"кухни", "повара"/"поваров"."""
    return word[:5] if len(word) >= 6 else word[:4]


# Words every vacancy and resume share; they say nothing about closeness.
_GENERIC_STEMS = frozenset(
    ["работ", "опыта", "знани", "умени", "years", "exper", "requi", "требу", "навык", "skill"]
)
_SKILLS_LINE = re.compile(r"^[ \t]*(?:ключевые\s+)?(?:навыки|skills|key\s+skills)\s*:\s*\S.*$", re.I | re.M)


# -- criterion names -------------------------------------------------------------------------------

_KIND_WORDS: dict[str, str] = {
    "technical": "technical_skills", "tech": "technical_skills", "skills": "technical_skills",
    "skill": "technical_skills", "hard": "technical_skills", "stack": "technical_skills",
    "technology": "technical_skills", "technologies": "technical_skills", "coding": "technical_skills",
    "experience": "experience", "seniority": "experience", "years": "experience", "expertise": "experience",
    "problem": "problem_solving", "solving": "problem_solving", "analytical": "problem_solving",
    "analysis": "problem_solving", "thinking": "problem_solving",
    "communication": "communication", "communicative": "communication", "presentation": "communication",
    "teamwork": "teamwork", "team": "teamwork", "collaboration": "teamwork", "cooperation": "teamwork",
    "domain": "domain", "industry": "domain", "business": "domain", "soft": "communication",
}  # fmt: skip


def criterion_kind(criterion: str) -> str:
    """Which signal judges a criterion: a known one, or "other" (searched for by its words)."""
    if criterion in ("technical_skills", "experience", "problem_solving", "communication", "teamwork"):
        return criterion
    words = criterion.split("_")
    if _criterion_skills(criterion):
        return "other"
    for word in words:
        if word in _KIND_WORDS:
            return _KIND_WORDS[word]
    return "other"


def _criterion_skills(criterion: str) -> list[Skill]:
    """Skills a criterion is named after ("python", "kubernetes_experience", "sql_knowledge")."""
    found = SKILL_INDEX.find(tokenize(criterion.replace("_", " ")))
    skills: list[Skill] = []
    for value, _, _ in found:
        assert isinstance(value, Skill)
        if value not in skills:
            skills.append(value)
    return skills


def _criterion_stems(criterion: str) -> list[str]:
    stems: list[str] = []
    for word in criterion.split("_"):
        for stem in (*CRITERION_TOPICS.get(word, ()), word if len(word) >= 4 else ""):
            if stem and stem not in stems:
                stems.append(stem[:8])
    return stems


def evidence_score(pieces: int) -> int:
    """The score of a criterion shown by this many distinct pieces of evidence."""
    scores = POLICY.evidence_scores
    return scores[min(pieces, len(scores) - 1)]


def resume_terms(profile: ResumeProfile) -> ResumeTerms:
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


_SHORT_NAME = 60
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "(Senior)", "(желательно)"


def requirement_name(match: ItemMatch, inline: bool = False) -> str:
    """How prose names a requirement: its skills when it is a list of them ("FastAPI"), else its own
    words, shortened ("ведение первичной документации"); lower-cased inside a sentence unless the first
    word is a name or an abbreviation."""
    item = match.item
    skills = [t.label for t in item.terms if t.key.startswith("skill:")]
    specific = [t for t in item.terms if t.weight > 0.5]
    if skills and len(skills) == len(specific):
        return skills[0] if len(item.alternatives) == 1 or len(skills) == 1 else " / ".join(skills)
    text = _TRAILING_NOTE.sub("", item.text).rstrip(".;:")
    if len(text) > _SHORT_NAME:
        cut = text[:_SHORT_NAME].rsplit(" ", 1)[0]
        text = cut.rstrip(",;:—–- ") + "…"
    first = text.split(" ", 1)[0]
    names_a_skill = any(first.casefold().startswith(skill.casefold()) for skill in skills)  # "Python-…"
    if inline and len(first) > 1 and first[0].isupper() and first[1:].islower() and not names_a_skill:
        text = text[0].lower() + text[1:]
    return text
