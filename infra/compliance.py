"""cdk-nag in the synth: the AwsSolutions pack runs on every `cdk synth`, and any finding not
acknowledged here (with its reason, next to the resource it concerns) fails the synth."""

from __future__ import annotations

import aws_cdk as cdk
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
