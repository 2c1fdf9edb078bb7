"""The heuristic engine's scoring constants in one place, named: what counts as met, how much of the
requirements a strong resume shows, when a summary calls a match strong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoringPolicy:
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
    # Overall fit (0..1) from which a summary calls the match strong / partial.
    strong_fit: float = 0.75
    partial_fit: float = 0.45
    # At most this many requirements named in pros and in cons.
    max_listed: int = 5


POLICY = ScoringPolicy()
