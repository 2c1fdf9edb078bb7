"""The local stack's function logs: off stdout (the progress lines), and each line stamped with the
function and the job of the invocation that wrote it, while invocations run side by side."""

from __future__ import annotations

import io
import json
import threading
import uuid
from typing import Any

import pytest
from ai_interviewer.local.function_logs import route_function_logs
from ai_interviewer.local.lambda_runtime import LambdaContext
from aws_lambda_powertools import Logger


def test_concurrent_invocations_log_their_own_function_name_and_job_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = f"function-logs-test-{uuid.uuid4().hex[:8]}"
    stream = io.StringIO()
    route_function_logs(service, "INFO", stream)
    # Two handler modules, as the stack loads them: each creates its own Logger for the same service.
    worker = Logger(service=service)
    notifier = Logger(service=service)
    together = threading.Barrier(2)

    def invocation(logger: Logger, function_name: str, job_id: str) -> None:
        @logger.inject_lambda_context(clear_state=True)
        def handler(event: dict[str, Any], context: Any) -> None:
            logger.set_correlation_id(job_id)
            together.wait(timeout=10)  # both have set their keys before either logs
            logger.error("task failed" if function_name.endswith("tags") else "delivered")
            together.wait(timeout=10)

        handler({}, LambdaContext(function_name, 30))

    threads = [
        threading.Thread(target=invocation, args=(worker, "ai-interviewer-generate-tags", "job-worker")),
        threading.Thread(target=invocation, args=(notifier, "ai-interviewer-notifier", "job-notify")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    stamped = {(line["message"], line["function_name"], line["correlation_id"]) for line in lines}
    assert stamped == {
        ("task failed", "ai-interviewer-generate-tags", "job-worker"),
        ("delivered", "ai-interviewer-notifier", "job-notify"),
    }
    assert all(line["service"] == service for line in lines)
    # A thread that never ran an invocation logs without another invocation's keys.
    worker.warning("between invocations")
    last = json.loads(stream.getvalue().splitlines()[-1])
    assert "function_name" not in last and last.get("correlation_id") is None
    assert capsys.readouterr().out == ""
