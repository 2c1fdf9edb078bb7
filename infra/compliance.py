"""cdk-nag in the synth: the AwsSolutions pack runs on every `cdk synth`, and any finding not
acknowledged here (with its reason, next to the resource it concerns) fails the synth."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

# IAM5 findings name the wildcard they found; each distinct one needs its own acknowledgement.
WILDCARD_RESOURCE = "AwsSolutions-IAM5[Resource::*]"


def check_with_aws_solutions(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept a cdk-nag finding on `scope` and everything under it, saying why."""
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"AwsSolutions::{rule}", reason=reason))


def wildcard_finding(scope: IConstruct, arn: str, suffix: str) -> str:
    """The IAM5 finding id for `<arn>` + `suffix` (as cdk-nag prints a resolved Fn::GetAtt ARN)."""
    resolved = cdk.Stack.of(scope).resolve(arn)
    logical_id, attribute = resolved["Fn::GetAtt"]
    return f"AwsSolutions-IAM5[Resource::<{logical_id}.{attribute}>{suffix}]"


def grant_objects(role: iam.IRole, bucket: s3.IBucket, prefix: str, actions: Sequence[str], why: str) -> None:
    """Exactly `actions` on `bucket`'s keys under `prefix` (CDK's grant_read/grant_put add List*, Abort*
    and GetBucket*), with cdk-nag's wildcard finding for that prefix accepted for `why`."""
    iam.Grant.add_to_principal(
        grantee=role, actions=list(actions), resource_arns=[bucket.arn_for_objects(f"{prefix}*")]
    )
    acknowledge(role, wildcard_finding(bucket, bucket.bucket_arn, f"/{prefix}*"), why)


def grant_listing(role: iam.IRole, bucket: s3.IBucket) -> None:
    """s3:ListBucket on `bucket`: S3 answers a missing key 404 NoSuchKey only to who may list (403
    AccessDenied to anyone else, which reads as a failure instead of "not there")."""
    iam.Grant.add_to_principal(grantee=role, actions=["s3:ListBucket"], resource_arns=[bucket.bucket_arn])
