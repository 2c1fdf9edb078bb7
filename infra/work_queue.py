"""An SQS queue with its dead-letter queue, sized to the function that consumes it."""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer.resources import DEAD_LETTERS_TIMEOUT_SECONDS, EVENT_SOURCE_BATCH_SIZE
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.compliance import acknowledge
from infra.deploy_settings import DLQ_RETENTION_DAYS, QUEUE_RETENTION_DAYS, visibility_timeout_seconds


class WorkQueue(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        consumer_timeout: cdk.Duration,
        max_receive_count: int,
        age_alarm_threshold: cdk.Duration | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.max_receive_count = max_receive_count
        self.visibility_timeout = cdk.Duration.seconds(
            visibility_timeout_seconds(int(consumer_timeout.to_seconds()))
        )
        # How old the oldest message may get before the backlog alarm fires (see Observability); by
        # default twice the visibility timeout, so one redelivery after a crash is not yet a backlog.
        self.age_alarm_threshold = age_alarm_threshold or cdk.Duration.seconds(
            max(15 * 60, 2 * int(self.visibility_timeout.to_seconds()))
        )
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(DLQ_RETENTION_DAYS),
            # Its consumer (infra/dead_letters.py) gets the same six-fold room as every other consumer.
            visibility_timeout=cdk.Duration.seconds(visibility_timeout_seconds(DEAD_LETTERS_TIMEOUT_SECONDS)),
        )
        acknowledge(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This is the dead-letter queue; its depth raises an alarm and an operator redrives it.",
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=self.visibility_timeout,
            # SQS's longest: a backlog longer than the default 4 days would silently drop jobs (expiry
            # is not a dead-letter); the backlog alarm fires long before.
            retention_period=cdk.Duration.days(QUEUE_RETENTION_DAYS),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queue, max_receive_count=max_receive_count
            ),
        )

    def feed(self, consumer: lambda_.IFunction, *, max_concurrency: int) -> None:
        """One message per invocation: a job can take the whole timeout, and a batch would share it."""
        consumer.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=EVENT_SOURCE_BATCH_SIZE,
                report_batch_item_failures=True,
                max_concurrency=max_concurrency,
            )
        )
