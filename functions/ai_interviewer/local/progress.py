"""One line per job as it moves through the local stack, read from the job record around each
invocation. Only ids, task names, statuses, error codes and HTTP statuses are printed: never the
texts a job carries."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from pydantic import ValidationError

from ai_interviewer.jobs import JobStore
from ai_interviewer.models.jobs import (
    DeliveryAttempt,
    DeliveryState,
    Job,
    JobStatus,
    NotifyMessage,
    TaskMessage,
)


def _job_id(body: str, model: type[TaskMessage] | type[NotifyMessage]) -> str | None:
    try:
        return model.model_validate_json(body).job_id
    except ValidationError:
        return None


def _error_code(body: bytes) -> str | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def _outcome(job: Job) -> str:
    if job.status is JobStatus.SUCCEEDED:
        engine = " ".join(part for part in (job.engine, job.model) if part)
        took = ""
        if job.started_at and job.finished_at:
            took = f" in {(job.finished_at - job.started_at).total_seconds():.1f}s"
        return f"succeeded{f' ({engine})' if engine else ''}{took}"
    code = job.error.code if job.error else "unknown"
    return f"failed ({code})"


def _attempt_line(attempt: DeliveryAttempt, state: DeliveryState, last: bool) -> str:
    outcome = str(attempt.status_code) if attempt.status_code is not None else (attempt.error or "no answer")
    number = f"attempt {attempt.attempt}"
    if attempt.status_code is not None and 200 <= attempt.status_code < 300:
        return f"delivered {outcome} ({number})"
    if last and state is DeliveryState.GONE:
        return f"delivery refused {outcome} ({number}), receiver is gone: no more attempts"
    if last and state is DeliveryState.EXHAUSTED:
        return f"delivery failed {outcome} ({number}), retry schedule exhausted"
    return f"delivery failed {outcome} ({number}), retrying"


class JobProgress:
    """Observes the gateway and the pollers and prints what changed on each job."""

    def __init__(self, jobs: JobStore, out: TextIO, clock: Callable[[], datetime] = datetime.now) -> None:
        self._jobs = jobs
        self._out = out
        self._clock = clock
        self._lock = threading.Lock()
        self._accepted: set[str] = set()

    def _print(self, subject: str, text: str) -> None:
        line = f"{self._clock():%H:%M:%S} {subject} {text}"
        with self._lock:
            print(line, file=self._out, flush=True)

    def _job_line(self, job: Job, text: str) -> None:
        self._print(f"{job.job_id} {job.task.value}", text)

    def api_response(self, method: str, path: str, status: int, body: bytes) -> None:
        """Gateway observer: a line for each accepted job and each refused request."""
        if status == 202:
            try:
                answer = json.loads(body)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and isinstance(answer.get("job_id"), str):
                job_id = answer["job_id"]
                task = answer.get("task", "")
                if path.endswith("/redeliver"):
                    text = "redelivery requested"
                elif job_id in self._accepted:
                    text = "accepted again (same Idempotency-Key, nothing new queued)"
                else:
                    text = "accepted"
                self._accepted.add(job_id)
                self._print(f"{job_id} {task}".rstrip(), text)
                return
        if status >= 400:
            code = _error_code(body)
            self._print(f"{method} {path}", f"-> {status}{f' {code}' if code else ''}")

    def task_batch(self, label: str, records: list[dict[str, Any]]) -> Callable[[set[str]], None]:
        """Poller observer for a task queue: running before the invocation, the outcome after."""
        watched: dict[str, tuple[str, int]] = {}  # message id -> (job id, receive count)
        for record in records:
            job_id = _job_id(record["body"], TaskMessage)
            job = self._jobs.get(job_id) if job_id else None
            if job is None:
                continue
            receive_count = int(record["attributes"].get("ApproximateReceiveCount", "1"))
            if job.status.finished:
                self._job_line(job, f"duplicate message ignored (already {job.status.value})")
                continue
            watched[record["messageId"]] = (job.job_id, receive_count)
            self._job_line(job, "running" if receive_count == 1 else f"running (attempt {receive_count})")

        def settled(failed: set[str]) -> None:
            for message_id, (job_id, receive_count) in watched.items():
                job = self._jobs.get(job_id)
                if job is None:
                    continue
                if job.status.finished:
                    self._job_line(job, _outcome(job))
                if message_id in failed:
                    what = "hand-off to the notifier" if job.status.finished else f"attempt {receive_count}"
                    self._job_line(job, f"{what} failed, SQS will redeliver")

        return settled

    def notify_batch(self, label: str, records: list[dict[str, Any]]) -> Callable[[set[str]], None]:
        """Poller observer for the notify queue: one line per delivery attempt the notifier recorded."""
        seen: dict[str, tuple[str, int]] = {}
        for record in records:
            job_id = _job_id(record["body"], NotifyMessage)
            job = self._jobs.get(job_id) if job_id else None
            if job is not None:
                seen[record["messageId"]] = (job.job_id, len(job.delivery.attempts))

        def settled(failed: set[str]) -> None:
            for message_id, (job_id, attempts_before) in seen.items():
                job = self._jobs.get(job_id)
                if job is None:
                    continue
                new = job.delivery.attempts[attempts_before:]
                for index, attempt in enumerate(new):
                    self._job_line(job, _attempt_line(attempt, job.delivery.state, index == len(new) - 1))
                if not new and message_id in failed:
                    self._job_line(job, "delivery not attempted, SQS will redeliver")

        return settled
