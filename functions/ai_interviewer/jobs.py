"""The job store port and its DynamoDB adapter.

Every state change is a conditional write, so a message seen twice cannot run a finished job again,
and two workers racing on one job cannot both win.
"""

from __future__ import annotations

import contextlib
import json
from abc import ABC, abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ai_interviewer.models.jobs import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Job,
    JobStatus,
    TokenSlot,
    Usage,
    utc_now,
)
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.payload_store import PayloadStore
from ai_interviewer.resources import JOBS_TABLE_PARTITION_KEY, TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# DynamoDB items stop at 400 KB; a result larger than this goes to S3 and the record keeps its key.
INLINE_RESULT_LIMIT = 300_000


class JobStore(ABC):
    @abstractmethod
    def create(self, job: Job) -> None:
        """Store a new job; a second create of the same id is an error."""

    @abstractmethod
    def get(self, job_id: str) -> Job | None: ...

    @abstractmethod
    def claim_idempotency_key(
        self, key: str, request_sha256: str, job_id: str, expires_at: int
    ) -> tuple[str, str]:
        """Bind `key` to (job_id, request hash) unless already bound; return the binding that holds."""

    @abstractmethod
    def release_idempotency_key(self, key: str, job_id: str) -> None:
        """Unbind `key` if it is still bound to `job_id` (its job could not be stored)."""

    @abstractmethod
    def start(self, job_id: str) -> Job | None:
        """queued (or running, for a redelivered message) -> running. None if the job already finished."""

    @abstractmethod
    def succeed(
        self,
        job_id: str,
        result: dict[str, Any],
        *,
        engine: str | None,
        model: str | None,
        prompt_version: str | None,
        usage: Usage | None,
    ) -> bool:
        """running -> succeeded with its result. False if the job had already finished."""

    @abstractmethod
    def fail(self, job_id: str, error: ErrorDetail, *, usage: Usage | None = None) -> bool:
        """queued|running -> failed with its error. False if the job had already finished."""

    @abstractmethod
    def mark_notify_enqueued(self, job_id: str) -> None: ...

    @abstractmethod
    def begin_redelivery(self, job_id: str) -> int:
        """Start a new delivery chain (state back to pending); return its number."""

    @abstractmethod
    def record_attempt(self, job_id: str, attempt: DeliveryAttempt, state: DeliveryState) -> None: ...


def _iso(moment: datetime) -> str:
    return moment.isoformat()


