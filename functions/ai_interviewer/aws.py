"""boto3 clients, one per service per process (warm Lambdas reuse them), from one shared session.

One session, because each new session parses botocore's endpoint and partition data again (about 40 ms
a client on a cold start); a lock, because creating clients from one session is not thread-safe and the
local stack and the OpenAI engine's pool run threads. `AWS_ENDPOINT_URL` (honoured by botocore itself)
points the clients at the local stack's emulation.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

_lock = threading.Lock()


@functools.cache
def _session() -> Any:
    import boto3  # noqa: PLC0415 - imported on first use, not at module import

    return boto3.session.Session()


def _client(service: str) -> Any:
    with _lock:
        return _cached_client(service)


@functools.cache
def _cached_client(service: str) -> Any:
    return _session().client(service)


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")


def sqs() -> SQSClient:
    return _client("sqs")


def s3() -> S3Client:
    return _client("s3")


def secretsmanager() -> SecretsManagerClient:
    return _client("secretsmanager")
