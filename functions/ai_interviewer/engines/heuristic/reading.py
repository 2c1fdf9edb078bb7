"""Reading text: tokens, phrase look-up with Russian inflection, skill/domain/role/seniority mentions and
evidence snippets. Everything is token based (one regex pass per text), so 500 resumes read in well under
a second."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ai_interviewer.engines.heuristic.vocabulary import (
    DOMAINS,
    ROLES,
    SENIORITY_STEMS,
    SKILLS,
    SOFT_SKILLS,
    Domain,
    Role,
    Seniority,
    Skill,
)

_TOKEN = re.compile(r"\.net\b|[a-zа-яё0-9]+[+#]*", re.IGNORECASE)
_TOKEN_LOWER = re.compile(r"\.net\b|[a-zа-яё0-9]+[+#]*")  # the same on lower-cased text, faster
_CYRILLIC = re.compile(r"[а-яё]")
# Endings a short Russian stem may take ("гит" -> "гита", "гитом"; never "гитара").
_SHORT_STEM_ENDINGS = frozenset(
    ["", "а", "у", "е", "ом", "ой", "ы", "и", "ов", "ам", "ами", "ах", "я", "ю", "ем", "ей", "ям", "ях"]
)
_LONG_STEM_MAX_SUFFIX = 4
_SHORT_STEM_MAX_LENGTH = 4
_CACHE_LIMIT = 50_000


class Token(NamedTuple):
    text: str  # lower case, "ё" as "е"
    original: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    lowered = text.lower().replace("ё", "е")
    if len(lowered) != len(text):  # a rare letter whose lower case is longer: go token by token
        return [
            Token(m.group().lower().replace("ё", "е"), m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(text)
        ]
    # tuple.__new__ skips the NamedTuple's Python-level constructor: tokenising is a hot path.
    new = tuple.__new__
    return [
        new(Token, (m[0], text[m.start() : m.end()], m.start(), m.end()))
        for m in _TOKEN_LOWER.finditer(lowered)
    ]


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().lower().replace("ё", "е") for m in _TOKEN.finditer(phrase))


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[str, ...]
    exact_case: str | None  # the original spelling when the alias is case-sensitive ("=Go")
    value: object


class PhraseIndex:
    """Finds phrases in a token list, longest first, without overlaps.

    Latin words match whole tokens (or, with `latin_prefix`, tokens they begin with plus a short suffix);
    Cyrillic words are stems that also match inflected forms.
    """

    def __init__(self, latin_prefix: bool = False) -> None:
        self._latin_prefix = latin_prefix
        self._by_first: dict[str, list[_Entry]] = {}
        self._max_len = 1
        self._cache: dict[str, tuple[_Entry, ...]] = {}

    def add(self, phrase: str, value: object) -> None:
        exact_case = None
        if phrase.startswith("="):
            phrase = phrase[1:]
            exact_case = phrase
        tokens = _phrase_tokens(phrase)
        if not tokens:
            return
        entry = _Entry(tokens, exact_case, value)
        entries = self._by_first.setdefault(tokens[0], [])
        entries.append(entry)
        # Longest phrases first, so "spring boot" wins over "spring"; stable for equal lengths.
        entries.sort(key=lambda e: -len(e.tokens))
        self._max_len = max(self._max_len, len(tokens))
        self._cache.clear()

    def _token_matches(self, stem: str, token: str) -> bool:
        if token == stem:
            return True
        if not token.startswith(stem):
            return False
        suffix = token[len(stem) :]
        if _CYRILLIC.search(stem) or self._latin_prefix:
            if len(stem) <= _SHORT_STEM_MAX_LENGTH:
                return suffix in _SHORT_STEM_ENDINGS
            return len(suffix) <= _LONG_STEM_MAX_SUFFIX and suffix.isalpha()
        return False

    def _candidates(self, token: str) -> tuple[_Entry, ...]:
        """Entries whose first word matches `token`, cached: texts share most of their words."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found: list[_Entry] = list(self._by_first.get(token, ()))
        if self._latin_prefix or _CYRILLIC.match(token):
            # Stems: prefixes of the token, longest first (an ending is at most a few letters).
            for cut in range(len(token) - 1, max(1, len(token) - _LONG_STEM_MAX_SUFFIX - 1), -1):
                found.extend(
                    e for e in self._by_first.get(token[:cut], ()) if self._token_matches(e.tokens[0], token)
                )
        result = tuple(found)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def find(
        self, tokens: Sequence[Token], starts: Sequence[int] | None = None
    ) -> list[tuple[object, int, int]]:
        """(value, first token index, end token index) for every match, in text order. `starts` limits
        the search to token indexes known to begin a candidate (see `read`)."""
        found: list[tuple[object, int, int]] = []
        free_from = 0
        for index in range(len(tokens)) if starts is None else starts:
            if index < free_from:
                continue
            candidates = self._candidates(tokens[index].text)
            matched = self._match_at(tokens, index, candidates) if candidates else None
            if matched is not None:
                entry, length = matched
                found.append((entry.value, index, index + length))
                free_from = index + length
        return found

    def _match_at(
        self, tokens: Sequence[Token], index: int, candidates: tuple[_Entry, ...]
    ) -> tuple[_Entry, int] | None:
        best: tuple[_Entry, int] | None = None
        for entry in candidates:
            length = len(entry.tokens)
            if index + length > len(tokens) or (best is not None and length <= best[1]):
                continue
            if entry.exact_case is not None and tokens[index].original != entry.exact_case.split()[0]:
                continue
            if all(self._token_matches(stem, tokens[index + k].text) for k, stem in enumerate(entry.tokens)):
                best = (entry, length)
        return best


