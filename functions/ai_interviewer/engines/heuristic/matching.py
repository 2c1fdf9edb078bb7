"""Matching a vacancy's requirement items to a resume's evidence, term by term.

A resume becomes its terms with how each is shown at best (work 1, a skills list 0.8, studies 0.5,
learning 0.3, denied 0, inside stuffing half of that). A term's weight is its kind (a curated skill or
synonym, a word, a generic word) times its specificity in the batch: a word that every resume of the
ranking contains tells the candidates apart less than one only a few have. Document frequencies are
counted over a set, so shuffling the resumes changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai_interviewer.engines.heuristic.requirements import Item, Term, root_key
from ai_interviewer.engines.heuristic.vocabulary import SKILL_BY_KEY

# Batches smaller than this carry too little to tell a common word from a rare one.
MIN_BATCH_FOR_SPECIFICITY = 4
# A word in every resume still weighs this much of a word in none.
COMMON_WORD_FLOOR = 0.5
RELATED_SKILL_CREDIT = 0.5  # MySQL for PostgreSQL: a family member, half
ROOT_CREDIT = 0.8  # a derived word ("интегрировал" for "интеграция"): nearly the same


@dataclass(frozen=True)
class Shown:
    quality: float
    start: int
    end: int
    label: str  # as the resume writes it


class ResumeTerms:
    """Each term of one resume with its best showing."""

    def __init__(self, terms: Iterable[tuple[str, int, int, str, float]]) -> None:
        best: dict[str, Shown] = {}
        for key, start, end, label, quality in terms:
            for each in (key, root_key(key)):
                if each is None:
                    continue
                current = best.get(each)
                if current is None or quality > current.quality:
                    best[each] = Shown(quality, start, end, label)
        self.best = best
        self._families: dict[str, list[str]] = {}
        for key in best:
            if key.startswith("skill:"):
                skill = SKILL_BY_KEY.get(key[6:])
                if skill is not None and skill.family:
                    self._families.setdefault(skill.family, []).append(key)

    def keys(self) -> set[str]:
        return set(self.best)

    def related(self, key: str) -> Shown | None:
        """The best-shown skill of the same family as `key` (not `key` itself)."""
        skill = SKILL_BY_KEY.get(key[6:]) if key.startswith("skill:") else None
        if skill is None or not skill.family:
            return None
        shown = [self.best[k] for k in self._families.get(skill.family, []) if k != key]
        return max(shown, key=lambda s: (s.quality, -s.start)) if shown else None


class Specificity:
    """Per-term weight factor from the batch's document frequencies (1 for a batch too small)."""

    def __init__(self, documents: Sequence[set[str]]) -> None:
        self._count = len(documents)
        self._frequency: dict[str, int] = {}
        if self._count >= MIN_BATCH_FOR_SPECIFICITY:
            for document in documents:
                for key in document:
                    self._frequency[key] = self._frequency.get(key, 0) + 1

    def factor(self, key: str) -> float:
        if self._count < MIN_BATCH_FOR_SPECIFICITY:
            return 1.0
        frequency = self._frequency.get(key, 0)
        rarity = math.log((self._count + 1) / (frequency + 1)) / math.log(self._count + 1)
        return COMMON_WORD_FLOOR + (1 - COMMON_WORD_FLOOR) * rarity


SINGLE = Specificity([])


@dataclass(frozen=True)
class ItemMatch:
    item: Item
    credit: float  # 0..1
    matched: tuple[Term, ...]  # terms of the best alternative the resume shows
    missing: tuple[Term, ...]  # its specific terms the resume does not show
    evidence: Shown | None  # where the best matched term is shown
    related: str | None = None  # the family member that alone stands in ("MySQL" for PostgreSQL)


def match_item(item: Item, resume: ResumeTerms, specificity: Specificity = SINGLE) -> ItemMatch:
    best: ItemMatch | None = None
    for alternative in item.alternatives:
        total = 0.0
        gained = 0.0
        matched: list[Term] = []
        missing: list[Term] = []
        evidence: Shown | None = None
        evidence_weight = -1.0
        related_only = True
        related_label: str | None = None
        for term in alternative:
            weight = term.weight * specificity.factor(term.key)
            total += weight
            shown = resume.best.get(term.key)
            credit = shown.quality if shown else 0.0
            is_related = False
            root = root_key(term.key) if credit == 0.0 else None
            if root is not None and root in resume.best:
                shown = resume.best[root]
                credit = shown.quality * ROOT_CREDIT
            if credit == 0.0:
                related = resume.related(term.key)
                if related is not None and related.quality > 0:
                    shown, credit, is_related = related, related.quality * RELATED_SKILL_CREDIT, True
                    related_label = related_label or related.label
            if credit > 0 and shown is not None:
                gained += weight * credit
                matched.append(term)
                related_only = related_only and is_related
                if weight * credit > evidence_weight:
                    evidence, evidence_weight = shown, weight * credit
            elif term.weight > 0.5:
                missing.append(term)
        credit = gained / total if total > 0 else 0.0
        candidate = ItemMatch(
            item,
            credit,
            tuple(matched),
            tuple(missing),
            evidence,
            related_label if matched and related_only else None,
        )
        if best is None or candidate.credit > best.credit:
            best = candidate
    assert best is not None
    return best


def coverage(matches: Sequence[ItemMatch]) -> float:
    """Weighted share of the requirements the resume shows, 0..1."""
    total = sum(m.item.weight for m in matches)
    return sum(m.item.weight * m.credit for m in matches) / total if total > 0 else 0.0
