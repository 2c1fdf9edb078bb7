"""One line per job as it moves through the local stack. The lines come from what the gateway and the
pollers already see (responses, queue records, which records failed) and from one read of the job record
after each delivery attempt: the stack adds no other AWS call to a job. Only ids, task names, statuses,
error codes and HTTP statuses are printed: never the texts a job carries."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO, TypeVar

from pydantic import ValidationError

from ai_interviewer.models.jobs import (
    DeliveryAttempt,
    DeliveryState,
    Job,
    JobStatus,
    NotifyMessage,
    TaskMessage,
    utc_now,
)
from ai_interviewer.models.usage import Usage
from ai_interviewer.stores.jobs.base import JobStore

_Message = TypeVar("_Message", TaskMessage, NotifyMessage)


def _message(body: str, model: type[_Message]) -> _Message | None:
    try:
        return model.model_validate_json(body)
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
        return f"succeeded{f' ({engine})' if engine else ''}{took}{_spent(job.usage)}"
    code = job.error.code if job.error else "unknown"
    return f"failed ({code}){_spent(job.usage)}"


def _spent(usage: Usage | None) -> str:
    """What the job's model calls cost, when it made any: calls, tokens and USD."""
    if usage is None or not usage.calls:
        return ""
    cost = "cost unknown" if usage.cost_usd is None else f"${usage.cost_usd:.6f}"
    cached = f" ({usage.cached_prompt_tokens:,} cached)" if usage.cached_prompt_tokens else ""
    return (
        f"; {usage.calls} call{'s' if usage.calls != 1 else ''}, {usage.prompt_tokens:,} prompt tokens"
        f"{cached} + {usage.completion_tokens:,} completion, {cost}"
    )


def _attempt_line(attempt: DeliveryAttempt, state: DeliveryState, last: bool) -> str:
    outcome = str(attempt.status_code) if attempt.status_code is not None else (attempt.error or "no answer")
    number = f"attempt {attempt.attempt}"
    if attempt.delivered:
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
        self._accepted: set[str] = set()  # job ids the gateway answered 202 for
        self._announced: set[str] = set()  # job ids whose `accepted` line is out

    def _print(self, subject: str, text: str, *, once_for: str | None = None) -> None:
        """Print a line; with `once_for`, only the first line given that key."""
        line = f"{self._clock():%H:%M:%S} {subject} {text}"
        with self._lock:
            if once_for is not None:
                if once_for in self._announced:
                    return
                self._announced.add(once_for)
            print(line, file=self._out, flush=True)

    def _accepted_line(self, job_id: str, task: str) -> None:
        # From the gateway's 202, or from a worker that got the job's message before the gateway's
        # observer ran (the api queues the job before it answers): whichever comes first.
        self._print(f"{job_id} {task}".rstrip(), "accepted", once_for=job_id)

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
                    self._print(f"{job_id} {task}".rstrip(), "redelivery requested")
                elif job_id in self._accepted:
                    text = "accepted again (same Idempotency-Key, nothing new queued)"
                    self._print(f"{job_id} {task}".rstrip(), text)
                else:
                    self._accepted.add(job_id)
                    self._accepted_line(job_id, task)
                return
        if status >= 400:
            code = _error_code(body)
            self._print(f"{method} {path}", f"-> {status}{f' {code}' if code else ''}")

    def task_batch(self, label: str, records: list[dict[str, Any]]) -> Callable[[set[str]], None]:
        """Poller observer for a task queue, from the records alone (no read): `running` when the worker
        gets the message, and a line when SQS keeps it for another attempt. The outcome is printed with
        the first delivery attempt, when the job is read (see `notify_batch`)."""
        watched: dict[str, tuple[str, str, int]] = {}  # message id -> (job id, task, receive count)
        for record in records:
            message = _message(record["body"], TaskMessage)
            if message is None:
                continue
            receive_count = int(record["attributes"].get("ApproximateReceiveCount", "1"))
            watched[record["messageId"]] = (message.job_id, message.task.value, receive_count)
            if receive_count == 1:
                self._accepted_line(message.job_id, message.task.value)
            running = "running" if receive_count == 1 else f"running (attempt {receive_count})"
            self._print(f"{message.job_id} {message.task.value}", running)

        def settled(failed: set[str]) -> None:
            for message_id in failed & watched.keys():
                job_id, task, receive_count = watched[message_id]
                self._print(f"{job_id} {task}", f"attempt {receive_count} failed, SQS will redeliver")

        return settled

    def notify_batch(self, label: str, records: list[dict[str, Any]]) -> Callable[[set[str]], None]:
        """Poller observer for the notify queue: the job is read once the invocation is over (the only
        read the lines make), and each delivery attempt recorded since it began gets a line, after the
        job's outcome when it is the first attempt of the first delivery."""
        began = utc_now()  # the notifier stamps each attempt when it starts it, on this same clock
        seen: dict[str, str] = {}  # message id -> job id
        for record in records:
            message = _message(record["body"], NotifyMessage)
            if message is not None:
                seen[record["messageId"]] = message.job_id

        def settled(failed: set[str]) -> None:
            for message_id, job_id in seen.items():
                job = self._jobs.get(job_id)
                if job is None:
                    continue
                new = [attempt for attempt in job.delivery.attempts if attempt.at >= began]
                if any(attempt.chain == 0 and attempt.attempt == 1 for attempt in new):
                    self._job_line(job, _outcome(job))
                for index, attempt in enumerate(new):
                    self._job_line(job, _attempt_line(attempt, job.delivery.state, index == len(new) - 1))
                if not new and message_id in failed:
                    self._job_line(job, "delivery not attempted, SQS will redeliver")

        return settled
