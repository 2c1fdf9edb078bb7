"""Alarms that reach someone, and a dashboard of the service.

Every alarm (and its return to OK) goes to one SNS topic: the stack's own, encrypted with a key of its
own that CloudWatch may use, or an existing topic named by `alarm_topic_arn` (Chatbot to Slack,
PagerDuty...). `alarm_email` subscribes an address to it. The alarms and the dashboard cover every
function and every work queue in the stack, found in the construct tree, so a function or queue added
by another construct is watched without being listed here; build this construct last.
"""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.delivery.notifier import NotifyOutcome
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct, IConstruct

from infra.deploy_settings import DeploySettings
from infra.work_queue import WorkQueue

ONE_MINUTE = cdk.Duration.minutes(1)
FIVE_MINUTES = cdk.Duration.minutes(5)
# The api answers in well under a second; half its timeout for a quarter of an hour is an outage.
API_LATENCY_ALARM_MS = resources.API_TIMEOUT_SECONDS * 1000 / 2
# Failed attempts are retried (the job is not lost yet): a handful in five minutes is a trend.
FAILED_ATTEMPTS_ALARM = 5
WIDGET_WIDTH = 8


def construct_label(construct: IConstruct) -> str:
    """A short unique name from the construct path below the stack: Api/ApiFunction -> ApiApiFunction."""
    stack_path = cdk.Stack.of(construct).node.path
    below = construct.node.path.removeprefix(stack_path).strip("/")
    return "".join(below.split("/"))


def functions_in(scope: IConstruct) -> list[lambda_.Function]:
    return [c for c in cdk.Stack.of(scope).node.find_all() if isinstance(c, lambda_.Function)]


