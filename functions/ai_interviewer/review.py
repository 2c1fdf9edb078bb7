"""Human oversight (EU AI Act Art. 14): whether a ranked resume or an interview analysis needs a person to
look at it before anyone acts on it, and why. Plain code over what every engine returns (criterion scores
with one-line reasons, flags), so the answer is the same whichever engine judged.

A reason's evidence is a quotation in it («…» or “…”, as both engines write them) whose words occur, in
that order, in the texts judged (the resume; for an interview also its transcript), ignoring case,
punctuation and spacing; "…" marks a cut, each piece must occur. A PII placeholder (`[EMAIL_1]`, `[NAME]`:
the engine read the minimised text, `pii.py`) counts as a cut too, since the texts here are the raw ones.
A quotation that is not in the texts (a model paraphrasing or inventing) is no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ai_interviewer.models.results import CriterionJudgement, Review, ReviewReason
from ai_interviewer.scoring import overall_score

# A criterion scored this high (0..10) should quote what it rests on.
HIGH_CRITERION = 7
# A result this high (the weighted mean 0..10: a resume score of 70, an overall_score of 7.0) must rest
# mostly on evidence: less than this share of its high criteria's weight quoting the texts is thin.
HIGH_RESULT = 7.0
EVIDENCE_SHARE = 0.5
# The weighted criteria's highest and lowest scores this far apart (0..10) disagree.
DISAGREE_SPREAD = 7
# Fewer words than this is a keyword, not a quotation of what the candidate did.
MIN_QUOTE_WORDS = 2
CONTENT_FLAGS = frozenset({"prompt_injection", "keyword_stuffing"})
UNREADABLE_FLAG = "unreadable"

_OPENING, _CLOSING = "«“", "»”"
_WORD = re.compile(r"\w+")


def _quotations(reason: str) -> list[str]:
    """The outermost quotations of a reason: a quoted sentence may quote a name («ООО «Финтех»»), and a
    quotation left open by a cut runs to the end."""
    found: list[str] = []
    depth = start = 0
    for position, char in enumerate(reason):
        if char in _OPENING:
            if depth == 0:
                start = position + 1
            depth += 1
        elif char in _CLOSING and depth:
            depth -= 1
            if depth == 0:
                found.append(reason[start:position])
    if depth:
        found.append(reason[start:])
    return found


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


class Source:
    """The texts a judgement may quote, normalised once for every criterion."""

    def __init__(self, *texts: str) -> None:
        self._text = " " + " ".join(" ".join(_words(text)) for text in texts) + " "

    def quotes(self, reason: str) -> bool:
        """`reason` quotes the texts: some quotation of MIN_QUOTE_WORDS words or more, every piece of it
        found word for word."""
        # pii compiles its rules at import: the workers have it loaded (the minimiser), the api need not.
        from ai_interviewer.pii import PLACEHOLDER  # noqa: PLC0415

        for quotation in _quotations(reason):
            pieces = [_words(piece) for piece in PLACEHOLDER.sub("…", quotation).split("…")]
            pieces = [piece for piece in pieces if piece]
            if sum(len(piece) for piece in pieces) < MIN_QUOTE_WORDS:
                continue
            if all(f" {' '.join(piece)} " in self._text for piece in pieces):
                return True
        return False


def judgement_reasons(
    weights: Mapping[str, float], judgements: Mapping[str, CriterionJudgement], source: Source
) -> list[ReviewReason]:
    """thin_evidence and criteria_disagree over the weighted criteria (weight > 0) judged."""
    judged = {name: judgements[name] for name, weight in weights.items() if weight > 0 and name in judgements}
    if not judged:
        return []
    reasons: list[ReviewReason] = []
    used = {name: weights[name] for name in judged}
    scores = {name: judgement.score for name, judgement in judged.items()}
    high = [name for name, score in scores.items() if score >= HIGH_CRITERION]
    if high and overall_score(used, scores) >= HIGH_RESULT:
        high_weight = sum(used[name] for name in high)
        quoted = sum(used[name] for name in high if source.quotes(judged[name].reason))
        if quoted < EVIDENCE_SHARE * high_weight:
            reasons.append(ReviewReason.THIN_EVIDENCE)
    if max(scores.values()) - min(scores.values()) >= DISAGREE_SPREAD:
        reasons.append(ReviewReason.CRITERIA_DISAGREE)
    return reasons


def review_of(
    weights: Mapping[str, float],
    judgements: Mapping[str, CriterionJudgement],
    flags: Collection[str],
    *texts: str,
) -> Review:
    """The review of one result: its criterion judgements, its flags, and the texts they may quote.
    Reasons come in `ReviewReason`'s order."""
    found: set[ReviewReason] = set()
    if UNREADABLE_FLAG in flags:
        found.add(ReviewReason.UNREADABLE)
    if CONTENT_FLAGS & set(flags):
        found.add(ReviewReason.FLAGGED)
    found.update(judgement_reasons(weights, judgements, Source(*texts)))
    reasons = [reason for reason in ReviewReason if reason in found]
    return Review(required=bool(reasons), reasons=reasons)
