"""The worker's side of documents: a request with documents in, the same request with their text out.

`run_with_documents` is what the worker calls for every task: a request without documents goes to its
task untouched; otherwise each document is read (in the child process of `isolation`) and the task sees
text only, exactly as if the client had sent it. A resume that could not be read is never shown to an
engine: a ranking lists it with score 0, the reason in the vacancy's language and the flag `unreadable`;
the vacancy store keeps it with its format, the reason and no text. A vacancy that cannot be read fails
the job (`unreadable_vacancy`). The bytes live only in the request, which the worker drops with the job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ai_interviewer.documents.formats import DocumentFormatError, check_document, decode_base64
from ai_interviewer.documents.isolation import DocumentReader
from ai_interviewer.documents.outcome import DocumentInfo, Unreadable, reason_text, unreadable_summary
from ai_interviewer.errors import FailureCode, PermanentError
from ai_interviewer.language import Language, detect_language
from ai_interviewer.models.requests import (
    AddVacancyWithCandidatesRequest,
    RankResumesRequest,
    ResumeIn,
    TaskRequest,
)
from ai_interviewer.models.results import RankedResume, RankResumesResult
from ai_interviewer.review import review_of
from ai_interviewer.scoring import rank_order
from ai_interviewer.tasks.outcome import TaskOutcome

if TYPE_CHECKING:
    from ai_interviewer.tasks.spec import TaskFunction
    from ai_interviewer.wiring import Services

UNREADABLE_VACANCY = FailureCode.UNREADABLE_VACANCY


def has_documents(request: TaskRequest) -> bool:
    vacancy_file = getattr(request, "vacancy_file", None)
    return vacancy_file is not None or any(r.content_base64 is not None for r in request.resume_list())


def run_with_documents(
    task_function: TaskFunction, request: TaskRequest, job_id: str, services: Services
) -> TaskOutcome:
    """Run `task_function` on the request's text; see the module's docstring."""
    if not has_documents(request):
        return task_function(request, job_id, services)
    request = extract_request(request, services.settings.max_text_chars)
    if not isinstance(request, RankResumesRequest):
        return task_function(request, job_id, services)
    readable: list[ResumeIn] = []
    unreadable: list[ResumeIn] = []
    for resume in request.resumes:
        is_unreadable = resume.document is not None and resume.document.unreadable is not None
        (unreadable if is_unreadable else readable).append(resume)
    if not unreadable:
        return task_function(request, job_id, services)
    language = detect_language(request.vacancy_text)
    unread = [unreadable_result(r, language) for r in unreadable]
    if readable:
        outcome = task_function(request.model_copy(update={"resumes": readable}), job_id, services)
    else:
        # Nothing for an engine to judge: no engine ran, so none is named.
        outcome = TaskOutcome(
            result=RankResumesResult(results=[]).model_dump(mode="json"),
            engine=None,
            model=None,
            prompt_version=None,
            usage=None,
        )
    # The task's results stay as it wrote them, in its order (a shortlist's two stages are not one score
    # order); the unread, scored 0, follow.
    results = [
        *outcome.result["results"],
        *(r.model_dump(mode="json", exclude_none=True) for r in rank_order(unread)),
    ]
    return outcome._replace(result={**outcome.result, "results": results})


def unreadable_result(resume: ResumeIn, language: Language) -> RankedResume:
    assert resume.document is not None and resume.document.unreadable is not None
    return RankedResume(
        filename=resume.filename,
        score=0,
        summary=unreadable_summary(resume.document.unreadable, language),
        pros=[],
        cons=[reason_text(resume.document.unreadable, language)],
        flags=["unreadable"],
        review=review_of({}, {}, ["unreadable"]),
    )


def extract_request(request: TaskRequest, max_text_chars: int) -> TaskRequest:
    """`request` with each document replaced by its text (an unreadable resume gets empty text and
    `document.unreadable`); `PermanentError(unreadable_vacancy)` when the vacancy cannot be read."""
    with DocumentReader() as reader:

        def read(filename: str, encoded: str) -> tuple[str, DocumentInfo]:
            try:
                data = decode_base64(encoded)
                fmt = check_document(filename, data)
            except DocumentFormatError:  # acceptance checked it; a changed rule must not crash the job
                raise PermanentError("invalid_request", "a document is not in a supported format") from None
            answer = reader.read(fmt, data)
            if isinstance(answer, str) and len(answer) > max_text_chars:
                answer = Unreadable.TOO_LONG
            if isinstance(answer, Unreadable):
                return "", DocumentInfo(format=fmt, unreadable=answer)
            return answer, DocumentInfo(format=fmt)

        update: dict[str, Any] = {}
        vacancy: DocumentInfo | None = None
        vacancy_file = getattr(request, "vacancy_file", None)
        if vacancy_file is not None:
            text, vacancy = read(vacancy_file.filename, vacancy_file.content_base64)
            if vacancy.unreadable is not None:
                raise PermanentError(
                    UNREADABLE_VACANCY,
                    f"the vacancy document could not be read: {reason_text(vacancy.unreadable, Language.EN)}",
                )
            update["vacancy_file"] = None
            if isinstance(request, AddVacancyWithCandidatesRequest):
                update |= {"vacancy_filename": vacancy_file.filename, "vacancy_content": text}
            else:
                update["vacancy_text"] = text
        resumes = request.resume_list()
        if any(r.content_base64 is not None for r in resumes):
            update["resumes"] = [
                r if r.content_base64 is None else r.with_text(*read(r.filename, r.content_base64))
                for r in resumes
            ]
    return request.with_extracted(update, vacancy)
