"""The notify queue and the notifier function that signs and delivers webhooks."""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from constructs import Construct

from infra.dead_letters import DeadLetterConsumer
from infra.deploy_settings import DeploySettings
from infra.function_blueprint import FunctionBlueprint, FunctionSpec
from infra.storage import Storage
from infra.work_queue import WorkQueue


class Notifier(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        blueprint: FunctionBlueprint,
        storage: Storage,
    ) -> None:
        super().__init__(scope, construct_id)
        timeout = cdk.Duration.seconds(resources.NOTIFIER_TIMEOUT_SECONDS)
        self.work_queue = WorkQueue(
            self,
            "NotifyQueue",
            consumer_timeout=timeout,
            max_receive_count=resources.NOTIFY_MAX_RECEIVE_COUNT,
            # A retried delivery waits hidden in the queue, so a message can be half an hour old on its
            # third try; SQS leaves messages received three times out of this metric.
            age_alarm_threshold=cdk.Duration.hours(1),
        )
        self.function = blueprint.build(
            self,
            "NotifierFunction",
            FunctionSpec(
                handler=resources.NOTIFIER_HANDLER,
                description="Signs and delivers webhooks, retrying on the configured schedule",
                timeout=timeout,
                memory_mb=settings.notifier_memory_mb,
                environment={
                    resources.JOBS_TABLE_ENV: storage.jobs_table.table_name,
                    resources.PAYLOAD_BUCKET_ENV: storage.payload_bucket.bucket_name,
                    resources.NOTIFY_QUEUE_URL_ENV: self.work_queue.queue.queue_url,
                    resources.WEBHOOK_SECRET_ARN_ENV: storage.webhook_secret.secret_arn,
                },
            ),
        )
        role = self.function.role
        assert role is not None
        storage.grant_job_progress(role)
        storage.grant_result_reading(role)
        storage.webhook_secret.grant_read(role)
        # Consuming includes ChangeMessageVisibility, which is how a retry waits for its delay.
        self.work_queue.feed(self.function, max_concurrency=settings.notifier_max_concurrency)
        self.dead_letters = DeadLetterConsumer(
            self,
            "DeadLetters",
            settings=settings,
            blueprint=blueprint,
            storage=storage,
            handler=resources.NOTIFY_DEAD_LETTERS_HANDLER,
            description="Records the delivery of dead-lettered notify messages as exhausted",
            dead_letter_queues=[self.work_queue.dead_letter_queue],
        )
