"""The audit record: one JSON object per finished job, written once to an S3 Object Lock bucket.

EU AI Act, Art. 12 and 26(6): a high-risk system (employment, Annex III) keeps logs of its operation
that its deployer holds for at least six months. The record says what ran (task, engine, model, prompt
version), when, on which inputs (SHA-256 digests only: never an input text, never a filename), which
token slot authenticated the request (never its value), and what came out (every criterion's judgement,
the flags, the computed scores, the final order, the token usage; free text such as summaries only as
the digest of the whole result). A criterion's reason may quote a short passage of the resume (its
evidence): with PII_MINIMISATION on, a minimised one.

Immutability: the object is put with `If-None-Match: *` (the bucket policy refuses a put without it, so
a second write is refused rather than stacked as a new version) and the bucket's default retention
(GOVERNANCE) refuses deleting the version. The record is built from the job record and the request
alone, with no clock of its own, so a redelivered message rebuilds the same bytes: a write refused
because the record exists is done (the writers cannot read records to compare: only the api reads).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from ai_interviewer import aws
from ai_interviewer.documents.formats import DocumentFormatError, decode_base64
from ai_interviewer.errors import PermanentError, TransientError
from ai_interviewer.models.base import LazyModel
from ai_interviewer.models.jobs import Job, TaskMessage, TokenSlot
from ai_interviewer.models.payloads import LastCause
from ai_interviewer.resources import AUDIT_RECORDS_PREFIX, TaskName
from ai_interviewer.stores.queues.base import load_request

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from ai_interviewer.wiring import Services

logger = Logger(child=True)  # the function's logger (worker, DLQ consumer) writes its lines

AUDIT_SCHEMA_VERSION = 1
# Request fields holding numbers the scores depend on: kept as they are (names are snake_case criteria).
PARAMETER_FIELDS = frozenset({"weights", "shortlist"})
# A flat object of client strings, keys included: digested as one canonical JSON document.
DIGESTED_OBJECTS = frozenset({"metadata"})
DOCUMENT_SUFFIX = "_base64"  # content_base64, vacancy_content_base64: the digest is of the decoded bytes


class InputDigest(LazyModel):
    """One input of the request, by where it sits (`resumes[2].content`), never by what it says."""

    field: str
    kind: str  # "text" (UTF-8 of the string), "document" (the decoded file bytes) or "object" (JSON)
    sha256: str
    bytes: int


class RankedEntry(LazyModel):
    """One resume's place in the final order, with what decided it."""

    rank: int  # 1 is first
    position: int | None  # its index in the request's `resumes`
    filename_sha256: str
    score: int | None = None
    judged_by: str | None = None
    criteria: dict[str, Any] | None = None  # per criterion: score 0..10, reason, evidence
    flags: list[str] | None = None
    review: dict[str, Any] | None = None


class InterviewScores(LazyModel):
    scores: dict[str, Any]
    overall_score: float | None = None
    review: dict[str, Any] | None = None


class AuditError(LazyModel):
    code: str
    last_cause: LastCause | None = None


class AuditRecord(LazyModel):
    schema_version: int = AUDIT_SCHEMA_VERSION
    job_id: str
    task: TaskName
    status: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    authenticated_by: TokenSlot
    request_sha256: str  # the job's: of the validated request as canonical JSON (the Idempotency-Key's check)
    # None when the request could no longer be read (a claim-checked body already gone).
    inputs: list[InputDigest] | None = None
    parameters: dict[str, Any] | None = None
    result_sha256: str | None = None  # of the result as canonical JSON (sorted keys, no spaces)
    ranking: list[RankedEntry] | None = None
    interview: InterviewScores | None = None
    vacancy_id: int | None = None
    error: AuditError | None = None
    usage: dict[str, Any] | None = None

    def encode(self) -> bytes:
        return canonical_json(self.model_dump(mode="json", exclude_none=True))


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_key(job_id: str) -> str:
    return f"{AUDIT_RECORDS_PREFIX}{job_id}.json"


