"""The structure of a CV: which lines are work history, education, courses or a skills list, and which
clauses deny something ("No payments experience", «Руководящего опыта нет») or only learn it
("Изучаю FastAPI", "completed an online Airflow course"). Evidence found there counts for less or nothing.

A line is education only inside an education section, or when it says so in words a job never uses
(university, degree, faculty, graduated): "School No. 5" in a teacher's work history is a job.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Part(StrEnum):
    NONE = "none"  # before any heading: the header, a summary
    WORK = "work"
    EDUCATION = "education"
    COURSES = "courses"
    SKILLS = "skills"
    ABOUT = "about"


_HEADINGS: tuple[tuple[Part, re.Pattern[str]], ...] = tuple(
    (part, re.compile(pattern, re.IGNORECASE))
    for part, pattern in (
        (
            Part.WORK,
            r"опыт(?:\s+работы)?|трудов\w+\s+деятельност\w*|места\s+работы|карьера|"
            r"(?:professional\s+|work\s+)?experience|employment(?:\s+history)?|work\s+history|career(?:\s+history)?",
        ),
        (Part.EDUCATION, r"образование|education|academic\s+background|учёба|учеба"),
        (
            Part.COURSES,
            r"(?:дополнительное\s+образование|курсы|повышение\s+квалификации|сертификаты|сертификаци\w*|"
            r"тренинги|courses|certificat\w*|trainings?|professional\s+development)",
        ),
        (
            Part.SKILLS,
            r"(?:ключевые\s+|профессиональные\s+)?навыки|(?:key\s+|core\s+|technical\s+)?skills|"
            r"компетенции|competenc\w*|технологии|technologies|стек|tech\s+stack|инструменты|tools",
        ),
        (Part.ABOUT, r"о\s+себе|about(?:\s+me)?|summary|profile|профиль|цель|objective|контакты|contacts?"),
    )
)
_HEADING_LINE = re.compile(r"^[ \t#*>\-–—•]*(?P<title>[^\n:]{2,48}?)[ \t*]*:?[ \t]*$")
_INLINE_HEADING = re.compile(r"^[ \t#*>\-–—•]*(?P<title>[^\n:]{2,32}?)[ \t]*:[ \t]*\S")
# Words that only studies use; a job line never carries them.
_STUDIES = re.compile(
    r"университет\w*|universit\w*|бакалавр\w*|bachelor\w*|магистр\w*|магистратур\w*|master'?s|\bmba\b|"
    r"аспирантур\w*|degree|диплом\w*|diploma|факультет\w*|faculty|специальность|major\b|"
    r"окончил\w*|graduated|выпускни\w*|graduate\b|студент\w*|student|\bвуз\w*|\bb\.?sc\b|\bm\.?sc\b|\bph\.?d\b",
)
_COURSE_LINE = re.compile(
    r"\bкурс(?:а|ы|ов|ах)?\b(?!\s+(?:валют|доллар|рубл|евро))|\bcourses?\b|bootcamp|сертификат\w*|"
    r"certificat\w*|повышени\w+\s+квалификаци\w*|онлайн-курс\w*|online\s+course",
)
_LEARNING = re.compile(
    r"изуча\w*|изучени\w*|осваива\w*|учусь|учу\s|на\s+курсах|прохожу\s+курс\w*|прош[её]л\s+курс\w*|"
    r"прошла\s+курс\w*|онлайн-курс\w*|самостоятельно\s+осва\w*|learning\b|studying|self-stud\w*|"
    r"(?:online\s+)?courses?\b|bootcamp|tutorials?\b|в\s+процессе\s+изучения|currently\s+learning",
)
# A cue that denies what follows it in its clause ("No payments experience", "не работал с Kafka",
# "without a degree"), and one that denies its whole clause from the end («Руководящего опыта нет»).
_NEGATION_BEFORE = re.compile(
    r"(?<![\w-])(?:no(?!\.|\s*\d|\s*№)|not|never|without|lack\w*|none|не\s+(?:работал\w*|имею|имела?|"
    r"было|знаком\w*|владею|использовал\w*|приходилось|доводилось|занимал\w*|сталкивал\w*)|"
    r"без\s+опыта|нет\s+опыта|отсутству\w*\s+опыт\w*)(?![\w-])",
)
_NEGATION_AFTER = re.compile(r"(?<![\w-])(?:нет|отсутствует|не\s+было|не\s+имею)\s*[.!;]?\s*$")
# "без простоя", "without downtime" deny only their object: the rest of the clause is still done.
_NARROW_NEGATION = re.compile(r"^(?:without|без)$")
_ANY_CUE = re.compile(
    r"\b(?:no|not|never|without|lack|none|не|нет|без|отсутств|изуч|осва|осво|учу|учусь|курс|прош|onlin|"
    r"онлайн|самост|cours|learn|stud|self|bootcamp|tutorial|currently|в\s+процессе)"
)
# The content patterns above are lower case and searched in lower-cased text: without IGNORECASE the
# regex engine skips ahead by literal prefixes, several times faster on Cyrillic.
_CLAUSE_END = re.compile(r"[.;!?\n,(]|\s+(?:but|но|а|однако|however)\s+|\s[-–—]\s")
_BULLET_OR_LIST = re.compile(r"[,;/|•·]")

ENTRY_WORDS = 12  # a line of an education or course entry is short

# How much a mention counts by where it is.
QUALITY_DOING = 1.0
QUALITY_LISTED = 0.8  # a skills list: claimed, not shown
QUALITY_EDUCATION = 0.5
QUALITY_LEARNING = 0.3
QUALITY_NEGATED = 0.0


_PART_QUALITY = {
    Part.NONE: QUALITY_DOING,
    Part.WORK: QUALITY_DOING,
    Part.ABOUT: QUALITY_DOING,
    Part.EDUCATION: QUALITY_EDUCATION,
    Part.COURSES: QUALITY_LEARNING,
    Part.SKILLS: QUALITY_LISTED,
}


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    part: Part


def heading_part(line: str) -> Part | None:
    """The part a heading line opens ("Опыт работы", "EDUCATION:", "## Skills"), or None."""
    match = _HEADING_LINE.match(line)
    if not match:
        return None
    title = match.group("title").strip().rstrip(".")
    if len(title.split()) > 5:
        return None
    for part, pattern in _HEADINGS:
        if pattern.fullmatch(title):
            return part
    return None


def _inline_part(line: str) -> tuple[Part, int] | None:
    """ "Навыки: Excel, 1С" or "Education: MSU, 2015": a heading and its content on one line."""
    match = _INLINE_HEADING.match(line)
    if not match:
        return None
    title = match.group("title").strip()
    for part, pattern in _HEADINGS:
        if pattern.fullmatch(title):
            return part, match.end("title") + 1
    return None


class CvStructure:
    """One resume's lines by part and its denied and learning clauses, looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        # A letter whose lower case is longer would shift offsets: keep such letters as they are.
        self._lowered = (
            lowered
            if len(lowered) == len(text)
            else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        )
        self.lines: list[Line] = []
        part = Part.NONE
        offset = 0
        for raw in text.splitlines(keepends=True):
            end = offset + len(raw.rstrip("\r\n"))
            heading = heading_part(raw)
            if heading is not None:
                part = heading
                self.lines.append(Line(offset, end, heading))
            else:
                inline = _inline_part(raw)
                if inline is not None:
                    self.lines.append(Line(offset, end, inline[0]))
                else:
                    lowered_line = self._lowered[offset : offset + len(raw)]
                    self.lines.append(Line(offset, end, self._line_part(lowered_line, part)))
            offset += len(raw)
        self._line_starts = [line.start for line in self.lines]
        self._spans: list[tuple[int, int, float]] = []
        self._read_clauses()
        self._span_starts = [span[0] for span in self._spans]

    @staticmethod
    def _line_part(line: str, part: Part) -> Part:
        if part in (Part.EDUCATION, Part.COURSES, Part.SKILLS):
            if part is Part.EDUCATION and _COURSE_LINE.search(line) and not _STUDIES.search(line):
                return Part.COURSES
            return part
        # Outside those sections only a line of its own says so: a one-line CV that mentions a
        # certificate or a university is still a CV.
        if len(line.split()) > ENTRY_WORDS:
            return part
        if _COURSE_LINE.search(line) and not _STUDIES.search(line):
            return Part.COURSES
        if part is not Part.WORK and _STUDIES.search(line):
            return Part.EDUCATION
        return part

    def part_at(self, position: int) -> Part:
        index = bisect_right(self._line_starts, position)
        return self.lines[index - 1].part if index else Part.NONE

    def _read_clauses(self) -> None:
        """Spans (start, end, quality) that count for less than work: learning sentences, denied clauses."""
        text = self._lowered
        for line in self.lines:
            segment = text[line.start : line.end]
            if not _ANY_CUE.search(segment):
                continue  # most lines neither deny nor learn anything: one quick search settles them
            for sentence in re.finditer(r"[^.!?;]+[.!?;]?", segment):
                s_start = line.start + sentence.start()
                if _LEARNING.search(sentence.group()):
                    self._spans.append((s_start, line.start + sentence.end(), QUALITY_LEARNING))
                    continue
                self._negations(s_start, sentence.group())
        self._spans.sort()

    def _negations(self, offset: int, sentence: str) -> None:
        position = 0
        for end_match in [*_CLAUSE_END.finditer(sentence), None]:
            clause_end = end_match.start() if end_match else len(sentence)
            clause = sentence[position:clause_end]
            after = _NEGATION_AFTER.search(clause)
            if after:
                self._spans.append((offset + position, offset + clause_end, QUALITY_NEGATED))
            else:
                before = _NEGATION_BEFORE.search(clause)
                if before:
                    start = offset + position + before.start()
                    stop = offset + clause_end
                    if _NARROW_NEGATION.match(before.group()):
                        # Only the next two words are denied.
                        rest = re.match(r"\W*\w+(?:\W+\w+)?", clause[before.end() :])
                        stop = offset + position + before.end() + (rest.end() if rest else 0)
                    self._spans.append((start, stop, QUALITY_NEGATED))
            if end_match is None:
                break
            position = end_match.end()

    def quality(self, position: int) -> float:
        """How much a mention at `position` counts: work 1, a skills list 0.8, studies 0.5, learning 0.3,
        denied 0."""
        if not self._spans:
            return _PART_QUALITY[self.part_at(position)]
        index = bisect_right(self._span_starts, position)
        # Spans do not nest beyond one sentence: the nearest two starts settle it.
        for candidate in range(index - 1, max(-1, index - 3), -1):
            start, end, value = self._spans[candidate]
            if start <= position < end:
                return value
        return _PART_QUALITY[self.part_at(position)]

    def qualities(self, positions: list[int]) -> list[float]:
        """`quality` of each of `positions` (in ascending order), in one sweep over lines and spans."""
        result: list[float] = []
        lines, spans = self.lines, self._spans
        line_index, span_index = -1, 0
        open_spans: list[tuple[int, int, float]] = []
        for position in positions:
            while line_index + 1 < len(lines) and lines[line_index + 1].start <= position:
                line_index += 1
            while span_index < len(spans) and spans[span_index][0] <= position:
                open_spans.append(spans[span_index])
                span_index += 1
            open_spans = [span for span in open_spans if span[1] > position]
            if open_spans:
                result.append(open_spans[-1][2])
            else:
                result.append(_PART_QUALITY[lines[line_index].part] if line_index >= 0 else QUALITY_DOING)
        return result

    def work_lines(self) -> list[str]:
        """Lines that may hold work periods: everything but education and courses."""
        return [
            self.text[line.start : line.end]
            for line in self.lines
            if line.part not in (Part.EDUCATION, Part.COURSES)
        ]

    def is_study_line(self, position: int) -> bool:
        return self.part_at(position) in (Part.EDUCATION, Part.COURSES)


@lru_cache(maxsize=512)
def cv_structure(text: str) -> CvStructure:
    """One structure per text: a resume's profile and its years read the same one (a ranking holds at
    most 500 resumes)."""
    return CvStructure(text)
