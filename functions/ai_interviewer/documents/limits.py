"""Bounds on what a document may cost to read. A document past one of them is unreadable (a resume) or
fails the job (a vacancy); none of them is reached by an ordinary CV or vacancy."""

from __future__ import annotations

# PDF: a resume or a vacancy is a few pages; a 50-page limit also bounds the time a PDF can take.
MAX_PDF_PAGES = 50

# DOCX and ODT are ZIP archives: checked from the central directory before anything is decompressed.
MAX_ZIP_ENTRIES = 2_000
# What the text parts (body, headers, footers) may inflate to, each and together.
MAX_XML_PART_BYTES = 32 * 1024 * 1024
MAX_XML_TOTAL_BYTES = 64 * 1024 * 1024
# Office XML compresses 5-30x; a zip bomb, a thousand times and more.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

# Every document is read in a child process that is stopped after this long and may use this much
# address space; a document that needs more is unreadable. Both sit far above what real CVs need (see
# bench/documents.py: a dense 50-page PDF takes 3.5 s warm on a loaded 2-core machine, 14 s under heavy
# load, and a 512 MB Lambda has a third of a core) and below what would endanger a 512 MB worker.
DOCUMENT_TIME_LIMIT_SECONDS = 30.0
DOCUMENT_MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
