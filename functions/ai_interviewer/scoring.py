"""Scores are computed, not guessed (CONTRACT §3): the engine judges each criterion 0..10, code does
the arithmetic and the ordering, identically for every engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, TypeVar

# Used when a request carries no `weights` (documented in the README).
DEFAULT_WEIGHTS: dict[str, float] = {
    "technical_skills": 5,
    "experience": 4,
    "problem_solving": 3,
    "communication": 3,
    "teamwork": 2,
}


def effective_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The request's weights, or the default set; criteria weighted zero are dropped."""
    chosen = dict(weights) if weights else dict(DEFAULT_WEIGHTS)
    return {name: float(weight) for name, weight in chosen.items() if weight > 0}


def _round_half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _weighted_mean(weights: Mapping[str, float], scores: Mapping[str, int]) -> Decimal:
    total_weight = sum((Decimal(str(w)) for w in weights.values()), Decimal(0))
    if total_weight <= 0:
        raise ValueError("weights must have a positive sum")
    weighted = sum((Decimal(str(w)) * Decimal(scores[name]) for name, w in weights.items()), Decimal(0))
    return weighted / total_weight


def resume_score(weights: Mapping[str, float], scores: Mapping[str, int]) -> int:
    """score = round(100 · Σ wᵢ·sᵢ / (10 · Σ wᵢ)), half up, an integer 0..100."""
    return int(_round_half_up(_weighted_mean(weights, scores) * 10, "1"))


def overall_score(weights: Mapping[str, float], scores: Mapping[str, int]) -> float:
    """overall_score = round(Σ wᵢ·sᵢ / Σ wᵢ, 1), half up."""
    return float(_round_half_up(_weighted_mean(weights, scores), "0.1"))


class Scored(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def score(self) -> int: ...

    @property
    def flags(self) -> Sequence[str] | None: ...


ScoredT = TypeVar("ScoredT", bound=Scored)


def rank_order(results: Sequence[ScoredT]) -> list[ScoredT]:
    """Score descending. At an equal score an unflagged resume goes first, so a flagged attack never
    wins a tie against an honest resume (CONTRACT §5); then by filename, so the same input always gives
    the same order."""
    return sorted(results, key=lambda r: (-r.score, bool(r.flags), r.filename))
