"""Real documents built byte by byte for the tests and the bench: PDF (text through a ToUnicode map, as
producers write Cyrillic; image-only; encrypted), DOCX (body, table, list, text box, header, footer),
ODT, RTF, legacy-encoded text, and the hostile ones (zip bombs, billion laughs)."""
# ruff: noqa: E501 - the formats' XML boilerplate reads best one element a line

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# -- PDF -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Lines of text starting at (x, y) on the page, 14 points apart; written in this order."""

    x: float
    y: float
    lines: Sequence[str]


def pdf(pages: Sequence[Sequence[Block]], *, image_only: bool = False) -> bytes:
    """A PDF whose font is not embedded and whose glyph codes are arbitrary CIDs: only the font's
    ToUnicode map says which character each code is, as in most PDFs with Cyrillic text."""
    chars = sorted({ch for page in pages for block in page for line in block.lines for ch in line})
    cid = {ch: index + 1 for index, ch in enumerate(chars)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(dictionary: str, data: bytes) -> bytes:
        return f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # filled in below, once the page tree's number is known
    pages_id = add(b"")
    cmap_entries = [f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars]
    chunks = [cmap_entries[i : i + 100] for i in range(0, len(cmap_entries), 100)]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
        + "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    to_unicode = add(stream("", cmap.encode()))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /CVSans /Flags 32 /FontBBox [0 -200 1000 900]"
        b" /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /CVSans /CIDSystemInfo << /Registry (Adobe)"
        f" /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 500 >>".encode()
    )
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /CVSans /Encoding /Identity-H"
        f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    image = add(stream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
                       " /BitsPerComponent 8", bytes(range(0, 256, 4))))  # fmt: skip
    page_ids = []
    for page in pages:
        if image_only:
            content = b"q 400 0 0 500 100 200 cm /Im1 Do Q"
        else:
            parts = []
            for block in page:
                parts.append(f"BT /F1 11 Tf 14 TL 1 0 0 1 {block.x} {block.y} Tm")
                for line in block.lines:
                    parts.append("<" + "".join(f"{cid[ch]:04X}" for ch in line) + "> Tj T*")
                parts.append("ET")
            content = "\n".join(parts).encode()
        contents = add(stream("", content))
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R"
                f" /Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> >>".encode()
            )
        )
    kids = " ".join(f"{page} 0 R" for page in page_ids)
    objects[pages_id - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def simple_pdf(*paragraphs: str) -> bytes:
    """One page, one block, one line per paragraph."""
    return pdf([[Block(72, 770, paragraphs)]])


def encrypted_pdf(source: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- DOCX ------------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"'
)


def w_paragraph(text: str, *, listed: bool = False, style: str | None = None) -> str:
    props = ""
    if listed or style:
        inner = f'<w:pStyle w:val="{style}"/>' if style else ""
        inner += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' if listed else ""
        props = f"<w:pPr>{inner}</w:pPr>"
    # Split into runs at the middle, as Word does whenever formatting or spell-checking changes.
    middle = len(text) // 2
    runs = "".join(
        f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>'
        for part in (text[:middle], text[middle:])
    )
    return f"<w:p>{props}{runs}</w:p>"  # fmt: skip


def w_table(rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{w_paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def w_text_box(text: str) -> str:
    """A text box as Word writes it: the DrawingML shape, and a VML copy for old readers."""
    inner = f"<w:txbxContent>{w_paragraph(text)}</w:txbxContent>"
    return (
        "<w:p><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )  # fmt: skip


def docx(body: str, *, header: str | None = None, footer: str | None = None, document_xml: bytes | None = None) -> bytes:  # fmt: skip
    """A DOCX with `body` (w_paragraph / w_table / w_text_box markup) and an optional header and footer."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'  # fmt: skip
        relations = []
        references = ""
        for kind, text in (("header", header), ("footer", footer)):
            if text is None:
                continue
            archive.writestr(
                f"word/{kind}1.xml", f"<w:{kind[:3]}r {NAMESPACES}>{w_paragraph(text)}</w:{kind[:3]}r>"
            )
            overrides += f'<Override PartName="/word/{kind}1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"/>'  # fmt: skip
            relations.append(f'<Relationship Id="r{kind}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{kind}1.xml"/>')  # fmt: skip
            references += f'<w:{kind}Reference w:type="default" r:id="r{kind}"/>'
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        )  # fmt: skip
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )  # fmt: skip
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(relations) + "</Relationships>",
        )  # fmt: skip
        document = (
            document_xml
            or (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}'
                f"<w:sectPr>{references}</w:sectPr></w:body></w:document>"
            ).encode()
        )
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def billion_laughs_docx() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document {NAMESPACES}><w:body>'
        "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx("", document_xml=document.encode())


def zip_bomb_docx(inflated_bytes: int) -> bytes:
    """A DOCX whose document.xml inflates to `inflated_bytes` of one repeated word (about 1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f"<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>".encode())
            chunk = b"lol " * (1 << 18)
            for _ in range(inflated_bytes // len(chunk)):
                part.write(chunk)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


# -- ODT -------------------------------------------------------------------------------------------

ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def odt(body: str, *, header: str | None = None) -> bytes:
    """An ODT with `body` as office:text markup and an optional page header."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            "</manifest:manifest>",
        )  # fmt: skip
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>",
        )
        master = (
            f'<style:master-page style:name="Standard"><style:header><text:p>{escape(header)}</text:p>'
            "</style:header></style:master-page>"
            if header
            else ""
        )
        archive.writestr(
            "styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NAMESPACES}>'
            f"<office:master-styles>{master}</office:master-styles></office:document-styles>",
        )
    return out.getvalue()


# -- RTF and text ----------------------------------------------------------------------------------


def rtf_cp1251(*paragraphs: str) -> bytes:
    """RTF as Word writes Russian: Windows-1251 bytes as \\'xx escapes, with a \\uN twin for the
    readers that know Unicode (\\uc1 skips the escape after it)."""

    def encode(text: str) -> str:
        out = []
        for ch in text:
            if ord(ch) < 128:
                out.append("\\" + ch if ch in "\\{}" else ch)
            else:
                out.append(f"\\u{ord(ch)}\\'{ch.encode('cp1251')[0]:02x}")
        return "".join(out)

    body = "".join(f"{encode(p)}\\par\n" for p in paragraphs)
    return (
        "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset204 Arial;}}"
        f"{{\\colortbl;\\red0\\green0\\blue0;}}\\uc1\\pard\\f0\\fs22 {body}}}"
    ).encode("ascii")


def hostile_rtf(fields: int) -> bytes:
    """Field openings on one line: striprtf's hyperlink pattern takes quadratic time on it."""
    return ("{\\rtf1 " + "{\\field{\\*\\fldinst{ x" * fields + "}").encode("ascii")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
