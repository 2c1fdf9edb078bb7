"""What reading a document gave: its format and, when it could not be read, why (in RU and EN)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.limits import MAX_PDF_PAGES
from ai_interviewer.language import Language


class Unreadable(StrEnum):
    """Why a document gave no text. The values are stable: they are stored with unreadable candidates."""

    ENCRYPTED = "encrypted"
    NO_TEXT = "no_text"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_LARGE = "too_large"
    TOO_SLOW = "too_slow"
    TOO_LONG = "too_long"
    UNSAFE = "unsafe"
    DAMAGED = "damaged"
    ENCODING = "encoding"


@dataclass(frozen=True)
class DocumentInfo:
    """What the worker learnt from a document: its format, and `unreadable` when it gave no text."""

    format: DocumentFormat
    unreadable: Unreadable | None = None


_REASONS: dict[Unreadable, dict[Language, str]] = {
    Unreadable.ENCRYPTED: {
        Language.EN: "the document is password-protected",
        Language.RU: "документ защищён паролем",
    },
    Unreadable.NO_TEXT: {
        Language.EN: "the document has no text layer (a scan?); send a PDF with text, or the text itself",
        Language.RU: "в документе нет текстового слоя (скан?); пришлите PDF с текстом или сам текст",
    },
    Unreadable.TOO_MANY_PAGES: {
        Language.EN: f"the document has more than {MAX_PDF_PAGES} pages",
        Language.RU: f"в документе больше {MAX_PDF_PAGES} страниц",
    },
    Unreadable.TOO_LARGE: {
        Language.EN: "the document expands beyond the size limits (a compressed archive bomb?)",
        Language.RU: "документ при распаковке превышает допустимый размер (архивная бомба?)",
    },
    Unreadable.TOO_SLOW: {
        Language.EN: "reading the document took longer than the time limit",
        Language.RU: "чтение документа заняло больше допустимого времени",
    },
    Unreadable.TOO_LONG: {
        Language.EN: "the document's text is longer than the text limit",
        Language.RU: "текст документа длиннее допустимого",
    },
    Unreadable.UNSAFE: {
        Language.EN: "the document declares XML entities or a DTD, which are refused for safety",
        Language.RU: "документ объявляет XML-сущности (DTD), а они запрещены ради безопасности",
    },
    Unreadable.DAMAGED: {
        Language.EN: "the document is damaged and could not be read",
        Language.RU: "документ повреждён и не читается",
    },
    Unreadable.ENCODING: {
        Language.EN: "the text's character encoding could not be recognised",
        Language.RU: "не удалось определить кодировку текста",
    },
}

_SUMMARY = {
    Language.EN: "The resume could not be read: {reason}. It was not assessed.",
    Language.RU: "Резюме не удалось прочитать: {reason}. Оно не оценивалось.",
}


def reason_text(reason: Unreadable, language: Language) -> str:
    return _REASONS[reason][language]


def unreadable_summary(reason: Unreadable, language: Language) -> str:
    """The ranked result's summary for a resume that could not be read, in the vacancy's language."""
    return _SUMMARY[language].format(reason=reason_text(reason, language))
