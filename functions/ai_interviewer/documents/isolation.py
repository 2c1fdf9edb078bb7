"""Documents are read in a child process with a time and an address-space limit.

Parsers of hostile formats can be made slow or hungry in ways no up-front check foresees (striprtf's
hyperlink pattern is quadratic on a crafted line, a PDF content stream can be huge); a child that runs
past its time is killed, one that runs out of memory dies alone, and the worker carries on with the next
document. The child is a plain `python -m` process (not multiprocessing: Lambda has no /dev/shm, and
re-importing the runtime's main module would be wrong), started once per job that has documents.

Parent to child: a JSON header line `{"format", "size"}` and the bytes. Child to parent: a length-prefixed
JSON answer, `{"text"}` or `{"unreadable"}`; the parent trusts nothing else from it (no pickle). The
child's stdout is kept for answers and its stderr goes nowhere: a parser's error message may quote the
document.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import struct
import subprocess
import sys
import time
from types import TracebackType
from typing import IO

from ai_interviewer.deadline import DeadlineExceededError, remaining_seconds
from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.limits import DOCUMENT_MEMORY_LIMIT_BYTES, DOCUMENT_TIME_LIMIT_SECONDS
from ai_interviewer.documents.outcome import Unreadable

_LENGTH = struct.Struct(">I")
# Time to leave the job after a document, so the worker can still record and notify the outcome.
DEADLINE_RESERVE_SECONDS = 1.0


class DocumentReader:
    """Reads documents one at a time in a child process (started on first use, restarted after a kill).

    `read` returns the text or the reason it could not be had; it raises `DeadlineExceededError` when
    the job's deadline, not the document, ran out."""

    def __init__(
        self,
        *,
        time_limit: float = DOCUMENT_TIME_LIMIT_SECONDS,
        memory_limit: int = DOCUMENT_MEMORY_LIMIT_BYTES,
    ) -> None:
        self._time_limit = time_limit
        self._memory_limit = memory_limit
        self._child: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DocumentReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.stdin.close()  # type: ignore[union-attr]
        try:
            child.wait(timeout=1)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()

    def _kill(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self._child = subprocess.Popen(  # noqa: S603 - this interpreter, this module
                [sys.executable, "-m", __name__, str(self._memory_limit)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._child

    def read(self, fmt: DocumentFormat, data: bytes) -> str | Unreadable:
        budget = self._time_limit
        remaining = remaining_seconds()
        cut_by_deadline = remaining is not None and remaining - DEADLINE_RESERVE_SECONDS < budget
        if remaining is not None:
            budget = min(budget, remaining - DEADLINE_RESERVE_SECONDS)
            if budget <= 0:
                raise DeadlineExceededError("the job's time ran out before its documents were read")
        child = self._start()
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(json.dumps({"format": fmt.value, "size": len(data)}).encode() + b"\n")
            child.stdin.write(data)
            child.stdin.flush()
            answer = _read_answer(child.stdout, time.monotonic() + budget)
        except TimeoutError:
            self._kill()
            if cut_by_deadline:
                raise DeadlineExceededError("the job's time ran out while a document was read") from None
            return Unreadable.TOO_SLOW
        except (OSError, EOFError, ValueError):
            # The child died: killed by its address-space limit, or a parser crashed the interpreter.
            self._kill()
            return Unreadable.TOO_LARGE
        if "text" in answer and isinstance(answer["text"], str):
            return answer["text"]
        try:
            return Unreadable(str(answer.get("unreadable")))
        except ValueError:
            return Unreadable.DAMAGED


def _read_answer(stream: IO[bytes], deadline: float) -> dict[str, object]:
    header = _read_exact(stream, _LENGTH.size, deadline)
    (length,) = _LENGTH.unpack(header)
    answer = json.loads(_read_exact(stream, length, deadline))
    if not isinstance(answer, dict):
        raise ValueError("the reading child answered something other than an object")
    return answer


def _read_exact(stream: IO[bytes], count: int, deadline: float) -> bytes:
    fd = stream.fileno()
    chunks: list[bytes] = []
    while count > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            raise EOFError("the reading child closed its output")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


# -- the child ---------------------------------------------------------------------------------------


def _serve(memory_limit: int) -> None:
    import logging  # noqa: PLC0415 - the child's own set-up
    import resource  # noqa: PLC0415
    import warnings  # noqa: PLC0415

    from ai_interviewer.documents.readers import UnreadableDocument, read_document  # noqa: PLC0415

    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    logging.disable(logging.CRITICAL)  # pypdf logs about broken files; nothing from here is wanted
    warnings.simplefilter("ignore")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # a stray print() cannot corrupt the answers
    requests = sys.stdin.buffer
    while header := requests.readline():
        request = json.loads(header)
        data = requests.read(int(request["size"]))
        try:
            answer: dict[str, str] = {"text": read_document(DocumentFormat(request["format"]), data)}
        except UnreadableDocument as unreadable:
            answer = {"unreadable": unreadable.reason.value}
        except MemoryError:
            answer = {"unreadable": Unreadable.TOO_LARGE.value}
        del data
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8", "surrogatepass")
        answers.write(_LENGTH.pack(len(body)) + body)
        answers.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
