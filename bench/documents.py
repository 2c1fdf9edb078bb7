"""Documents: extraction time per page and per MB for each format, the reading child's start-up, the
refusal time of hostile documents, and the peak memory of the worst documents the limits allow.

    uv run python bench/documents.py [--runs 3]

Every document is built by tests/document_files.py and read through the worker's own path
(`DocumentReader`: a `python -m` child per job). Times are medians of --runs reads in a warm child (the
format's library already imported); `start-up` is the first read of a fresh child, imports included.
Peak memory is the child's VmHWM (its own, not inherited), sampled while it reads one document in a
fresh child; a document stopped at the time limit shows the peak it had reached. The
largest document the api lets through is 3/4 of the body limit (base64), 3.75 MiB at the 5 MiB default.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from ai_interviewer.documents.formats import check_document
from ai_interviewer.documents.isolation import DocumentReader
from ai_interviewer.documents.limits import MAX_PDF_PAGES, MAX_XML_PART_BYTES
from ai_interviewer.documents.outcome import Unreadable
from ai_interviewer.settings import DEFAULT_MAX_BODY_BYTES
from harness import ROOT, machine_line, print_table

MAX_DOCUMENT_BYTES = DEFAULT_MAX_BODY_BYTES * 3 // 4
WORDS_EN = [
    "python",
    "developer",
    "experience",
    "postgresql",
    "fastapi",
    "docker",
    "team",
    "backend",
    "years",
]
WORDS_RU = ["опыт", "разработка", "команда", "проект", "система", "данные", "сервис", "лет", "навыки"]


def document_files() -> ModuleType:
    """tests/document_files.py, loaded from its file (bench/ is on the path, not the project root)."""
    name = "tests.document_files"
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "document_files.py")
    if spec is None or spec.loader is None:
        raise ImportError("tests/document_files.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS_RU if rng.random() < 0.5 else WORDS_EN) for _ in range(count))


class PeakSampler:
    """Samples the reading child's VmHWM while a read runs (the child may be killed at its limit, and
    its high-water mark goes with it)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self._stop.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kib = max(self.peak_kib, int(line.split()[1]))
            except OSError:
                return  # the child is gone
            self._stop.wait(0.02)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed_read(reader: DocumentReader, filename: str, data: bytes) -> tuple[float, str | Unreadable]:
    fmt = check_document(filename, data)
    started = time.perf_counter()
    answer = reader.read(fmt, data)
    return time.perf_counter() - started, answer


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = document_files()
    rng = random.Random(18)

    def pdf_pages(pages: int) -> bytes:
        # 46 lines of ~90 characters a page: a dense CV page.
        return files.pdf([[files.Block(40, 800, [words(rng, 12) for _ in range(46)])] for _ in range(pages)])

    def docx_bytes(paragraphs: int) -> bytes:
        body = "".join(files.w_paragraph(words(rng, 14)) for _ in range(paragraphs))
        return files.docx(body, header="header", footer="footer")

    def odt_bytes(paragraphs: int) -> bytes:
        return files.odt("".join(f"<text:p>{words(rng, 14)}</text:p>" for _ in range(paragraphs)))

    def rtf_bytes(paragraphs: int) -> bytes:
        return files.rtf_cp1251(*(words(rng, 14) for _ in range(paragraphs)))

    def text_bytes(paragraphs: int) -> bytes:
        return "\n".join(words(rng, 14) for _ in range(paragraphs)).encode("cp1251")

    cases: list[tuple[str, str, Callable[[], bytes], int]] = [
        ("PDF, 1 page", "cv.pdf", lambda: pdf_pages(1), 1),
        ("PDF, 10 pages", "cv.pdf", lambda: pdf_pages(10), 10),
        (
            f"PDF, {MAX_PDF_PAGES} pages (the limit)",
            "cv.pdf",
            lambda: pdf_pages(MAX_PDF_PAGES),
            MAX_PDF_PAGES,
        ),
        ("DOCX, 200 paragraphs", "cv.docx", lambda: docx_bytes(200), 0),
        ("DOCX, 20 000 paragraphs", "cv.docx", lambda: docx_bytes(20_000), 0),
        ("ODT, 20 000 paragraphs", "cv.odt", lambda: odt_bytes(20_000), 0),
        ("RTF (Windows-1251), 2 000 paragraphs", "cv.rtf", lambda: rtf_bytes(2_000), 0),
        ("text (Windows-1251), 20 000 paragraphs", "cv.txt", lambda: text_bytes(20_000), 0),
    ]
    rows = []
    for label, filename, build, pages in cases:
        data = build()
        with DocumentReader() as reader:
            startup, answer = timed_read(reader, filename, data)
            times = [timed_read(reader, filename, data)[0] for _ in range(args.runs)]
        median = statistics.median(times)
        mib = len(data) / 1024 / 1024
        chars = answer.value if isinstance(answer, Unreadable) else len(answer)
        per_page = f"{1000 * median / pages:.1f}" if pages else "-"
        rows.append(
            [label, f"{mib:.2f}", chars, f"{1000 * median:.0f}", per_page, f"{1000 * median / mib:.0f}",
             f"{1000 * startup:.0f}"]
        )  # fmt: skip
    print(machine_line())
    print_table(
        f"Extraction in a warm reading child, median of {args.runs} (ms)",
        ["document", "MiB", "chars out", "read ms", "ms / page", "ms / MiB", "start-up + read ms"],
        rows,
    )

    hostile = [
        ("zip bomb DOCX (48 MiB inflated, ~1000:1)", "bomb.docx", files.zip_bomb_docx(48 * 1024 * 1024)),
        ("billion laughs DOCX", "laughs.docx", files.billion_laughs_docx()),
        ("password-protected PDF", "locked.pdf", files.encrypted_pdf(files.simple_pdf("x"), "pw")),
        ("image-only PDF", "scan.pdf", files.pdf([[files.Block(0, 0, ["x"])]], image_only=True)),
        ("crafted slow RTF (striprtf quadratic case)", "slow.rtf", files.hostile_rtf(20_000)),
    ]
    rows = []
    with DocumentReader() as reader:
        timed_read(reader, "warm.docx", files.docx(files.w_paragraph("warm")))
        timed_read(reader, "warm.pdf", files.simple_pdf("warm"))
        for label, filename, data in hostile:
            seconds, answer = timed_read(reader, filename, data)
            rows.append([label, f"{len(data) / 1024:.0f}", str(answer), f"{1000 * seconds:.0f}"])
    print_table("Hostile documents (warm child; the slow RTF runs into the time limit)",
                ["document", "KiB", "outcome", "ms"], rows)  # fmt: skip

    # The worst the limits allow: the largest body's worth of dense text, and the largest XML part at a
    # ratio just under the bomb limit.
    budget_paragraphs = 1
    while len(docx_bytes(budget_paragraphs * 2)) < MAX_DOCUMENT_BYTES:
        budget_paragraphs *= 2
    part_limit_docx = files.docx(_near_limit_body(files, rng))
    worst = [
        (f"PDF, {MAX_PDF_PAGES} dense pages", "cv.pdf", pdf_pages(MAX_PDF_PAGES)),
        (
            "DOCX of dense text, the largest power of two under the body limit",
            "cv.docx",
            docx_bytes(budget_paragraphs),
        ),
        ("DOCX with its body part near the 32 MiB limit", "cv.docx", part_limit_docx),
        ("text (Windows-1251) filling the body limit", "cv.txt", text_bytes(MAX_DOCUMENT_BYTES // 100)),
        ("RTF filling the body limit", "cv.rtf", rtf_bytes(MAX_DOCUMENT_BYTES // 600)),
    ]
    rows = []
    for label, filename, data in worst:
        with DocumentReader() as reader:
            timed_read(reader, "warm.txt", b"warm")  # starts the child
            child = reader._child  # the bench looks inside on purpose: the child's own high-water mark
            assert child is not None
            with PeakSampler(child.pid) as sampler:
                seconds, answer = timed_read(reader, filename, data)
        # Unreadable is a StrEnum, so it is checked first.
        outcome = answer.value if isinstance(answer, Unreadable) else f"{len(answer)} chars"
        rows.append(
            [
                label,
                f"{len(data) / 1024 / 1024:.2f}",
                outcome,
                f"{seconds:.2f}",
                f"{sampler.peak_kib / 1024:.0f}",
            ]
        )
    print_table(
        "Worst allowed documents: one per fresh child, its peak RSS (VmHWM, MiB)",
        ["document", "MiB", "outcome", "read s", "child peak MiB"],
        rows,
    )


def _near_limit_body(files: ModuleType, rng: random.Random) -> str:
    """Paragraphs that inflate to just under MAX_XML_PART_BYTES, numbered so they compress below the
    bomb ratio (a hundred-odd to one), as a generated report with repeated boilerplate would."""
    parts: list[str] = []
    size = 0
    while size < MAX_XML_PART_BYTES - 65536:
        paragraph = files.w_paragraph(f"{rng.randrange(10**6):06d} Python FastAPI PostgreSQL Docker " * 3)
        parts.append(paragraph)
        size += len(paragraph.encode())
    return "".join(parts)


if __name__ == "__main__":
    main()
