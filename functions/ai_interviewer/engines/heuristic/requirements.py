"""A vacancy's requirements, read from its own words: its sections split into bullets, sentences and
comma lists; each item must-have or nice-to-have; "A или B" / "A or B" as alternatives, any one enough.

An item is a set of terms: a curated skill or synonym ("Postgres" = "PostgreSQL", "People Partner" =
"HR generalist") where the vocabulary knows one, otherwise the stems of its words (stop words dropped,
generic ones such as "опыт"/"experience" kept at a low weight). Matching a resume is per term.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ai_interviewer.engines.heuristic.morphology import GENERIC_STEMS, STOP_STEMS, stem
from ai_interviewer.engines.heuristic.reading import Reading, Token
from ai_interviewer.engines.heuristic.synonyms import SYNONYM_GROUPS, SYNONYM_INDEX
from ai_interviewer.engines.heuristic.vocabulary import SKILL_BY_KEY

# Weights of a term by kind, before the batch's specificity.
CURATED_TERM_WEIGHT = 1.5  # a known skill or synonym group: always specific
WORD_TERM_WEIGHT = 1.0
GENERIC_TERM_WEIGHT = 0.2
ROOT_LENGTH = 6  # "разработк"/"разработчик", "оптимизац"/"оптимизировал" share their first six letters

_ALTERNATIVE = re.compile(r"\s+(?:или|либо|or)\s+|\s*/\s*(?=[^\d\s])", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"[;•·]|,(?!\d)|[.:](?=\s|$)|\s+(?:и|and)\s+(?=[A-ZА-ЯЁ0-9])|\n")
_MIN_WORD = 2
# A vacancy's opening verb is no part of what it asks for: "Ищем Python-разработчика" asks for Python.
_HIRING_CUE = re.compile(
    r"^(?:(?:мы\s+)?(?:ищем|разыскиваем|приглашаем|требуются|требуется|нужны|нужна|нужен)"
    r"|(?:we\s+are\s+|we're\s+|we\s+)?(?:looking\s+for|seeking|hiring|need)(?:\s+an?\b)?)\s+",
    re.IGNORECASE,
)
SYNONYM_SKILLS = frozenset(group for group in SYNONYM_GROUPS if group in SKILL_BY_KEY)


@dataclass(frozen=True)
class Term:
    key: str  # "skill:postgresql", "syn:hr_generalist" or a stem
    weight: float
    label: str  # as the text writes it


@dataclass(frozen=True)
class Item:
    """One requirement: alternatives (any one satisfies it), each a tuple of terms."""

    text: str
    start: int
    end: int
    weight: float  # by section and cues: 1 must-have, 0.4 nice-to-have
    alternatives: tuple[tuple[Term, ...], ...]

    @property
    def terms(self) -> list[Term]:
        return [t for alternative in self.alternatives for t in alternative]


def text_terms(reading: Reading, with_words: bool = False) -> list[tuple[str, int, int, str]]:
    """Every term of a text in order: (key, start, end, label). Skills and synonym phrases come first
    where they cover words; the other words are stemmed. `with_words` also keeps the stems of the words
    a synonym phrase covers (a resume's "бухгалтерский учёт" still has "бухгалтерск")."""
    tokens = reading.tokens
    covered: dict[int, tuple[str, int, int]] = {}  # token start -> (key, span start, span end)
    for key, mentions in reading.skills.items():
        for mention in mentions:
            covered[mention.start] = (f"skill:{key}", mention.start, mention.end)
    for group, first, last in SYNONYM_INDEX.find(tokens):
        span_start, span_end = tokens[first].start, tokens[last - 1].end
        if span_start not in covered:
            # A group named after a known skill spells that skill ("event-driven services" = microservices).
            key = f"skill:{group}" if group in SKILL_BY_KEY else f"syn:{group}"
            covered[span_start] = (key, span_start, span_end)
    terms: list[tuple[str, int, int, str]] = []
    skip_until = -1
    for token in tokens:
        if token.start < skip_until:
            continue
        found = covered.get(token.start)
        if found is not None:
            key, start, end = found
            terms.append((key, start, end, reading.text[start:end]))
            if not (with_words and (key.startswith("syn:") or key[6:] in SYNONYM_SKILLS)):
                skip_until = end
                continue
        word = _word_key(token)
        if word is not None:
            terms.append((word, token.start, token.end, token.original))
    return terms


def _word_key(token: Token) -> str | None:
    text = token.text
    if len(text) < _MIN_WORD or text.isdigit():
        return None
    key = stem(text)
    if key in STOP_STEMS:
        return None
    return key


def term_weight(key: str) -> float:
    if key.startswith(("skill:", "syn:")):
        return CURATED_TERM_WEIGHT
    if key in GENERIC_STEMS or len(key) <= 2:
        return GENERIC_TERM_WEIGHT
    return WORD_TERM_WEIGHT


class TermList:
    """A text's terms in order, sliced by position with a bisection."""

    def __init__(self, terms: Sequence[tuple[str, int, int, str]]) -> None:
        self.terms = list(terms)
        self._starts = [t[1] for t in self.terms]

    def between(self, start: int, end: int) -> list[tuple[str, int, int, str]]:
        return self.terms[bisect_left(self._starts, start) : bisect_left(self._starts, end)]


def split_items(text: str, start: int, end: int, weight: float, terms: TermList) -> list[Item]:
    """The requirement items of text[start:end] (one line of a section)."""
    items: list[Item] = []
    position = start
    # `finditer` with pos/endpos reports offsets in the whole text.
    boundaries = [m.start() for m in _ITEM_SPLIT.finditer(text, start, end)]
    for boundary in [*boundaries, end]:
        if boundary > position:
            item = _item(text, position, boundary, weight, terms)
            if item is not None:
                items.append(item)
        position = boundary + 1
    return items


def with_weight(item: Item, weight: float) -> Item:
    return replace(item, weight=weight)


def _item(text: str, start: int, end: int, weight: float, terms: TermList) -> Item | None:
    piece = text[start:end]
    cuts = [start + m.start() for m in _ALTERNATIVE.finditer(piece)]
    alternatives: list[tuple[Term, ...]] = []
    for left, right in zip([start, *cuts], [*cuts, end], strict=True):
        chosen = tuple(Term(key, term_weight(key), label) for key, _, _, label in terms.between(left, right))
        if chosen:
            alternatives.append(_dedupe(chosen))
    # Generic words ("опыт", "знание", "strong") only dilute what the item asks for.
    alternatives = [
        s for s in (tuple(t for t in a if t.weight > GENERIC_TERM_WEIGHT) for a in alternatives) if s
    ]
    if not alternatives:
        return None  # only "опыт", "знание", numbers: nothing to look for
    label = _HIRING_CUE.sub("", " ".join(piece.strip(" \t-–—•*·:#").split()))
    return Item(label, start, end, weight, tuple(alternatives))


def _dedupe(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    seen: set[str] = set()
    kept: list[Term] = []
    for term in terms:
        if term.key not in seen:
            seen.add(term.key)
            kept.append(term)
    return tuple(kept)


def skill_label(key: str) -> str | None:
    if key.startswith("skill:"):
        skill = SKILL_BY_KEY.get(key[6:])
        return skill.name if skill else None
    return None


def root_key(key: str) -> str | None:
    """The looser key two derived words share ("~разраб"), for word stems long enough to have one."""
    if len(key) <= ROOT_LENGTH or ":" in key or not key.isalpha():
        return None
    return "~" + key[:ROOT_LENGTH]
