"""boto3 clients, one per service per process (warm Lambdas reuse them), from one shared session.

One session, because each new session parses botocore's endpoint and partition data again (about 40 ms
a client on a cold start); a lock, because creating clients from one session is not thread-safe and the
local stack and the OpenAI engine's pool run threads. `AWS_ENDPOINT_URL` (honoured by botocore itself)
points the clients at the local stack's emulation.

Every call gives up well inside the shortest function timeout (the api's 10 s): botocore's defaults
(60 s to connect, 60 s per read, up to 10 attempts for DynamoDB) would let one unanswered call outlive the
invocation, which is then killed between two writes instead of failing with an error it can handle.
This bounds one call, not a request of several: what a kill between two calls leaves, acceptance's
transaction and the task's kept progress make safe to retry.
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

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 3.0
MAX_ATTEMPTS = 2  # the first try and one retry ("standard" mode: its backoff stays under a second here)
# An unanswered call's worst case, backoff included: shorter than API_TIMEOUT_SECONDS.
WORST_CALL_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + 1.0


@functools.cache
def client_config() -> Any:
    """The botocore configuration of every client (timeouts and retries, see the module's docstring)."""
    from botocore.config import Config  # noqa: PLC0415

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )


@functools.cache
def _session() -> Any:
    import boto3  # noqa: PLC0415 - imported on first use, not at module import

    return boto3.session.Session()


def _client(service: str) -> Any:
    with _lock:
        return _cached_client(service)


@functools.cache
def _cached_client(service: str) -> Any:
    return _session().client(service, config=client_config())


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")


def sqs() -> SQSClient:
    return _client("sqs")


def s3() -> S3Client:
    return _client("s3")


def secretsmanager() -> SecretsManagerClient:
    return _client("secretsmanager")
