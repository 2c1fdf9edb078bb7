"""Reset the emulated AWS account between tests without building it again.

Provisioning every table, queue and bucket over HTTP costs about thirty calls (a second or more per test
on a loaded machine). The moto server of a test session runs in the session's own process, so a reset can
work on moto's backends directly instead: empty the provisioned resources, delete whatever a test added,
and reset every other service. Whenever a provisioned resource is gone or configured differently from how
it was provisioned, the reset falls back to moto's full reset and a new provisioning, so a test may
change or delete anything and the next test still starts from the same account."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.core.base_backend import BackendDict
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

# Services whose provisioned resources are kept (emptied) across tests; every other one is reset.
KEPT_SERVICES = frozenset({"sqs", "dynamodb", "s3"})
# Queue attributes a test could change; a change means the queue is no longer as provisioned.
QUEUE_CONFIGURATION = (
    "visibility_timeout",
    "redrive_policy",
    "delay_seconds",
    "receive_message_wait_time_seconds",
    "maximum_message_size",
    "message_retention_period",
    "policy",
)


def _queue_configuration(queue: Any) -> tuple[Any, ...]:
    return tuple(repr(getattr(queue, name, None)) for name in QUEUE_CONFIGURATION)


def _bucket_configuration(bucket: Any) -> tuple[Any, ...]:
    # The audit bucket is provisioned versioned, with Object Lock: a change from that is a test's own.
    return (
        bucket.versioning_status,
        repr(bucket.rules),
        repr(bucket.policy),
        bucket.object_lock_enabled,
        bucket.default_lock_mode,
        bucket.default_lock_days,
    )


def _table_configuration(table: Any) -> tuple[Any, ...]:
    return (repr(table.ttl), repr(table.stream_specification), len(table.global_indexes or ()))


@dataclass
class Baseline:
    """What provisioning left in the account: names and configurations to come back to."""

    region: str
    queues: dict[str, tuple[Any, ...]]
    tables: dict[str, tuple[Any, ...]]
    buckets: dict[str, tuple[Any, ...]]

    @classmethod
    def capture(cls, region: str) -> Baseline:
        sqs = sqs_backends[DEFAULT_ACCOUNT_ID][region]
        dynamodb = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
        s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
        return cls(
            region=region,
            queues={name: _queue_configuration(queue) for name, queue in sqs.queues.items()},
            tables={name: _table_configuration(table) for name, table in dynamodb.tables.items()},
            buckets={name: _bucket_configuration(bucket) for name, bucket in s3.buckets.items()},
        )


def full_reset(endpoint: str) -> None:
    """moto's own reset: every service, every account, back to empty."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()


def _other_backends_reset() -> None:
    instances: list[Any] = BackendDict._instances  # type: ignore[misc]  # services used since the reset
    for backend in list(instances):
        if backend.service_name in KEPT_SERVICES:
            continue
        for account in backend.values():
            account.reset()


def _empty_sqs(baseline: Baseline) -> bool:
    kept = True
    for account_id, account in list(sqs_backends.items()):
        for region, backend in list(account.items()):
            if (account_id, region) != (DEFAULT_ACCOUNT_ID, baseline.region):
                backend.reset()
                continue
            for name, queue in list(backend.queues.items()):
                if name not in baseline.queues:
                    del backend.queues[name]
                elif _queue_configuration(queue) != baseline.queues[name]:
                    kept = False
                else:
                    with queue._messages_lock:
                        queue._messages = []
                        queue._pending_messages = set()
                        queue.deleted_messages = set()
            kept = kept and baseline.queues.keys() <= backend.queues.keys()
    return kept


def _empty_dynamodb(baseline: Baseline) -> bool:
    kept = True
    for account_id, account in list(dynamodb_backends.items()):
        for region, backend in list(account.items()):
            if (account_id, region) != (DEFAULT_ACCOUNT_ID, baseline.region):
                backend.reset()
                continue
            for name, table in list(backend.tables.items()):
                if name not in baseline.tables:
                    del backend.tables[name]
                elif _table_configuration(table) != baseline.tables[name]:
                    kept = False
                else:
                    for item in table.all_items():
                        table.delete_item(item.hash_key, item.range_key)
            kept = kept and baseline.tables.keys() <= backend.tables.keys()
    return kept


def _empty_s3(baseline: Baseline) -> bool:
    kept = True
    for account_id, account in list(s3_backends.items()):
        for backend in list(account.values()):
            for name, bucket in list(backend.buckets.items()):
                keep = account_id == DEFAULT_ACCOUNT_ID and name in baseline.buckets
                if keep and _bucket_configuration(bucket) != baseline.buckets[name]:
                    kept = False  # configured after provisioning
                for key in list(bucket.keys.keys()):
                    # Every version (a versioned bucket keeps them), past any governance retention.
                    for version in list(bucket.keys.getlist(key)):
                        backend.delete_object(name, key, version_id=version.version_id, bypass=True)
                bucket.multiparts.clear()
                if not keep:
                    backend.delete_bucket(name)
            if account_id == DEFAULT_ACCOUNT_ID:
                kept = kept and baseline.buckets.keys() <= backend.buckets.keys()
    return kept


def reset_account(endpoint: str, baseline: Baseline | None, provision: Callable[[], Baseline]) -> Baseline:
    """Bring the account back to `baseline` (provisioning it afresh when it cannot be kept)."""
    if baseline is not None:
        _other_backends_reset()
        # Every step runs, so the account is clean even when one service asks for the full reset.
        emptied = [_empty_sqs(baseline), _empty_dynamodb(baseline), _empty_s3(baseline)]
        if all(emptied):
            return baseline
    full_reset(endpoint)
    return provision()
