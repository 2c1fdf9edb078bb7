"""The DLQ consumers against the moto server: a worker killed on every receive (its message moved to the
task DLQ by the redrive policy) still ends in a failure webhook; a dead-lettered notify message ends its
delivery chain as exhausted; two notify messages for one chain make one POST."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
from ai_interviewer.delivery.handler import handle_notify_batch, handle_notify_dead_letters
from ai_interviewer.delivery.notifier import Notifier
from ai_interviewer.models.jobs import DeliveryState, Job, JobStatus, NotifyMessage, TaskMessage
from ai_interviewer.resources import TASK_MAX_RECEIVE_COUNT, TaskName, dead_letter_queue_name
from ai_interviewer.wiring import Services, build_services
from ai_interviewer.worker import dead_letters

from tests.conftest import AwsStack
from tests.test_delivery import Reply, WebhookReceiver
from tests.test_notifier import sqs_event


def _services(aws: AwsStack, **env: str) -> Services:
    return build_services(
        aws.settings(ALLOW_PRIVATE_WEBHOOK_URLS="true", WEBHOOK_RETRY_SCHEDULE="0,0,0", **env)
    )


def _new_job(services: Services, url: str, task: TaskName = TaskName.GENERATE_TAGS) -> Job:
    job = Job(
        job_id=str(uuid.uuid4()),
        task=task,
        webhook_url=url,
        request_sha256="0" * 64,
        expires_at=int(time.time()) + 86_400,
    )
    services.jobs.create(job)
    return job


def _dead_letter_url(aws: AwsStack, queue_url: str) -> str:
    name = dead_letter_queue_name(queue_url.rsplit("/", 1)[-1])
    url: str = aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    return url


def _receive(aws: AwsStack, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = (
        aws.client("sqs")
        .receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
        .get("Messages", [])
    )
    return messages


def _arn(aws: AwsStack, url: str) -> str:
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def _deliver_notify_queue(aws: AwsStack, services: Services) -> None:
    """The notifier's event source, once: receive, deliver, delete what succeeded."""
    url = services.settings.notify_queue_url
    assert url is not None
    messages = _receive(aws, url)
    handle_notify_batch(sqs_event(messages, _arn(aws, url)), Notifier.from_services(services))


def test_a_worker_killed_on_every_receive_ends_its_job_worker_crashed_with_a_failure_webhook(
    aws: AwsStack,
) -> None:
    services = _services(aws)
    sqs = aws.client("sqs")
    with WebhookReceiver([Reply(200)]) as receiver:
        job = _new_job(services, receiver.url())
        request = {"webhook_url": job.webhook_url, "vacancy_text": "Python, FastAPI"}
        services.queues.send_task(TaskMessage(job_id=job.job_id, task=job.task, request=request))
        queue_url = services.settings.task_queue_urls[job.task]

        # Each receive starts the job and is then killed (out of memory, say): no except runs, nothing
        # reports back, and the message is visible again. The receive after the last moves it to the DLQ.
        for _ in range(TASK_MAX_RECEIVE_COUNT):
            (message,) = _receive(aws, queue_url)
            assert services.jobs.start(job.job_id) is not None
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        assert _receive(aws, queue_url) == []
        dead_letters_url = _dead_letter_url(aws, queue_url)
        dead = _receive(aws, dead_letters_url)
        assert len(dead) == 1 and services.jobs.get(job.job_id).status is JobStatus.RUNNING  # type: ignore[union-attr]

        response = dead_letters.process_dead_letters(sqs_event(dead, _arn(aws, dead_letters_url)), services)
        assert response == {"batchItemFailures": []}
        _deliver_notify_queue(aws, services)

    failed = services.jobs.get(job.job_id)
    assert failed is not None and failed.status is JobStatus.FAILED and failed.error is not None
    assert failed.error.code == "worker_crashed" and failed.notify_enqueued
    (posted,) = receiver.requests
    body = json.loads(posted.body)
    assert body["status"] == "failed" and body["error"]["code"] == "worker_crashed"
    assert body["job_id"] == job.job_id

    # The same dead letter again (the consumer's own retry) changes nothing and queues nothing.
    assert dead_letters.process_dead_letters(sqs_event(dead, _arn(aws, dead_letters_url)), services) == {
        "batchItemFailures": []
    }
    assert _receive(aws, services.settings.notify_queue_url or "") == []


