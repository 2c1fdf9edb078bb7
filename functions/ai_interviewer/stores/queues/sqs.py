"""The queues' SQS adapter."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ai_interviewer.models.jobs import NotifyMessage, TaskMessage
from ai_interviewer.resources import REQUESTS_PREFIX, TaskName
from ai_interviewer.stores.payloads.base import PayloadStore
from ai_interviewer.stores.queues.base import Queues

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# SQS takes 1 MiB a message (256 KiB on older queues); leave room for the envelope.
INLINE_MESSAGE_LIMIT = 240 * 1024
SQS_MAX_DELAY_SECONDS = 900
# A received message can be hidden for at most 12 hours from that receive.
SQS_MAX_VISIBILITY_SECONDS = 12 * 3600


class SqsQueues(Queues):
    def __init__(
        self,
        client: SQSClient,
        task_queue_urls: dict[TaskName, str],
        notify_queue_url: str | None,
        payloads: PayloadStore,
    ) -> None:
        self._client = client
        self._task_queue_urls = task_queue_urls
        self._notify_queue_url = notify_queue_url
        self._payloads = payloads

    def send_task(self, message: TaskMessage) -> None:
        """Send inline when it fits; otherwise park the request in S3 and send its key (claim-check)."""
        body = message.model_dump_json(exclude_none=True)
        if len(body.encode()) > INLINE_MESSAGE_LIMIT and message.request is not None:
            key = f"{REQUESTS_PREFIX}{message.job_id}.json"
            self._payloads.put(key, json.dumps(message.request, ensure_ascii=False).encode())
            body = message.model_copy(update={"request": None, "request_s3_key": key}).model_dump_json(
                exclude_none=True
            )
        self._client.send_message(QueueUrl=self._task_queue_urls[message.task], MessageBody=body)

    def send_notify(self, message: NotifyMessage, delay_seconds: int = 0) -> None:
        if self._notify_queue_url is None:
            raise RuntimeError("NOTIFY_QUEUE_URL is not configured for this function")
        self._client.send_message(
            QueueUrl=self._notify_queue_url,
            MessageBody=message.model_dump_json(),
            DelaySeconds=min(max(delay_seconds, 0), SQS_MAX_DELAY_SECONDS),
        )

    def postpone_task(self, task: TaskName, receipt_handle: str, delay_seconds: int) -> None:
        self._client.change_message_visibility(
            QueueUrl=self._task_queue_urls[task],
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=min(max(delay_seconds, 0), SQS_MAX_VISIBILITY_SECONDS),
        )

    def postpone_notify(self, receipt_handle: str, delay_seconds: int) -> None:
        if self._notify_queue_url is None:
            raise RuntimeError("NOTIFY_QUEUE_URL is not configured for this function")
        self._client.change_message_visibility(
            QueueUrl=self._notify_queue_url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=min(max(delay_seconds, 0), SQS_MAX_VISIBILITY_SECONDS),
        )
