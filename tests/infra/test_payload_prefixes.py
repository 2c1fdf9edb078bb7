"""The payload bucket grants are per key prefix; pin that the code writes under those prefixes."""

from __future__ import annotations

import time
import uuid

from ai_interviewer import resources
from ai_interviewer.models.jobs import Job, TaskMessage
from ai_interviewer.resources import TaskName
from ai_interviewer.wiring import build_services

from infra.storage import REQUESTS_PREFIX, RESULTS_PREFIX
from tests.conftest import AwsStack


def payload_keys(aws: AwsStack) -> list[str]:
    listed = aws.client("s3").list_objects_v2(Bucket=resources.LOCAL_PAYLOAD_BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_claim_checked_requests_are_written_under_the_requests_prefix(aws: AwsStack) -> None:
    services = build_services(aws.settings())
    job_id = str(uuid.uuid4())
    large = {"webhook_url": "https://example.com/hook", "vacancy_text": "x" * 400_000}
    services.queues.send_task(TaskMessage(job_id=job_id, task=TaskName.GENERATE_TAGS, request=large))
    (key,) = payload_keys(aws)
    assert key.startswith(REQUESTS_PREFIX)


def test_large_results_are_written_under_the_results_prefix(aws: AwsStack) -> None:
    services = build_services(aws.settings())
    job_id = str(uuid.uuid4())
    services.jobs.create(
        Job(
            job_id=job_id,
            task=TaskName.GENERATE_TAGS,
            webhook_url="https://example.com/hook",
            request_sha256="0" * 64,
            expires_at=int(time.time()) + 3600,
        )
    )
    assert services.jobs.start(job_id) is not None
    finished = services.jobs.succeed(
        job_id, {"tags": "x" * 500_000}, engine="heuristic", model=None, prompt_version=None, usage=None
    )
    assert finished
    (key,) = payload_keys(aws)
    assert key.startswith(RESULTS_PREFIX)