class AuditStore:
    """The audit bucket: write a record once, read it back."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def write_once(self, job_id: str, body: bytes) -> bool:
        """Put the record unless one exists: True when this call wrote it, False when one was there. The
        first record stands: a redelivery rebuilds the same bytes from the same job, and the writers hold no
        read permission to compare (only the api reads records)."""
        from botocore.exceptions import ClientError  # noqa: PLC0415 - botocore is loaded with the client

        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=audit_key(job_id),
                Body=body,
                ContentType="application/json",
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",  # S3 verifies the bytes; Object Lock requires a checksum
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
                raise
            return False
        return True

    def get(self, job_id: str) -> bytes | None:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            response = self._client.get_object(Bucket=self._bucket, Key=audit_key(job_id))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        body: bytes = response["Body"].read()
        return body


def audit_store(services: Services) -> AuditStore:
    return AuditStore(aws.s3(), services.settings.audit_bucket_name)


def record_audit(job_id: str, message: TaskMessage, services: Services) -> None:
    """Write the finished job's audit record before its webhook is queued. A failed write raises a
    `TransientError` (the message comes back, the job is not run again, and this is retried); a record
    already written (a redelivery) is done."""
    job = services.jobs.get(job_id)
    if job is None or not job.status.finished:
        logger.warning("No audit record for an unfinished job")
        return
    try:
        record = build_record(job, _request_of(message, services))
        written = audit_store(services).write_once(job_id, record.encode())
    except Exception as error:
        logger.warning("Audit record not written", extra={"error_type": type(error).__name__})
        raise TransientError(f"audit record not written: {type(error).__name__}") from None
    logger.info("Audit record written" if written else "Audit record already written")


def _request_of(message: TaskMessage, services: Services) -> dict[str, Any] | None:
    """The job's request, or None when it is gone for good (no request in the message, a claim-checked
    body already deleted). Any other failure raises: a record written without inputs would stay so."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        return load_request(message, services.payloads)
    except PermanentError:
        pass
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
            raise
    logger.warning("Request unavailable for the audit record")
    return None


def build_record(job: Job, request: dict[str, Any] | None) -> AuditRecord:
    """The record of a finished job; `request` is its body as queued (None when it is gone)."""
    inputs, parameters = _digest_request(request) if request is not None else (None, None)
    result = job.result
    return AuditRecord(
        job_id=job.job_id,
        task=job.task,
        status=job.status.value,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        engine=job.engine,
        model=job.model,
        prompt_version=job.prompt_version,
        authenticated_by=job.authenticated_by,
        request_sha256=job.request_sha256,
        inputs=inputs,
        parameters=parameters or None,
        result_sha256=_sha256(canonical_json(result)) if result is not None else None,
        ranking=_ranking(result, request) if result is not None else None,
        interview=_interview(result) if result is not None else None,
        vacancy_id=result.get("vacancy_id") if result is not None else None,
        error=AuditError(code=job.error.code, last_cause=job.error.last_cause) if job.error else None,
        usage=job.usage.model_dump(mode="json") if job.usage is not None else None,
    )


def _digest_request(request: dict[str, Any]) -> tuple[list[InputDigest], dict[str, Any]]:
    digests: list[InputDigest] = []
    parameters: dict[str, Any] = {}

    def walk(value: Any, path: str, name: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key, key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]", name)
        elif isinstance(value, str):
            digests.append(_digest_string(path, name, value))
        elif value is not None:
            parameters[path] = value  # a number or a boolean the client chose

    for key, value in request.items():
        if key in PARAMETER_FIELDS:
            parameters[key] = value
        elif key in DIGESTED_OBJECTS and value is not None:
            data = canonical_json(value)
            digests.append(InputDigest(field=key, kind="object", sha256=_sha256(data), bytes=len(data)))
        else:
            walk(value, key, key)
    return digests, parameters


def _digest_string(path: str, name: str, value: str) -> InputDigest:
    if name.endswith(DOCUMENT_SUFFIX):
        try:
            data = decode_base64(value)  # as the api and the worker read it
        except DocumentFormatError:
            pass  # not valid base64 (the job failed on it): the string itself is digested
        else:
            return InputDigest(field=path, kind="document", sha256=_sha256(data), bytes=len(data))
    data = value.encode("utf-8", "surrogatepass")
    return InputDigest(field=path, kind="text", sha256=_sha256(data), bytes=len(data))


def _ranking(result: dict[str, Any], request: dict[str, Any] | None) -> list[RankedEntry] | None:
    ranked = result.get("results")
    if not isinstance(ranked, list):
        return None
    resumes = request.get("resumes") if request is not None else None
    positions = {
        resume.get("filename"): index
        for index, resume in enumerate(resumes if isinstance(resumes, list) else [])
        if isinstance(resume, dict)
    }
    return [
        RankedEntry(
            rank=rank,
            position=positions.get(entry.get("filename")),
            filename_sha256=_sha256(str(entry.get("filename", "")).encode("utf-8", "surrogatepass")),
            score=entry.get("score"),
            judged_by=entry.get("judged_by"),
            criteria=entry.get("criteria"),
            flags=entry.get("flags"),
            review=entry.get("review"),
        )
        for rank, entry in enumerate(ranked, start=1)
        if isinstance(entry, dict)
    ]


def _interview(result: dict[str, Any]) -> InterviewScores | None:
    analysis = result.get("analysis")
    if not isinstance(analysis, dict) or not isinstance(analysis.get("scores"), dict):
        return None
    return InterviewScores(
        scores=analysis["scores"], overall_score=analysis.get("overall_score"), review=analysis.get("review")
    )
