"""The vacancy store on DynamoDB (the default).

Items in the vacancies table (`pk`, `sk`):

- `counter` / `vacancy_id`: the atomic counter that hands out integer ids (UpdateItem ADD).
- `job#<job_id>` / `vacancy`: the job's claim on an id, written once with a condition, so a redelivered
  or racing delivery of the same job finds the id (and the creation time) the first one took.
- `vacancy#<id>` / `candidate#<position>` and `candidate#<position>#<part>`: one item per candidate
  (a text too large for one item continues in numbered part items); `format` and `unreadable` when the
  resume came as a document.
- `vacancy#<id>` / `text#<part>`: continuation parts of the vacancy's own text, when it is that large.
- `vacancy#<id>` / `meta`: filename, text, format (of a document), job, creation time and candidate
  count. Written last, after
  every other item of the vacancy is in place, so a vacancy without it is not there yet.

Every write is a plain put of a value derived only from the job, so writing a job again (after a crash
half-way, or in parallel) rewrites the same items and ends in the same vacancy.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.outcome import Unreadable
from ai_interviewer.errors import TransientError
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.resources import VACANCIES_TABLE_PARTITION_KEY as PK
from ai_interviewer.resources import VACANCIES_TABLE_SORT_KEY as SK
from ai_interviewer.stores.vacancies.base import StoredCandidate, StoredVacancy, VacancyStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# DynamoDB items stop at 400 KB (409 600 bytes, names included). A text is cut into parts of at most
# this many UTF-8 bytes, which leaves room for the keys, the filename (<= 255 characters) and the rest.
TEXT_PART_BYTES = 350_000
BATCH_WRITE_LIMIT = 25
# Unprocessed items (throttling) are retried this many times with backoff before SQS takes over.
MAX_BATCH_ATTEMPTS = 8

COUNTER_KEY = {PK: {"S": "counter"}, SK: {"S": "vacancy_id"}}
META_SK = "meta"
CANDIDATE_PREFIX = "candidate#"
TEXT_PREFIX = "text#"
T = TypeVar("T")


def split_utf8(text: str, limit: int = TEXT_PART_BYTES) -> list[str]:
    """Cut `text` into pieces of at most `limit` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    parts: list[str] = []
    start = 0
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0b1100_0000 == 0b1000_0000:  # a continuation byte: back off to the boundary
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
    parts.append(data[start:].decode("utf-8"))
    return parts


def _vacancy_pk(vacancy_id: int) -> dict[str, Any]:
    return {"S": f"vacancy#{vacancy_id}"}


def _candidate_sk(position: int, part: int = 0) -> str:
    # Zero-padded so a query returns candidates in order; parts sort right after their first item.
    base = f"{CANDIDATE_PREFIX}{position:06d}"
    return base if part == 0 else f"{base}#{part}"


def _optional(item: dict[str, Any], name: str, kind: Callable[[str], T]) -> T | None:
    return kind(item[name]["S"]) if name in item else None


