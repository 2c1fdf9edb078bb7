"""cdk-nag (AwsSolutions) gates the synth; every acknowledgement says why; cfn-lint is clean."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_s3 as s3
from cfnlint.api import ManualArgs, lint

from infra.app import build_app
from infra.deploy_settings import STACK_NAME
from tests.infra.synthesis import Synthesized, cdk_json_context


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_every_acknowledgement_carries_its_reason(variant: str, request: pytest.FixtureRequest) -> None:
    stack: Synthesized = request.getfixturevalue(variant)  # its synth ran cdk-nag and passed
    acknowledged = {
        rule: reason for rules in stack.acknowledgements.values() for rule, reason in rules.items()
    }
    ours = {rule: reason for rule, reason in acknowledged.items() if rule.startswith("AwsSolutions::")}
    assert ours
    for rule, reason in ours.items():
        assert len(reason.split()) >= 8, f"{rule}: {reason!r}"


def test_an_unacknowledged_finding_fails_the_synth() -> None:
    app = build_app({**cdk_json_context(), "aws:cdk:bundling-stacks": []})
    stack = cdk.Stack.of(app.node.find_child(STACK_NAME))
    s3.Bucket(stack, "CarelessBucket")  # no TLS policy, no access logs
    with pytest.raises(RuntimeError, match="AwsSolutions-S10"):
        app.synth()


CFNLINTRC = Path(__file__).resolve().parents[2] / ".cfnlintrc"


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_templates_pass_cfn_lint_with_the_rules_ci_runs(variant: str, request: pytest.FixtureRequest) -> None:
    """The rules and the few exceptions CI uses (.cfnlintrc), each exception with its reason there."""
    stack: Synthesized = request.getfixturevalue(variant)
    config = yaml.safe_load(CFNLINTRC.read_text(encoding="utf-8"))
    matches = lint(
        json.dumps(stack.raw),
        config=ManualArgs(
            include_checks=config["include_checks"],
            include_experimental=config["include_experimental"],
            ignore_checks=config["ignore_checks"],
            regions=["us-east-1"],
        ),
    )
    assert [str(match) for match in matches] == []


def test_stack_is_environment_agnostic(default_stack: Synthesized) -> None:
    """No account or region is baked in, so `cdk synth` needs no credentials and does no lookups."""
    assert default_stack.environment == "aws://unknown-account/unknown-region"
