"""Resource names and the environment variables that carry them: one place for the CDK app,
the local stack and the functions, so the three never disagree."""

from __future__ import annotations

from enum import StrEnum


class TaskName(StrEnum):
    """The tasks (the seed's five); each has its own queue and worker function, and its module in
    `ai_interviewer.tasks` with its spec."""

    RANK_RESUMES = "rank_resumes"
    START_INTERVIEW = "start_interview"
    BUILD_VACANCY = "build_vacancy"
    ADD_VACANCY_WITH_CANDIDATES = "add_vacancy_with_candidates"
    GENERATE_TAGS = "generate_tags"

    @property
    def route(self) -> str:
        """The seed's path segment: rank_resumes -> rank-resumes."""
        return self.value.replace("_", "-")

    @property
    def queue_url_env(self) -> str:
        return f"TASK_QUEUE_URL_{self.name}"


# Every environment variable the functions read: the one table for `Settings.from_env`, the CDK app, the
# local stack and the CLI (a task queue's URL is `TaskName.queue_url_env`).
# Where deployed (and local) functions find their resources:
JOBS_TABLE_ENV = "JOBS_TABLE_NAME"
VACANCIES_TABLE_ENV = "VACANCIES_TABLE_NAME"
PAYLOAD_BUCKET_ENV = "PAYLOAD_BUCKET_NAME"
AUDIT_BUCKET_ENV = "AUDIT_BUCKET_NAME"
NOTIFY_QUEUE_URL_ENV = "NOTIFY_QUEUE_URL"
WEBHOOK_SECRET_ARN_ENV = "WEBHOOK_SECRET_ARN"
OPENAI_SECRET_ARN_ENV = "OPENAI_SECRET_ARN"
DATABASE_SECRET_ARN_ENV = "DATABASE_SECRET_ARN"
# Overrides the secret's `host`: the RDS Proxy endpoint (the generated secret names the cluster).
DATABASE_HOST_ENV = "DATABASE_HOST"
DATABASE_URL_ENV = "DATABASE_URL"
VACANCY_STORE_ENV = "VACANCY_STORE"
# The webhook token as a value (local runs, tests), instead of WEBHOOK_SECRET_ARN.
WEBHOOK_SECRET_TOKEN_ENV = "WEBHOOK_SECRET_TOKEN"
WEBHOOK_SECRET_TOKEN_PREVIOUS_ENV = "WEBHOOK_SECRET_TOKEN_PREVIOUS"
# The engine and its model:
LLM_ENGINE_ENV = "LLM_ENGINE"
OPENAI_API_KEY_ENV = "OPENAI_API_KEY"
OPENAI_BASE_URL_ENV = "OPENAI_BASE_URL"
OPENAI_MODEL_ENV = "OPENAI_MODEL"
LLM_MAX_CONCURRENCY_ENV = "LLM_MAX_CONCURRENCY"
OPENAI_STRUCTURED_OUTPUTS_ENV = "OPENAI_STRUCTURED_OUTPUTS"
OPENAI_TIMEOUT_SECONDS_ENV = "OPENAI_TIMEOUT_SECONDS"
OPENAI_MAX_RETRIES_ENV = "OPENAI_MAX_RETRIES"
LLM_PRICE_INPUT_PER_MTOK_ENV = "LLM_PRICE_INPUT_PER_MTOK"
LLM_PRICE_CACHED_INPUT_PER_MTOK_ENV = "LLM_PRICE_CACHED_INPUT_PER_MTOK"
LLM_PRICE_OUTPUT_PER_MTOK_ENV = "LLM_PRICE_OUTPUT_PER_MTOK"
# What the tasks do and accept:
INTERVIEW_QUESTIONS_ENV = "INTERVIEW_QUESTIONS"
TAGS_FORMAT_ENV = "TAGS_FORMAT"
PII_MINIMISATION_ENV = "PII_MINIMISATION"
RANK_SHORTLIST_ENV = "RANK_SHORTLIST"
TASK_MAX_RECEIVE_COUNT_ENV = "TASK_MAX_RECEIVE_COUNT"
TASK_RETRY_SCHEDULE_ENV = "TASK_RETRY_SCHEDULE"
MAX_RESUMES_ENV = "MAX_RESUMES"
MAX_TEXT_CHARS_ENV = "MAX_TEXT_CHARS"
MAX_CRITERIA_ENV = "MAX_CRITERIA"
MAX_BODY_BYTES_ENV = "MAX_BODY_BYTES"
JOB_TTL_DAYS_ENV = "JOB_TTL_DAYS"
# Webhook delivery:
ALLOW_PRIVATE_WEBHOOK_URLS_ENV = "ALLOW_PRIVATE_WEBHOOK_URLS"
WEBHOOK_RETRY_SCHEDULE_ENV = "WEBHOOK_RETRY_SCHEDULE"
WEBHOOK_TIMEOUT_SECONDS_ENV = "WEBHOOK_TIMEOUT_SECONDS"
# Read by Powertools itself (logger, tracer, metrics), set by the CDK app and the local stack:
POWERTOOLS_SERVICE_NAME_ENV = "POWERTOOLS_SERVICE_NAME"
POWERTOOLS_METRICS_NAMESPACE_ENV = "POWERTOOLS_METRICS_NAMESPACE"
POWERTOOLS_LOG_LEVEL_ENV = "POWERTOOLS_LOG_LEVEL"
POWERTOOLS_TRACER_CAPTURE_RESPONSE_ENV = "POWERTOOLS_TRACER_CAPTURE_RESPONSE"
POWERTOOLS_LOGGER_LOG_EVENT_ENV = "POWERTOOLS_LOGGER_LOG_EVENT"
POWERTOOLS_TRACE_DISABLED_ENV = "POWERTOOLS_TRACE_DISABLED"
POWERTOOLS_METRICS_DISABLED_ENV = "POWERTOOLS_METRICS_DISABLED"
PYDANTIC_DISABLE_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"
# What every function's environment holds besides our settings (the CDK app, the local stack): we use no
# pydantic plugins, and looking for them reads every installed distribution's entry points at a
# process's first model build (2-5 ms of each cold start, more the more packages there are).
RUNTIME_ENVIRONMENT = {PYDANTIC_DISABLE_PLUGINS_ENV: "__all__"}
# Set by the Lambda runtime: the function's handler setting, which names the function being started.
LAMBDA_HANDLER_ENV = "_HANDLER"

