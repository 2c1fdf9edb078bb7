"""The worker with documents: tasks see the extracted text; an unreadable resume is ranked 0 with the
flag `unreadable` and a reason in the vacancy's language; an unreadable vacancy fails the job with a
clear code; the vacancy stores keep each document's format and extracted text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ai_interviewer.documents.extraction import UNREADABLE_VACANCY, run_with_documents
from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.outcome import Unreadable
from ai_interviewer.errors import PermanentError, failure_message
from ai_interviewer.models.jobs import TaskMessage
from ai_interviewer.models.requests import AddVacancyWithCandidatesRequest, RankResumesRequest
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import task_spec
from ai_interviewer.wiring import build_services
from ai_interviewer.worker.processing import process_batch

from tests.conftest import AwsStack
from tests.document_files import Block, b64, docx, pdf, simple_pdf, w_paragraph, w_table
from tests.test_vacancy_store import Backend, backend, postgres_schema  # noqa: F401 - fixtures
from tests.test_worker import create_job, drain_notify, job, sqs_event

HOOK = "https://example.com/hook"
RU_VACANCY = "Ищем Python-разработчика: FastAPI, PostgreSQL, Docker, Kubernetes. Опыт от 3 лет."
SCAN = pdf([[Block(72, 770, ["x"])]], image_only=True)


def mixed_resumes() -> list[dict[str, Any]]:
    return [
        {"filename": "junior.txt", "content": "Junior: HTML и CSS, полгода опыта."},
        {
            "filename": "ivanov.pdf",
            "content_base64": b64(
                simple_pdf(
                    "Иванов Иван", "Python-разработчик, опыт 6 лет", "FastAPI, PostgreSQL, Docker, Kubernetes"
                )
            ),
        },
        {
            "filename": "petrov.docx",
            "content_base64": b64(
                docx(
                    w_paragraph("Петров Пётр")
                    + w_table([["Навыки", "Python, Django, PostgreSQL"], ["Опыт", "4 года"]])
                )
            ),
        },
        {"filename": "scan.pdf", "content_base64": b64(SCAN)},
    ]


def test_a_ranking_of_text_pdf_docx_and_a_scan_lists_every_resume_once(aws: AwsStack) -> None:
    request = RankResumesRequest.model_validate(
        {"webhook_url": HOOK, "vacancy_text": RU_VACANCY, "resumes": mixed_resumes()}
    )
    outcome = run_with_documents(
        task_spec(TaskName.RANK_RESUMES).run, request, "job-mixed", build_services(aws.settings())
    )
    results = {result["filename"]: result for result in outcome.result["results"]}
    assert sorted(results) == ["ivanov.pdf", "junior.txt", "petrov.docx", "scan.pdf"]
    assert len(outcome.result["results"]) == 4
    scan = results["scan.pdf"]
    assert scan["score"] == 0 and scan["flags"] == ["unreadable"]
    assert scan["summary"].startswith("Резюме не удалось прочитать: в документе нет текстового слоя")
    assert "criteria" not in scan
    assert outcome.result["results"][-1]["filename"] == "scan.pdf"
    # The engine read the documents: the PDF's evidence is quoted from inside it and wins.
    assert outcome.result["results"][0]["filename"] == "ivanov.pdf"
    evidence = " ".join(judged["reason"] for judged in results["ivanov.pdf"]["criteria"].values())
    assert "6 лет" in evidence or "Kubernetes" in evidence
    assert results["petrov.docx"]["score"] > results["junior.txt"]["score"]
    assert outcome.engine == "heuristic"


def test_an_english_vacancy_explains_an_unreadable_resume_in_english(aws: AwsStack) -> None:
    request = RankResumesRequest.model_validate(
        {
            "webhook_url": HOOK,
            "vacancy_text": "We are hiring a Python developer.",
            "resumes": [{"filename": "scan.pdf", "content_base64": b64(SCAN)}],
        }
    )
    outcome = run_with_documents(
        task_spec(TaskName.RANK_RESUMES).run, request, "job-en", build_services(aws.settings())
    )
    (only,) = outcome.result["results"]
    assert only["summary"].startswith("The resume could not be read: the document has no text layer")
    assert only["flags"] == ["unreadable"] and only["score"] == 0
    assert outcome.engine is None  # nothing was left for an engine to judge


def test_a_vacancy_file_is_read_for_the_ranking(aws: AwsStack) -> None:
    vacancy = {"filename": "vacancy.docx", "content_base64": b64(docx(w_paragraph(RU_VACANCY)))}
    request = RankResumesRequest.model_validate(
        {"webhook_url": HOOK, "vacancy_file": vacancy, "resumes": mixed_resumes()[:2]}
    )
    outcome = run_with_documents(
        task_spec(TaskName.RANK_RESUMES).run, request, "job-vf", build_services(aws.settings())
    )
    # Russian summaries: the language came from the document's text.
    assert all(any("а" <= ch <= "я" for ch in r["summary"].lower()) for r in outcome.result["results"])


def test_an_unreadable_vacancy_fails_the_job_with_a_clear_code_and_a_failure_webhook(aws: AwsStack) -> None:
    services = build_services(aws.settings())
    create_job(services, "job-badvac", TaskName.RANK_RESUMES)
    request = {
        "webhook_url": HOOK,
        "vacancy_file": {"filename": "vacancy.pdf", "content_base64": b64(SCAN)},
        "resumes": [{"filename": "a.txt", "content": "Python"}],
    }
    message = TaskMessage(job_id="job-badvac", task=TaskName.RANK_RESUMES, request=request)
    assert process_batch(TaskName.RANK_RESUMES, sqs_event([("m-1", message)]), services) == {
        "batchItemFailures": []
    }
    failed = job(services, "job-badvac")
    assert failed.status.value == "failed"
    assert failed.error is not None and failed.error.code == UNREADABLE_VACANCY
    # The fixed, text-free message of its code (README: "Failure codes").
    assert failed.error.message == failure_message(UNREADABLE_VACANCY)
    assert [body["job_id"] for body in drain_notify(aws)] == ["job-badvac"]


def test_an_unreadable_vacancy_raises_a_permanent_error(aws: AwsStack) -> None:
    request = AddVacancyWithCandidatesRequest.model_validate(
        {
            "webhook_url": HOOK,
            "vacancy_file": {"filename": "v.docx", "content_base64": b64(docx("", document_xml=b"<broken"))},
            "resumes": [{"filename": "a.txt", "content": "Python"}],
        }
    )
    with pytest.raises(PermanentError) as failed:
        run_with_documents(
            task_spec(TaskName.ADD_VACANCY_WITH_CANDIDATES).run, request, "j", build_services(aws.settings())
        )
    assert failed.value.code == UNREADABLE_VACANCY
    assert (
        failed.value.message
        == "the vacancy document could not be read: the document is damaged and could not be read"
    )


def test_the_vacancy_store_keeps_each_documents_format_and_text(backend: Backend) -> None:  # noqa: F811
    request = AddVacancyWithCandidatesRequest.model_validate(
        {
            "webhook_url": HOOK,
            "vacancy_file": {"filename": "backend.pdf", "content_base64": b64(simple_pdf(RU_VACANCY))},
            "resumes": mixed_resumes(),
        }
    )
    services = build_services(backend.settings)
    outcome = run_with_documents(
        task_spec(TaskName.ADD_VACANCY_WITH_CANDIDATES).run, request, "job-store", services
    )
    stored = services.vacancies.get_vacancy(outcome.result["vacancy_id"])
    assert stored is not None
    assert (stored.filename, stored.format, stored.content) == ("backend.pdf", DocumentFormat.PDF, RU_VACANCY)
    kept = [(c.filename, c.format, c.unreadable, c.content.splitlines()[:1]) for c in stored.candidates]
    assert kept == [
        ("junior.txt", None, None, ["Junior: HTML и CSS, полгода опыта."]),
        ("ivanov.pdf", DocumentFormat.PDF, None, ["Иванов Иван"]),
        ("petrov.docx", DocumentFormat.DOCX, None, ["Петров Пётр"]),
        ("scan.pdf", DocumentFormat.PDF, Unreadable.NO_TEXT, []),
    ]
    assert "Навыки | Python, Django, PostgreSQL" in stored.candidates[2].content
    # The job's record and the webhook carry no document bytes.
    assert b64(SCAN)[:40] not in json.dumps(outcome.result)
