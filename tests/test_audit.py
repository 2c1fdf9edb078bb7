"""The audit record (ai_interviewer.audit) against the moto server, through the real api and worker: one
record per finished job, complete for each task, with digests and never the texts; immutable in the
Object Lock bucket; a redelivery after it was written does not fail the job; the route serves it."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from ai_interviewer.audit import AuditStore, audit_key, canonical_json
from ai_interviewer.errors import FailureCode, PermanentError
from ai_interviewer.models.jobs import Job, JobStatus, TaskMessage
from ai_interviewer.resources import LOCAL_AUDIT_BUCKET, TaskName
from ai_interviewer.settings import DEFAULT_AUDIT_RETENTION_DAYS
from ai_interviewer.wiring import Services
from ai_interviewer.worker import dead_letters
from ai_interviewer.worker import processing as worker
from botocore.exceptions import ClientError

from tests.conftest import PREVIOUS_TOKEN, AwsStack
from tests.test_api_events import (
    Answer,
    call,
    event_body,
    load_event,
    with_body,
    with_headers,
    with_path_parameter,
)
from tests.test_tasks import ScriptedEngine
from tests.test_worker import NO_FAILURES, drain_notify, job, poll_once, services_with, sqs_event

MIN_QUOTED = 8  # any request string this long must not appear in the record


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def accept(services: Services, task: TaskName, body: dict[str, Any] | None = None, **headers: str) -> str:
    event = load_event(task.route)
    if body is not None:
        event = with_body(event, body)
    answer = call(services, with_headers(event, **headers) if headers else event)
    assert answer.status == 202, answer.text
    job_id: str = answer.json["job_id"]
    return job_id


def get_audit(services: Services, job_id: str, **headers: str | None) -> Answer:
    event = with_path_parameter(load_event("get-job-audit"), "job_id", job_id)
    return call(services, with_headers(event, **headers) if headers else event)


def run_queued(aws: AwsStack, task: TaskName, services: Services) -> dict[str, Any]:
    polled = poll_once(aws, task, services)
    assert polled["received"] == 1
    return polled


def stored_versions(aws: AwsStack, job_id: str) -> list[dict[str, Any]]:
    listing = aws.client("s3").list_object_versions(Bucket=LOCAL_AUDIT_BUCKET, Prefix=audit_key(job_id))
    versions: list[dict[str, Any]] = listing.get("Versions", [])
    return versions


def request_strings(value: Any) -> list[str]:
    """Every string value in a request body, and the client's own keys (metadata's)."""
    if isinstance(value, dict):
        client_keys = list(value.get("metadata") or {})
        return [*client_keys, *(s for item in value.values() for s in request_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in request_strings(item)]
    return [value] if isinstance(value, str) else []


def string_leaves(value: Any, path: str = "") -> dict[str, str]:
    """path -> string, as the record names its inputs (`resumes[1].content`), metadata aside."""
    if isinstance(value, dict):
        return {
            found: text
            for key, item in value.items()
            if key not in ("metadata", "weights")
            for found, text in string_leaves(item, f"{path}.{key}" if path else key).items()
        }
    if isinstance(value, list):
        return {
            found: text
            for index, item in enumerate(value)
            for found, text in string_leaves(item, f"{path}[{index}]").items()
        }
    return {path: value} if isinstance(value, str) else {}


def assert_quotes_no_input(raw: str, request: dict[str, Any]) -> None:
    for text in request_strings(request):
        if len(text) >= MIN_QUOTED:
            assert text not in raw and json.dumps(text)[1:-1] not in raw, text[:20]


@pytest.mark.parametrize("task", list(TaskName), ids=[t.value for t in TaskName])
def test_each_task_leaves_a_complete_audit_record_that_quotes_no_input(aws: AwsStack, task: TaskName) -> None:
    services = services_with(aws)
    request = event_body(task.route)
    request["metadata"] = {"candidate_ref": "crm-0042-anna-smirnova"}
    job_id = accept(services, task, request, X_Webhook_Token=PREVIOUS_TOKEN)
    assert get_audit(services, job_id).status == 404  # queued: nothing to record yet
    assert run_queued(aws, task, services) == {"received": 1, **NO_FAILURES}

    done = job(services, job_id)
    assert done.status is JobStatus.SUCCEEDED and done.result is not None and done.finished_at is not None
    answer = get_audit(services, job_id)
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
    stored = aws.client("s3").get_object(Bucket=LOCAL_AUDIT_BUCKET, Key=audit_key(job_id))["Body"].read()
    assert answer.text.encode() == stored  # served byte for byte
    record = json.loads(stored)

    assert_quotes_no_input(answer.text, request)
    assert record["job_id"] == job_id and record["task"] == task.value and record["status"] == "succeeded"
    assert record["request_sha256"] == done.request_sha256
    assert record["authenticated_by"] == "previous" and PREVIOUS_TOKEN not in answer.text
    created, started, finished = (
        datetime.fromisoformat(record[k]) for k in ("created_at", "started_at", "finished_at")
    )
    assert created <= started <= finished == done.finished_at
    assert (record.get("engine"), record.get("model"), record.get("prompt_version")) == (
        done.engine,
        done.model,
        done.prompt_version,
    )
    assert record.get("usage") == (done.usage.model_dump(mode="json") if done.usage else None)
    assert record["result_sha256"] == sha256(canonical_json(done.result))

    # Every input string, by position, digested; the metadata as one object.
    digests = {entry["field"]: entry for entry in record["inputs"]}
    leaves = string_leaves(request)
    assert set(digests) == {*leaves, "metadata"}
    for field, text in leaves.items():
        assert digests[field] == {
            "field": field,
            "kind": "text",
            "sha256": sha256(text.encode()),
            "bytes": len(text.encode()),
        }
    assert digests["metadata"]["sha256"] == sha256(canonical_json(request["metadata"]))

    if task is TaskName.RANK_RESUMES:
        assert record["parameters"] == {"weights": request["weights"]}
        filenames = [resume["filename"] for resume in request["resumes"]]
        ranked = done.result["results"]
        assert [entry["rank"] for entry in record["ranking"]] == list(range(1, len(ranked) + 1))
        for entry, result in zip(record["ranking"], ranked, strict=True):
            assert entry["position"] == filenames.index(result["filename"])
            assert entry["filename_sha256"] == sha256(result["filename"].encode())
            assert entry["score"] == result["score"] and entry["criteria"] == result["criteria"]
            assert entry.get("flags") == result.get("flags")
    elif task is TaskName.START_INTERVIEW:
        analysis = done.result["analysis"]
        assert record["interview"]["scores"] == analysis["scores"]
        assert record["interview"]["overall_score"] == analysis["overall_score"]
    elif task is TaskName.ADD_VACANCY_WITH_CANDIDATES:
        assert record["vacancy_id"] == done.result["vacancy_id"]
    assert ("ranking" in record) is (task is TaskName.RANK_RESUMES)
    assert ("interview" in record) is (task is TaskName.START_INTERVIEW)


def test_a_document_is_recorded_by_the_digest_of_its_bytes(aws: AwsStack) -> None:
    services = services_with(aws)
    request = event_body(TaskName.RANK_RESUMES.route)
    document = "Анна Смирнова, Python-разработчик, FastAPI, PostgreSQL, Docker, 5 лет.".encode()
    request["resumes"][1] = {
        "filename": "anna_smirnova.txt",
        "content_base64": base64.b64encode(document).decode(),
    }
    job_id = accept(services, TaskName.RANK_RESUMES, request)
    assert run_queued(aws, TaskName.RANK_RESUMES, services) == {"received": 1, **NO_FAILURES}

    answer = get_audit(services, job_id)
    digests = {entry["field"]: entry for entry in json.loads(answer.text)["inputs"]}
    assert digests["resumes[1].content_base64"] == {
        "field": "resumes[1].content_base64",
        "kind": "document",
        "sha256": sha256(document),
        "bytes": len(document),
    }
    assert_quotes_no_input(answer.text, request)


def test_the_record_cannot_be_written_again_nor_its_version_deleted(aws: AwsStack) -> None:
    services = services_with(aws)
    job_id = accept(services, TaskName.GENERATE_TAGS)
    run_queued(aws, TaskName.GENERATE_TAGS, services)
    s3 = aws.client("s3")
    (version,) = stored_versions(aws, job_id)
    finished = job(services, job_id).finished_at
    assert finished is not None

    with pytest.raises(ClientError) as rewrite:
        s3.put_object(Bucket=LOCAL_AUDIT_BUCKET, Key=audit_key(job_id), Body=b"{}", IfNoneMatch="*")
    assert rewrite.value.response["Error"]["Code"] == "PreconditionFailed"
    with pytest.raises(ClientError) as delete:
        s3.delete_object(Bucket=LOCAL_AUDIT_BUCKET, Key=audit_key(job_id), VersionId=version["VersionId"])
    assert delete.value.response["Error"]["Code"] == "AccessDenied"
    assert stored_versions(aws, job_id) == [version]

    # The bucket's default retention (moto answers GetObjectRetention with a 500; HEAD carries it too).
    head = s3.head_object(Bucket=LOCAL_AUDIT_BUCKET, Key=audit_key(job_id))
    assert head["ObjectLockMode"] == "GOVERNANCE"
    until = head["ObjectLockRetainUntilDate"]
    assert abs(until - (finished + timedelta(days=DEFAULT_AUDIT_RETENTION_DAYS))) < timedelta(minutes=5)

    store = AuditStore(s3, LOCAL_AUDIT_BUCKET)
    original = store.get(job_id)
    assert original is not None
    assert store.write_once(job_id, original) is False  # one is there: done
    assert store.write_once(job_id, original.replace(b'"status":"succeeded"', b'"status":"failed"')) is False
    assert store.get(job_id) == original and len(stored_versions(aws, job_id)) == 1


def _lose_hand_off(aws: AwsStack, services: Services, job_id: str) -> None:
    """What a worker killed after recording the outcome leaves: the job finished, not yet handed off."""
    aws.client("dynamodb").update_item(
        TableName=services.settings.jobs_table_name,
        Key={"pk": {"S": f"job#{job_id}"}},
        UpdateExpression="SET notify_enqueued = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )
    assert not job(services, job_id).notify_enqueued


def _task_message(job_id: str, task: TaskName, request: dict[str, Any]) -> TaskMessage:
    return TaskMessage(job_id=job_id, task=task, request=request)


def test_a_redelivery_after_the_record_was_written_completes_the_job(aws: AwsStack) -> None:
    services = services_with(aws)
    request = event_body(TaskName.BUILD_VACANCY.route)
    job_id = accept(services, TaskName.BUILD_VACANCY, request)
    run_queued(aws, TaskName.BUILD_VACANCY, services)
    first = stored_versions(aws, job_id)
    assert len(first) == 1 and drain_notify(aws) == [{"job_id": job_id, "chain": 0}]

    _lose_hand_off(aws, services, job_id)
    message = _task_message(job_id, TaskName.BUILD_VACANCY, request)
    assert (
        worker.process_batch(TaskName.BUILD_VACANCY, sqs_event([("m-again", message)]), services)
        == NO_FAILURES
    )
    assert stored_versions(aws, job_id) == first  # the same record found, nothing written
    assert job(services, job_id).notify_enqueued and drain_notify(aws) == [{"job_id": job_id, "chain": 0}]


def test_a_record_that_differs_stands_and_the_job_still_completes(aws: AwsStack) -> None:
    services = services_with(aws)
    job_id = accept(services, TaskName.GENERATE_TAGS)
    planted = b'{"job_id":"planted"}'
    AuditStore(aws.client("s3"), LOCAL_AUDIT_BUCKET).write_once(job_id, planted)

    assert run_queued(aws, TaskName.GENERATE_TAGS, services) == {"received": 1, **NO_FAILURES}
    assert job(services, job_id).status is JobStatus.SUCCEEDED
    assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]
    assert get_audit(services, job_id).text.encode() == planted


def test_an_unwritable_record_holds_the_webhook_until_a_redelivery_writes_it(aws: AwsStack) -> None:
    broken = services_with(aws, AUDIT_BUCKET_NAME="no-such-audit-bucket")
    request = event_body(TaskName.GENERATE_TAGS.route)
    job_id = accept(broken, TaskName.GENERATE_TAGS, request)
    polled = run_queued(aws, TaskName.GENERATE_TAGS, broken)
    assert len(polled["batchItemFailures"]) == 1  # SQS brings the message back
    finished = job(broken, job_id)
    assert finished.status is JobStatus.SUCCEEDED and not finished.notify_enqueued
    assert drain_notify(aws) == [] and stored_versions(aws, job_id) == []

    services = services_with(aws)
    assert run_queued(aws, TaskName.GENERATE_TAGS, services) == {"received": 1, **NO_FAILURES}
    assert job(services, job_id).notify_enqueued
    assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]
    record = json.loads(get_audit(services, job_id).text)
    assert (
        record["status"] == "succeeded"
        and record["finished_at"] == finished.model_dump(mode="json")["finished_at"]
    )


def test_a_failed_job_gets_a_record_with_its_error_code(aws: AwsStack) -> None:
    engine = ScriptedEngine(error=PermanentError(FailureCode.LLM_AUTH_FAILED, "the model refused the key"))
    services = services_with(aws, engine)
    request = event_body(TaskName.GENERATE_TAGS.route)
    job_id = accept(services, TaskName.GENERATE_TAGS, request)
    run_queued(aws, TaskName.GENERATE_TAGS, services)

    answer = get_audit(services, job_id)
    record = json.loads(answer.text)
    assert record["status"] == "failed" and record["error"] == {"code": "llm_auth_failed"}
    assert "result_sha256" not in record and record["finished_at"]
    assert {entry["field"] for entry in record["inputs"]} == {"webhook_url", "vacancy_text"}
    assert "the model refused the key" not in answer.text
    assert_quotes_no_input(answer.text, request)


def test_a_dead_lettered_job_gets_a_worker_crashed_record(aws: AwsStack) -> None:
    services = services_with(aws)
    request = event_body(TaskName.START_INTERVIEW.route)
    job_id = accept(services, TaskName.START_INTERVIEW, request)
    assert services.jobs.start(job_id) is not None  # then the worker was killed on every receive
    dead = sqs_event([("m-dead", _task_message(job_id, TaskName.START_INTERVIEW, request))])

    assert dead_letters.process_dead_letters(dead, services) == NO_FAILURES
    record = json.loads(get_audit(services, job_id).text)
    assert record["status"] == "failed" and record["error"] == {"code": "worker_crashed"}
    assert record["started_at"] and record["finished_at"] and "interview" not in record
    assert {entry["field"] for entry in record["inputs"]} == {"webhook_url", "vacancy_text", "resume_text"}
    # The consumer's own retry finds the same record: nothing new, nothing failed.
    assert dead_letters.process_dead_letters(dead, services) == NO_FAILURES
    assert len(stored_versions(aws, job_id)) == 1


def test_a_dead_lettered_job_is_handed_off_without_its_record_once_the_dlq_retries_run_out(
    aws: AwsStack,
) -> None:
    """The DLQ keeps a message for days: a record that cannot be written holds the failure webhook for a
    few receives only, then the job goes out without it (counted as AuditRecordsLost)."""
    broken = services_with(aws, AUDIT_BUCKET_NAME="no-such-audit-bucket")
    request = event_body(TaskName.GENERATE_TAGS.route)
    job_id = accept(services_with(aws), TaskName.GENERATE_TAGS, request)
    assert broken.jobs.start(job_id) is not None
    dead = sqs_event([("m-dead", _task_message(job_id, TaskName.GENERATE_TAGS, request))])
    assert dead_letters.process_dead_letters(dead, broken) == {
        "batchItemFailures": [{"itemIdentifier": "m-dead"}]
    }
    assert not job(broken, job_id).notify_enqueued  # held while receives remain

    last = broken.settings.task_max_receive_count + dead_letters.DEAD_LETTER_AUDIT_RECEIVES
    dead["Records"][0]["attributes"]["ApproximateReceiveCount"] = str(last)
    assert dead_letters.process_dead_letters(dead, broken) == NO_FAILURES
    assert job(broken, job_id).notify_enqueued and stored_versions(aws, job_id) == []
    assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]


def test_the_route_needs_the_token_and_answers_404_json_while_there_is_no_record(aws: AwsStack) -> None:
    services = services_with(aws)
    job_id = accept(services, TaskName.GENERATE_TAGS)
    for unknown in (job_id, "5f0c4d6e-8a51-4c1e-9b57-2f4f0b9c1a11", "not-a-job-id"):
        missing = get_audit(services, unknown)
        assert missing.status == 404 and missing.json["error"]["code"] == "audit_not_found"
    run_queued(aws, TaskName.GENERATE_TAGS, services)

    assert get_audit(services, job_id).status == 200
    for token in (None, "wrong-token"):
        refused = get_audit(services, job_id, X_Webhook_Token=token)
        assert refused.status == 401 and "job_id" not in refused.text
        assert refused.json["error"]["code"]


def test_the_record_outlives_the_job_record(aws: AwsStack) -> None:
    """The job expires by TTL after days; the record stays for its retention, and the route finds it."""
    services = services_with(aws)
    job_id = accept(services, TaskName.GENERATE_TAGS)
    run_queued(aws, TaskName.GENERATE_TAGS, services)
    aws.client("dynamodb").delete_item(
        TableName=services.settings.jobs_table_name, Key={"pk": {"S": f"job#{job_id}"}}
    )
    assert services.jobs.get(job_id) is None
    assert json.loads(get_audit(services, job_id).text)["job_id"] == job_id


def test_record_shape_is_stable_for_the_same_job_and_request() -> None:
    """No clock of its own: rebuilding gives the same bytes, which is what lets a retry recognise it."""
    from ai_interviewer.audit import build_record  # noqa: PLC0415

    base = Job(
        job_id="j-1",
        task=TaskName.GENERATE_TAGS,
        status=JobStatus.SUCCEEDED,
        webhook_url="https://example.com/hook",
        request_sha256="0" * 64,
        result={"tags": "Python, FastAPI"},
        expires_at=0,
    )
    request = {"webhook_url": "https://example.com/hook", "vacancy_text": "Python, FastAPI"}
    first = build_record(base, request).encode()
    assert build_record(Job.model_validate_json(base.model_dump_json()), dict(request)).encode() == first
    changed = build_record(base.model_copy(update={"result": {"tags": "Python"}}), request).encode()
    assert changed != first


def test_the_openapi_document_describes_the_route_and_a_real_record_conforms(aws: AwsStack) -> None:
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    services = services_with(aws)
    document = json.loads(call(services, load_event("openapi")).text)
    operation = document["paths"]["/api/v1/jobs/{job_id}/audit"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404"} and operation["security"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AuditRecord"}

    job_id = accept(services, TaskName.RANK_RESUMES)
    run_queued(aws, TaskName.RANK_RESUMES, services)
    record = json.loads(get_audit(services, job_id).text)
    validator = Draft202012Validator({**schema, "components": document["components"]})
    assert not list(validator.iter_errors(record))


def test_a_document_is_digested_as_the_worker_decodes_it_and_bad_base64_as_the_string() -> None:
    from ai_interviewer.audit import build_record  # noqa: PLC0415

    data = "Резюме: Python, FastAPI. ".encode() * 20
    encoded = base64.encodebytes(data).decode()  # MIME style, a line break every 76 characters
    assert "\n" in encoded.strip()
    failed = Job(
        job_id="j-2",
        task=TaskName.RANK_RESUMES,
        status=JobStatus.FAILED,
        webhook_url="https://example.com/hook",
        request_sha256="0" * 64,
        expires_at=0,
    )
    request = {
        "webhook_url": "https://example.com/hook",
        "vacancy_text": "Python",
        "resumes": [
            {"filename": "a.txt", "content_base64": encoded},
            {"filename": "b.txt", "content_base64": "not base64!"},
        ],
    }
    digests = {entry.field: entry for entry in build_record(failed, request).inputs or []}
    assert (digests["resumes[0].content_base64"].kind, digests["resumes[0].content_base64"].sha256) == (
        "document",
        sha256(data),
    )
    assert (digests["resumes[1].content_base64"].kind, digests["resumes[1].content_base64"].sha256) == (
        "text",
        sha256(b"not base64!"),
    )


def test_a_claim_checked_request_already_gone_leaves_a_record_without_inputs(aws: AwsStack) -> None:
    """A dead letter whose parked request was removed (by the bucket's expiry) still gets its record."""
    services = services_with(aws)
    job_id = accept(services, TaskName.GENERATE_TAGS)
    assert services.jobs.start(job_id) is not None
    message = TaskMessage(
        job_id=job_id, task=TaskName.GENERATE_TAGS, request_s3_key=f"requests/{job_id}.json"
    )
    assert dead_letters.process_dead_letters(sqs_event([("m-gone", message)]), services) == NO_FAILURES
    record = json.loads(get_audit(services, job_id).text)
    assert record["error"] == {"code": "worker_crashed"} and "inputs" not in record
    assert record["request_sha256"] == job(services, job_id).request_sha256


def test_a_parked_request_that_cannot_be_read_now_is_retried_not_recorded_without_inputs(
    aws: AwsStack,
) -> None:
    broken = services_with(aws, PAYLOAD_BUCKET_NAME="no-such-payload-bucket")
    job_id = accept(services_with(aws), TaskName.GENERATE_TAGS)
    assert broken.jobs.start(job_id) is not None
    message = TaskMessage(
        job_id=job_id, task=TaskName.GENERATE_TAGS, request_s3_key=f"requests/{job_id}.json"
    )
    dead = sqs_event([("m-unreadable", message)])
    assert dead_letters.process_dead_letters(dead, broken) == {
        "batchItemFailures": [{"itemIdentifier": "m-unreadable"}]
    }
    assert stored_versions(aws, job_id) == [] and not job(broken, job_id).notify_enqueued


def test_on_the_last_receive_an_unwritable_record_no_longer_holds_the_webhook(aws: AwsStack) -> None:
    """The client's webhook is the contract: the last allowed receive hands the job off without its
    record (counted as AuditRecordsLost) instead of leaving it silent."""
    broken = services_with(aws, AUDIT_BUCKET_NAME="no-such-audit-bucket", TASK_MAX_RECEIVE_COUNT="1")
    job_id = accept(broken, TaskName.GENERATE_TAGS)
    assert run_queued(aws, TaskName.GENERATE_TAGS, broken) == {"received": 1, **NO_FAILURES}
    assert job(broken, job_id).notify_enqueued
    assert drain_notify(aws) == [{"job_id": job_id, "chain": 0}]
    assert stored_versions(aws, job_id) == []