def _phrase_index(
    phrases: Iterable[tuple[Iterable[str], object]], *, latin_prefix: bool = False
) -> PhraseIndex:
    """An index of every (phrases, value) pair: each phrase finds its value."""
    index = PhraseIndex(latin_prefix=latin_prefix)
    for texts, value in phrases:
        for text in texts:
            index.add(text, value)
    return index


SKILL_INDEX = _phrase_index((skill.aliases, skill) for skill in SKILLS)
DOMAIN_INDEX = _phrase_index(((domain.stems, domain) for domain in DOMAINS), latin_prefix=True)
ROLE_INDEX = _phrase_index(((role.stems, role) for role in ROLES), latin_prefix=True)
SENIORITY_INDEX = _phrase_index((stems, level) for level, stems in SENIORITY_STEMS.items())
_SENIORITY_ORDER = list(SENIORITY_STEMS)  # most senior first


class Mention(NamedTuple):
    start: int  # character span in the text
    end: int


@dataclass(frozen=True)
class Reading:
    """What one text says: skills, domains, roles and seniority with where they are mentioned."""

    text: str
    tokens: list[Token]
    skills: dict[str, list[Mention]]  # skill key -> mentions, keys in order of first mention
    domains: dict[str, list[Mention]]  # domain key -> mentions, in order of first mention
    roles: list[tuple[Role, Mention]]
    seniority: list[Seniority]  # every level mentioned, in text order


_INDEXES = (SKILL_INDEX, DOMAIN_INDEX, ROLE_INDEX, SENIORITY_INDEX)
# Token -> which of _INDEXES have a phrase starting with it (None: none has). Most words are in no
# vocabulary, so one dictionary look-up per token settles them for all four indexes.
_STARTS_CACHE: dict[str, tuple[bool, ...] | None] = {}


def _starts(tokens: Sequence[Token]) -> list[list[int]]:
    starts: list[list[int]] = [[] for _ in _INDEXES]
    cache = _STARTS_CACHE
    for position, token in enumerate(tokens):
        if token.text in cache:
            flags = cache[token.text]
        else:
            found = tuple(bool(index._candidates(token.text)) for index in _INDEXES)
            flags = found if any(found) else None
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[token.text] = flags
        if flags is None:
            continue
        for which, present in enumerate(flags):
            if present:
                starts[which].append(position)
    return starts


# Words that make a domain or level word mean something else next to them.
_NOT_DOMAIN_AFTER = frozenset(["data", "cloud", "dwh", "дата", "облачн", "облачное", "облачный"])
_NOT_SENIORITY_BEFORE = frozenset(
    ["achievement", "generation", "gen", "gens", "magnet", "magnets", "scoring", "office", "hunter",
     "hunting", "count", "time", "times", "form", "forms", "nurturing", "qualification", "lists", "list"]
)  # fmt: skip
_NOT_SENIORITY_AFTER = frozenset(
    ["per", "qualified", "inbound", "outbound", "sales", "b2b", "new", "warm", "cold", "hot", "за", "лидов"]
)


def read(text: str) -> Reading:
    tokens = tokenize(text)
    skill_starts, domain_starts, role_starts, seniority_starts = _starts(tokens)
    skills: dict[str, list[Mention]] = {}
    for value, first, last in SKILL_INDEX.find(tokens, skill_starts):
        assert isinstance(value, Skill)
        skills.setdefault(value.key, []).append(Mention(tokens[first].start, tokens[last - 1].end))
    domains: dict[str, list[Mention]] = {}
    for value, first, last in DOMAIN_INDEX.find(tokens, domain_starts):
        assert isinstance(value, Domain)
        if first > 0 and tokens[first - 1].text in _NOT_DOMAIN_AFTER:
            continue  # "data warehouse", "cloud warehouse (Snowflake)" are no logistics
        domains.setdefault(value.key, []).append(Mention(tokens[first].start, tokens[last - 1].end))
    roles: list[tuple[Role, Mention]] = []
    for value, first, last in ROLE_INDEX.find(tokens, role_starts):
        assert isinstance(value, Role)
        roles.append((value, Mention(tokens[first].start, tokens[last - 1].end)))
    seniority: list[Seniority] = []
    for value, first, last in SENIORITY_INDEX.find(tokens, seniority_starts):
        assert isinstance(value, Seniority)
        after = tokens[last].text if last < len(tokens) else ""
        before = tokens[first - 1].text if first > 0 else ""
        if after in _NOT_SENIORITY_BEFORE or before in _NOT_SENIORITY_AFTER:
            continue  # "Junior Achievement", "cost per lead", "lead generation", "head office"
        seniority.append(value)
    return Reading(text, tokens, skills, domains, roles, seniority)


