"""What a document is: decided by its bytes' signature and checked against its filename's extension.

Used at acceptance (stdlib only, so the api stays light) and again by the worker before reading. The
bytes decide; the extension must not contradict them, so a PDF named `cv.docx` is refused at once
instead of failing later in the worker.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from enum import StrEnum


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    RTF = "rtf"
    TEXT = "text"


# The extensions each format may carry. A filename with none of these (or none at all) is judged by its
# bytes alone, so `Иванов И.И.` or `cv` without an extension still works.
EXTENSIONS: dict[DocumentFormat, tuple[str, ...]] = {
    DocumentFormat.PDF: ("pdf",),
    DocumentFormat.DOCX: ("docx",),
    DocumentFormat.ODT: ("odt",),
    DocumentFormat.RTF: ("rtf",),
    DocumentFormat.TEXT: ("txt", "text", "md"),
}
SUPPORTED = (
    "PDF (.pdf), DOCX (.docx), ODT (.odt), RTF (.rtf), plain text (.txt; UTF-8, Windows-1251 or KOI8-R)"
)

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Signatures of formats we do not read, so the refusal can say what was sent.
_UNSUPPORTED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office document (.doc, .xls): save it as DOCX or PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Control bytes other than tab, newline, form feed and carriage return: text has (almost) none.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


class DocumentFormatError(ValueError):
    """The bytes are not a document we read, or the filename says another format. The message names
    formats and extensions only, never the document's content."""


def decode_base64(value: str) -> bytes:
    """Strict standard base64 (RFC 4648 §4); line breaks, as MIME encoders write them, are allowed."""
    compact = "".join(value.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentFormatError("is not valid base64") from None


def sniff(data: bytes) -> DocumentFormat:
    """The format of `data` from its signature; `DocumentFormatError` when it is none we read."""
    head = data[:1024]
    if b"%PDF-" in head:  # the specification allows a little junk before the header
        return DocumentFormat.PDF
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return DocumentFormat.RTF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    for signature, what in _UNSUPPORTED_SIGNATURES:
        if data.startswith(signature):
            raise DocumentFormatError(f"is {what}; supported: {SUPPORTED}")
    if _looks_like_text(data):
        return DocumentFormat.TEXT
    raise DocumentFormatError(f"is not a format we read; supported: {SUPPORTED}")


def _sniff_zip(data: bytes) -> DocumentFormat:
    """DOCX and ODT are both ZIP archives: their manifests tell them apart. Only the central directory
    and (for ODT) the tiny `mimetype` entry are read, so a zip bomb costs nothing here."""
    import zipfile  # noqa: PLC0415 - only ZIP-based documents need it; the api's cold start does not

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DocumentFormat.DOCX
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size <= 100:
                if archive.read(mimetype).strip() == _ODT_MIMETYPE:
                    return DocumentFormat.ODT
                raise DocumentFormatError(f"is an OpenDocument file other than text; supported: {SUPPORTED}")
            if "[Content_Types].xml" in names:
                raise DocumentFormatError(f"is an Office file other than Word (DOCX); supported: {SUPPORTED}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise DocumentFormatError("is a damaged ZIP archive (DOCX and ODT are ZIP archives)") from None
    raise DocumentFormatError(f"is a ZIP archive that is neither DOCX nor ODT; supported: {SUPPORTED}")


def _looks_like_text(data: bytes) -> bool:
    """UTF-8 or a legacy single-byte encoding (the worker detects which): no NUL, hardly a control byte."""
    if data.startswith(_BOMS):
        return True
    sample = data[:65536]
    if b"\x00" in sample:  # UTF-16 without a BOM, or binary
        return False
    return len(_CONTROL_BYTES.findall(sample)) <= len(sample) // 100


def extension_format(filename: str) -> DocumentFormat | None:
    """The format a filename's extension names, or None when its extension is not one of ours."""
    match = _EXTENSION.search(filename)
    if match is None:
        return None
    extension = match.group(1).lower()
    return next((fmt for fmt, names in EXTENSIONS.items() if extension in names), None)


def check_document(filename: str, data: bytes) -> DocumentFormat:
    """The document's format; `DocumentFormatError` when it is empty, unsupported, or not what its
    filename's extension says."""
    if not data:
        raise DocumentFormatError("is empty")
    detected = sniff(data)
    named = extension_format(filename)
    if named is not None and named is not detected:
        raise DocumentFormatError(
            f"is {_article(detected)} document but the filename ends in .{filename.rsplit('.', 1)[1]}"
        )
    return detected


_NAMES = {DocumentFormat.TEXT: "a plain text", DocumentFormat.ODT: "an ODT", DocumentFormat.RTF: "an RTF"}


def _article(fmt: DocumentFormat) -> str:
    return _NAMES.get(fmt, f"a {fmt.value.upper()}")
