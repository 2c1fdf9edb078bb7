"""The audit bucket (infra/audit.py): Object Lock with GOVERNANCE retention from the setting, versioned,
private, encrypted, TLS only, puts only with If-None-Match, no plain deletes; written by the workers and
the task DLQ consumer only, read by the api only, each on the records' prefix."""

from __future__ import annotations

from typing import Any

from ai_interviewer import resources
from ai_interviewer.resources import AUDIT_RECORDS_PREFIX, TaskName

from tests.infra.synthesis import Synthesized, actions_of, function_ids, role_of, statements_of, synthesize


def audit_bucket(stack: Synthesized) -> tuple[str, dict[str, Any]]:
    bucket_id = stack.logical_id("AWS::S3::Bucket", "AuditBucket")
    return bucket_id, stack.raw["Resources"][bucket_id]


def bucket_statements(stack: Synthesized, bucket_id: str) -> list[dict[str, Any]]:
    (policy,) = (
        policy
        for policy in stack.resources("AWS::S3::BucketPolicy").values()
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}
    )
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def records_arn(bucket_id: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, f"/{AUDIT_RECORDS_PREFIX}*"]]}


def audit_actions(stack: Synthesized, bucket_id: str) -> dict[str, set[str]]:
    """Role -> S3 actions it has on the audit bucket; each object grant must be on the records' prefix,
    and s3:ListBucket (the api's, so a missing record is a 404, not a 403) on the bucket itself."""
    granted: dict[str, set[str]] = {}
    for function_id in stack.resources("AWS::Lambda::Function"):
        role_id = role_of(stack, function_id)
        for statement in statements_of(stack, role_id):
            resources_ = statement["Resource"]
            listed = resources_ if isinstance(resources_, list) else [resources_]
            on_bucket = [r for r in listed if bucket_id in repr(r) or r == "*"]
            s3_actions = [a for a in actions_of(statement) if a.startswith(("s3:", "*"))]
            if on_bucket and s3_actions and statement["Effect"] == "Allow":
                granted.setdefault(role_id, set()).update(s3_actions)
                if s3_actions == ["s3:ListBucket"]:
                    assert on_bucket == [{"Fn::GetAtt": [bucket_id, "Arn"]}], (role_id, on_bucket)
                else:
                    assert on_bucket == [records_arn(bucket_id)], (role_id, on_bucket)
    return granted


def test_the_audit_bucket_locks_every_record_in_governance_mode_for_the_retention(
    default_stack: Synthesized,
) -> None:
    _, bucket = audit_bucket(default_stack)
    properties = bucket["Properties"]
    assert properties["ObjectLockEnabled"] is True
    assert properties["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {
            "DefaultRetention": {"Mode": "GOVERNANCE", "Days": default_stack.context["audit_retention_days"]}
        },
    }
    assert default_stack.context["audit_retention_days"] >= 180  # six months, EU AI Act Art. 26(6)
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain"
    assert "LifecycleConfiguration" not in properties  # nothing expires it before the deployer decides


def test_the_retention_is_the_deploy_setting() -> None:
    stack = synthesize({"audit_retention_days": 400})
    _, bucket = audit_bucket(stack)
    assert bucket["Properties"]["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "GOVERNANCE",
        "Days": 400,
    }


def test_the_audit_bucket_is_private_encrypted_like_the_others_and_tls_only(
    default_stack: Synthesized,
) -> None:
    bucket_id, bucket = audit_bucket(default_stack)
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    payload = default_stack.raw["Resources"][default_stack.logical_id("AWS::S3::Bucket", "PayloadBucket")]
    assert properties["BucketEncryption"] == payload["Properties"]["BucketEncryption"]
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    denied_plain = [
        s
        for s in bucket_statements(default_stack, bucket_id)
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denied_plain) == 1 and denied_plain[0]["Action"] == "s3:*"


def test_the_bucket_refuses_a_put_without_if_none_match_and_any_plain_delete(
    default_stack: Synthesized,
) -> None:
    bucket_id, _ = audit_bucket(default_stack)
    statements = {s.get("Sid"): s for s in bucket_statements(default_stack, bucket_id)}
    objects = {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]}
    assert statements["DenyPutWithoutIfNoneMatch"] == {
        "Sid": "DenyPutWithoutIfNoneMatch",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:PutObject",
        "Resource": objects,
        "Condition": {"Null": {"s3:if-none-match": "true"}},
    }
    assert statements["DenyDeleteMarkers"] == {
        "Sid": "DenyDeleteMarkers",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:DeleteObject",
        "Resource": objects,
    }


def test_only_the_workers_and_the_task_dlq_consumer_write_records_and_only_the_api_reads_them(
    default_stack: Synthesized,
) -> None:
    bucket_id, _ = audit_bucket(default_stack)

    def role(handler: str) -> str:
        (function_id,) = function_ids(default_stack, handler)
        return role_of(default_stack, function_id)

    # Writers read back only a record refused as existing, to compare it with the one they built.
    writers = {role(resources.task_handler(task)) for task in TaskName} | {
        role(resources.TASK_DEAD_LETTERS_HANDLER)
    }
    expected = {writer: {"s3:PutObject"} for writer in writers}
    expected[role(resources.API_HANDLER)] = {"s3:GetObject", "s3:ListBucket"}
    assert audit_actions(default_stack, bucket_id) == expected
    assert len(writers) == len(TaskName) + 1  # a role of its own each


def test_each_function_that_touches_the_records_knows_the_bucket(default_stack: Synthesized) -> None:
    bucket_id, _ = audit_bucket(default_stack)
    handlers = [
        resources.API_HANDLER,
        resources.TASK_DEAD_LETTERS_HANDLER,
        *(resources.task_handler(task) for task in TaskName),
    ]
    for handler in handlers:
        (function_id,) = function_ids(default_stack, handler)
        variables = default_stack.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
        assert variables[resources.AUDIT_BUCKET_ENV] == {"Ref": bucket_id}, handler
    for handler in (resources.NOTIFIER_HANDLER, resources.NOTIFY_DEAD_LETTERS_HANDLER):
        (function_id,) = function_ids(default_stack, handler)
        variables = default_stack.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
        assert resources.AUDIT_BUCKET_ENV not in variables, handler


def test_every_cdk_nag_acknowledgement_on_the_audit_bucket_has_a_reason(default_stack: Synthesized) -> None:
    acknowledged = {
        rule: reason
        for path, rules in default_stack.acknowledgements.items()
        if "/Audit/" in path
        for rule, reason in rules.items()
    }
    assert acknowledged and all(len(reason) > 40 for reason in acknowledged.values())
