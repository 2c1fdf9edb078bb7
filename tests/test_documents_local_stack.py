"""Documents through `ai-interviewer local`: a ranking of text, PDF and DOCX resumes comes back with every
resume once and evidence quoted from inside the documents; a vacancy stored from a file keeps its format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.document_files import Block, b64, docx, pdf, simple_pdf, w_paragraph, w_table
from tests.e2e.test_local_stack import SECRET_TOKEN, call, local_stack, webhook_sink

pytestmark = pytest.mark.e2e

VACANCY = "Ищем Python-разработчика: FastAPI, PostgreSQL, Docker, Kubernetes. Опыт от 3 лет."


def test_a_ranking_of_text_pdf_and_docx_resumes_quotes_the_documents(tmp_path: Path) -> None:
    resumes = [
        {"filename": "cv_developer1.txt", "content": "Junior: HTML и CSS, полгода опыта."},
        {
            "filename": "cv_developer2.pdf",
            "content_base64": b64(
                pdf(
                    [
                        [
                            Block(40, 780, ["Иванов Иван", "Опыт работы: 6 лет"]),
                            Block(320, 780, ["Навыки", "FastAPI, Kubernetes, Docker"]),
                        ]
                    ]
                )
            ),
        },
        {
            "filename": "petrov_cv.docx",
            "content_base64": b64(
                docx(
                    w_paragraph("Петров Пётр")
                    + w_table([["Стек", "Django, PostgreSQL"], ["Опыт", "4 года"]]),
                    header="Тел. +7 900 000-00-00",
                )
            ),
        },
        {"filename": "scan.pdf", "content_base64": b64(pdf([[Block(0, 0, ["x"])]], image_only=True))},
    ]
    with webhook_sink() as sink, local_stack(tmp_path) as stack:
        api = f"{stack.url}/api/v1/webhook"
        mismatch = {"filename": "cv.docx", "content_base64": b64(simple_pdf("x"))}
        status, _, refused = call(
            f"{api}/rank-resumes",
            SECRET_TOKEN,
            {"webhook_url": f"{sink.url}/r", "vacancy_text": VACANCY, "resumes": [mismatch]},
        )
        assert status == 422
        assert refused["error"]["details"][0]["loc"] == ["resumes", 0, "content_base64"]

        body = {"webhook_url": f"{sink.url}/rank", "vacancy_text": VACANCY, "resumes": resumes}
        status, _, accepted = call(f"{api}/rank-resumes", SECRET_TOKEN, body)
        assert status == 202, accepted
        vacancy_file = {"filename": "backend.docx", "content_base64": b64(docx(w_paragraph(VACANCY)))}
        stored_body = {"webhook_url": f"{sink.url}/db", "vacancy_file": vacancy_file, "resumes": resumes[1:3]}
        status, _, stored_job = call(f"{api}/add-vacancy-with-candidates", SECRET_TOKEN, stored_body)
        assert status == 202, stored_job

        hooks = {hook.path: json.loads(hook.body) for hook in sink.collect(2)}
        ranking = hooks["/rank"]
        assert ranking["status"] == "succeeded", ranking
        results = ranking["results"]
        assert sorted(r["filename"] for r in results) == sorted(r["filename"] for r in resumes)
        by_name = {r["filename"]: r for r in results}
        assert results[0]["filename"] == "cv_developer2.pdf"
        quoted = json.dumps(by_name["cv_developer2.pdf"], ensure_ascii=False)
        assert "6 лет" in quoted or "Kubernetes" in quoted  # only the PDF says so
        assert "Django" in json.dumps(by_name["petrov_cv.docx"], ensure_ascii=False)  # from the DOCX's table
        assert by_name["scan.pdf"]["score"] == 0 and by_name["scan.pdf"]["flags"] == ["unreadable"]

        stored = hooks["/db"]
        assert stored["status"] == "succeeded", stored
        status, _, vacancy = call(f"{stack.url}/api/v1/vacancies/{stored['vacancy_id']}", SECRET_TOKEN)
        assert status == 200
        assert (vacancy["filename"], vacancy["format"], vacancy["content"]) == (
            "backend.docx",
            "docx",
            VACANCY,
        )
        assert [(c["filename"], c["format"]) for c in vacancy["candidates"]] == [
            ("cv_developer2.pdf", "pdf"),
            ("petrov_cv.docx", "docx"),
        ]
        assert vacancy["candidates"][1]["content"].startswith("Тел. +7 900 000-00-00\n\nПетров Пётр")
