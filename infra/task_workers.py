"""One queue (with its DLQ) and one worker function per task of the contract."""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import task_spec
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.dead_letters import DeadLetterConsumer
from infra.deploy_settings import DeploySettings, WorkerProfile, construct_name
from infra.function_blueprint import FunctionBlueprint, FunctionSpec
from infra.storage import Storage
from infra.vacancy_database import VacancyDatabase
from infra.work_queue import WorkQueue


class TaskWorkers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        blueprint: FunctionBlueprint,
        storage: Storage,
        notify_queue: sqs.IQueue,
        database: VacancyDatabase | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.queues: dict[TaskName, WorkQueue] = {}
        self.functions: dict[TaskName, lambda_.Function] = {}
        for task in TaskName:
            profile = WorkerProfile.of(task)
            timeout = cdk.Duration.seconds(profile.timeout_seconds)
            work_queue = WorkQueue(
                self,
                f"{construct_name(task)}Queue",
                consumer_timeout=timeout,
                max_receive_count=resources.TASK_MAX_RECEIVE_COUNT,
            )
            environment = {
                resources.JOBS_TABLE_ENV: storage.jobs_table.table_name,
                resources.PAYLOAD_BUCKET_ENV: storage.payload_bucket.bucket_name,
                resources.AUDIT_BUCKET_ENV: storage.audit.bucket.bucket_name,
                resources.NOTIFY_QUEUE_URL_ENV: notify_queue.queue_url,
                resources.TASK_MAX_RECEIVE_COUNT_ENV: str(resources.TASK_MAX_RECEIVE_COUNT),
            }
            if profile.calls_model:
                environment |= {
                    resources.OPENAI_SECRET_ARN_ENV: storage.openai_secret.secret_arn,
                    resources.OPENAI_TIMEOUT_SECONDS_ENV: str(profile.openai_timeout_seconds),
                    resources.OPENAI_MAX_RETRIES_ENV: str(profile.openai_max_retries),
                }
            writes_store = task_spec(task).writes_vacancies
            if writes_store and database is not None and profile.calls_model:
                # The database's subnets are isolated (no NAT): a worker placed there cannot reach a model.
                raise ValueError(f"{task.value} both calls a model and writes the PostgreSQL vacancy store")
            if writes_store and database is None:
                environment[resources.VACANCIES_TABLE_ENV] = storage.vacancies_table.table_name
            function = blueprint.build(
                self,
                f"{construct_name(task)}Function",
                FunctionSpec(
                    handler=resources.task_handler(task),
                    description=f"Runs {task.value} jobs from its queue",
                    timeout=timeout,
                    memory_mb=settings.worker_memory_mb,
                    environment=environment,
                    vpc_placement=database.placement if writes_store and database else None,
                ),
            )
            role = function.role
            assert role is not None
            storage.grant_job_progress(role)
            if task_spec(task).keeps_progress:
                storage.grant_task_progress(role)
            storage.grant_request_consumption(role)
            storage.grant_result_upload(role)
            storage.audit.grant_record_writing(role)
            notify_queue.grant_send_messages(role)
            if profile.calls_model:
                storage.openai_secret.grant_read(role)
            if writes_store:
                if database is None:
                    storage.grant_vacancy_writing(role)
                else:
                    database.admit(function)
            work_queue.feed(function, max_concurrency=settings.worker_max_concurrency)
            self.queues[task] = work_queue
            self.functions[task] = function
        self.dead_letters = DeadLetterConsumer(
            self,
            "DeadLetters",
            settings=settings,
            blueprint=blueprint,
            storage=storage,
            handler=resources.TASK_DEAD_LETTERS_HANDLER,
            description="Fails dead-lettered jobs as worker_crashed and queues their failure webhooks",
            dead_letter_queues=[work_queue.dead_letter_queue for work_queue in self.queues.values()],
            notify_queue=notify_queue,
        )
