"""Bytes to text, one reader per format. Runs inside the reading child process (`isolation`), which
bounds time and memory; the bounds a reader can check cheaply itself (pages, ZIP sizes, DTDs) it checks
first, so a hostile document is refused before it costs anything.

- PDF: pypdf (pure Python, maintained, follows ToUnicode maps, so Cyrillic from any producer comes out as
  text); content-stream order, which is column by column for the usual two-column CV.
- DOCX / ODT: a direct read of the text parts with defusedxml (no DTDs, no entities), streamed, after the
  ZIP's central directory passed the size and ratio limits. Headers and footers are read too (CVs keep
  contact details there), text boxes once (not their VML fallback copy), table rows as `a | b | c`,
  list items with a bullet.
- RTF: striprtf (maintained, made for exactly this); code pages from `\\ansicpg` and `\\fcharset`.
- Text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else charset-normalizer chooses among the
  legacy encodings a Russian or English text comes in (Windows-1251, KOI8-R, CP866, ...).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_PDF_PAGES,
    MAX_XML_PART_BYTES,
    MAX_XML_TOTAL_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_CHECKED_FROM_BYTES,
)
from ai_interviewer.documents.outcome import Unreadable

# Legacy encodings a Russian or English plain-text CV arrives in.
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5", "cp1252"]
BULLET = "• "
# ODF's <text:s text:c="N"/> is N spaces; a hostile N must not become gigabytes.
MAX_ODF_SPACES = 64


class UnreadableDocument(Exception):  # noqa: N818 - it names the document's state, like the enum
    def __init__(self, reason: Unreadable) -> None:
        super().__init__(reason.value)
        self.reason = reason


def read_document(fmt: DocumentFormat, data: bytes) -> str:
    """The document's text, tidied; `UnreadableDocument` when there is none to be had."""
    reader = READERS[fmt]
    try:
        text = reader(data)
    except UnreadableDocument:
        raise
    except MemoryError:
        raise UnreadableDocument(Unreadable.TOO_LARGE) from None
    except Exception:
        # pypdf, zipfile, expat and striprtf raise many types on broken input; all mean the same here.
        raise UnreadableDocument(Unreadable.DAMAGED) from None
    text = tidy(text)
    if not text.strip():
        raise UnreadableDocument(Unreadable.NO_TEXT)
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TRAILING_SPACE = re.compile(r"[ \t\xa0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Line ends unified, control characters and lone surrogates dropped (no store could keep them),
    trailing spaces and runs of blank lines removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


# -- PDF -------------------------------------------------------------------------------------------


def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415 - only the reading child needs pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # Many PDFs are encrypted only to restrict printing, with an empty user password: those read.
        try:
            if not reader.decrypt(""):
                raise UnreadableDocument(Unreadable.ENCRYPTED)
        except (DependencyError, FileNotDecryptedError, NotImplementedError):
            raise UnreadableDocument(Unreadable.ENCRYPTED) from None
    if len(reader.pages) > MAX_PDF_PAGES:
        raise UnreadableDocument(Unreadable.TOO_MANY_PAGES)
    return "\n\n".join(page.extract_text() for page in reader.pages)


# -- ZIP-based formats -----------------------------------------------------------------------------


def _open_zip(data: bytes, wanted: Callable[[str], bool]) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive and its entries that `wanted` selects, once their declared sizes passed the limits.
    zipfile stops inflating an entry at its declared size, so the declared sizes are the real bound."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableDocument(Unreadable.TOO_LARGE)
    parts = [entry for entry in entries if wanted(entry.filename)]
    total = 0
    for entry in parts:
        total += entry.file_size
        # Small parts may compress very well (a page of spaces); only a large one makes a bomb.
        ratio = entry.file_size / max(entry.compress_size, 1)
        bomb = entry.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO
        if bomb or entry.file_size > MAX_XML_PART_BYTES or total > MAX_XML_TOTAL_BYTES:
            raise UnreadableDocument(Unreadable.TOO_LARGE)
    return archive, parts


def _events(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """Start and end events of an XML part, with DTDs (so entity expansion) refused outright."""
    from defusedxml import DefusedXmlException  # noqa: PLC0415 - only the reading child parses XML
    from defusedxml.ElementTree import iterparse  # noqa: PLC0415

    try:
        yield from iterparse(stream, events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException:
        raise UnreadableDocument(Unreadable.UNSAFE) from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Layout:
    """Collects paragraphs in reading order; table cells join into `a | b | c` row lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._sinks: list[list[str]] = [self.lines]  # where a finished paragraph goes
        self._rows: list[list[str]] = []

    def paragraph(self, text: str) -> None:
        if text.strip():
            self._sinks[-1].append(text.strip())

    def start_row(self) -> None:
        self._rows.append([])

    def end_row(self) -> None:
        cells = self._rows.pop() if self._rows else []
        self.paragraph(" | ".join(cell for cell in cells if cell))

    def start_cell(self) -> None:
        self._sinks.append([])

    def end_cell(self) -> None:
        if len(self._sinks) > 1:
            cell = " ".join(self._sinks.pop())
            if self._rows:
                self._rows[-1].append(cell)

    def text(self) -> str:
        return "\n".join(self.lines)


def read_docx(data: bytes) -> str:
    def wanted(name: str) -> bool:
        return name == "word/document.xml" or re.fullmatch(r"word/(header|footer)\d*\.xml", name) is not None

    archive, parts = _open_zip(data, wanted)
    by_name = {part.filename: part for part in parts}
    ordered = sorted(n for n in by_name if "/header" in n)
    ordered += ["word/document.xml", *sorted(n for n in by_name if "/footer" in n)]
    sections = []
    with archive:
        for name in ordered:
            with archive.open(by_name[name]) as stream:
                sections.append(_docx_part(stream))
    return "\n\n".join(section for section in sections if section)


def _docx_part(stream: IO[bytes]) -> str:
    layout = _Layout()
    fallback_depth = 0  # inside mc:Fallback: the VML copy of a text box already read from mc:Choice
    for event, element in _events(stream):
        name = _local(element.tag)
        if name == "Fallback":
            fallback_depth += 1 if event == "start" else -1
            continue
        if fallback_depth:
            continue
        if event == "start":
            if name == "tr":
                layout.start_row()
            elif name == "tc":
                layout.start_cell()
            continue
        if name == "p":
            layout.paragraph(_docx_paragraph(element))
            element.clear()  # streamed: a read paragraph holds no memory
        elif name == "tc":
            layout.end_cell()
        elif name == "tr":
            layout.end_row()
            element.clear()
    return layout.text()


# Inside a paragraph, text boxes were read as paragraphs of their own, and a fallback is a copy.
_DOCX_SKIPPED = frozenset({"txbxContent", "Fallback", "delText", "instrText"})


def _docx_paragraph(paragraph: Any) -> str:
    parts: list[str] = []
    listed = False
    pending = list(reversed(paragraph))
    while pending:
        element = pending.pop()
        name = _local(element.tag)
        if name in _DOCX_SKIPPED:
            continue
        if name == "t":
            parts.append(element.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif name == "numPr":
            listed = True
        pending.extend(reversed(element))
    text = "".join(parts)
    return BULLET + text if listed and text.strip() else text


def read_odt(data: bytes) -> str:
    archive, parts = _open_zip(data, lambda name: name in ("content.xml", "styles.xml"))
    by_name = {part.filename: part for part in parts}
    if "content.xml" not in by_name:
        raise UnreadableDocument(Unreadable.DAMAGED)
    headers: list[str] = []
    footers: list[str] = []
    with archive:
        if "styles.xml" in by_name:
            with archive.open(by_name["styles.xml"]) as stream:
                headers, footers = _odf_headers_footers(stream)
        with archive.open(by_name["content.xml"]) as stream:
            body = _odf_body(stream)
    return "\n\n".join(part for part in ("\n".join(headers), body, "\n".join(footers)) if part)


def _odf_body(stream: IO[bytes]) -> str:
    layout = _Layout()
    list_depth = 0
    for event, element in _events(stream):
        name = _local(element.tag)
        if event == "start":
            if name == "list-item":
                list_depth += 1
            elif name == "table-row":
                layout.start_row()
            elif name == "table-cell":
                layout.start_cell()
            continue
        if name in ("p", "h"):
            text = _odf_text(element)
            layout.paragraph(BULLET + text if list_depth and text.strip() else text)
            _clear_keeping_tail(element)
        elif name == "list-item":
            list_depth -= 1
        elif name == "table-cell":
            layout.end_cell()
        elif name == "table-row":
            layout.end_row()
            _clear_keeping_tail(element)
    return layout.text()


def _odf_headers_footers(stream: IO[bytes]) -> tuple[list[str], list[str]]:
    headers: list[str] = []
    footers: list[str] = []
    target: list[str] | None = None
    for event, element in _events(stream):
        name = _local(element.tag)
        if name.startswith(("header", "footer")) and name not in ("header-style", "footer-style"):
            target = (headers if name.startswith("header") else footers) if event == "start" else None
        elif event == "end" and name in ("p", "h") and target is not None:
            text = _odf_text(element).strip()
            if text:
                target.append(text)
    return headers, footers


def _odf_text(element: Any) -> str:
    """A paragraph's text: ODF keeps it in mixed content, with spaces, tabs and breaks as elements."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child.tag)
        if name == "s":
            count = next((v for k, v in child.attrib.items() if _local(k) == "c"), "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_ODF_SPACES))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name not in ("annotation", "note-citation", "tracked-changes"):
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _clear_keeping_tail(element: Any) -> None:
    # In ODF a paragraph's tail is its parent's text (inside a frame); clear() would drop it.
    tail = element.tail
    element.clear()
    element.tail = tail


# -- RTF and plain text ----------------------------------------------------------------------------


def read_rtf(data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text  # noqa: PLC0415 - only the reading child needs it

    # RTF is 7-bit: bytes beyond ASCII come as \'xx escapes that striprtf decodes by the code page.
    return str(rtf_to_text(data.decode("latin-1"), errors="replace"))


def read_text(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only the reading child needs it

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise UnreadableDocument(Unreadable.ENCODING)
    return str(best)


READERS: dict[DocumentFormat, Callable[[bytes], str]] = {
    DocumentFormat.PDF: read_pdf,
    DocumentFormat.DOCX: read_docx,
    DocumentFormat.ODT: read_odt,
    DocumentFormat.RTF: read_rtf,
    DocumentFormat.TEXT: read_text,
}