class DynamoDbJobStore(JobStore):
    """Jobs as items keyed `job#<id>`, idempotency keys as items keyed `idempotency#<key>`.

    Nested parts (result, error, usage, attempts) are stored as JSON strings: no float-to-Decimal
    conversions, and the item is exactly what the model serialises.
    """

    def __init__(self, client: DynamoDBClient, table_name: str, payloads: PayloadStore) -> None:
        self._client = client
        self._table = table_name
        self._payloads = payloads

    @staticmethod
    def _key(job_id: str) -> dict[str, Any]:
        return {JOBS_TABLE_PARTITION_KEY: {"S": f"job#{job_id}"}}

    def create(self, job: Job) -> None:
        item = {
            **self._key(job.job_id),
            "job_id": {"S": job.job_id},
            "task": {"S": job.task.value},
            "status": {"S": job.status.value},
            "webhook_url": {"S": job.webhook_url},
            "request_sha256": {"S": job.request_sha256},
            "authenticated_by": {"S": job.authenticated_by.value},
            "created_at": {"S": _iso(job.created_at)},
            "updated_at": {"S": _iso(job.updated_at)},
            "notify_enqueued": {"BOOL": False},
            "redelivery_chain": {"N": "0"},
            "delivery_state": {"S": DeliveryState.PENDING.value},
            "attempts": {"L": []},
            TTL_ATTRIBUTE: {"N": str(job.expires_at)},
        }
        if job.metadata is not None:
            item["metadata"] = {"S": json.dumps(job.metadata, ensure_ascii=False)}
        self._client.put_item(
            TableName=self._table,
            Item=item,
            ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": JOBS_TABLE_PARTITION_KEY},
        )

    def get(self, job_id: str) -> Job | None:
        response = self._client.get_item(TableName=self._table, Key=self._key(job_id), ConsistentRead=True)
        item = response.get("Item")
        return self._to_job(item) if item else None

    def _to_job(self, item: dict[str, Any]) -> Job:
        def text(name: str) -> str | None:
            return item[name]["S"] if name in item else None

        def parsed(name: str) -> Any:
            value = text(name)
            return json.loads(value) if value is not None else None

        result = parsed("result")
        if result is None and "result_s3_key" in item:
            result = json.loads(self._payloads.get(item["result_s3_key"]["S"]))
        return Job(
            job_id=item["job_id"]["S"],
            task=item["task"]["S"],
            status=item["status"]["S"],
            webhook_url=item["webhook_url"]["S"],
            metadata=parsed("metadata"),
            request_sha256=item["request_sha256"]["S"],
            authenticated_by=text("authenticated_by") or TokenSlot.CURRENT,
            created_at=item["created_at"]["S"],
            updated_at=item["updated_at"]["S"],
            started_at=text("started_at"),
            finished_at=text("finished_at"),
            result=result,
            error=parsed("error"),
            engine=text("engine"),
            model=text("model"),
            prompt_version=text("prompt_version"),
            usage=parsed("usage"),
            notify_enqueued=item.get("notify_enqueued", {}).get("BOOL", False),
            redelivery_chain=int(item.get("redelivery_chain", {}).get("N", "0")),
            delivery=Delivery(
                state=item["delivery_state"]["S"],
                attempts=[DeliveryAttempt.model_validate_json(a["S"]) for a in item["attempts"]["L"]],
            ),
            expires_at=int(item[TTL_ATTRIBUTE]["N"]),
        )

    def claim_idempotency_key(
        self, key: str, request_sha256: str, job_id: str, expires_at: int
    ) -> tuple[str, str]:
        item_key = {JOBS_TABLE_PARTITION_KEY: {"S": f"idempotency#{key}"}}
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **item_key,
                    "job_id": {"S": job_id},
                    "request_sha256": {"S": request_sha256},
                    TTL_ATTRIBUTE: {"N": str(expires_at)},
                },
                ConditionExpression="attribute_not_exists(#pk) OR #ttl < :now",
                ExpressionAttributeNames={"#pk": JOBS_TABLE_PARTITION_KEY, "#ttl": TTL_ATTRIBUTE},
                ExpressionAttributeValues={":now": {"N": str(int(utc_now().timestamp()))}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            held = self._client.get_item(TableName=self._table, Key=item_key, ConsistentRead=True)["Item"]
            return held["job_id"]["S"], held["request_sha256"]["S"]
        return job_id, request_sha256

    def release_idempotency_key(self, key: str, job_id: str) -> None:
        # Bound to another job by now: not ours to release.
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.delete_item(
                TableName=self._table,
                Key={JOBS_TABLE_PARTITION_KEY: {"S": f"idempotency#{key}"}},
                ConditionExpression="job_id = :job_id",
                ExpressionAttributeValues={":job_id": {"S": job_id}},
            )

    def _update(self, job_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
        values = {**values, ":now": {"S": _iso(utc_now())}}
        # DynamoDB refuses a name placeholder the expressions do not use (mark_notify_enqueued has none).
        uses_status = "#status" in expression or "#status" in condition
        names: dict[str, Any] = {"ExpressionAttributeNames": {"#status": "status"}} if uses_status else {}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(job_id),
                UpdateExpression=f"{expression}, updated_at = :now",
                ConditionExpression=f"attribute_exists(job_id) AND ({condition})",
                ExpressionAttributeValues=values,
                **names,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def start(self, job_id: str) -> Job | None:
        started = self._update(
            job_id,
            "SET #status = :running, started_at = if_not_exists(started_at, :now)",
            "#status IN (:queued, :running)",
            {
                ":running": {"S": JobStatus.RUNNING.value},
                ":queued": {"S": JobStatus.QUEUED.value},
            },
        )
        return self.get(job_id) if started else None

    def succeed(
        self,
        job_id: str,
        result: dict[str, Any],
        *,
        engine: str | None,
        model: str | None,
        prompt_version: str | None,
        usage: Usage | None,
    ) -> bool:
        serialised = json.dumps(result, ensure_ascii=False)
        values: dict[str, Any] = {
            ":succeeded": {"S": JobStatus.SUCCEEDED.value},
            ":running": {"S": JobStatus.RUNNING.value},
        }
        sets = ["#status = :succeeded", "finished_at = :now"]
        if len(serialised.encode()) > INLINE_RESULT_LIMIT:
            key = f"results/{job_id}.json"
            self._payloads.put(key, serialised.encode())
            sets.append("result_s3_key = :result_key")
            values[":result_key"] = {"S": key}
        else:
            sets.append("#result = :result")
            values[":result"] = {"S": serialised}
        optional = {"engine": engine, "model": model, "prompt_version": prompt_version}
        if usage is not None:
            optional["usage"] = usage.model_dump_json()
        names = {"#status": "status", "#result": "result"}
        for name, value in optional.items():
            if value is not None:
                # Placeholders everywhere: several of these names are DynamoDB reserved words.
                sets.append(f"#{name} = :{name}")
                names[f"#{name}"] = name
                values[f":{name}"] = {"S": value}
        if ":result" not in values:
            del names["#result"]
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(job_id),
                UpdateExpression="SET " + ", ".join(sets) + ", updated_at = :now",
                ConditionExpression="#status = :running",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={**values, ":now": {"S": _iso(utc_now())}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def fail(self, job_id: str, error: ErrorDetail, *, usage: Usage | None = None) -> bool:
        values: dict[str, Any] = {
            ":failed": {"S": JobStatus.FAILED.value},
            ":queued": {"S": JobStatus.QUEUED.value},
            ":running": {"S": JobStatus.RUNNING.value},
            ":error": {"S": error.model_dump_json()},
        }
        expression = "SET #status = :failed, finished_at = :now, #error = :error"
        if usage is not None:
            expression += ", #usage = :usage"
            values[":usage"] = {"S": usage.model_dump_json()}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(job_id),
                UpdateExpression=expression + ", updated_at = :now",
                ConditionExpression="#status IN (:queued, :running)",
                ExpressionAttributeNames={
                    "#status": "status",
                    "#error": "error",
                    **({"#usage": "usage"} if usage is not None else {}),
                },
                ExpressionAttributeValues={**values, ":now": {"S": _iso(utc_now())}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def mark_notify_enqueued(self, job_id: str) -> None:
        self._update(
            job_id, "SET notify_enqueued = :true", "attribute_exists(job_id)", {":true": {"BOOL": True}}
        )

    def begin_redelivery(self, job_id: str) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key=self._key(job_id),
            UpdateExpression="ADD redelivery_chain :one SET delivery_state = :pending, updated_at = :now",
            ConditionExpression="attribute_exists(job_id)",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":pending": {"S": DeliveryState.PENDING.value},
                ":now": {"S": _iso(utc_now())},
            },
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["redelivery_chain"]["N"])

    def record_attempt(self, job_id: str, attempt: DeliveryAttempt, state: DeliveryState) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=self._key(job_id),
            UpdateExpression=(
                "SET attempts = list_append(attempts, :attempt), delivery_state = :state, updated_at = :now"
            ),
            ExpressionAttributeValues={
                ":attempt": {"L": [{"S": attempt.model_dump_json()}]},
                ":state": {"S": state.value},
                ":now": {"S": _iso(utc_now())},
            },
        )
