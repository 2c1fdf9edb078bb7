"""The audit record through `ai-interviewer local` over real HTTP: the local stack writes it to its
emulated Object Lock bucket when the job ends, and the route serves it with the token only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.document_files import b64, docx, simple_pdf, w_paragraph
from tests.e2e.test_local_stack import SECRET_TOKEN, call, local_stack, webhook_sink

pytestmark = pytest.mark.e2e

VACANCY = "Ищем Python-разработчика: FastAPI, PostgreSQL, Docker. Опыт от 3 лет."


def test_the_local_stack_records_each_job_with_document_digests_and_serves_it(tmp_path: Path) -> None:
    pdf_bytes = simple_pdf("Иванов Иван, Python, FastAPI, PostgreSQL, Docker, 6 лет опыта")
    docx_bytes = docx(w_paragraph(VACANCY))
    ranking: dict[str, Any] = {
        "vacancy_text": VACANCY,
        "resumes": [
            {"filename": "ivanov_ivan_cv.pdf", "content_base64": b64(pdf_bytes)},
            {"filename": "petrov_petr_cv.txt", "content": "Пётр Петров, HTML и CSS, полгода опыта."},
        ],
        "weights": {"technical_skills": 5, "experience": 3},
    }
    stored: dict[str, Any] = {
        "vacancy_file": {"filename": "backend_vacancy.docx", "content_base64": b64(docx_bytes)}
    }
    with webhook_sink() as sink, local_stack(tmp_path) as stack:
        api = f"{stack.url}/api/v1"
        jobs: dict[str, tuple[str, dict[str, Any]]] = {}
        for route, body in (("rank-resumes", ranking), ("add-vacancy-with-candidates", stored)):
            request = {"webhook_url": f"{sink.url}/{route}", **body}
            if route == "add-vacancy-with-candidates":
                request["resumes"] = ranking["resumes"][1:]
            status, _, accepted = call(f"{api}/webhook/{route}", SECRET_TOKEN, request)
            assert status == 202, accepted
            jobs[route] = (accepted["job_id"], request)
            status, _, missing = call(f"{api}/jobs/{accepted['job_id']}/audit", SECRET_TOKEN)
            if status == 404:  # the job may have ended already; before that there is no record
                assert missing["error"]["code"] == "audit_not_found"

        hooks = {hook.path: json.loads(hook.body) for hook in sink.collect(2)}
        assert all(hook["status"] == "succeeded" for hook in hooks.values()), hooks
        records: dict[str, dict[str, Any]] = {}
        for route, (job_id, request) in jobs.items():
            status, headers, record = call(f"{api}/jobs/{job_id}/audit", SECRET_TOKEN)
            assert status == 200 and headers["Content-Type"] == "application/json"
            assert record["job_id"] == job_id and record["status"] == "succeeded"
            raw = json.dumps(record, ensure_ascii=False)
            for text in (VACANCY, request["webhook_url"], "ivanov_ivan_cv.pdf", "backend_vacancy.docx"):
                assert text not in raw
            records[route] = {entry["field"]: entry for entry in record["inputs"]}
            assert call(f"{api}/jobs/{job_id}/audit", "wrong-token")[0] == 401

    rank_inputs = records["rank-resumes"]
    assert rank_inputs["resumes[0].content_base64"]["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert rank_inputs["resumes[0].content_base64"]["kind"] == "document"
    assert rank_inputs["vacancy_text"]["sha256"] == hashlib.sha256(VACANCY.encode()).hexdigest()
    stored_inputs = records["add-vacancy-with-candidates"]
    assert stored_inputs["vacancy_file.content_base64"]["sha256"] == hashlib.sha256(docx_bytes).hexdigest()
    assert (
        stored_inputs["vacancy_file.filename"]["sha256"]
        == hashlib.sha256(b"backend_vacancy.docx").hexdigest()
    )
