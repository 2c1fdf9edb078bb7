"""`ai-interviewer local`: the Lambda functions on an AWS emulation (moto, in a process of its own),
wired as the CDK app wires them in AWS: API Gateway in front of the api function, and an SQS event source
per worker with the deployed batch size and maximum concurrency."""

from __future__ import annotations

import secrets
import socket
import sys
import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import TextIO

from ai_interviewer import resources
from ai_interviewer.local.aws_emulation import AwsEmulation
from ai_interviewer.local.function_logs import route_function_logs
from ai_interviewer.local.gateway import (
    API_RESOURCES,
    API_RESOURCES_WITH_VACANCY_READER,
    ApiGateway,
    GatewayHttpServer,
)
from ai_interviewer.local.lambda_runtime import LOCAL_REGION, ExecutionEnvironments
from ai_interviewer.local.pollers import QueueSource, SqsPoller
from ai_interviewer.local.progress import JobProgress
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import EngineChoice, Settings, VacancyStoreChoice
from ai_interviewer.tasks import task_spec

# How long a stop waits for the invocations in flight (a webhook attempt times out after about 15 s).
POLLER_STOP_SECONDS = 20
# Pollers whose long poll is cut by the emulation's end retry once and then end.
POLLER_JOIN_SECONDS = 5
# Concurrent api invocations. API Gateway starts an environment per request in flight, each a process of
# its own; here environments share one process and Powertools' class-level current request (see
# `ApiGateway`), so the api gets one environment: its requests are resolved one at a time, never mixed.
API_ENVIRONMENTS = 1

# Defaults for a developer machine; anything the user set (environment or .env) wins.
LOCAL_DEFAULTS = {
    resources.ALLOW_PRIVATE_WEBHOOK_URLS_ENV: "true",
    resources.POWERTOOLS_SERVICE_NAME_ENV: "ai-interviewer-local",
    # Function logs go to a file (or stderr), not among the progress lines.
    resources.POWERTOOLS_LOG_LEVEL_ENV: "INFO",
    resources.POWERTOOLS_TRACE_DISABLED_ENV: "true",
    resources.POWERTOOLS_METRICS_DISABLED_ENV: "true",
    resources.POWERTOOLS_METRICS_NAMESPACE_ENV: "AiInterviewerLocal",
    **resources.RUNTIME_ENVIRONMENT,
}


def ensure_token(environ: MutableMapping[str, str]) -> str | None:
    """Keep the user's token; without one, generate one for this run and return it (to show once)."""
    if environ.get(resources.WEBHOOK_SECRET_TOKEN_ENV, "").strip():
        return None
    token = secrets.token_urlsafe(32)
    environ[resources.WEBHOOK_SECRET_TOKEN_ENV] = token
    return token


def apply_local_defaults(environ: MutableMapping[str, str]) -> None:
    for name, value in LOCAL_DEFAULTS.items():
        if not environ.get(name, "").strip():
            environ[name] = value


def emulation_environment(environ: MutableMapping[str, str], endpoint: str) -> None:
    """Point every boto3 client at the emulation with fake credentials, so nothing can reach real AWS
    whatever profile or per-service endpoint the user's shell carries."""
    for name in [name for name in environ if name.startswith("AWS_ENDPOINT_URL_")]:
        del environ[name]
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        environ.pop(name, None)
    environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": LOCAL_REGION,
            "AWS_REGION": LOCAL_REGION,
        }
    )


