"""The shared foundation: settings, scoring arithmetic, language, job store, queues and claim-check."""

from __future__ import annotations

import json
import socket
import time

import boto3
import pytest
from ai_interviewer import aws
from ai_interviewer import settings as settings_module
from ai_interviewer.language import Language, detect_language
from ai_interviewer.models.jobs import Job, JobStatus, NotifyMessage, TaskMessage, TokenSlot
from ai_interviewer.models.payloads import ErrorDetail, TagsFormat
from ai_interviewer.models.results import RankedResume
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import API_TIMEOUT_SECONDS, TaskName
from ai_interviewer.scoring import DEFAULT_WEIGHTS, effective_weights, overall_score, rank_order, resume_score
from ai_interviewer.settings import EngineChoice, Settings, openai_api_key, signing_token, webhook_tokens
from ai_interviewer.stores.jobs.base import IdempotencyKeyHeldError
from ai_interviewer.stores.jobs.dynamodb import DynamoDbJobStore
from ai_interviewer.stores.payloads.s3 import S3PayloadStore
from ai_interviewer.stores.queues.base import load_request
from ai_interviewer.stores.queues.sqs import SqsQueues
from botocore.exceptions import ReadTimeoutError
from pydantic import ValidationError

from tests.conftest import AwsStack


def test_weighted_score_follows_the_contract_formula() -> None:
    weights = {"technical_skills": 5, "experience": 4}
    # 100 * (5*8 + 4*6) / (10 * 9) = 71.11 -> 71
    assert resume_score(weights, {"technical_skills": 8, "experience": 6}) == 71
    # (5*8 + 4*9) / 9 = 8.444 -> 8.4
    assert overall_score(weights, {"technical_skills": 8, "experience": 9}) == 8.4
    # Half rounds up, not to even: (7 + 8) / 2 = 7.5 -> 75 and 7.5
    assert resume_score({"a": 1, "b": 1}, {"a": 7, "b": 8}) == 75


def test_a_flagged_resume_never_wins_a_tie_against_an_honest_one() -> None:
    def ranked(filename: str, score: int, flags: list[str] | None) -> RankedResume:
        return RankedResume(filename=filename, score=score, summary="", pros=[], cons=[], flags=flags)

    attack = ranked("a_attack.txt", 41, ["prompt_injection"])
    honest = ranked("b_honest.txt", 41, None)
    better = ranked("c_better.txt", 42, ["keyword_stuffing"])
    # A higher score still wins; at an equal score the honest resume goes first whatever the filenames.
    assert [r.filename for r in rank_order([attack, honest, better])] == [
        "c_better.txt",
        "b_honest.txt",
        "a_attack.txt",
    ]


def test_missing_weights_fall_back_to_the_default_set_and_zero_weights_drop_out() -> None:
    assert effective_weights(None) == DEFAULT_WEIGHTS
    assert effective_weights({"technical_skills": 3, "teamwork": 0}) == {"technical_skills": 3.0}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ищем Python-разработчика. FastAPI, PostgreSQL, Docker, Kubernetes, CI/CD.", Language.RU),
        ("We are hiring a senior Python developer with FastAPI experience.", Language.EN),
        ("Python FastAPI PostgreSQL", Language.EN),
    ],
)
def test_output_language_follows_the_input(text: str, language: Language) -> None:
    assert detect_language(text) is language


def test_auto_engine_is_openai_only_when_an_endpoint_is_configured() -> None:
    assert Settings.from_env({}).engine is EngineChoice.HEURISTIC
    assert Settings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}).engine is EngineChoice.OPENAI
    assert (
        Settings.from_env({"OPENAI_API_KEY": "k", "LLM_ENGINE": "heuristic"}).engine is EngineChoice.HEURISTIC
    )


def test_retry_schedule_is_read_from_a_comma_separated_list() -> None:
    assert Settings.from_env({"WEBHOOK_RETRY_SCHEDULE": "1, 2,30"}).webhook_retry_schedule == (1, 2, 30)


def _job_store(aws: AwsStack) -> DynamoDbJobStore:
    settings = aws.settings()
    payloads = S3PayloadStore(aws.client("s3"), settings.payload_bucket_name)
    return DynamoDbJobStore(aws.client("dynamodb"), settings.jobs_table_name, payloads)


def _new_job(job_id: str = "job-1") -> Job:
    return Job(
        job_id=job_id,
        task=TaskName.GENERATE_TAGS,
        webhook_url="https://example.com/hook",
        metadata={"ticket": "42"},
        request_sha256="abc",
        expires_at=2_000_000_000,
    )


def test_job_lifecycle_is_guarded_by_conditional_writes(aws: AwsStack) -> None:
    store = _job_store(aws)
    store.create(_new_job())
    running = store.start("job-1")
    assert running is not None and running.status is JobStatus.RUNNING
    assert store.succeed(
        "job-1", {"tags": "Python"}, engine="heuristic", model=None, prompt_version="h1", usage=Usage(calls=1)
    )
    # A redelivered message can neither restart nor re-finish a finished job.
    assert store.start("job-1") is None
    assert not store.succeed(
        "job-1", {"tags": "other"}, engine="x", model=None, prompt_version=None, usage=None
    )
    assert not store.fail("job-1", ErrorDetail(code="late", message="late"))
    job = store.get("job-1")
    assert job is not None
    assert job.status is JobStatus.SUCCEEDED and job.result == {"tags": "Python"}
    assert job.metadata == {"ticket": "42"} and job.usage == Usage(calls=1)


