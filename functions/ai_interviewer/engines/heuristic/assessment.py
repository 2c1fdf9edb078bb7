"""Judging one resume against one vacancy, in words: per-criterion 0..10 scores (`resume_scores`) with
evidence quoted from the resume (`resume_facts`), pros (matched requirements), cons (missing ones) and a
summary in the requested language (`messages`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ai_interviewer.engines.capabilities import ResumeAssessment
from ai_interviewer.engines.heuristic.criteria import criterion_kind
from ai_interviewer.engines.heuristic.cv import QUALITY_LEARNING
from ai_interviewer.engines.heuristic.matching import SINGLE, ItemMatch, Specificity
from ai_interviewer.engines.heuristic.messages import CANDIDATE_BY_LEVEL, RANKING
from ai_interviewer.engines.heuristic.phrases import (
    about_years_phrase,
    join_names,
    one_line,
    required_years_phrase,
    years_phrase,
)
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import Mention, quote, snippet
from ai_interviewer.engines.heuristic.resume_facts import ResumeFacts
from ai_interviewer.engines.heuristic.resume_scores import ResumeScores
from ai_interviewer.engines.heuristic.vocabulary import SOFT_BY_KEY
from ai_interviewer.language import Language
from ai_interviewer.models.results import CriterionJudgement


class ResumeProfile:
    """One resume judged against one vacancy: its facts, its scores, and the words that explain them."""

    def __init__(self, facts: ResumeFacts, specificity: Specificity = SINGLE) -> None:
        self.facts = facts
        self.scores = ResumeScores(facts, specificity)

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

    def evidence_quote(self, found: Sequence[ItemMatch]) -> str:
        """The resume's sentence behind the best-met requirement, quoted."""
        best = max(found, key=lambda m: (m.credit * m.item.weight, -m.item.start))
        assert best.evidence is not None
        return quote(snippet(self.facts.text, Mention(best.evidence.start, best.evidence.end)))

    def _technical(self, language: Language) -> tuple[int, str]:
        score = self.scores.technical_score()
        if not self.scores.matches:
            return score, RANKING.say(
                language, "tech_no_requirements", share=round(self.facts.word_overlap * 100)
            )
        total = len(self.scores.key_matches)
        found = self.scores.met()
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
        partly = self.scores.partly_met()
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
        missing = self.scores.unmet()
        if missing:
            parts.append(
                RANKING.say(
                    language,
                    "tech_missing",
                    names=join_names([requirement_name(m, inline=True) for m in missing[:4]], language),
                )
            )
        return score, "; ".join(parts)

    def _years_wanted(self) -> str:
        """How to name the years asked for: "required" when the vacancy states them, "expected" when
        they are inferred from its seniority or assumed, so a reason never invents a requirement."""
        return "wanted_stated" if self.facts.vacancy.years is not None else "wanted_assumed"

    def _experience(self, language: Language) -> tuple[int, str]:
        score = self.scores.experience_score()
        required = required_years_phrase(self.facts.vacancy.expected_years, language)
        wanted = RANKING.say(language, self._years_wanted())
        span = self.facts.experience_span
        if not self.facts.years_stated and span is None:
            level = f" ({self.facts.seniority.value})" if self.facts.seniority else ""
            return score, RANKING.say(
                language, "exp_not_stated", level=level, wanted=wanted, required=required
            )
        where = f": {quote(snippet(self.facts.contextual_text, Mention(*span)))}" if span else ""
        relevant = (
            ""
            if self.scores.coverage >= POLICY.relevant_coverage
            else RANKING.say(language, "exp_little_relevant")
        )
        return score, RANKING.say(
            language,
            "exp_years",
            years=about_years_phrase(self.facts.years, language),
            wanted=wanted,
            required=required,
            relevant=relevant,
            where=where,
        )

    def _soft(self, key: str, language: Language) -> tuple[int, str]:
        soft = SOFT_BY_KEY[key]
        mentions = self.facts.soft_mentions(key)
        score = self.scores.soft_score(key)
        if not mentions:
            return score, RANKING.say(language, "soft_none", name=soft.label(language))
        more = RANKING.say(language, "soft_more", count=len(mentions) - 1) if len(mentions) > 1 else ""
        return score, RANKING.say(
            language,
            "soft_found",
            name=soft.label(language),
            quote=quote(snippet(self.facts.contextual_text, mentions[0])),
            more=more,
        )

    def _domain(self, language: Language) -> tuple[int, str]:
        facts = self.facts
        score = self.scores.domain_score()
        if not facts.vacancy.domains:
            return score, RANKING.say(language, "domain_unnamed", share=round(self.scores.coverage * 100))
        names = join_names([d.label(language) for d in facts.vacancy.domains], language)
        if not facts.shared_domains:
            return score, RANKING.say(language, "domain_missing", names=names)
        where = quote(snippet(facts.text, facts.domain_mentions[facts.shared_domains[0]][0]))
        return score, RANKING.say(language, "domain_found", names=names, where=where)

    def _other(self, criterion: str, language: Language) -> tuple[int, str]:
        found = self.scores.named_criterion(criterion)
        return found.score, RANKING.say(
            language,
            f"criterion_{found.shown}",
            label=criterion.replace("_", " "),
            quote=quote(found.snippet),
            share=round(self.scores.coverage * 100),
        )

    def pros(self, language: Language) -> list[str]:
        pros = [
            RANKING.say(language, "pro_shown", name=requirement_name(m, inline=True))
            for m in sorted(self.scores.met(), key=lambda m: (-m.item.weight * m.credit, m.item.start))[
                : POLICY.max_listed
            ]
        ]
        if (
            self.facts.years_stated
            and self.facts.years >= self.facts.vacancy.expected_years
            and self.scores.coverage >= POLICY.years_pro_coverage
        ):
            required = required_years_phrase(self.facts.vacancy.expected_years, language)
            pros.append(
                RANKING.say(
                    language,
                    "pro_years",
                    years=about_years_phrase(self.facts.years, language),
                    wanted=RANKING.say(language, self._years_wanted()),
                    required=required,
                )
            )
        for key in self.facts.shared_domains[:1]:
            domain = next(d for d in self.facts.vacancy.domains if d.key == key)
            pros.append(RANKING.say(language, "pro_domain", name=domain.label(language)))
        for soft in self.facts.vacancy.soft_skills:
            if self.facts.soft_mentions(soft.key):
                pros.append(RANKING.say(language, "pro_soft", name=soft.label(language)))
        return pros

    def cons(self, language: Language) -> list[str]:
        cons: list[str] = []
        short = [m for m in self.scores.key_matches if m.credit < POLICY.met_credit]
        # Missing first, then stand-ins (a related skill), then partly shown.
        for match in sorted(
            short, key=lambda m: (m.credit >= POLICY.partial_credit and not m.related, m.credit, m.item.start)
        )[: POLICY.max_listed]:
            name = requirement_name(match, inline=True)
            cons.append(RANKING.say(language, self._shortfall(match), name=name, related=match.related))
        expected = self.facts.vacancy.expected_years
        if not self.facts.years_stated:
            cons.append(RANKING.say(language, "con_no_years"))
        elif self.facts.years + POLICY.years_slack < expected:
            cons.append(
                RANKING.say(
                    language,
                    "con_few_years",
                    years=years_phrase(self.facts.years, language),
                    required=required_years_phrase(expected, language),
                )
            )
        if self.facts.vacancy.domains and not self.facts.shared_domains:
            cons.append(
                RANKING.say(language, "con_no_domain", name=self.facts.vacancy.domains[0].label(language))
            )
        if "prompt_injection" in self.facts.screened.flags:
            cons.append(RANKING.say(language, "con_injection"))
        if "keyword_stuffing" in self.facts.screened.flags:
            cons.append(RANKING.say(language, "con_stuffing"))
        if not cons and self.scores.fit() < POLICY.strong_fit:
            cons.append(RANKING.say(language, "con_weak_match"))
        return cons

    def _shortfall(self, match: ItemMatch) -> str:
        """Which con names a requirement not met: missing, only learned, only listed, related, partly."""
        if match.related:
            return "con_related"
        shown = [self.facts.terms.best.get(t.key) for t in match.item.terms]
        qualities = [s.quality for s in shown if s is not None]
        if qualities and 0 < max(qualities) <= QUALITY_LEARNING:
            return "con_learning"
        if match.credit >= POLICY.partial_credit:
            return "con_partial"
        if (
            qualities
            and self.facts._stuffed
            and any(s is not None and self.facts.in_stuffing(s.start) for s in shown)
        ):
            return "con_listed"
        return "con_missing"

    def summary(self, language: Language) -> str:
        fit = self.scores.fit()
        if fit >= POLICY.strong_fit:
            sentences = [RANKING.say(language, "verdict_strong")]
        elif fit >= POLICY.partial_fit:
            sentences = [RANKING.say(language, "verdict_partial")]
        else:
            sentences = [RANKING.say(language, "verdict_weak")]
        candidate = CANDIDATE_BY_LEVEL[language][self.facts.seniority]
        head = (
            RANKING.say(
                language,
                "candidate_years",
                candidate=candidate,
                years=about_years_phrase(self.facts.years, language),
            )
            if self.facts.years_stated
            else RANKING.say(language, "candidate_no_years", candidate=candidate)
        )
        found = self.scores.met()
        if self.scores.matches and found:
            names = join_names([requirement_name(m, inline=True) for m in found[:4]], language)
            sentences.append(
                RANKING.say(
                    language,
                    "meets",
                    head=head,
                    found=len(found),
                    total=len(self.scores.key_matches),
                    names=f" ({names})",
                )
            )
        elif self.scores.matches:
            sentences.append(RANKING.say(language, "meets_none", head=head))
        else:
            sentences.append(RANKING.say(language, "head_only", head=head))
        missing = [m for m in self.scores.key_matches if m.credit < POLICY.met_credit]
        if missing:
            names = join_names([requirement_name(m, inline=True) for m in missing[:4]], language)
            sentences.append(RANKING.say(language, "missing_sentence", names=names))
        if "prompt_injection" in self.facts.screened.flags:
            sentences.append(RANKING.say(language, "injection_sentence"))
        if "keyword_stuffing" in self.facts.screened.flags:
            sentences.append(RANKING.say(language, "stuffing_sentence"))
        return " ".join(sentences)

    def assess(self, criteria: Sequence[str], language: Language) -> ResumeAssessment:
        return ResumeAssessment(
            criteria={name: self.judge(name, language) for name in criteria},
            summary=self.summary(language),
            pros=self.pros(language),
            cons=self.cons(language),
            flags=list(self.facts.screened.flags),
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