def check_port_free(host: str, port: int) -> None:
    """Raise OSError now if the API's address is taken, before the emulation and the functions start
    (the gateway binds the same way: SO_REUSEADDR, so a port in TIME_WAIT is not "busy")."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def engine_description(settings: Settings) -> str:
    if settings.engine is EngineChoice.OPENAI:
        endpoint = settings.openai_base_url or "api.openai.com"
        return f"openai, model {settings.openai_model} at {endpoint}"
    return "heuristic (no model; set OPENAI_API_KEY or OPENAI_BASE_URL to use one)"


@dataclass
class LocalStack:
    """Starts and stops the emulation, the functions' environment, the API front and the pollers."""

    host: str
    port: int
    environ: MutableMapping[str, str]
    out: TextIO = sys.stdout
    # The functions' Powertools JSON logs: a file (the CLI's default) or stderr, never `out`.
    function_log: TextIO = sys.stderr
    _emulation: AwsEmulation | None = field(default=None, init=False, repr=False)
    _http: GatewayHttpServer | None = field(default=None, init=False, repr=False)
    _serving: threading.Thread | None = field(default=None, init=False, repr=False)
    _pollers: list[SqsPoller] = field(default_factory=list, init=False, repr=False)
    moto_endpoint: str = field(default="", init=False)

    @property
    def api_url(self) -> str:
        return self._http.url if self._http else ""

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        # Imported on start, not with the module: the CLI's other commands and help need none of it.
        import boto3  # noqa: PLC0415
        from botocore.config import Config  # noqa: PLC0415

        from ai_interviewer.local.provision import provision  # noqa: PLC0415
        from ai_interviewer.stores.jobs.dynamodb import DynamoDbJobStore  # noqa: PLC0415
        from ai_interviewer.stores.payloads.s3 import S3PayloadStore  # noqa: PLC0415

        service, level = resources.POWERTOOLS_SERVICE_NAME_ENV, resources.POWERTOOLS_LOG_LEVEL_ENV
        route_function_logs(
            self.environ.get(service, LOCAL_DEFAULTS[service]),
            self.environ.get(level, LOCAL_DEFAULTS[level]),
            self.function_log,
        )
        self._emulation = AwsEmulation()
        self.moto_endpoint = self._emulation.start()

        # The functions read their settings from the environment, so it is complete before any
        # handler module is imported (Powertools reads it at import, settings on first use).
        emulation_environment(self.environ, self.moto_endpoint)
        session = boto3.session.Session()
        self.environ.update(provision(session))
        secret = session.client("secretsmanager").create_secret(
            Name=resources.LOCAL_WEBHOOK_SECRET, SecretString=self.environ[resources.WEBHOOK_SECRET_TOKEN_ENV]
        )
        self.environ[resources.WEBHOOK_SECRET_ARN_ENV] = secret["ARN"]
        settings = Settings.from_env(self.environ)

        api = ExecutionEnvironments.for_handler(
            "ai-interviewer-api", resources.API_HANDLER, resources.API_TIMEOUT_SECONDS, API_ENVIRONMENTS
        )
        workers = {
            task: ExecutionEnvironments.for_handler(
                f"ai-interviewer-{task.route}",
                resources.task_handler(task),
                task_spec(task).timeout_seconds,
                resources.WORKER_MAX_CONCURRENCY,
            )
            for task in TaskName
        }
        notifier = ExecutionEnvironments.for_handler(
            "ai-interviewer-notifier",
            resources.NOTIFIER_HANDLER,
            resources.NOTIFIER_TIMEOUT_SECONDS,
            resources.NOTIFIER_MAX_CONCURRENCY,
        )
        # The DLQ consumers, as deployed: one function for the task DLQs, one for the notify DLQ.
        dead_letter_consumers = {
            handler: ExecutionEnvironments.for_handler(
                name, handler, resources.DEAD_LETTERS_TIMEOUT_SECONDS, resources.DEAD_LETTERS_MAX_CONCURRENCY
            )
            for name, handler in (
                ("ai-interviewer-task-dead-letters", resources.TASK_DEAD_LETTERS_HANDLER),
                ("ai-interviewer-notify-dead-letters", resources.NOTIFY_DEAD_LETTERS_HANDLER),
            )
        }

        # The stack's own clients: a connection per poller thread, and a failed call retried once (a poll
        # loop retries on its own, and a stop should not wait out backoffs against a stopped emulation).
        pollers_total = (
            len(TaskName) * resources.WORKER_MAX_CONCURRENCY
            + resources.NOTIFIER_MAX_CONCURRENCY
            + (len(TaskName) + 1) * resources.DEAD_LETTERS_MAX_CONCURRENCY
        )
        config = Config(max_pool_connections=pollers_total, retries={"mode": "standard", "max_attempts": 2})
        payloads = S3PayloadStore(session.client("s3", config=config), settings.payload_bucket_name)
        progress = JobProgress(
            DynamoDbJobStore(session.client("dynamodb", config=config), settings.jobs_table_name, payloads),
            self.out,
        )
        api_resources = (
            API_RESOURCES_WITH_VACANCY_READER
            if settings.vacancy_store is VacancyStoreChoice.POSTGRES
            else API_RESOURCES
        )
        self._http = GatewayHttpServer(
            (self.host, self.port), ApiGateway(api, progress.api_response, api_resources)
        )

        sqs = session.client("sqs", config=config)

        def source(label: str, url: str) -> QueueSource:
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            return QueueSource(label, url, arn)

        for task, function in workers.items():
            queue = source(task.value, settings.task_queue_urls[task])
            self._pollers.append(
                SqsPoller(
                    sqs, queue, function, progress.task_batch, concurrency=resources.WORKER_MAX_CONCURRENCY
                )
            )
        notify_url = settings.notify_queue_url or ""
        self._pollers.append(
            SqsPoller(
                sqs,
                source("notify", notify_url),
                notifier,
                progress.notify_batch,
                concurrency=resources.NOTIFIER_MAX_CONCURRENCY,
            )
        )

        for queue_url, handler in [
            *[(url, resources.TASK_DEAD_LETTERS_HANDLER) for url in settings.task_queue_urls.values()],
            (notify_url, resources.NOTIFY_DEAD_LETTERS_HANDLER),
        ]:
            name = resources.dead_letter_queue_name(queue_url.rsplit("/", 1)[-1])
            dead_letters_url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            self._pollers.append(
                SqsPoller(
                    sqs,
                    source(name, dead_letters_url),
                    dead_letter_consumers[handler],
                    concurrency=resources.DEAD_LETTERS_MAX_CONCURRENCY,
                )
            )

        self._serving = threading.Thread(target=self._http.serve_forever, name="api-gateway", daemon=True)
        self._serving.start()
        for poller in self._pollers:
            poller.start()

    def stop(self) -> None:
        """Close the front first (no new jobs), let the invocations in flight settle, then stop the
        emulation (which ends the pollers' long polls)."""
        if self._http is not None:
            if self._serving is not None:
                self._http.shutdown()  # returns once serve_forever has left its loop
                self._serving = None
            self._http.server_close()
            self._http = None
        for poller in self._pollers:
            poller.request_stop()
        deadline = time.monotonic() + POLLER_STOP_SECONDS
        for poller in self._pollers:
            if not poller.settle(max(0.0, deadline - time.monotonic())):
                print(f"poller {poller.source.label}: an invocation did not end in time", file=sys.stderr)
        if self._emulation is not None:
            self._emulation.stop()
            self._emulation = None
        deadline = time.monotonic() + POLLER_JOIN_SECONDS
        for poller in self._pollers:
            poller.join(max(0.0, deadline - time.monotonic()))  # daemon threads: a late one ends with us
        self._pollers.clear()
