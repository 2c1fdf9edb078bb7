"""The claim-check store's S3 adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_interviewer.stores.payloads.base import PayloadStore

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3PayloadStore(PayloadStore):
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, data: bytes) -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType="application/json")

    def get(self, key: str) -> bytes:
        return self._client.get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        """Remove an object; deleting one that is already gone is not an error (S3 semantics)."""
        self._client.delete_object(Bucket=self._bucket, Key=key)
