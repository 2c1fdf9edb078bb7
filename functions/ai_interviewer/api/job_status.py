"""Reading a job, and asking for its webhook to be delivered again."""

from __future__ import annotations

import uuid

from ai_interviewer.api.logger import logger
from ai_interviewer.api.responses import JobView, RedeliveryResponse
from ai_interviewer.audit import audit_store
from ai_interviewer.errors import ApiError
from ai_interviewer.models.jobs import Job, NotifyMessage
from ai_interviewer.wiring import Services


def is_job_id(value: str) -> bool:
    # Job ids are canonical uuid4 strings; anything else cannot name a job, so it never reaches the store.
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _find_job(services: Services, job_id: str) -> Job:
    job = services.jobs.get(job_id) if is_job_id(job_id) else None
    if job is None:
        raise ApiError(404, "job_not_found", "no job with this id")
    logger.set_correlation_id(job.job_id)
    return job


def describe_job(services: Services, job_id: str) -> JobView:
    return JobView.of(_find_job(services, job_id))


def redeliver_job(services: Services, job_id: str) -> RedeliveryResponse:
    """Start a new delivery chain for a finished job; the notifier delivers it."""
    job = _find_job(services, job_id)
    if not job.status.finished:
        raise ApiError(
            409, "job_not_finished", f"the job is {job.status.value}; its webhook is still to come"
        )
    chain = services.jobs.begin_redelivery(job.job_id)
    try:
        services.queues.send_notify(NotifyMessage(job_id=job.job_id, chain=chain))
    except Exception as error:
        logger.error("notify queue unavailable", extra={"error_type": type(error).__name__})
        raise ApiError(
            503, "queue_unavailable", "the redelivery could not be queued; try again later"
        ) from None
    logger.info("redelivery queued", extra={"job_id": job.job_id, "chain": chain})
    return RedeliveryResponse(job_id=job.job_id, chain=chain)


def audit_record(services: Services, job_id: str) -> str:
    """The stored audit record of `job_id`, byte for byte (its digest stays checkable). The job record may
    have expired by TTL long before: the audit record outlives it, so it is looked up on its own."""
    record = audit_store(services).get(job_id) if is_job_id(job_id) else None
    if record is None:
        raise ApiError(404, "audit_not_found", "no audit record for this job; one is written when it ends")
    return record.decode("utf-8")
