"""The scores of one resume against one vacancy: the requirements it meets, its coverage, and each
criterion's 0..10, from its facts (`resume_facts`) and the policy's numbers; the words are `assessment`'s."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ai_interviewer.engines.heuristic.criteria import criterion_skills, criterion_stems
from ai_interviewer.engines.heuristic.matching import SINGLE, ItemMatch, Specificity, coverage, match_item
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import snippet
from ai_interviewer.engines.heuristic.resume_facts import ResumeFacts
from ai_interviewer.engines.heuristic.vocabulary import Seniority


@dataclass(frozen=True)
class CriterionEvidence:
    """How a resume shows a criterion the engine has no model for: its score, how it is shown (quoted from
    the resume, only listed, absent, denied, or judged indirectly by the skill match) and the quotation."""

    score: int
    shown: Literal["quote", "listed", "absent", "denied", "indirect"]
    snippet: str = ""


class ResumeScores:
    """One resume's scores; `specificity` (how rare each term is in the batch) weighs the matching."""

    def __init__(self, facts: ResumeFacts, specificity: Specificity = SINGLE) -> None:
        self.facts = facts
        self.specificity = specificity

    @cached_property
    def matches(self) -> list[ItemMatch]:
        """Each of the vacancy's requirement items matched to this resume, in the vacancy's order."""
        return [match_item(item, self.facts.terms, self.specificity) for item in self.facts.vacancy.items]

    @cached_property
    def coverage(self) -> float:
        """Weighted share of the vacancy's requirements the resume shows, 0..1 (word overlap when the
        vacancy yields no requirement)."""
        if not self.matches:
            return self.facts.word_overlap
        return coverage(self.matches)

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

    def technical_score(self) -> int:
        return round(10 * min(1.0, self.coverage / POLICY.full_coverage))

    def relevance(self) -> float:
        """How much of the resume's experience is relevant to this vacancy, 0.25..1."""
        floor = POLICY.relevance_floor
        bonus = POLICY.domain_relevance_bonus if self.facts.shared_domains else 0.0
        return min(1.0, floor + (1 - floor) * self.coverage + bonus)

    def years_score(self) -> float:
        expected = max(self.facts.vacancy.expected_years, POLICY.min_expected_years)
        ratio = self.facts.years / expected
        at_expected = POLICY.years_score_at_expected
        if ratio < 1:
            return min(10.0, at_expected * ratio)
        return min(10.0, at_expected + POLICY.years_score_per_ratio * (ratio - 1))

    def experience_score(self) -> int:
        score = self.years_score() * self.relevance()
        wanted = self.facts.vacancy.seniority
        if wanted in (Seniority.SENIOR, Seniority.LEAD) and self.facts.seniority in (
            Seniority.JUNIOR,
            Seniority.INTERN,
        ):
            score -= POLICY.junior_penalty
        return max(0, min(10, round(score)))

    def soft_score(self, key: str) -> int:
        mentions = self.facts.soft_mentions(key)
        score = evidence_score(len(mentions))
        if key == "problem_solving" and self.facts.quantified:
            score += POLICY.quantified_bonus
        return min(10, score)

    def domain_score(self) -> int:
        facts = self.facts
        if not facts.vacancy.domains:
            return self.technical_score()
        if not facts.shared_domains:
            return POLICY.no_domain_score
        count = sum(len(m) for m in facts.domain_mentions.values())
        return min(10, POLICY.domain_base_score + count)

    def named_criterion(self, criterion: str) -> CriterionEvidence:
        """A criterion the engine has no model for: the resume is searched for the skills it names, else
        for its words and related ones."""
        facts = self.facts
        skills = criterion_skills(criterion)
        if skills:
            shown = [s for s in skills if facts.skill_mentions(s.key)[0]]
            listed = [
                s for s in skills if not facts.skill_mentions(s.key)[0] and facts.skill_mentions(s.key)[1]
            ]
            if shown:
                mentions = facts.skill_mentions(shown[0].key)[0]
                extra = min(POLICY.named_skill_extra_max, len(mentions) - 1)
                return CriterionEvidence(
                    POLICY.named_skill_score + extra, "quote", snippet(facts.text, mentions[0])
                )
            if listed:
                return CriterionEvidence(POLICY.listed_skill_score, "listed")
            return CriterionEvidence(POLICY.absent_score, "absent")
        stems = criterion_stems(criterion)
        found = facts.stem_mentions(stems)
        if found:
            return CriterionEvidence(
                evidence_score(len(found)), "quote", snippet(facts.contextual_text, found[0])
            )
        if facts.denies(stems):
            return CriterionEvidence(POLICY.absent_score, "denied")
        # Below any direct evidence.
        score = max(POLICY.absent_score, round(self.technical_score() * POLICY.indirect_share))
        return CriterionEvidence(score, "indirect")

    def fit(self) -> float:
        """Overall fit 0..1 for the summary's verdict."""
        expected = max(self.facts.vacancy.expected_years, POLICY.min_expected_years)
        skills = min(1.0, self.coverage / POLICY.full_coverage)
        years = min(1.0, self.facts.years / expected) * self.relevance()
        return POLICY.fit_skills_weight * skills + POLICY.fit_years_weight * years


def evidence_score(pieces: int) -> int:
    """The score of a criterion shown by this many distinct pieces of evidence."""
    scores = POLICY.evidence_scores
    return scores[min(pieces, len(scores) - 1)]