# Key schema shared by the CDK tables and the local stack's tables.
JOBS_TABLE_PARTITION_KEY = "pk"
VACANCIES_TABLE_PARTITION_KEY = "pk"
VACANCIES_TABLE_SORT_KEY = "sk"
TTL_ATTRIBUTE = "expires_at"

# Physical names the local stack gives its emulated resources (CDK lets CloudFormation name them).
LOCAL_JOBS_TABLE = "ai-interviewer-jobs"
LOCAL_VACANCIES_TABLE = "ai-interviewer-vacancies"
LOCAL_PAYLOAD_BUCKET = "ai-interviewer-payloads"
LOCAL_AUDIT_BUCKET = "ai-interviewer-audit"
LOCAL_NOTIFY_QUEUE = "ai-interviewer-notify"
LOCAL_WEBHOOK_SECRET = "ai-interviewer/webhook-token"


# The audit bucket's keys: one immutable record per job, `jobs/<job_id>.json` (ai_interviewer.audit).
AUDIT_RECORDS_PREFIX = "jobs/"
# The payload bucket's keys (claim-check), each prefix granted on its own (infra/storage.py): a request too
# large for its message (SqsQueues.send_task), a result too large for its item (DynamoDbJobStore.succeed).
REQUESTS_PREFIX = "requests/"
RESULTS_PREFIX = "results/"


def local_task_queue_name(task: TaskName) -> str:
    return f"ai-interviewer-{task.route}"


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}-dlq"


# CloudWatch namespace of the functions' own metrics (Powertools EMF); alarms read it from here.
METRICS_NAMESPACE = "AiInterviewer"

# Function timeouts, shared by the CDK app and the local stack's Lambda contexts (a task's is in its spec).
API_TIMEOUT_SECONDS = 10
NOTIFIER_TIMEOUT_SECONDS = 30  # one delivery (15 s HTTP timeout) per invocation, with room to record it

# Receives before a task message is dead-lettered; the workers read it as TASK_MAX_RECEIVE_COUNT so the
# last receive ends the job with a failure webhook instead of a silent move to the DLQ.
TASK_MAX_RECEIVE_COUNT = 5
# The notifier hides a message for each retry delay and reports it failed, so every attempt is one
# receive: the notify queue must allow the whole schedule plus the first try and some slack.
NOTIFY_MAX_RECEIVE_COUNT = 12

# The SQS event sources (CDK app and local stack): one message per invocation, because a job may need the
# function's whole timeout and the job deadline (deadline.py) is one per invocation: a batch would share it.
EVENT_SOURCE_BATCH_SIZE = 1
# Default maximum concurrency of the event sources, i.e. invocations in flight per queue (deployers change
# them with CDK context); the local stack runs as many pollers per queue.
WORKER_MAX_CONCURRENCY = 5
NOTIFIER_MAX_CONCURRENCY = 10

# Handler entry points, relative to the functions/ code asset.
API_HANDLER = "ai_interviewer.api.handler.handler"
NOTIFIER_HANDLER = "ai_interviewer.delivery.handler.handler"
# The DLQ consumers: a job whose worker was killed on every receive fails `worker_crashed` (one function
# for every task DLQ); a dead-lettered notify message ends its delivery chain as exhausted.
TASK_DEAD_LETTERS_HANDLER = "ai_interviewer.worker.handler.dead_letter_handler"
NOTIFY_DEAD_LETTERS_HANDLER = "ai_interviewer.delivery.handler.dead_letter_handler"
DEAD_LETTERS_TIMEOUT_SECONDS = (
    20  # a few table writes and one send per record; under the DLQs' 30 s visibility
)
DEAD_LETTERS_MAX_CONCURRENCY = 2


def task_handler(task: TaskName) -> str:
    """A task worker's entry point: one module for every task (`ai_interviewer.worker.handler`)."""
    return f"ai_interviewer.worker.handler.{task.value}"


def function_handlers() -> dict[str, str]:
    """Every Lambda function of the app, by its short name (`ai-interviewer invoke <name>`)."""
    return {
        "api": API_HANDLER,
        "notifier": NOTIFIER_HANDLER,
        "notify_dead_letters": NOTIFY_DEAD_LETTERS_HANDLER,
        "task_dead_letters": TASK_DEAD_LETTERS_HANDLER,
        **{task.value: task_handler(task) for task in TaskName},
    }
