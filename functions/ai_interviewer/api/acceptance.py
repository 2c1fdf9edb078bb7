"""Accepting a task request (CONTRACT §1): size, JSON, schema, limits, `webhook_url`, idempotency, then
the job record and the task message. Nothing is stored or queued for a request that is refused."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pydantic import ValidationError

from ai_interviewer.api.logger import logger
from ai_interviewer.api.responses import json_strings, validation_details
from ai_interviewer.delivery.url_safety import UnsafeUrlError, parse_webhook_url
from ai_interviewer.errors import ApiError, FailureCode
from ai_interviewer.models.jobs import Job, JobStatus, TaskMessage, TokenSlot, utc_now
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.requests import TaskRequest
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings
from ai_interviewer.stores.jobs.base import IdempotencyKeyHeldError
from ai_interviewer.tasks import task_spec
from ai_interviewer.wiring import Services

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
IDEMPOTENCY_WINDOW = timedelta(hours=24)
QUEUE_UNAVAILABLE = FailureCode.QUEUE_UNAVAILABLE


@dataclass(frozen=True)
class Acceptance:
    job_id: str
    task: TaskName
    replayed: bool  # True when an Idempotency-Key replay answered with the first request's job


def _reject_constant(name: str) -> NoReturn:
    # json.loads accepts NaN and Infinity, which are not JSON.
    raise ValueError(f"{name} is not valid JSON")


def read_json_object(raw_body: bytes, max_body_bytes: int) -> dict[str, Any]:
    """413 over the size limit, 400 unless the body is one JSON object."""
    if len(raw_body) > max_body_bytes:
        raise ApiError(413, "payload_too_large", f"request body exceeds {max_body_bytes} bytes")
    try:
        parsed = json.loads(raw_body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "malformed_json", "request body must be a JSON object")
    _refuse_unencodable_text(parsed)
    return parsed


_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


def _refuse_unencodable_text(body: dict[str, Any]) -> None:
    """A lone surrogate escape ("\\ud800") parses but is no Unicode text: nothing downstream could encode
    it. A NUL is never part of a resume, a vacancy or a URL, and C-based parsers cut strings at it."""
    for path, text in json_strings(body):
        # Schema-like names only: a key of `weights` or `metadata` may be any client text.
        safe_path = [part if isinstance(part, int) or _FIELD_NAME.match(part) else "…" for part in path]
        if any("\ud800" <= char <= "\udfff" for char in text):
            raise ApiError(
                400,
                "malformed_json",
                "request body holds an unpaired UTF-16 surrogate escape",
                [{"loc": safe_path, "msg": "unpaired surrogate", "type": "invalid_unicode"}],
            )
        if "\x00" in text:
            raise ApiError(
                422,
                "validation_error",
                "request body holds a NUL character",
                [{"loc": safe_path, "msg": "NUL characters are not allowed", "type": "invalid_character"}],
            )


def validate_request(task: TaskName, body: dict[str, Any], settings: Settings) -> TaskRequest:
    """422 with field paths for schema errors, then for the settings' limits and the URL's rules."""
    request_model = task_spec(task).request_model
    try:
        request = request_model.model_validate(body)
    except ValidationError as error:
        raise ApiError(
            422,
            "validation_error",
            "request body does not match the schema",
            validation_details(error, body, request_model),
        ) from None

    problems: list[dict[str, Any]] = []
    criteria = request.criterion_names()
    if len(criteria) > settings.max_criteria:
        problems.append(
            {
                "loc": ["weights"],
                "msg": f"at most {settings.max_criteria} criteria",
                "type": "too_many_criteria",
            }
        )
    if len(request.resume_list()) > settings.max_resumes:
        problems.append(
            {"loc": ["resumes"], "msg": f"at most {settings.max_resumes} resumes", "type": "too_many_resumes"}
        )
    for path, text in request.texts():
        if len(text) > settings.max_text_chars:
            problems.append(
                {
                    "loc": list(path),
                    "msg": f"at most {settings.max_text_chars} characters",
                    "type": "too_long",
                }
            )
    try:
        parse_webhook_url(request.webhook_url, allow_private=settings.allow_private_webhook_urls)
    except UnsafeUrlError as error:
        problems.append({"loc": ["webhook_url"], "msg": str(error), "type": "unsafe_webhook_url"})
    if problems:
        raise ApiError(422, "validation_error", "request breaks the service's limits", problems)
    return request


def check_idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not 0 < len(value) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ApiError(
            422,
            "validation_error",
            f"{IDEMPOTENCY_HEADER} must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters",
            [
                {
                    "loc": ["header", IDEMPOTENCY_HEADER],
                    "msg": f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters",
                    "type": "invalid_idempotency_key",
                }
            ],
        )
    return value


def request_sha256(body: dict[str, Any]) -> str:
    """The hash that tells a replay from a different request under the same Idempotency-Key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _replay(
    services: Services, task: TaskName, held: IdempotencyKeyHeldError, sha256: str, validated: dict[str, Any]
) -> Acceptance:
    if held.request_sha256 != sha256:
        raise ApiError(409, "idempotency_conflict", f"{IDEMPOTENCY_HEADER} was used with a different request")
    job = services.jobs.get(held.job_id)
    if job is None:
        # The key and its job are written in one transaction: the job expired by TTL before its key.
        raise ApiError(409, "idempotency_conflict", f"{IDEMPOTENCY_HEADER} belongs to an expired job")
    if job.task is not task:
        raise ApiError(409, "idempotency_conflict", f"{IDEMPOTENCY_HEADER} was used on another route")
    if job.error is not None and job.error.code == QUEUE_UNAVAILABLE:
        # The first answer was a 503, so the replay is one too; a new key starts a new job.
        raise ApiError(
            503, QUEUE_UNAVAILABLE, "the task could not be queued; retry with a new Idempotency-Key"
        )
    logger.set_correlation_id(job.job_id)
    if job.status is JobStatus.QUEUED and not job.task_sent:
        # The first request stopped (killed, timed out) between storing the job and queueing it: this
        # replay queues it. A duplicate message, should the first one have been sent after all, is
        # harmless: the worker runs a job once.
        logger.info("idempotent replay queues the unsent task", extra={"job_id": job.job_id})
        _send(services, job.job_id, task, validated)
    logger.info("idempotent replay", extra={"job_id": job.job_id, "task": task.value})
    return Acceptance(job_id=job.job_id, task=task, replayed=True)


