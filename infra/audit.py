"""The audit bucket: one immutable record per finished job (ai_interviewer.audit), EU AI Act Art. 12 and
26(6).

Immutable twice over: Object Lock with a default GOVERNANCE retention (`audit_retention_days`, 180 by
default: the six months of Art. 26(6)) refuses deleting or overwriting a record's version before it
ends, unless someone holds s3:BypassGovernanceRetention; and the bucket policy refuses any put without
`If-None-Match` (so a second write is refused instead of stacking a new version) and any plain delete
(a delete marker would hide the record). Only the workers and the task DLQ consumer put records, only
the api reads them.
"""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer.resources import AUDIT_RECORDS_PREFIX
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.compliance import acknowledge, grant_listing, grant_objects
from infra.deploy_settings import DeploySettings


class AuditRecords(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploySettings) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "AuditBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,  # as the payload bucket: the stack's roles only
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,  # Object Lock requires it
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.governance(
                cdk.Duration.days(settings.audit_retention_days)
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        records = self.bucket.arn_for_objects("*")
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyPutWithoutIfNoneMatch",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:PutObject"],
                resources=[records],
                conditions={"Null": {"s3:if-none-match": "true"}},
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyDeleteMarkers",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:DeleteObject"],
                resources=[records],
            )
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "Records are written once by the service's own roles and read by the api (CloudTrail "
            "records both); an access-log bucket would be a second store to retain and protect.",
        )

    def grant_record_writing(self, role: iam.IRole) -> None:
        """A worker or the task DLQ consumer writes a job's record (never reads one: a put refused because
        the record exists is done)."""
        self._grant(role, "s3:PutObject")

    def grant_record_reading(self, role: iam.IRole) -> None:
        """The api serves a record (GET /api/v1/jobs/{job_id}/audit), and may list the bucket, so a record
        not written yet is a 404 audit_not_found; it lists only job ids whose records it may read anyway."""
        self._grant(role, "s3:GetObject")
        grant_listing(role, self.bucket)

    def _grant(self, role: iam.IRole, *actions: str) -> None:
        grant_objects(
            role,
            self.bucket,
            AUDIT_RECORDS_PREFIX,
            actions,
            f"One record per job ({AUDIT_RECORDS_PREFIX}<job_id>.json): the grant is scoped to that prefix.",
        )
