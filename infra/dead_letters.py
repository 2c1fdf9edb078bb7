"""A consumer for dead-letter queues: what SQS gives up on still ends with a recorded outcome.

A task message reaches its DLQ only when its worker never reported back on any receive (killed by its
timeout or memory limit); its consumer fails the job `worker_crashed` and queues the failure webhook. A
notify message reaches its DLQ when its deliveries outlived the queue's receive limit; its consumer
records the chain exhausted. A record the consumer itself fails stays in the DLQ (14 days, with the DLQ
depth alarm) for another try or an operator's redrive.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
from ai_interviewer import resources
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.deploy_settings import DeploySettings
from infra.function_blueprint import FunctionBlueprint, FunctionSpec
from infra.storage import Storage

DEAD_LETTERS_MEMORY_MB = 256


class DeadLetterConsumer(Construct):
    """One function fed by `dead_letter_queues`, with read and conditional-update access to the jobs
    table (and the large results it may load); `notify_queue`, when given, to queue failure webhooks."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        blueprint: FunctionBlueprint,
        storage: Storage,
        handler: str,
        description: str,
        dead_letter_queues: Iterable[sqs.IQueue],
        notify_queue: sqs.IQueue | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        environment = {
            resources.JOBS_TABLE_ENV: storage.jobs_table.table_name,
            resources.PAYLOAD_BUCKET_ENV: storage.payload_bucket.bucket_name,
        }
        if notify_queue is not None:
            environment[resources.NOTIFY_QUEUE_URL_ENV] = notify_queue.queue_url
            environment[resources.AUDIT_BUCKET_ENV] = storage.audit.bucket.bucket_name
        self.function = blueprint.build(
            self,
            "Function",
            FunctionSpec(
                handler=handler,
                description=description,
                timeout=cdk.Duration.seconds(resources.DEAD_LETTERS_TIMEOUT_SECONDS),
                memory_mb=DEAD_LETTERS_MEMORY_MB,
                environment=environment,
            ),
        )
        role = self.function.role
        assert role is not None
        # Reads the job and changes it with conditional updates only: no puts, deletes, scans or queries.
        storage.grant_job_progress(role)
        storage.grant_result_reading(role)
        if notify_queue is not None:
            notify_queue.grant_send_messages(role)
            # A failed job's claim-checked request is deleted, as the worker would have; its audit
            # record is written first (ai_interviewer.audit).
            storage.grant_request_consumption(role)
            storage.audit.grant_record_writing(role)
        for queue in dead_letter_queues:
            self.function.add_event_source(
                event_sources.SqsEventSource(
                    queue,
                    batch_size=resources.EVENT_SOURCE_BATCH_SIZE,
                    report_batch_item_failures=True,
                    max_concurrency=resources.DEAD_LETTERS_MAX_CONCURRENCY,
                )
            )
