"""Where a few short strings (sentence and clause stops: "\\n", ". ", ",") occur in one text, found once.

Sentences and clauses are looked up around every mention in a text. With `str.find`/`str.rfind` each
look-up scans to the end (or the start) of the text whenever a stop does not occur there ("! " and "("
rarely do), so a long text cost time in the square of its length. Here each look-up is a bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class StopIndex:
    """`find` and `rfind` of one text for a fixed set of stops, answering exactly as `str` would."""

    def __init__(self, text: str, stops: Iterable[str]) -> None:
        self.length = len(text)
        self._occurrences: dict[str, list[int]] = {stop: _occurrences(text, stop) for stop in stops}

    def find(self, stop: str, start: int) -> int:
        """`text.find(stop, start)`: the first occurrence at or after `start`, else -1."""
        occurrences = self._occurrences[stop]
        index = bisect_left(occurrences, start)
        return occurrences[index] if index < len(occurrences) else -1

    def rfind(self, stop: str, end: int) -> int:
        """`text.rfind(stop, 0, end)`: the last occurrence that ends by `end`, else -1."""
        occurrences = self._occurrences[stop]
        index = bisect_right(occurrences, end - len(stop))
        return occurrences[index - 1] if index else -1


def _occurrences(text: str, stop: str) -> list[int]:
    """Every index where `stop` begins, overlapping ones included (as `find` would see them)."""
    found: list[int] = []
    index = text.find(stop)
    while index >= 0:
        found.append(index)
        index = text.find(stop, index + 1)
    return found
