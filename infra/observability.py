"""Alarms: a message in any dead-letter queue, function errors, a backlog (the age of the oldest
message) on any work queue, and 5xx answers from the API; sent to an SNS topic when the deployer gives
an alarm email (context `alarm_email`)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.compliance import acknowledge
from infra.deploy_settings import SERVICE_NAME, DeploySettings
from infra.work_queue import WorkQueue

FIVE_MINUTES = cdk.Duration.minutes(5)


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        work_queues: dict[str, WorkQueue],
        functions: dict[str, lambda_.IFunction],
        rest_api: apigateway.RestApi,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        self.topic: sns.Topic | None = None
        if settings.alarm_email:
            self.topic = sns.Topic(
                self, "AlarmTopic", display_name=f"{SERVICE_NAME} alarms", enforce_ssl=True
            )
            self.topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
            acknowledge(
                self.topic,
                "AwsSolutions-SNS2",
                "Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a "
                "topic encrypted with the AWS managed SNS key, and a customer key buys nothing here.",
            )

        for name, work_queue in work_queues.items():
            self._alarm(
                f"{name}DeadLetters",
                work_queue.dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=cdk.Duration.minutes(1), statistic="Maximum"
                ),
                threshold=1,
                description=f"{name}: messages in the dead-letter queue (a job or webhook gave up)",
            )
            self._alarm(
                f"{name}Backlog",
                work_queue.queue.metric_approximate_age_of_oldest_message(
                    period=cdk.Duration.minutes(1), statistic="Maximum"
                ),
                threshold=work_queue.age_alarm_threshold.to_seconds(),
                description=f"{name}: the oldest message has waited too long (consumers not keeping up)",
                evaluation_periods=5,
            )
        for name, function in functions.items():
            self._alarm(
                f"{name}Errors",
                function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocations failed (crash or timeout, not a reported item failure)",
            )
        self._alarm(
            "Api5xx",
            rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
            threshold=5,
            description="API answered 5xx",
        )

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.Metric,
        *,
        threshold: float,
        description: str,
        evaluation_periods: int = 1,
    ) -> None:
        alarm = metric.create_alarm(
            self,
            construct_id,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        if self.topic is not None:
            action = cloudwatch_actions.SnsAction(self.topic)
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
        self.alarms.append(alarm)
