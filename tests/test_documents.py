"""Documents to text: real files of every format, built in the tests, read through the worker's reading
child; hostile ones refused within the limits; formats told apart by their bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from ai_interviewer.documents.formats import DocumentFormat, DocumentFormatError, check_document, sniff
from ai_interviewer.documents.isolation import DocumentReader
from ai_interviewer.documents.limits import MAX_PDF_PAGES, MAX_XML_PART_BYTES
from ai_interviewer.documents.outcome import Unreadable

from tests.document_files import (
    Block,
    billion_laughs_docx,
    docx,
    encrypted_pdf,
    hostile_rtf,
    odt,
    pdf,
    rtf_cp1251,
    simple_pdf,
    w_paragraph,
    w_table,
    w_text_box,
    zip_bomb_docx,
)


@pytest.fixture(scope="module")
def reader() -> Iterator[DocumentReader]:
    with DocumentReader() as shared:
        yield shared


def read(reader: DocumentReader, filename: str, data: bytes) -> str | Unreadable:
    return reader.read(check_document(filename, data), data)


# -- PDF -------------------------------------------------------------------------------------------


def test_an_english_pdf_reads_line_by_line_in_order(reader: DocumentReader) -> None:
    lines = ["John Smith", "Senior Python developer, 7 years", "FastAPI, PostgreSQL, Docker"]
    assert read(reader, "smith.pdf", simple_pdf(*lines)) == "\n".join(lines)


def test_russian_pdf_text_comes_from_the_fonts_tounicode_map(reader: DocumentReader) -> None:
    # The glyph codes are arbitrary numbers: only the ToUnicode map makes them Cyrillic.
    text = read(reader, "ivanov.pdf", simple_pdf("Иванов Иван Иванович", "Опыт: 5 лет, Python и Ёлки"))
    assert text == "Иванов Иван Иванович\nОпыт: 5 лет, Python и Ёлки"


def test_a_two_column_pdf_reads_column_by_column(reader: DocumentReader) -> None:
    left = ["Опыт работы", "2019–2024 ООО Ромашка", "Backend на Python"]
    right = ["Навыки", "FastAPI, PostgreSQL", "English B2"]
    text = read(reader, "two-columns.pdf", pdf([[Block(40, 780, left), Block(320, 780, right)]]))
    assert isinstance(text, str)
    assert text.splitlines() == left + right  # the columns are not interleaved line by line


def test_a_multi_page_pdf_keeps_page_order(reader: DocumentReader) -> None:
    pages = [[Block(72, 770, [f"Page {n} of the CV"])] for n in range(1, 4)]
    text = read(reader, "pages.pdf", pdf(pages))
    assert isinstance(text, str)
    assert [line for line in text.splitlines() if line] == [
        "Page 1 of the CV",
        "Page 2 of the CV",
        "Page 3 of the CV",
    ]


def test_a_scanned_image_only_pdf_is_unreadable_for_lack_of_text(reader: DocumentReader) -> None:
    scan = pdf([[Block(72, 770, ["ignored"])]], image_only=True)
    assert read(reader, "scan.pdf", scan) is Unreadable.NO_TEXT


def test_a_password_protected_pdf_is_unreadable_as_encrypted(reader: DocumentReader) -> None:
    locked = encrypted_pdf(simple_pdf("Confidential CV"), user_password="s3cret")
    assert read(reader, "locked.pdf", locked) is Unreadable.ENCRYPTED


def test_a_pdf_encrypted_only_against_printing_reads(reader: DocumentReader) -> None:
    # An empty user password: every viewer opens it without asking, so must we.
    restricted = encrypted_pdf(simple_pdf("Open CV, Python developer"), user_password="")
    assert read(reader, "restricted.pdf", restricted) == "Open CV, Python developer"


def test_a_pdf_over_the_page_limit_is_refused(reader: DocumentReader) -> None:
    pages = [[Block(72, 770, ["page"])] for _ in range(MAX_PDF_PAGES + 1)]
    assert read(reader, "book.pdf", pdf(pages)) is Unreadable.TOO_MANY_PAGES


# -- DOCX and ODT ----------------------------------------------------------------------------------


def test_a_docx_reads_header_body_table_list_text_box_and_footer_in_order(reader: DocumentReader) -> None:
    body = (
        w_paragraph("Петров Пётр, Python-разработчик", style="Title")
        + w_paragraph("Навыки:")
        + w_paragraph("FastAPI и PostgreSQL", listed=True)
        + w_paragraph("Docker", listed=True)
        + w_table([["2019–2024", "ООО «Ромашка»", "Backend"], ["2015–2019", "Яндекс", "Стажёр"]])
        + w_text_box("Портфолио: github.com/petrov")
    )
    document = docx(body, header="Тел. +7 900 123-45-67", footer="petrov@example.com")
    assert read(reader, "petrov_cv.docx", document) == (
        "Тел. +7 900 123-45-67\n\n"
        "Петров Пётр, Python-разработчик\nНавыки:\n• FastAPI и PostgreSQL\n• Docker\n"
        "2019–2024 | ООО «Ромашка» | Backend\n2015–2019 | Яндекс | Стажёр\n"
        "Портфолио: github.com/petrov\n\n"  # once: Word's VML fallback copy is not read again
        "petrov@example.com"
    )


def test_an_english_table_cv_in_docx_keeps_rows_together(reader: DocumentReader) -> None:
    rows = [["Skill", "Years"], ["Python", "7"], ["Kubernetes", "3"]]
    text = read(reader, "table.docx", docx(w_paragraph("Jane Doe") + w_table(rows)))
    assert text == "Jane Doe\nSkill | Years\nPython | 7\nKubernetes | 3"


def test_an_odt_reads_header_headings_spaces_lists_and_tables(reader: DocumentReader) -> None:
    body = (
        "<text:h>Сидоров Олег</text:h>"
        '<text:p>Опыт<text:s text:c="3"/>10 лет, <text:span>Go и Python</text:span></text:p>'
        "<text:list><text:list-item><text:p>Kafka</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>2020–2024</text:p></table:table-cell>"
        "<table:table-cell><text:p>Авито</text:p></table:table-cell></table:table-row></table:table>"
    )
    assert read(reader, "sidorov.odt", odt(body, header="sidorov@example.com")) == (
        "sidorov@example.com\n\nСидоров Олег\nОпыт   10 лет, Go и Python\n• Kafka\n2020–2024 | Авито"
    )


def test_a_zip_bomb_docx_is_refused_before_it_inflates(reader: DocumentReader) -> None:
    bomb = zip_bomb_docx(48 * 1024 * 1024)  # ~1000:1, so it is tiny here
    assert len(bomb) < 200_000
    assert read(reader, "bomb.docx", bomb) is Unreadable.TOO_LARGE


def test_a_docx_part_over_the_size_limit_is_refused_whatever_its_ratio(reader: DocumentReader) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * MAX_XML_PART_BYTES + b"</w:document>")
    assert read(reader, "huge.docx", out.getvalue()) is Unreadable.TOO_LARGE


def test_a_billion_laughs_docx_is_refused_as_unsafe(reader: DocumentReader) -> None:
    assert read(reader, "laughs.docx", billion_laughs_docx()) is Unreadable.UNSAFE


def test_a_damaged_docx_is_unreadable_not_a_crash(reader: DocumentReader) -> None:
    broken = docx("", document_xml=b"<w:document><w:body><w:p>unclosed")
    assert read(reader, "broken.docx", broken) is Unreadable.DAMAGED


# -- RTF and plain text ----------------------------------------------------------------------------


def test_a_russian_rtf_in_windows_1251_reads(reader: DocumentReader) -> None:
    text = read(reader, "kuznetsov.rtf", rtf_cp1251("Кузнецов Алексей", "Опыт работы: 6 лет, Java"))
    assert text == "Кузнецов Алексей\nОпыт работы: 6 лет, Java"


RUSSIAN_CV = "Смирнова Анна\nАналитик данных: SQL, Python, Power BI, 4 года опыта.\nЯзыки: английский B2."


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-8", "utf-8-sig", "utf-16"])
def test_plain_text_is_decoded_from_its_encoding(reader: DocumentReader, encoding: str) -> None:
    assert read(reader, "smirnova.txt", RUSSIAN_CV.encode(encoding)) == RUSSIAN_CV


def test_a_hostile_rtf_is_stopped_at_the_time_limit_and_the_next_document_reads() -> None:
    with DocumentReader(time_limit=1.0) as reader:
        assert read(reader, "slow.rtf", hostile_rtf(20_000)) is Unreadable.TOO_SLOW
        assert read(reader, "next.txt", b"Next CV: Python") == "Next CV: Python"


# -- formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (simple_pdf("x"), DocumentFormat.PDF),
        (docx(w_paragraph("x")), DocumentFormat.DOCX),
        (odt("<text:p>x</text:p>"), DocumentFormat.ODT),
        (rtf_cp1251("x"), DocumentFormat.RTF),
        (RUSSIAN_CV.encode("cp1251"), DocumentFormat.TEXT),
        (RUSSIAN_CV.encode("utf-16"), DocumentFormat.TEXT),
    ],
)
def test_the_format_comes_from_the_bytes(data: bytes, expected: DocumentFormat) -> None:
    assert sniff(data) is expected
    assert check_document("no-extension", data) is expected  # a filename without one is judged by bytes


def test_an_extension_that_contradicts_the_bytes_is_refused() -> None:
    with pytest.raises(DocumentFormatError, match=r"a PDF document but the filename ends in \.docx"):
        check_document("cv.docx", simple_pdf("x"))
    with pytest.raises(DocumentFormatError, match=r"plain text document but the filename ends in \.pdf"):
        check_document("cv.pdf", b"just text")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "legacy Office"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        (bytes(range(256)) * 4, "not a format we read"),
    ],
)
def test_unsupported_formats_are_named_with_the_supported_list(data: bytes, what: str) -> None:
    with pytest.raises(DocumentFormatError, match=what) as refused:
        check_document("cv", data)
    assert "PDF (.pdf), DOCX (.docx), ODT (.odt), RTF (.rtf)" in str(refused.value)


def test_an_office_archive_other_than_word_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocumentFormatError, match="other than Word"):
        check_document("table.xlsx", out.getvalue())
