"""boto3 clients, one per service per process (warm Lambdas reuse them).

`AWS_ENDPOINT_URL` (honoured by botocore itself) points them at the local stack's emulation.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


@functools.cache
def _client(service: str) -> Any:
    import boto3  # noqa: PLC0415 - imported on first use, not at module import

    return boto3.session.Session().client(service)  # type: ignore[call-overload]


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")


def sqs() -> SQSClient:
    return _client("sqs")


def s3() -> S3Client:
    return _client("s3")
