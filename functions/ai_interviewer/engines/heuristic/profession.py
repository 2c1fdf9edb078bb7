"""The profession a vacancy names, for any profession ("Ищем медсестру в процедурный кабинет" ->
"Медсестра", "Warehouse shift lead, night shifts..." -> "Warehouse shift lead"), and a draft's facts
sorted into conditions, requirements, tasks and the rest, so a written vacancy keeps every one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A cue after which the profession follows in the accusative ("Ищем бухгалтера") or the nominative.
_ACCUSATIVE_CUE = re.compile(r"(?:^|[\s.!])(?:ищем|приглашаем|в\s+поиске|ищу|разыскиваем)\s+", re.IGNORECASE)
_NOMINATIVE_CUE = re.compile(
    r"(?:^|[\s.!])(?:требуется|требуются|нужен|нужна|нужны|вакансия\s*:?|должность\s*:?|"
    r"we\s+are\s+hiring\s+(?:an?\s+)?|we.re\s+hiring\s+(?:an?\s+)?|hiring\s+(?:an?\s+)?|"
    r"we\s+are\s+looking\s+for\s+(?:an?\s+)?|looking\s+for\s+(?:an?\s+)?|seeking\s+(?:an?\s+)?|"
    r"position\s*:|role\s*:)\s*",
    re.IGNORECASE,
)
# Where the profession's name ends: punctuation, or a place/purpose phrase ("в ресторан", "for our").
_NAME_END = re.compile(
    r"[,.:;!?()\n—–]|\s-\s|\s(?:в|во|на|для|с|со|к|по|из|от|to|for|in|at|with|on|who|that|—)\s", re.IGNORECASE
)
_MAX_WORDS = 6
_ABBREVIATION = re.compile(r"(?<![\w.])(м|г|ул|д|пр|пер|обл|р-н|st|rd|ave)\.\s", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """A draft's pieces by kind, each in the draft's own words and order."""

    profession: str | None
    conditions: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def profession(text: str) -> str | None:
    """The profession the text names, in the nominative, capitalised; None when it names none."""
    found = find_profession(text)
    return found[0] if found else None


def find_profession(text: str) -> tuple[str, int, int] | None:
    """(the profession, where its cue starts, where its name ends) in `text`."""
    offset = len(text) - len(text.lstrip(" \t\n#"))
    head = text[offset:]
    for cue, accusative in ((_NOMINATIVE_CUE, False), (_ACCUSATIVE_CUE, True)):
        match = cue.search(head[:300])
        if match:
            found = _name_at(head, match.end())
            if found:
                name, end = found
                return (
                    _capitalise(_nominative(name) if accusative else name),
                    offset + match.start(),
                    offset + end,
                )
    first = head.split("\n", 1)[0]
    found = _name_at(first, 0)
    if found and not re.search(r"\d", found[0]) and len(found[0].split()) <= 4:
        return _capitalise(found[0]), offset, offset + found[1]
    return None


def _name_at(text: str, start: int) -> tuple[str, int] | None:
    rest = text[start : start + 120]
    end = _NAME_END.search(rest)
    stop = end.start() if end else len(rest)
    name = " ".join(rest[:stop].split())
    words = name.split()
    if not words or len(words) > _MAX_WORDS:
        return None
    return name, start + stop


def _capitalise(name: str) -> str:
    return name[0].upper() + name[1:] if name else name


# Accusative -> nominative for the words of a Russian job title: adjectives, then nouns.
_ADJECTIVE_ENDINGS = (("ого", "ый"), ("его", "ий"), ("ую", "ая"), ("юю", "яя"))
_NOUN_ENDINGS = (("вца", "вец"), ("ца", "ец"), ("у", "а"), ("ю", "я"), ("я", "ь"), ("а", ""))
_CYRILLIC_WORD = re.compile(r"^[а-яё-]+$", re.IGNORECASE)


def _nominative(name: str) -> str:
    words = name.split()
    converted: list[str] = []
    for index, word in enumerate(words):
        lowered = word.lower()
        tail = lowered.rsplit("-", 1)[-1]
        if not _CYRILLIC_WORD.match(tail) or len(tail) < 3:
            converted.append(word)
            continue
        if "-" in word and _CYRILLIC_WORD.match(lowered) and index == _head_index(words):
            # "продавца-консультанта": both halves are the noun.
            converted.append("-".join(_nominative(part) for part in word.split("-")))
            continue
        replaced = word
        for ending, nominative in _ADJECTIVE_ENDINGS:
            if lowered.endswith(ending) and index < len(words) - 1:
                replaced = word[: -len(ending)] + nominative
                break
        else:
            # Only the head noun (the last Cyrillic word) changes; "учителя математики" keeps its genitive.
            if index == _head_index(words):
                for ending, nominative in _NOUN_ENDINGS:
                    if lowered.endswith(ending):
                        replaced = word[: len(word) - len(ending)] + nominative
                        break
        converted.append(replaced)
    return " ".join(converted)


def _head_index(words: list[str]) -> int:
    """The head noun: the first word that is not an adjective in the accusative."""
    for index, word in enumerate(words):
        if not word.lower().endswith(tuple(e for e, _ in _ADJECTIVE_ENDINGS)):
            return index
    return len(words) - 1


_CONDITION = re.compile(
    r"зарплат\w*|\bзп\b|оклад\w*|доход\w*|руб\w*|₽|\$|€|£|\bk\b|salary|pay\b|per\s+hour|/hour|/час|"
    r"график\w*|смен\w*|shift\w*|\d+\s*/\s*\d+|пятидневк\w*|выходн\w*|часов|hours|on\s+\d+\s+off|"
    r"удал[её]н\w*|remote|гибрид\w*|hybrid|офис\w*|office|on-?site|relocation|релокац\w*|"
    r"дмс|insurance|оформлени\w*|contract\b|full[\s-]time|part[\s-]time|занятост\w*|"
    r"\bг\.|город\w*|\bм\.\s|метро|район\w*|based\s+in|location|локаци\w*|адрес\w*",
    re.IGNORECASE,
)
_REQUIREMENT = re.compile(
    r"опыт\w*|стаж\w*|знани\w*|умени\w*|навык\w*|сертификат\w*|образован\w*|диплом\w*|"
    r"\bправа\b|медкниж\w*|владени\w*|experience|knowledge|certif\w*|licen[cs]\w*|degree|skills?\b|"
    r"years?\b|лет\b|год\w*|proficien\w*|fluent|уровень|level",
    re.IGNORECASE,
)
_TASK = re.compile(
    r"^(?:вести|ведение|работа\s+с|руковод\w*|управл\w*|контрол\w*|организ\w*|подготов\w*|"
    r"проведени\w*|выполн\w*|обслуживан\w*|составлени\w*|обеспеч\w*|\w+(?<!ос)ть\b|"
    r"lead|manage|run|handle|coordinate|prepare|maintain|support|supervise|plan|own|build|deliver|"
    r"care\s+for|teach|sell)",
    re.IGNORECASE,
)


def read_draft(text: str, skill_words: set[str]) -> Draft:
    """Every sentence and comma piece of a draft in one bucket, none dropped. `skill_words` are the
    lower-cased skill and synonym spellings found in it (a piece naming one is a requirement)."""
    found = find_profession(text)
    draft = Draft(found[0] if found else None)
    if found:
        # The cue and the name ("Ищем медсестру") are the title; what follows in its sentence stays.
        text = text[: found[1]] + " " + text[found[2] :]
    # "м. Сокол", "г. Казань", "ул. Ленина": an abbreviation's point ends no sentence.
    text = _ABBREVIATION.sub(lambda m: m.group(1) + ".\x00", text)
    for raw in re.split(r"(?<=[.!?;])\s+|\n+", text):
        sentence = raw.replace("\x00", " ").strip(" \t-–—•*#:").rstrip(".;")
        if not sentence:
            continue
        pieces = [p.strip(" :") for p in re.split(r",\s+(?![^()]*\))", sentence) if p.strip(" :")]
        original = [_kind(p, skill_words) for p in pieces]
        # An unknown piece among conditions is a condition too ("Москва, м. Сокол"), among requirements
        # a requirement ("1С, НДС, отчётность").
        kinds = original
        for kind in ("condition", "requirement"):
            if kind in kinds:
                kinds = [kind if k == "other" else k for k in kinds]
        previous_unknown = False
        for piece, kind, was in zip(pieces, kinds, original, strict=True):
            bucket = _bucket(draft, kind)
            if was == "other" and previous_unknown and bucket:
                bucket[-1] += ", " + piece  # "Москва, м. Сокол" stays one fact
            else:
                bucket.append(piece if _ABBREVIATION.match(piece + " ") else piece[0].upper() + piece[1:])
            previous_unknown = was == "other"
    return draft


def _kind(piece: str, skill_words: set[str]) -> str:
    lowered = piece.lower()
    if _CONDITION.search(piece):
        return "condition"
    if _REQUIREMENT.search(piece) or any(word in lowered for word in skill_words):
        return "requirement"
    if _TASK.search(piece):
        return "task"
    return "other"


def _bucket(draft: Draft, kind: str) -> list[str]:
    return {
        "condition": draft.conditions,
        "requirement": draft.requirements,
        "task": draft.tasks,
    }.get(kind, draft.other)
