"""The one stack: capability constructs composed, nothing else."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.api import Api
from infra.deploy_settings import DeploySettings
from infra.function_blueprint import FunctionBlueprint
from infra.notifier import Notifier
from infra.observability import Observability
from infra.storage import Storage
from infra.task_workers import TaskWorkers
from infra.vacancy_database import VacancyDatabase


class AiInterviewerStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: DeploySettings, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        storage = Storage(self, "Storage", settings=settings)
        database = (
            VacancyDatabase(self, "VacancyDatabase", settings=settings) if settings.uses_postgres else None
        )
        blueprint = FunctionBlueprint(self, "Functions", settings=settings)
        notifier = Notifier(self, "Notifier", settings=settings, blueprint=blueprint, storage=storage)
        notify_queue: sqs.IQueue = notifier.work_queue.queue
        workers = TaskWorkers(
            self,
            "TaskWorkers",
            settings=settings,
            blueprint=blueprint,
            storage=storage,
            notify_queue=notify_queue,
            database=database,
        )
        api = Api(
            self,
            "Api",
            settings=settings,
            blueprint=blueprint,
            storage=storage,
            task_queues={task: work_queue.queue for task, work_queue in workers.queues.items()},
            notify_queue=notify_queue,
            database=database,
        )

        # Last: it watches every function and queue built before it.
        observability = Observability(
            self,
            "Observability",
            settings=settings,
            rest_api=api.rest_api,
            tables={"JobsTable": storage.jobs_table, "VacanciesTable": storage.vacancies_table},
            task_queues={task.value: work_queue for task, work_queue in workers.queues.items()},
        )

        cdk.CfnOutput(self, "ApiUrl", value=api.rest_api.url_for_path("/api/v1/"), description="Base URL")
        cdk.CfnOutput(
            self,
            "WebhookTokenSecretArn",
            value=storage.webhook_secret.secret_arn,
            description="The X-Webhook-Token (JSON key `token`) to share with the client",
        )
        cdk.CfnOutput(
            self,
            "OpenAiKeySecretArn",
            value=storage.openai_secret.secret_arn,
            description="Put the OpenAI API key here after the first deploy",
        )
        cdk.CfnOutput(
            self,
            "AlarmTopicArn",
            value=observability.topic.topic_arn,
            description="Every alarm goes here: subscribe email, Chatbot or a pager to it",
        )
        cdk.CfnOutput(
            self, "DashboardUrl", value=observability.dashboard_url(), description="The service dashboard"
        )
        cdk.CfnOutput(
            self,
            "ApiLogGroup",
            value=api.function.log_group.log_group_name,
            description="The api function's logs (JSON; one correlation_id per job)",
        )
        cdk.CfnOutput(
            self,
            "AccessLogGroup",
            value=api.access_logs.log_group_name,
            description="API Gateway's access log (one JSON line per request)",
        )
        cdk.CfnOutput(
            self,
            "WorkerLogGroups",
            value=cdk.Fn.join(
                " ", [workers.functions[task].log_group.log_group_name for task in sorted(workers.functions)]
            ),
            description="The workers' logs, one group per task, and the notifier's below",
        )
        cdk.CfnOutput(self, "NotifierLogGroup", value=notifier.function.log_group.log_group_name)