def highest_seniority(levels: Sequence[Seniority]) -> Seniority | None:
    for level in _SENIORITY_ORDER:
        if level in levels:
            return level
    return None


# ---------------------------------------------------------------------------------------------------
# Soft-skill evidence.


def _soft_patterns(cues: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Cues that begin with a letter go in one pattern without IGNORECASE (matched against lower-cased
    text), so the regex engine can skip ahead by first letter; cues that begin with a digit in another."""
    words = [c for c in cues if not c.startswith("\\d")]
    digits = [c for c in cues if c.startswith("\\d")]
    patterns = [re.compile(r"(?:" + "|".join(words) + r")(?!\w)")]
    if digits:
        patterns.append(re.compile(r"(?:" + "|".join(digits) + r")(?!\w)"))
    return tuple(patterns)


_SOFT_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    soft.key: _soft_patterns(soft.cues) for soft in SOFT_SKILLS
}


def soft_evidence(key: str, text: str) -> list[Mention]:
    """Distinct cues of one soft skill in `text` (one mention per distinct cue word), in text order."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    matches = sorted(
        (m for pattern in _SOFT_PATTERNS[key] for m in pattern.finditer(lowered)), key=lambda m: m.start()
    )
    seen: set[str] = set()
    mentions: list[Mention] = []
    for match in matches:
        if match.start() > 0 and lowered[match.start() - 1].isalnum():
            continue  # inside a word
        cue = match.group()[:6]
        if cue in seen:
            continue
        seen.add(cue)
        mentions.append(Mention(match.start(), match.end()))
    return mentions


# ---------------------------------------------------------------------------------------------------
# Snippets: evidence quoted from the text, one line.

_SNIPPET_MAX = 90
_BULLET = re.compile(r"^[\s\-–—•*·>#]+")
_SPACES = re.compile(r"\s+")


_SENTENCE_END = re.compile(r"[\n;•]|[.!?](?=\s|$)")
_END_CHARACTERS = frozenset("\n;•.!?")
_NEWLINE = re.compile("\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line, or list item) around [start, end)."""
    line_start = text.rfind("\n", 0, start) + 1
    left = line_start
    for match in _SENTENCE_END.finditer(text, line_start, start):
        left = match.end()
    found = _SENTENCE_END.search(text, end)
    right = found.start() if found else len(text)
    return left, right


class SentenceIndex:
    """`sentence_bounds` for many mentions of one text: its line and sentence ends are found once, and each
    look-up is a bisection (`sentence_bounds` reads the line up to the mention, which for a long line
    read for every word made the text's time grow with its length squared).

    The rule of evidence quotes (the smallest piece a reader checks: a list item, a clause after ";");
    durations and vacancy cues read their sentences by their own stops (`stop_index.StopSpans`)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._newlines = [m.start() for m in _NEWLINE.finditer(text)]
        self._ends = [m.start() for m in _SENTENCE_END.finditer(text)]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The same as `sentence_bounds(text, start, end)`."""
        text, ends = self._text, self._ends
        line = bisect_left(self._newlines, start)
        line_start = self._newlines[line - 1] + 1 if line else 0
        if start > line_start and text[start - 1] in _END_CHARACTERS:
            # `sentence_bounds` reads the line only up to `start`, so a stop right before the mention ends
            # a sentence there even when no space follows it ("Node.js").
            left = start
        else:
            before = bisect_right(ends, start - 2)
            left = max(line_start, ends[before - 1] + 1) if before else line_start
        after = bisect_left(ends, end)
        return left, ends[after] if after < len(ends) else len(text)


def snippet(text: str, mention: Mention, limit: int = _SNIPPET_MAX) -> str:
    """The sentence around a mention, on one line, cut to about `limit` characters around it."""
    left, right = sentence_bounds(text, mention.start, mention.end)
    if right - left > limit:
        half = max(0, (limit - (mention.end - mention.start)) // 2)
        new_left = max(left, mention.start - half)
        new_right = min(right, new_left + limit)
        new_left = max(left, min(new_left, new_right - limit))
        prefix = "…" if new_left > left else ""
        suffix = "…" if new_right < right else ""
        body = text[new_left:new_right]
        # Do not cut words in half.
        if prefix:
            body = body.split(" ", 1)[1] if " " in body else body
        if suffix:
            body = body.rsplit(" ", 1)[0] if " " in body else body
        return prefix + _clean(body) + suffix
    return _clean(text[left:right])


def _clean(value: str) -> str:
    return _SPACES.sub(" ", _BULLET.sub("", value)).strip().strip(",;:").strip()


def quote(value: str) -> str:
    """A snippet in quotation marks that read well in both languages."""
    return f"«{value}»"


def content_words(text: str) -> list[str]:
    """Lower-case words of 4+ letters, for overlap when no vocabulary term is found."""
    return [t.text for t in tokenize(text) if len(t.text) >= 4 and not t.text.isdigit()]
