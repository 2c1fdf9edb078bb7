"""The fixed recommendation phrasings of an interview analysis, in Russian and English.

Every engine ends an interview with one of these three, so a client can match on them; the seed's
example is "рекомендуется к следующему этапу".
"""

from __future__ import annotations

from enum import StrEnum

from ai_interviewer.language import Language


class Recommendation(StrEnum):
    NEXT_STAGE = "next_stage"
    WITH_RESERVATIONS = "with_reservations"
    NOT_RECOMMENDED = "not_recommended"


RECOMMENDATION_TEXT: dict[Language, dict[Recommendation, str]] = {
    Language.RU: {
        Recommendation.NEXT_STAGE: "рекомендуется к следующему этапу",
        Recommendation.WITH_RESERVATIONS: "рекомендуется с оговорками",
        Recommendation.NOT_RECOMMENDED: "не рекомендуется",
    },
    Language.EN: {
        Recommendation.NEXT_STAGE: "recommended for the next stage",
        Recommendation.WITH_RESERVATIONS: "recommended with reservations",
        Recommendation.NOT_RECOMMENDED: "not recommended",
    },
}

# Mean criterion score (0..10) from which each recommendation applies.
NEXT_STAGE_FROM = 7.0
WITH_RESERVATIONS_FROM = 5.0


def recommendation_text(recommendation: Recommendation, language: Language) -> str:
    return RECOMMENDATION_TEXT[language][recommendation]


def recommendation_for(score: float) -> Recommendation:
    """The recommendation for a 0..10 score (e.g. the interview's overall score)."""
    if score >= NEXT_STAGE_FROM:
        return Recommendation.NEXT_STAGE
    if score >= WITH_RESERVATIONS_FROM:
        return Recommendation.WITH_RESERVATIONS
    return Recommendation.NOT_RECOMMENDED


def parse_recommendation(text: str) -> Recommendation | None:
    """The recommendation a phrasing (in either language, any case, surrounding spaces/period) stands for."""
    wanted = text.strip().rstrip(".").strip().lower()
    for phrases in RECOMMENDATION_TEXT.values():
        for recommendation, phrase in phrases.items():
            if phrase == wanted:
                return recommendation
    return None
