"""Create the emulated resources under the names in `ai_interviewer.resources` and return the
environment that points the functions at them, exactly as the CDK app's environment does in AWS."""

from __future__ import annotations

import json
from typing import Any

from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import DEFAULT_AUDIT_RETENTION_DAYS

# Local timeouts are short so a redelivery after a crash shows within a minute, not six.
LOCAL_VISIBILITY_TIMEOUT_SECONDS = 30


def _queue_with_dlq(sqs: Any, name: str, max_receive_count: int) -> str:
    dlq_url = sqs.create_queue(QueueName=resources.dead_letter_queue_name(name))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    queue_url: str = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(LOCAL_VISIBILITY_TIMEOUT_SECONDS),
            "RedrivePolicy": redrive,
        },
    )["QueueUrl"]
    return queue_url


def _audit_bucket(s3: Any, retention_days: int) -> None:
    """The audit bucket as the CDK app makes it: Object Lock (which turns versioning on) with a default
    GOVERNANCE retention, so a record's version cannot be deleted before it ends."""
    s3.create_bucket(Bucket=resources.LOCAL_AUDIT_BUCKET, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket=resources.LOCAL_AUDIT_BUCKET,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": retention_days}},
        },
    )


def provision(session: Any, *, audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS) -> dict[str, str]:
    """Create (or find) every table, queue and bucket; return the functions' environment."""
    dynamodb = session.client("dynamodb")
    existing = set(dynamodb.list_tables()["TableNames"])
    tables = {
        resources.LOCAL_JOBS_TABLE: [(resources.JOBS_TABLE_PARTITION_KEY, "HASH")],
        resources.LOCAL_VACANCIES_TABLE: [
            (resources.VACANCIES_TABLE_PARTITION_KEY, "HASH"),
            (resources.VACANCIES_TABLE_SORT_KEY, "RANGE"),
        ],
    }
    for table, keys in tables.items():
        if table in existing:
            continue
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in keys],
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name, _ in keys],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": resources.TTL_ATTRIBUTE},
        )

    s3 = session.client("s3")
    s3.create_bucket(Bucket=resources.LOCAL_PAYLOAD_BUCKET)
    _audit_bucket(s3, audit_retention_days)

    sqs = session.client("sqs")
    environment = {
        resources.JOBS_TABLE_ENV: resources.LOCAL_JOBS_TABLE,
        resources.VACANCIES_TABLE_ENV: resources.LOCAL_VACANCIES_TABLE,
        resources.PAYLOAD_BUCKET_ENV: resources.LOCAL_PAYLOAD_BUCKET,
        resources.AUDIT_BUCKET_ENV: resources.LOCAL_AUDIT_BUCKET,
        resources.NOTIFY_QUEUE_URL_ENV: _queue_with_dlq(
            sqs, resources.LOCAL_NOTIFY_QUEUE, resources.NOTIFY_MAX_RECEIVE_COUNT
        ),
    }
    for task in TaskName:
        environment[task.queue_url_env] = _queue_with_dlq(
            sqs, resources.local_task_queue_name(task), resources.TASK_MAX_RECEIVE_COUNT
        )
    return environment


def _placeholder_queue_url(name: str) -> str:
    return f"https://sqs.us-east-1.amazonaws.com/123456789012/{name}"


def placeholder_environment() -> dict[str, str]:
    """Every function's resources by name, as a deployed function gets them, with nothing created: for
    what imports a handler (its cold-start check) without reaching AWS (tests' collection, benchmarks)."""
    return {
        resources.JOBS_TABLE_ENV: resources.LOCAL_JOBS_TABLE,
        resources.VACANCIES_TABLE_ENV: resources.LOCAL_VACANCIES_TABLE,
        resources.PAYLOAD_BUCKET_ENV: resources.LOCAL_PAYLOAD_BUCKET,
        resources.AUDIT_BUCKET_ENV: resources.LOCAL_AUDIT_BUCKET,
        resources.NOTIFY_QUEUE_URL_ENV: _placeholder_queue_url(resources.LOCAL_NOTIFY_QUEUE),
        resources.WEBHOOK_SECRET_ARN_ENV: (
            f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{resources.LOCAL_WEBHOOK_SECRET}"
        ),
        **{
            task.queue_url_env: _placeholder_queue_url(resources.local_task_queue_name(task))
            for task in resources.TaskName
        },
    }