def _send(services: Services, job_id: str, task: TaskName, validated: dict[str, Any]) -> None:
    try:
        services.queues.send_task(TaskMessage(job_id=job_id, task=task, request=validated))
    except Exception as error:
        # Whatever the cause, the client must hear that nothing will run; the job records why.
        logger.error("task queue unavailable", extra={"task": task.value, "error_type": type(error).__name__})
        services.jobs.fail(job_id, ErrorDetail.of(QUEUE_UNAVAILABLE))
        raise ApiError(503, QUEUE_UNAVAILABLE, "the task could not be queued; try again later") from None
    services.jobs.mark_task_sent(job_id)


def accept_task(
    services: Services,
    task: TaskName,
    raw_body: bytes,
    idempotency_key: str | None,
    authenticated_by: TokenSlot = TokenSlot.CURRENT,
) -> Acceptance:
    """Check the request, store the job and queue its message. Call only after the token was checked;
    `authenticated_by` says which token it was (the job's webhooks are signed with it).

    A kill at any step leaves a state the client's retry with the same Idempotency-Key completes: the job
    and its key are written in one transaction (both or neither), and a replay whose job was never
    queued queues it."""
    settings = services.settings
    body = read_json_object(raw_body, settings.max_body_bytes)
    request = validate_request(task, body, settings)
    key = check_idempotency_key(idempotency_key)

    validated = request.model_dump(mode="json", exclude_none=True)
    sha256 = request_sha256(validated)
    job_id = str(uuid.uuid4())
    now = utc_now()
    job = Job(
        job_id=job_id,
        task=task,
        webhook_url=request.webhook_url,
        metadata=request.metadata,
        request_sha256=sha256,
        authenticated_by=authenticated_by,
        created_at=now,
        updated_at=now,
        expires_at=_epoch(now + timedelta(days=settings.job_ttl_days)),
    )
    try:
        services.jobs.create(job, idempotency_key=key, key_expires_at=_epoch(now + IDEMPOTENCY_WINDOW))
    except IdempotencyKeyHeldError as held:
        return _replay(services, task, held, sha256, validated)
    logger.set_correlation_id(job_id)
    _send(services, job_id, task, validated)
    logger.info("job accepted", extra={"job_id": job_id, "task": task.value})
    return Acceptance(job_id=job_id, task=task, replayed=False)