def work_queues_in(scope: IConstruct) -> list[WorkQueue]:
    return [c for c in cdk.Stack.of(scope).node.find_all() if isinstance(c, WorkQueue)]


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        rest_api: apigateway.RestApi,
        tables: dict[str, dynamodb.ITable],
        task_queues: dict[str, WorkQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.alarms: list[cloudwatch.Alarm] = []
        self.topic = self._topic(settings)
        if settings.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
        self._action = cloudwatch_actions.SnsAction(self.topic)
        # The functions' custom metrics (Powertools EMF): one `service` dimension per stage.
        self._service = settings.service_name

        functions = sorted(functions_in(self), key=lambda f: f.node.path)
        work_queues = sorted(work_queues_in(self), key=lambda q: q.node.path)
        for work_queue in work_queues:
            name = construct_label(work_queue)
            self._alarm(
                f"{name}DeadLetters",
                work_queue.dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=ONE_MINUTE, statistic="Maximum"
                ),
                threshold=1,
                description=f"{name}: messages in the dead-letter queue (a job or webhook gave up)",
            )
            self._alarm(
                f"{name}Backlog",
                work_queue.queue.metric_approximate_age_of_oldest_message(
                    period=ONE_MINUTE, statistic="Maximum"
                ),
                threshold=work_queue.age_alarm_threshold.to_seconds(),
                description=f"{name}: the oldest message has waited too long (consumers not keeping up)",
                evaluation_periods=5,
            )
        for function in functions:
            name = construct_label(function)
            self._alarm(
                f"{name}Errors",
                function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocations failed (crash or timeout, not a reported item failure)",
            )
            self._alarm(
                f"{name}Throttles",
                function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocations throttled (account or reserved concurrency exhausted)",
            )
        self._alarm(
            "Api5xx",
            rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
            threshold=5,
            description="API answered 5xx",
        )
        self._alarm(
            "ApiLatency",
            rest_api.metric_latency(period=FIVE_MINUTES, statistic="p99"),
            threshold=API_LATENCY_ALARM_MS,
            description="API p99 latency above half the api function's timeout for 15 minutes",
            evaluation_periods=3,
        )
        for name, table in tables.items():
            for event in ("ReadThrottleEvents", "WriteThrottleEvents"):
                self._alarm(
                    f"{name}{event}",
                    table.metric(event, period=FIVE_MINUTES, statistic="Sum"),
                    threshold=1,
                    description=f"{name}: DynamoDB throttled requests ({event})",
                )
        self._alarm(
            "JobAttemptsFailed",
            self._custom("JobAttemptsFailed"),
            threshold=FAILED_ATTEMPTS_ALARM,
            description="Job attempts failed and were put back for a retry (model or store errors)",
        )
        self._alarm(
            "WebhooksExhausted",
            self._custom(f"Webhook_{NotifyOutcome.EXHAUSTED.value}"),
            threshold=1,
            description="A webhook gave up after its whole retry schedule (the receiver never took it)",
        )
        self._alarm(
            "AuditRecordsLost",
            self._custom("AuditRecordsLost"),
            threshold=1,
            description="A job's audit record could not be written by its last receive (EU AI Act Art. 12)",
        )

        self.dashboard = self._dashboard(settings, functions, work_queues, task_queues, rest_api)

    def _topic(self, settings: DeploySettings) -> sns.ITopic:
        if settings.alarm_topic_arn:
            return sns.Topic.from_topic_arn(self, "AlarmTopic", settings.alarm_topic_arn)
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description=f"{settings.resource_name('alarms')}: encrypts alarm notifications",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # CloudWatch publishes alarm notifications to an encrypted topic with this key.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )
        topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=settings.resource_name("alarms"),
            display_name=settings.resource_name("alarms"),
            master_key=key,
            enforce_ssl=True,
        )
        # The topic policy replaces SNS's default one: name the publisher (this account's alarms only).
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
                    "ArnLike": {
                        "aws:SourceArn": cdk.Stack.of(self).format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        return topic

    def _custom(self, metric_name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=resources.METRICS_NAMESPACE,
            metric_name=metric_name,
            dimensions_map={"service": self._service},
            period=FIVE_MINUTES,
            statistic="Sum",
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
            alarm_description=f"[{self._settings.stage}] {description}",
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)

    def _dashboard(
        self,
        settings: DeploySettings,
        functions: list[lambda_.Function],
        work_queues: list[WorkQueue],
        task_queues: dict[str, WorkQueue],
        rest_api: apigateway.RestApi,
    ) -> cloudwatch.Dashboard:
        def graph(title: str, metrics: list[cloudwatch.IMetric]) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=metrics, width=WIDGET_WIDTH)

        def per_function(label: str, metric: str, statistic: str) -> cloudwatch.GraphWidget:
            return graph(
                f"Lambda {label}",
                [
                    f.metric(metric, statistic=statistic, period=FIVE_MINUTES, label=construct_label(f))
                    for f in functions
                ],
            )

        dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=settings.resource_name("service"),
            default_interval=cdk.Duration.hours(24),
        )
        dashboard.add_widgets(
            graph(
                "Jobs accepted per task (messages sent to its queue)",
                [
                    q.queue.metric_number_of_messages_sent(period=FIVE_MINUTES, statistic="Sum", label=task)
                    for task, q in task_queues.items()
                ],
            ),
            graph(
                "Jobs finished (all tasks)",
                [
                    self._custom(name).with_(label=name)
                    for name in ("JobsSucceeded", "JobsFailed", "JobAttemptsFailed", "TaskMessagesDropped")
                ],
            ),
            graph(
                "Webhook deliveries",
                [
                    self._custom(f"Webhook_{outcome.value}").with_(label=outcome.value)
                    for outcome in NotifyOutcome
                ],
            ),
        )
        dashboard.add_widgets(
            graph(
                "Queue age of oldest message (s)",
                [
                    q.queue.metric_approximate_age_of_oldest_message(
                        period=ONE_MINUTE, statistic="Maximum", label=construct_label(q)
                    )
                    for q in work_queues
                ],
            ),
            graph(
                "Queue depth (visible messages)",
                [
                    q.queue.metric_approximate_number_of_messages_visible(
                        period=ONE_MINUTE, statistic="Maximum", label=construct_label(q)
                    )
                    for q in work_queues
                ],
            ),
            graph(
                "Dead-letter queue depth",
                [
                    q.dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=ONE_MINUTE, statistic="Maximum", label=construct_label(q)
                    )
                    for q in work_queues
                ],
            ),
        )
        dashboard.add_widgets(
            per_function("errors", "Errors", "Sum"),
            per_function("throttles", "Throttles", "Sum"),
            # The workers' duration is their model time: they wait on the model for nearly all of it.
            per_function("duration p95 (ms; workers: model-bound)", "Duration", "p95"),
        )
        dashboard.add_widgets(
            graph(
                "API requests and errors",
                [
                    rest_api.metric_count(period=FIVE_MINUTES, statistic="Sum", label="requests"),
                    rest_api.metric_client_error(period=FIVE_MINUTES, statistic="Sum", label="4xx"),
                    rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum", label="5xx"),
                ],
            ),
            graph(
                "API latency (ms)",
                [
                    rest_api.metric_latency(period=FIVE_MINUTES, statistic=statistic, label=statistic)
                    for statistic in ("p50", "p99")
                ],
            ),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=WIDGET_WIDTH, height=6),
        )
        return dashboard

    def dashboard_url(self) -> str:
        region = cdk.Aws.REGION
        return (
            f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
            f"#dashboards:name={self.dashboard.dashboard_name}"
        )
