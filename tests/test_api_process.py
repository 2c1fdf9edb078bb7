"""The api handler in a fresh interpreter, as Lambda loads it: what it imports, and what it logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import PREVIOUS_TOKEN, TEST_TOKEN, AwsStack
from tests.test_api_events import answer_of, load_event, with_path_parameter

HEAVY_MODULES = (
    "openai",
    "psycopg",
    "ai_interviewer.engines.openai.engine",
    "ai_interviewer.stores.vacancies.postgres",
    "ai_interviewer.pii",  # the minimiser's rules: a worker's, never the api's
)

# Reads a JSON list of events on stdin, invokes the handler for each, prints the answers and which of
# the heavy modules got imported as the last line.
INVOKE_SCRIPT = """
import json, sys
from ai_interviewer.api.handler import handler

class Context:
    function_name = "ai-interviewer-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ai-interviewer-api"
    aws_request_id = "4b7a1f0e-0000-4000-8000-000000000001"

answers = [handler(event, Context()) for event in json.load(sys.stdin)]
heavy = [name for name in json.loads(sys.argv[1]) if name in sys.modules]
print("RESULT " + json.dumps({"answers": answers, "heavy": heavy}, default=dict))
"""


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_importing_the_api_handler_does_not_import_openai_or_psycopg() -> None:
    script = (
        "import json, sys\n"
        "import ai_interviewer.api.handler\n"
        f"print(json.dumps([m for m in {list(HEAVY_MODULES)!r} if m in sys.modules]))\n"
    )
    completed = _run(["-c", script], dict(os.environ))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []


def test_handler_serves_requests_with_job_ids_in_logs_and_no_texts_or_tokens(aws: AwsStack) -> None:
    env = {
        **os.environ,
        **aws.environment,
        "WEBHOOK_SECRET_TOKEN": TEST_TOKEN,
        "WEBHOOK_SECRET_TOKEN_PREVIOUS": PREVIOUS_TOKEN,
        "LLM_ENGINE": "heuristic",
        "POWERTOOLS_SERVICE_NAME": "ai-interviewer-api",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
    }
    accept = load_event("rank-resumes")
    events = [
        accept,
        load_event("health"),
        load_event("openapi"),
        with_path_parameter(load_event("get-vacancy"), "vacancy_id", "424242"),
        {**load_event("generate-tags"), "body": "{broken"},
    ]
    completed = _run(["-c", INVOKE_SCRIPT, json.dumps(HEAVY_MODULES)], env, json.dumps(events))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    assert lines[-1].startswith("RESULT ")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))

    answers = [answer_of(raw) for raw in result["answers"]]
    assert [answer.status for answer in answers] == [202, 200, 200, 404, 400]
    job_id = answers[0].json["job_id"]
    # Serving a task, a vacancy lookup and the OpenAPI document still never loaded the model SDK.
    assert result["heavy"] == []

    logs = [json.loads(line) for line in lines[:-1]]
    accepted = [line for line in logs if line.get("message") == "job accepted"]
    assert len(accepted) == 1
    assert accepted[0]["correlation_id"] == job_id
    assert accepted[0]["job_id"] == job_id
    assert accepted[0]["service"] == "ai-interviewer-api"
    # The next invocation starts without the previous job's id.
    refused = [line for line in logs if line.get("message") == "request refused"]
    assert refused
    assert all(line.get("correlation_id") != job_id for line in refused)

    output = completed.stdout + completed.stderr
    body = json.loads(accept["body"])
    for secret in [TEST_TOKEN, body["vacancy_text"], *(r["content"] for r in body["resumes"])]:
        assert secret not in output
