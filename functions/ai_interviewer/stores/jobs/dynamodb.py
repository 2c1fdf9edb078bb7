"""The job store's DynamoDB adapter.

Every state change is a conditional write, so a message seen twice cannot run a finished job again,
and two workers racing on one job cannot both win.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ai_interviewer.models.jobs import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Job,
    JobStatus,
    TokenSlot,
    utc_now,
)
from ai_interviewer.models.payloads import ErrorDetail
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import JOBS_TABLE_PARTITION_KEY, RESULTS_PREFIX, TTL_ATTRIBUTE
from ai_interviewer.stores.jobs.base import IdempotencyKeyHeldError, JobStore
from ai_interviewer.stores.payloads.base import PayloadStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# DynamoDB items stop at 400 KB; a result larger than this goes to S3 and the record keeps its key.
INLINE_RESULT_LIMIT = 300_000
BATCH_GET_LIMIT = 100  # keys per BatchGetItem call


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

    def create(self, job: Job, *, idempotency_key: str | None = None, key_expires_at: int = 0) -> None:
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
            "task_sent": {"BOOL": False},
            "redelivery_chain": {"N": "0"},
            "delivery_state": {"S": DeliveryState.PENDING.value},
            "attempts": {"L": []},
            TTL_ATTRIBUTE: {"N": str(job.expires_at)},
        }
        if job.metadata is not None:
            item["metadata"] = {"S": json.dumps(job.metadata, ensure_ascii=False)}
        put_job: dict[str, Any] = {
            "TableName": self._table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(#pk)",
            "ExpressionAttributeNames": {"#pk": JOBS_TABLE_PARTITION_KEY},
        }
        if idempotency_key is None:
            self._client.put_item(**put_job)
            return
        key_item = self._idempotency_key(idempotency_key)
        put_key: dict[str, Any] = {
            "TableName": self._table,
            "Item": {
                **key_item,
                "job_id": {"S": job.job_id},
                "request_sha256": {"S": job.request_sha256},
                TTL_ATTRIBUTE: {"N": str(key_expires_at)},
            },
            "ConditionExpression": "attribute_not_exists(#pk) OR #ttl < :now",
            "ExpressionAttributeNames": {"#pk": JOBS_TABLE_PARTITION_KEY, "#ttl": TTL_ATTRIBUTE},
            "ExpressionAttributeValues": {":now": {"N": str(int(utc_now().timestamp()))}},
        }
        try:
            transaction: list[Any] = [{"Put": put_job}, {"Put": put_key}]
            self._client.transact_write_items(TransactItems=transaction)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if len(reasons) < 2 or reasons[1] != "ConditionalCheckFailed":
                raise
            held = self._client.get_item(TableName=self._table, Key=key_item, ConsistentRead=True)
            if "Item" not in held:
                raise  # the key expired and was removed meanwhile: the caller's retry binds it
            raise IdempotencyKeyHeldError(
                held["Item"]["job_id"]["S"], held["Item"]["request_sha256"]["S"]
            ) from None

    @staticmethod
    def _idempotency_key(key: str) -> dict[str, Any]:
        return {JOBS_TABLE_PARTITION_KEY: {"S": f"idempotency#{key}"}}

    @staticmethod
    def _progress_key(job_id: str, part: str, index: int) -> dict[str, Any]:
        # Its own prefix: no job id can name one of these items.
        return {JOBS_TABLE_PARTITION_KEY: {"S": f"progress#{job_id}#{part}#{index}"}}

    def mark_task_sent(self, job_id: str) -> None:
        # Bookkeeping, not a change of the job's state: `updated_at` stays the acceptance time.
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table,
                Key=self._key(job_id),
                UpdateExpression="SET task_sent = :true",
                ConditionExpression="attribute_exists(job_id)",
                ExpressionAttributeValues={":true": {"BOOL": True}},
            )

    def record_progress(self, job_id: str, part: str, index: int, data_json: str, expires_at: int) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                **self._progress_key(job_id, part, index),
                "data": {"S": data_json},
                TTL_ATTRIBUTE: {"N": str(expires_at)},
            },
        )

    def progress(self, job_id: str, part: str, count: int) -> dict[int, str]:
        found: dict[int, str] = {}
        pending = [self._progress_key(job_id, part, index) for index in range(count)]
        for start in range(0, len(pending), BATCH_GET_LIMIT):
            keys = pending[start : start + BATCH_GET_LIMIT]
            while keys:
                response = self._client.batch_get_item(
                    RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
                )
                for item in response["Responses"].get(self._table, []):
                    index = int(item[JOBS_TABLE_PARTITION_KEY]["S"].rsplit("#", 1)[1])
                    found[index] = item["data"]["S"]
                unprocessed: dict[str, Any] = dict(response.get("UnprocessedKeys", {}))
                keys = list(unprocessed.get(self._table, {}).get("Keys", []))
        return found

    def claim_attempt(
        self, job_id: str, chain: int, carrier: str, *, recorded_attempts: int, lease_seconds: int
    ) -> bool:
        now = int(utc_now().timestamp())
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(job_id),
                UpdateExpression="SET delivery_carrier = :carrier, delivery_hold_until = :until",
                ConditionExpression=(
                    "attribute_exists(job_id) AND size(attempts) = :recorded AND ("
                    "attribute_not_exists(delivery_carrier) OR delivery_carrier = :carrier"
                    " OR NOT begins_with(delivery_carrier, :chain) OR delivery_hold_until < :now)"
                ),
                ExpressionAttributeValues={
                    ":carrier": {"S": f"{chain}:{carrier}"},
                    ":chain": {"S": f"{chain}:"},
                    ":until": {"N": str(now + lease_seconds)},
                    ":now": {"N": str(now)},
                    ":recorded": {"N": str(recorded_attempts)},
                },
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def mark_delivery_exhausted(self, job_id: str, chain: int) -> bool:
        return self._update(
            job_id,
            "SET delivery_state = :exhausted",
            "redelivery_chain = :chain AND delivery_state IN (:pending, :retrying)",
            {
                ":exhausted": {"S": DeliveryState.EXHAUSTED.value},
                ":pending": {"S": DeliveryState.PENDING.value},
                ":retrying": {"S": DeliveryState.RETRYING.value},
                ":chain": {"N": str(chain)},
            },
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
            # Jobs stored before this flag existed were always sent with their creation.
            task_sent=item.get("task_sent", {}).get("BOOL", True),
            redelivery_chain=int(item.get("redelivery_chain", {}).get("N", "0")),
            delivery=Delivery(
                state=item["delivery_state"]["S"],
                attempts=[DeliveryAttempt.model_validate_json(a["S"]) for a in item["attempts"]["L"]],
            ),
            expires_at=int(item[TTL_ATTRIBUTE]["N"]),
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
            key = f"{RESULTS_PREFIX}{job_id}.json"
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

    def record_attempt(
        self, job_id: str, attempt: DeliveryAttempt, state: DeliveryState, *, hold_seconds: int = 0
    ) -> None:
        now = utc_now()
        self._client.update_item(
            TableName=self._table,
            Key=self._key(job_id),
            UpdateExpression=(
                "SET attempts = list_append(attempts, :attempt), delivery_state = :state, updated_at = :now,"
                " delivery_hold_until = :until"
            ),
            ExpressionAttributeValues={
                ":attempt": {"L": [{"S": attempt.model_dump_json()}]},
                ":state": {"S": state.value},
                ":now": {"S": _iso(now)},
                ":until": {"N": str(int(now.timestamp()) + hold_seconds)},
            },
        )