class DynamoDbVacancyStore(VacancyStore):
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # -- writing ---------------------------------------------------------------------------------

    def add_vacancy(
        self,
        job_id: str,
        filename: str,
        content: str,
        candidates: Sequence[ResumeIn],
        *,
        vacancy_format: DocumentFormat | None = None,
    ) -> int:
        vacancy_id, created_at = self._claim_id(job_id)
        pk = _vacancy_pk(vacancy_id)

        items: list[dict[str, Any]] = []
        vacancy_parts = split_utf8(content)
        items.extend(
            {PK: pk, SK: {"S": f"{TEXT_PREFIX}{number}"}, "content": {"S": part}}
            for number, part in enumerate(vacancy_parts[1:], start=1)
        )
        for position, candidate in enumerate(candidates, start=1):
            parts = split_utf8(candidate.content)
            item = {
                PK: pk,
                SK: {"S": _candidate_sk(position)},
                "filename": {"S": candidate.filename},
                "content": {"S": parts[0]},
                "parts": {"N": str(len(parts))},
            }
            if candidate.document is not None:
                item["format"] = {"S": candidate.document.format.value}
                if candidate.document.unreadable is not None:
                    item["unreadable"] = {"S": candidate.document.unreadable.value}
            items.append(item)
            items.extend(
                {PK: pk, SK: {"S": _candidate_sk(position, number)}, "content": {"S": part}}
                for number, part in enumerate(parts[1:], start=1)
            )
        self._batch_put(items)

        meta: dict[str, Any] = {
            PK: pk,
            SK: {"S": META_SK},
            "vacancy_id": {"N": str(vacancy_id)},
            "job_id": {"S": job_id},
            "filename": {"S": filename},
            "content": {"S": vacancy_parts[0]},
            "parts": {"N": str(len(vacancy_parts))},
            "candidate_count": {"N": str(len(candidates))},
            "created_at": {"S": created_at},
        }
        if vacancy_format is not None:
            meta["format"] = {"S": vacancy_format.value}
        # Last: from this write on, the vacancy is complete and visible.
        self._client.put_item(TableName=self._table, Item=meta)
        return vacancy_id

    def _claim_id(self, job_id: str) -> tuple[int, str]:
        """The job's vacancy id and creation time: the existing claim, or a new id claimed now.

        Two racing deliveries may both draw from the counter; only one claim is written and the loser
        adopts it, so its drawn id stays unused (ids increase but may have gaps).
        """
        claim_key = {PK: {"S": f"job#{job_id}"}, SK: {"S": "vacancy"}}
        existing = self._client.get_item(TableName=self._table, Key=claim_key, ConsistentRead=True)
        if "Item" in existing:
            return int(existing["Item"]["vacancy_id"]["N"]), existing["Item"]["created_at"]["S"]

        drawn = self._client.update_item(
            TableName=self._table,
            Key=COUNTER_KEY,
            UpdateExpression="ADD #value :one",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        vacancy_id = int(drawn["Attributes"]["value"]["N"])
        created_at = datetime.now(UTC).isoformat()
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **claim_key,
                    "vacancy_id": {"N": str(vacancy_id)},
                    "created_at": {"S": created_at},
                },
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": PK},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            held = self._client.get_item(TableName=self._table, Key=claim_key, ConsistentRead=True)["Item"]
            return int(held["vacancy_id"]["N"]), held["created_at"]["S"]
        return vacancy_id, created_at

    def _batch_put(self, items: list[dict[str, Any]]) -> None:
        for start in range(0, len(items), BATCH_WRITE_LIMIT):
            requests: list[Any] = [
                {"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]
            ]
            for attempt in range(MAX_BATCH_ATTEMPTS):
                response = self._client.batch_write_item(RequestItems={self._table: requests})
                requests = list(response.get("UnprocessedItems", {}).get(self._table, []))
                if not requests:
                    break
                # Full jitter, capped: the table is throttling this partition.
                time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))  # noqa: S311 - jitter, not crypto
            else:
                raise TransientError("the vacancy store kept throttling the candidate writes")

    # -- reading ---------------------------------------------------------------------------------

    def get_vacancy(self, vacancy_id: int) -> StoredVacancy | None:
        pk = _vacancy_pk(vacancy_id)
        meta = self._client.get_item(
            TableName=self._table, Key={PK: pk, SK: {"S": META_SK}}, ConsistentRead=True
        ).get("Item")
        if meta is None:
            return None  # never stored, or still being written

        # Every other item was written before `meta`, so all of them are readable now.
        content = meta["content"]["S"]
        if int(meta["parts"]["N"]) > 1:
            text_parts = sorted(
                (int(item[SK]["S"].removeprefix(TEXT_PREFIX)), item["content"]["S"])
                for item in self._query(pk, TEXT_PREFIX)
            )
            content += "".join(part for _, part in text_parts)

        pieces: dict[int, list[tuple[int, str]]] = {}
        firsts: dict[int, dict[str, Any]] = {}
        for item in self._query(pk, CANDIDATE_PREFIX):
            position_text, _, part_text = item[SK]["S"].removeprefix(CANDIDATE_PREFIX).partition("#")
            position, part = int(position_text), int(part_text or 0)
            pieces.setdefault(position, []).append((part, item["content"]["S"]))
            if part == 0:
                firsts[position] = item

        count = int(meta["candidate_count"]["N"])
        candidates = [
            StoredCandidate(
                candidate_id=position,
                filename=firsts[position]["filename"]["S"],
                content="".join(text for _, text in sorted(pieces[position])),
                format=_optional(firsts[position], "format", DocumentFormat),
                unreadable=_optional(firsts[position], "unreadable", Unreadable),
            )
            for position in range(1, count + 1)
        ]
        return StoredVacancy(
            vacancy_id=vacancy_id,
            filename=meta["filename"]["S"],
            content=content,
            format=_optional(meta, "format", DocumentFormat),
            created_at=datetime.fromisoformat(meta["created_at"]["S"]),
            job_id=meta["job_id"]["S"],
            candidates=candidates,
        )

    def _query(self, pk: dict[str, Any], prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": pk, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        for page in pages:
            yield from page["Items"]
