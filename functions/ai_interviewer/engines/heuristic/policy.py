"""The heuristic engine's scoring constants in one place, named: what counts as met, how much of the
requirements a strong resume shows, how each criterion turns its evidence into 0..10, when a summary calls
a match strong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoringPolicy:
    # -- requirements ------------------------------------------------------------------------------
    # A requirement item is met from this credit (0..1 share of its weighted terms shown), partly from
    # `partial_credit`.
    met_credit: float = 0.6
    partial_credit: float = 0.3
    # Items weighted this much or more are must-haves (section and cues: 1 required, 0.8 untitled, 0.7
    # tasks, 0.4 nice to have).
    must_weight: float = 0.8
    # Coverage at which the technical score reaches 10: a strong resume never repeats every word of
    # every requirement.
    full_coverage: float = 0.8
    # A vacancy skill's weight grows when a cue stresses it ("обязательно"), when it names the role
    # ("Python-разработчик"), and per further sentence asking for it, up to `repeat_bonus_max`.
    emphasis_bonus: float = 0.2
    role_skill_bonus: float = 0.3
    repeat_bonus: float = 0.1
    repeat_bonus_max: float = 0.2

    # -- how a resume shows a skill ----------------------------------------------------------------
    # Credit of a required skill found only in a stuffed keyword list, or only through a family member.
    listed_credit: float = 0.5
    related_credit: float = 0.5
    # A term found only inside a stuffed list counts this much of its quality.
    stuffed_factor: float = 0.5
    # A resume line with this share of its word runs in the vacancy copies it; a copied line this many
    # words long counts as pasted on its own, a shorter one only in a block of copied lines.
    pasted_share: float = 0.6
    pasted_line_words: int = 7
    # Word overlap (when the vacancy yields no requirement) is scaled up by this, capped at 1: a good
    # resume shares about two thirds of a vacancy's long words.
    overlap_scale: float = 1.5

    # -- criterion scores (0..10) ------------------------------------------------------------------
    # Score by the number of distinct pieces of evidence (0, 1, 2, ... 5+): soft skills, other criteria.
    evidence_scores: tuple[int, ...] = (1, 4, 6, 7, 8, 9)
    # A number in a result ("на 30%", "3x") shows problem solving: one point more.
    quantified_bonus: int = 1
    # Experience: years against the vacancy's (at least `min_expected_years`): `years_score_at_expected`
    # at the expected years, proportionally below, `years_score_per_ratio` per further multiple above;
    # then times relevance, less `junior_penalty` for a junior or intern when a senior or lead is asked.
    min_expected_years: float = 0.5
    years_score_at_expected: int = 8
    years_score_per_ratio: int = 2
    junior_penalty: int = 2
    # Relevance of the experience (0..1): this floor, the rest by coverage, plus the bonus for a shared
    # domain.
    relevance_floor: float = 0.25
    domain_relevance_bonus: float = 0.15
    # Below this coverage an experience reason says little of it is relevant.
    relevant_coverage: float = 0.5
    # Domain: no shared domain scores this; a shared one the base plus one per mention.
    no_domain_score: int = 2
    domain_base_score: int = 7
    # A criterion named after a skill: shown in context (plus one per further mention, up to
    # `named_skill_extra_max`), only listed, absent or denied.
    named_skill_score: int = 8
    named_skill_extra_max: int = 2
    listed_skill_score: int = 4
    absent_score: int = 1
    # A criterion with no direct evidence: this share of the technical score (at least `absent_score`),
    # below any direct evidence.
    indirect_share: float = 0.4

    # -- interview ---------------------------------------------------------------------------------
    # Technical: the credit of the skills asked about and the overall coverage, weighted.
    interview_asked_weight: float = 0.7
    interview_coverage_weight: float = 0.3
    # Communication: the base plus the range times the share of concrete answers, plus the bonus when
    # the resume shows communication.
    communication_base: int = 3
    communication_range: int = 5
    communication_bonus: int = 1

    # -- prose -------------------------------------------------------------------------------------
    # Overall fit (0..1): skills and relevant years, weighted; from `strong_fit` / `partial_fit` a summary
    # calls the match strong / partial.
    fit_skills_weight: float = 0.6
    fit_years_weight: float = 0.4
    strong_fit: float = 0.75
    partial_fit: float = 0.45
    # A pro names the years only from this coverage; a con names too few years only when the resume's
    # fall short by more than this slack.
    years_pro_coverage: float = 0.3
    years_slack: float = 0.25
    # At most this many requirements named in pros and in cons.
    max_listed: int = 5


POLICY = ScoringPolicy()
