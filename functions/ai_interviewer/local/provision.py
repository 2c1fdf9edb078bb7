"""Create the emulated resources under the names in `ai_interviewer.resources` and return the
environment that points the functions at them, exactly as the CDK app's environment does in AWS."""

from __future__ import annotations

import json
from typing import Any

from ai_interviewer import resources
from ai_interviewer.resources import TaskName

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


def provision(session: Any) -> dict[str, str]:
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

    sqs = session.client("sqs")
    environment = {
        resources.JOBS_TABLE_ENV: resources.LOCAL_JOBS_TABLE,
        resources.VACANCIES_TABLE_ENV: resources.LOCAL_VACANCIES_TABLE,
        resources.PAYLOAD_BUCKET_ENV: resources.LOCAL_PAYLOAD_BUCKET,
        resources.NOTIFY_QUEUE_URL_ENV: _queue_with_dlq(
            sqs, resources.LOCAL_NOTIFY_QUEUE, resources.NOTIFY_MAX_RECEIVE_COUNT
        ),
    }
    for task in TaskName:
        environment[task.queue_url_env] = _queue_with_dlq(
            sqs, resources.local_task_queue_name(task), resources.TASK_MAX_RECEIVE_COUNT
        )
    return environment