def test_a_result_too_large_for_an_item_is_kept_in_s3(aws: AwsStack) -> None:
    store = _job_store(aws)
    store.create(_new_job("big"))
    store.start("big")
    large = {"tags": "ж" * 400_000}
    assert store.succeed("big", large, engine="heuristic", model=None, prompt_version=None, usage=None)
    job = store.get("big")
    assert job is not None and job.result == large


def test_idempotency_key_binds_to_the_first_job(aws: AwsStack) -> None:
    store = _job_store(aws)
    store.create(_new_job("job-a"), idempotency_key="k", key_expires_at=2_000_000_000)
    with pytest.raises(IdempotencyKeyHeldError) as held:
        store.create(_new_job("job-b"), idempotency_key="k", key_expires_at=2_000_000_000)
    assert held.value.job_id == "job-a"
    assert store.get("job-b") is None  # the job and its key are written together or not at all


def test_large_request_round_trips_through_the_claim_check(aws: AwsStack) -> None:
    settings = aws.settings()
    payloads = S3PayloadStore(aws.client("s3"), settings.payload_bucket_name)
    sqs = aws.client("sqs")
    queues = SqsQueues(sqs, settings.task_queue_urls, settings.notify_queue_url, payloads)
    request = {"vacancy_text": "Вакансия " * 350_000}  # about 3 MB of UTF-8
    queues.send_task(TaskMessage(job_id="j", task=TaskName.GENERATE_TAGS, request=request))
    raw = sqs.receive_message(QueueUrl=settings.task_queue_urls[TaskName.GENERATE_TAGS])["Messages"][0][
        "Body"
    ]
    message = TaskMessage.model_validate_json(raw)
    assert message.request is None and message.request_s3_key == "requests/j.json"
    assert load_request(message, payloads) == request

    queues.send_notify(NotifyMessage(job_id="j", chain=2))
    notify = sqs.receive_message(QueueUrl=settings.notify_queue_url)["Messages"][0]
    assert json.loads(notify["Body"]) == {"job_id": "j", "chain": 2}


def test_in_aws_the_tokens_come_from_the_secret_and_a_rotation_is_seen_after_the_cache_expires(
    aws: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = aws.client("secretsmanager")
    arn = secrets.create_secret(Name="webhook", SecretString=json.dumps({"token": "first"}))["ARN"]
    settings = Settings.from_env({"WEBHOOK_SECRET_ARN": arn})
    assert webhook_tokens(settings) == ("first",)

    secrets.put_secret_value(SecretId=arn, SecretString=json.dumps({"token": "second", "previous": "first"}))
    assert webhook_tokens(settings) == ("first",)  # still cached: no Secrets Manager call per request
    monkeypatch.setattr(settings_module, "SECRET_CACHE_SECONDS", 0.0)
    assert webhook_tokens(settings) == ("second", "first")
    assert signing_token(settings) == "second"


def test_a_secret_may_be_a_bare_string(aws: AwsStack) -> None:
    arn = aws.client("secretsmanager").create_secret(Name="openai", SecretString="sk-bare")["ARN"]
    assert openai_api_key(Settings.from_env({"OPENAI_SECRET_ARN": arn})) == "sk-bare"


def test_the_signing_token_follows_the_requests_token_and_falls_back_to_the_current_one() -> None:
    both = Settings.from_env({"WEBHOOK_SECRET_TOKEN": "new", "WEBHOOK_SECRET_TOKEN_PREVIOUS": "old"})
    assert signing_token(both, TokenSlot.CURRENT) == "new"
    assert signing_token(both, TokenSlot.PREVIOUS) == "old"
    rotated = Settings.from_env({"WEBHOOK_SECRET_TOKEN": "new"})
    assert signing_token(rotated, TokenSlot.PREVIOUS) == "new"


def test_tags_format_is_the_seeds_string_unless_set_to_list() -> None:
    assert Settings.from_env({}).tags_format is TagsFormat.STRING
    assert Settings.from_env({"TAGS_FORMAT": "list"}).tags_format is TagsFormat.LIST
    with pytest.raises(ValidationError):
        Settings.from_env({"TAGS_FORMAT": "array"})


def test_an_aws_call_nobody_answers_fails_inside_the_apis_timeout() -> None:
    """An endpoint that accepts connections and never answers: the call must raise, retry included, well
    before the api function would be killed."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        client = boto3.session.Session().client(
            "dynamodb", endpoint_url=f"http://127.0.0.1:{port}", config=aws.client_config()
        )
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            client.get_item(TableName="jobs", Key={"job_id": {"S": "j"}})
        elapsed = time.monotonic() - started
    assert aws.READ_TIMEOUT_SECONDS * aws.MAX_ATTEMPTS <= elapsed < API_TIMEOUT_SECONDS