def test_a_dead_lettered_job_that_finished_meanwhile_only_gets_its_hand_off(aws: AwsStack) -> None:
    services = _services(aws)
    job = _new_job(services, "http://127.0.0.1:9/hook")
    services.jobs.start(job.job_id)
    services.jobs.succeed(
        job.job_id, {"tags": "Python"}, engine="heuristic", model=None, prompt_version=None, usage=None
    )
    message = TaskMessage(job_id=job.job_id, task=job.task, request={"webhook_url": job.webhook_url})
    event = {
        "Records": [
            {
                "messageId": "m-1",
                "receiptHandle": "r-1",
                "body": message.model_dump_json(),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ai-interviewer-generate-tags-dlq",
                "awsRegion": "us-east-1",
            }
        ]
    }
    assert dead_letters.process_dead_letters(event, services) == {"batchItemFailures": []}
    done = services.jobs.get(job.job_id)
    assert done is not None and done.status is JobStatus.SUCCEEDED and done.notify_enqueued
    notified = _receive(aws, services.settings.notify_queue_url or "")
    assert [json.loads(m["Body"]) for m in notified] == [{"job_id": job.job_id, "chain": 0}]


def test_a_dead_lettered_notify_message_ends_its_chain_exhausted(aws: AwsStack) -> None:
    services = _services(aws)
    job = _new_job(services, "http://127.0.0.1:9/hook")
    services.jobs.start(job.job_id)
    services.jobs.succeed(
        job.job_id, {"tags": "Python"}, engine="heuristic", model=None, prompt_version=None, usage=None
    )
    notifier = Notifier.from_services(services)

    def dead_letter(chain: int) -> dict[str, Any]:
        body = NotifyMessage(job_id=job.job_id, chain=chain).model_dump_json()
        return sqs_event(
            [{"MessageId": f"m-{chain}", "ReceiptHandle": "r", "Body": body, "MD5OfBody": ""}],
            "arn:aws:sqs:us-east-1:123456789012:ai-interviewer-notify-dlq",
        )

    assert handle_notify_dead_letters(dead_letter(0), notifier) == {"batchItemFailures": []}
    recorded = services.jobs.get(job.job_id)
    assert recorded is not None and recorded.delivery.state is DeliveryState.EXHAUSTED

    # A chain that a redeliver request replaced keeps the new chain's state.
    services.jobs.begin_redelivery(job.job_id)
    assert handle_notify_dead_letters(dead_letter(0), notifier) == {"batchItemFailures": []}
    recorded = services.jobs.get(job.job_id)
    assert recorded is not None and recorded.delivery.state is DeliveryState.PENDING


def _deliver_together(
    services: Services, message: dict[str, Any], arn: str, barrier: threading.Barrier
) -> None:
    notifier = Notifier.from_services(services)
    barrier.wait()
    handle_notify_batch(sqs_event([message], arn), notifier)


@pytest.mark.usefixtures("frequent_thread_switches")
def test_two_racing_notify_messages_for_one_chain_make_one_post(aws: AwsStack) -> None:
    services = _services(aws)
    url = services.settings.notify_queue_url
    assert url is not None
    for _ in range(5):
        # The receiver holds each POST a moment, so both messages are in flight at once.
        with WebhookReceiver(default=Reply(200, delay_seconds=0.3)) as receiver:
            job = _new_job(services, receiver.url())
            services.jobs.start(job.job_id)
            services.jobs.succeed(
                job.job_id,
                {"tags": "Python"},
                engine="heuristic",
                model=None,
                prompt_version=None,
                usage=None,
            )
            # A repeated hand-off: two notify messages for chain 0.
            services.queues.send_notify(NotifyMessage(job_id=job.job_id))
            services.queues.send_notify(NotifyMessage(job_id=job.job_id))
            messages = _receive(aws, url)
            while len(messages) < 2:
                messages += _receive(aws, url)
            arn = _arn(aws, url)
            barrier = threading.Barrier(2)

            threads = [
                threading.Thread(target=_deliver_together, args=(services, m, arn, barrier))
                for m in messages[:2]
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert len(receiver.requests) == 1
        recorded = services.jobs.get(job.job_id)
        assert recorded is not None and recorded.delivery.state is DeliveryState.DELIVERED
        assert len(recorded.delivery.attempts) == 1
