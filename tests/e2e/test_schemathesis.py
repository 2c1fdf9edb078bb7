"""Schemathesis against `ai-interviewer local`: for every operation of the OpenAPI document, schema-valid
requests (a fixed, small number each, derandomized so CI sees the same cases) must never get a 5xx, must
be accepted (no 4xx but the documented "no such job/vacancy" and idempotency ones), and every response
must conform to the document."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from ai_interviewer.resources import TaskName
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance

from tests.e2e.test_local_stack import SECRET_TOKEN, StackProcess, local_stack

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 5
# The operations exercised: every task route, the job (status, redeliver, audit) and vacancy routes and
# health (schemathesis leaves out the route it loaded the document from).
OPERATIONS = len(TaskName) + 5
CHECKS = [not_a_server_error, response_schema_conformance, positive_data_acceptance]
DOCUMENT_CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackProcess]:
    with local_stack(tmp_path_factory.mktemp("schemathesis")) as running:
        yield running


def satisfies_rules_beyond_json_schema(body: Any) -> bool:
    """The two request rules JSON Schema cannot state, which the document describes in words: each
    filename at most once in a request, and metadata of at most 2 KB as JSON."""
    if not isinstance(body, dict):
        return True
    filenames = [resume.get("filename") for resume in body.get("resumes") or [] if isinstance(resume, dict)]
    metadata = body.get("metadata")
    metadata_bytes = len(json.dumps(metadata, ensure_ascii=False).encode()) if metadata else 0
    return len(filenames) == len(set(filenames)) and metadata_bytes <= 2048


def carries_a_document(body: Any) -> bool:
    """Whether the body sends a document (`content_base64`): that its bytes are a real PDF, DOCX, ODT,
    RTF or text file is a rule JSON Schema cannot state, so such a request may rightly be refused (422);
    it must still get no 5xx and a conforming response."""
    if not isinstance(body, dict):
        return False
    files = [body.get("vacancy_file"), *(body.get("resumes") or [])]
    return any(isinstance(item, dict) and item.get("content_base64") is not None for item in files)


def exercise(operation: Any, stack: StackProcess, failures: list[str]) -> int:
    """Run the operation's cases; returns how many ran, appends each failed check to `failures`."""
    label = operation.label
    ran = 0
    strategy = operation.as_strategy().filter(lambda case: satisfies_rules_beyond_json_schema(case.body))

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def one_case(case: Any) -> None:
        nonlocal ran
        ran += 1
        response = case.call(base_url=stack.url, headers={"X-Webhook-Token": SECRET_TOKEN}, timeout=30)
        try:
            checks = DOCUMENT_CHECKS if carries_a_document(case.body) else CHECKS
            case.validate_response(response, checks=checks)
        except Exception as error:  # every failed check is collected, not shrunk
            failures.append(f"{label} -> {response.status_code}: {error}")

    one_case()
    return ran


def test_schema_valid_requests_are_accepted_and_every_response_conforms(stack: StackProcess) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.url}/api/v1/openapi.json")
    failures: list[str] = []
    started = time.monotonic()
    # An operation schemathesis cannot read is an error result: `ok()` raises it, failing the test.
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    cases = {operation.label: exercise(operation, stack, failures) for operation in operations}
    total = sum(cases.values())
    # The figures for the record: shown with `-s`, and in the report of a failing run.
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(cases)} operations, {total} cases, {len(failures)} failures, {elapsed:.1f} s")
    print(json.dumps(cases, indent=1))
    # Each operation ran its full share, but health: without any input it has one case only.
    assert len(cases) == OPERATIONS and total == EXAMPLES_PER_OPERATION * (OPERATIONS - 1) + 1
    assert failures == [], "\n\n".join(failures[:10])
