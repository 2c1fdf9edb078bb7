"""The fixed recommendation phrasings of an interview analysis, in Russian and English.

Every engine ends an interview with one of these three, so a client can match on them; the seed's
example is "рекомендуется к следующему этапу". None of them states a rejection as final: the system
recommends, a person decides (EU AI Act Art. 14; see `review.py`), so the lowest one says the evidence
given does not show a match and leaves the decision to the recruiter. `parse_recommendation` still
knows the phrasing of 0.2 ("не рекомендуется", "not recommended").
"""

from __future__ import annotations

from enum import StrEnum

from ai_interviewer.language import Language


class Recommendation(StrEnum):
    NEXT_STAGE = "next_stage"
    WITH_RESERVATIONS = "with_reservations"
    NOT_A_MATCH = "not_a_match"


RECOMMENDATION_TEXT: dict[Language, dict[Recommendation, str]] = {
    Language.RU: {
        Recommendation.NEXT_STAGE: "рекомендуется к следующему этапу",
        Recommendation.WITH_RESERVATIONS: "рекомендуется с оговорками",
        Recommendation.NOT_A_MATCH: "по представленным данным не подходит; решение за рекрутером",
    },
    Language.EN: {
        Recommendation.NEXT_STAGE: "recommended for the next stage",
        Recommendation.WITH_RESERVATIONS: "recommended with reservations",
        Recommendation.NOT_A_MATCH: "not a match on the evidence given; a recruiter should confirm",
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
    return Recommendation.NOT_A_MATCH


# The lowest recommendation as 0.2 wrote it: stored jobs and clients may still hold it.
EARLIER_PHRASINGS: dict[str, Recommendation] = {
    "не рекомендуется": Recommendation.NOT_A_MATCH,
    "not recommended": Recommendation.NOT_A_MATCH,
}


def parse_recommendation(text: str) -> Recommendation | None:
    """The recommendation a phrasing (in either language, any case, surrounding spaces/period) stands for."""
    wanted = text.strip().rstrip(".").strip().lower()
    for phrases in RECOMMENDATION_TEXT.values():
        for recommendation, phrase in phrases.items():
            if phrase == wanted:
                return recommendation
    return EARLIER_PHRASINGS.get(wanted)
