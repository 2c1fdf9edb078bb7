"""Where a few short strings (sentence and clause stops: "\\n", ". ", ",") occur in one text, found once.

Sentences and clauses are looked up around every mention in a text. With `str.find`/`str.rfind` each
look-up scans to the end (or the start) of the text whenever a stop does not occur there ("! " and "("
rarely do), so a long text cost time in the square of its length. Here each look-up is a bisection.
"""

from __future__ import annotations

import re
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


class StopSpans:
    """The sentences or clauses of one text around many positions, a span running from just after the
    last stop before it (or the text's start) to the first stop from its end (or the text's end). The
    stops are located once and a pattern is searched once per span (a `find` per mention, and a search
    of the same long sentence for every mention in it, made long texts quadratic).

    Which stops end a span is the caller's rule: a duration's sentence (`experience`) and a vacancy
    skill's sentence and clause (`vacancy`) differ; evidence quotes use `reading.SentenceIndex`."""

    def __init__(self, text: str, stops: Iterable[str]) -> None:
        self.text = text
        self._stops = StopIndex(text, stops)
        self._texts: dict[tuple[int, int], str] = {}
        self._match_ends: dict[tuple[re.Pattern[str], int, int], int | None] = {}

    def span(self, start: int, end: int, stops: tuple[str, ...]) -> tuple[int, int]:
        """The span around text[start:end] between `stops` (each one of those given to the constructor)."""
        lefts = ((self._stops.rfind(stop, start), len(stop)) for stop in stops)
        left = max((found + length if found >= 0 else 0) for found, length in lefts)
        rights = [i for i in (self._stops.find(stop, end) for stop in stops) if i >= 0]
        return left, min(rights) if rights else self._stops.length

    def text_of(self, span: tuple[int, int]) -> str:
        found = self._texts.get(span)
        if found is None:
            found = self._texts[span] = self.text[span[0] : span[1]]
        return found

    def match_end(self, pattern: re.Pattern[str], span: tuple[int, int]) -> int | None:
        """Where the first match of `pattern` in the span, read as a text of its own, ends in the text
        (None: no match)."""
        key = (pattern, *span)
        if key not in self._match_ends:
            match = pattern.search(self.text_of(span))
            self._match_ends[key] = span[0] + match.end() if match else None
        return self._match_ends[key]


def _occurrences(text: str, stop: str) -> list[int]:
    """Every index where `stop` begins, overlapping ones included (as `find` would see them)."""
    found: list[int] = []
    index = text.find(stop)
    while index >= 0:
        found.append(index)
        index = text.find(stop, index + 1)
    return found
