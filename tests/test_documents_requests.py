"""Acceptance of documents: `content_base64` and `vacancy_file` validated by the api (base64, format from
the bytes, extension), exactly one way to send each text; nothing in the api reads a document."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from ai_interviewer.api.acceptance import validate_request
from ai_interviewer.errors import ApiError
from ai_interviewer.models.requests import AddVacancyWithCandidatesRequest, RankResumesRequest
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings

from tests.document_files import b64, docx, simple_pdf, w_paragraph

HOOK = "https://example.com/hook"
SETTINGS = Settings()


def refusal(task: TaskName, body: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ApiError) as refused:
        validate_request(task, body, SETTINGS)
    assert refused.value.status == 422
    return refused.value.details or []


def rank_body(*resumes: dict[str, Any], **vacancy: Any) -> dict[str, Any]:
    return {"webhook_url": HOOK, **(vacancy or {"vacancy_text": "Python"}), "resumes": list(resumes)}


def test_a_resume_may_come_as_a_document_and_its_base64_survives_the_queue() -> None:
    pdf = b64(simple_pdf("Иванов, Python"))
    request = validate_request(
        TaskName.RANK_RESUMES,
        rank_body({"filename": "ivanov.pdf", "content_base64": pdf}, {"filename": "b.txt", "content": "Go"}),
        SETTINGS,
    )
    assert isinstance(request, RankResumesRequest)
    assert request.resumes[0].content is None and request.resumes[0].content_base64 == pdf
    # What the api queues parses again in the worker (None fields are dropped, not sent as null).
    queued = request.model_dump(mode="json", exclude_none=True)
    assert queued["resumes"][0] == {"filename": "ivanov.pdf", "content_base64": pdf}
    assert RankResumesRequest.model_validate(queued).resumes[0].content_base64 == pdf


@pytest.mark.parametrize(
    "resume",
    [
        {"filename": "a.pdf"},
        {"filename": "a.pdf", "content": "text", "content_base64": b64(simple_pdf("x"))},
    ],
)
def test_a_resume_needs_exactly_one_of_content_and_content_base64(resume: dict[str, Any]) -> None:
    (detail,) = refusal(TaskName.RANK_RESUMES, rank_body(resume))
    if "content" in resume:
        assert detail["loc"] == ["resumes", 0, "content_base64"]
        assert detail["msg"] == "give exactly one of content and content_base64"
    else:
        assert (detail["loc"], detail["type"]) == (["resumes", 0, "content"], "missing")
        assert "content_base64" in detail["msg"]


@pytest.mark.parametrize(
    ("filename", "encoded", "message"),
    [
        ("cv.pdf", "not base64!", "not valid base64"),
        ("cv.pdf", "", "is empty"),
        ("cv.docx", b64(simple_pdf("x")), "is a PDF document but the filename ends in .docx"),
        ("cv.doc", b64(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "legacy Office document"),
        ("cv.jpg", b64(b"\xff\xd8\xff\xe0" + bytes(600)), "JPEG image"),
    ],
)
def test_a_bad_document_is_refused_with_its_field_path_and_no_content(
    filename: str, encoded: str, message: str
) -> None:
    details = refusal(TaskName.RANK_RESUMES, rank_body({"filename": filename, "content_base64": encoded}))
    assert details[0]["loc"] == ["resumes", 0, "content_base64"]
    assert message in details[0]["msg"]
    assert "input" not in details[0]


def test_base64_wrapped_by_a_mime_encoder_is_accepted() -> None:
    encoded = b64(docx(w_paragraph("Jane Doe, Python")))
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    validate_request(
        TaskName.RANK_RESUMES, rank_body({"filename": "jane.docx", "content_base64": wrapped}), SETTINGS
    )


def test_the_ranking_vacancy_is_text_or_a_file_never_both_nor_neither() -> None:
    resume = {"filename": "a.txt", "content": "Python"}
    vacancy_file = {"filename": "vacancy.docx", "content_base64": b64(docx(w_paragraph("Ищем Python")))}
    accepted = validate_request(TaskName.RANK_RESUMES, rank_body(resume, vacancy_file=vacancy_file), SETTINGS)
    assert isinstance(accepted, RankResumesRequest) and accepted.vacancy_text is None
    both = rank_body(resume, vacancy_text="Python", vacancy_file=vacancy_file)
    assert refusal(TaskName.RANK_RESUMES, both) == [
        {
            "loc": ["vacancy_file"],
            "msg": "give exactly one of vacancy_text and vacancy_file",
            "type": "value_error",
        }
    ]
    neither = {"webhook_url": HOOK, "resumes": [resume]}
    assert [(d["loc"], d["type"]) for d in refusal(TaskName.RANK_RESUMES, neither)] == [
        (["vacancy_text"], "missing")
    ]


def test_a_stored_vacancy_comes_as_filename_and_content_or_as_a_file() -> None:
    resumes = [{"filename": "a.pdf", "content_base64": b64(simple_pdf("Python"))}]
    vacancy_file = {"filename": "backend.pdf", "content_base64": b64(simple_pdf("Ищем backend"))}
    task = TaskName.ADD_VACANCY_WITH_CANDIDATES
    accepted = validate_request(
        task, {"webhook_url": HOOK, "vacancy_file": vacancy_file, "resumes": resumes}, SETTINGS
    )
    assert isinstance(accepted, AddVacancyWithCandidatesRequest) and accepted.vacancy_content is None
    mixed = {
        "webhook_url": HOOK,
        "vacancy_filename": "v.txt",
        "vacancy_file": vacancy_file,
        "resumes": resumes,
    }
    assert [(d["loc"], "not both" in d["msg"]) for d in refusal(task, mixed)] == [(["vacancy_file"], True)]
    half = {"webhook_url": HOOK, "vacancy_filename": "v.txt", "resumes": resumes}
    assert [(d["loc"], d["type"]) for d in refusal(task, half)] == [(["vacancy_content"], "missing")]
    wrong = {"webhook_url": HOOK, "vacancy_file": {**vacancy_file, "filename": "v.rtf"}, "resumes": resumes}
    assert refusal(task, wrong)[0]["loc"] == ["vacancy_file", "content_base64"]


@pytest.mark.parametrize("module", ["ai_interviewer.api.handler", "ai_interviewer.worker.processing"])
def test_neither_the_api_nor_the_worker_loads_a_document_library(module: str) -> None:
    # The api validates documents with the stdlib; the readers' libraries load only in the reading child.
    libraries = ("pypdf", "striprtf", "defusedxml", "charset_normalizer")
    probe = f"import sys, {module}; print(sorted(m for m in {libraries!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603
    assert loaded.stdout.strip() == "[]"
