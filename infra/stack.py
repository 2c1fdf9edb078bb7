"""The one stack: capability constructs composed, nothing else."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.api import Api
from infra.deploy_settings import DeploySettings, construct_name
from infra.function_blueprint import FunctionBlueprint
from infra.notifier import Notifier
from infra.observability import Observability
from infra.storage import Storage
from infra.task_workers import TaskWorkers
from infra.vacancy_database import VacancyDatabase
from infra.work_queue import WorkQueue


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

        work_queues: dict[str, WorkQueue] = {"Notify": notifier.work_queue}
        functions: dict[str, lambda_.IFunction] = {
            "Api": api.function,
            "Notifier": notifier.function,
            "TaskDeadLetters": workers.dead_letters.function,
            "NotifyDeadLetters": notifier.dead_letters.function,
        }
        for task, work_queue in workers.queues.items():
            work_queues[construct_name(task)] = work_queue
            functions[construct_name(task)] = workers.functions[task]
        if api.vacancy_reader is not None:
            functions["VacancyReader"] = api.vacancy_reader
        observability = Observability(
            self,
            "Observability",
            settings=settings,
            work_queues=work_queues,
            functions=functions,
            rest_api=api.rest_api,
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
        if observability.topic is not None:
            cdk.CfnOutput(self, "AlarmTopicArn", value=observability.topic.topic_arn)
