"""One stack per environment: `stage` names the stack, the API and its stage, the dashboard, the
alarm topic, the cluster and the functions' service, so dev, staging and prod deploy side by side in one
account; the account-wide API Gateway role is optional (one stage sets it, the others leave it)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from pydantic import ValidationError

from infra.app import build_app
from infra.deploy_settings import STACK_NAME, DeploySettings
from tests.infra.synthesis import Synthesized, cdk_json_context
from tests.infra.variant import dev_stack

# Properties that carry a name a deployer sees in the console (CloudFormation generates the others from
# the stack name, which has the stage).
NAME_PROPERTIES = {
    "AWS::ApiGateway::RestApi": "Name",
    "AWS::ApiGateway::Stage": "StageName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::WAFv2::WebACL": "Name",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::RDS::DBProxy": "DBProxyName",
    "AWS::Logs::LogGroup": "LogGroupName",
}


def explicit_names(stack: Synthesized) -> list[tuple[str, Any]]:
    names = []
    for resource in stack.raw["Resources"].values():
        key = NAME_PROPERTIES.get(resource["Type"])
        if key and key in resource["Properties"]:
            names.append((resource["Type"], resource["Properties"][key]))
    return names


def api_gateway_roles(stack: Synthesized) -> list[dict[str, Any]]:
    roles = stack.resources("AWS::IAM::Role").values()
    return [role for role in roles if "apigateway.amazonaws.com" in json.dumps(role["Properties"])]


def test_the_stage_names_the_deployed_stack() -> None:
    app = build_app({**cdk_json_context(), "aws:cdk:bundling-stacks": [], "stage": "staging"})
    stack = cdk.Stack.of(app.node.find_child(STACK_NAME))
    assert stack.stack_name == "AiInterviewer-staging"
    assert DeploySettings().stack_name == "AiInterviewer-prod"


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_every_explicit_name_carries_the_stage(variant: str, request: pytest.FixtureRequest) -> None:
    stack: Synthesized = request.getfixturevalue(variant)
    stage = stack.context["stage"]
    names = explicit_names(stack)
    assert {kind for kind, _ in names} >= {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Stage",
        "AWS::CloudWatch::Dashboard",
        "AWS::SNS::Topic",
    }
    for kind, name in names:
        assert stage in json.dumps(name), (kind, name)


def test_a_second_stage_differs_in_every_explicit_name_and_tags_everything() -> None:
    dev = dev_stack()
    names = explicit_names(dev)
    assert {kind for kind, _ in names} >= {"AWS::ApiGateway::Stage", "AWS::WAFv2::WebACL"}
    for kind, name in names:
        assert "dev" in json.dumps(name) and "prod" not in json.dumps(name), (kind, name)
    (stage,) = dev.resources("AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["StageName"] == "dev"
    functions = dev.resources("AWS::Lambda::Function").values()
    assert {f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] for f in functions} == {
        "ai-interviewer-dev"
    }
    for resource in dev.resources("AWS::DynamoDB::Table").values():
        assert {"Key": "stage", "Value": "dev"} in resource["Properties"]["Tags"]


def test_the_account_wide_api_gateway_role_is_made_only_when_asked(default_stack: Synthesized) -> None:
    (account,) = default_stack.resources("AWS::ApiGateway::Account").values()
    # Kept on destroy: the other stages in the account log through it.
    roles = api_gateway_roles(default_stack)
    assert len(roles) == 1 and roles[0]["DeletionPolicy"] == "Retain"
    assert account["Properties"]["CloudWatchRoleArn"]
    dev = dev_stack()
    assert not dev.resources("AWS::ApiGateway::Account")
    assert not api_gateway_roles(dev)


@pytest.mark.parametrize("stage", ["Prod", "pr od", "", "a" * 13, "1dev", "dev-1"])
def test_a_stage_that_cannot_name_every_resource_fails_the_synth(stage: str) -> None:
    with pytest.raises(ValidationError):
        DeploySettings(stage=stage)


def test_named_log_groups_go_with_the_stack_so_the_stage_can_be_deployed_again(
    postgres_stack: Synthesized,
) -> None:
    for stack in (postgres_stack, dev_stack()):
        for group in stack.resources("AWS::Logs::LogGroup").values():
            named = "LogGroupName" in group["Properties"]
            assert group["DeletionPolicy"] == ("Delete" if named else "Retain"), group["Properties"]
