"""Who may call the API: a resource policy from allowed_source_cidrs, an optional WAF web ACL with a
per-IP rate rule on the stage, and an access log that says where each request's time went."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from infra.deploy_settings import DeploySettings
from tests.infra.synthesis import Synthesized, ref_ids, synthesize
from tests.infra.variant import ALLOWED_CIDRS, WAF_RATE_LIMIT, dev_stack


def rest_api(stack: Synthesized) -> dict[str, Any]:
    (api,) = stack.resources("AWS::ApiGateway::RestApi").values()
    properties: dict[str, Any] = api["Properties"]
    return properties


def test_without_an_allow_list_there_is_no_resource_policy_and_no_waf(default_stack: Synthesized) -> None:
    assert "Policy" not in rest_api(default_stack)
    assert not default_stack.resources("AWS::WAFv2::WebACL")


def test_the_allow_list_denies_every_other_source_address() -> None:
    statements = rest_api(dev_stack())["Policy"]["Statement"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Action"] == "execute-api:Invoke" and deny["Resource"] == "execute-api:/*"
    assert deny["Condition"] == {"NotIpAddress": {"aws:SourceIp": list(ALLOWED_CIDRS)}}
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Resource"] == "execute-api:/*"


def test_a_changed_allow_list_deploys_the_api_again(default_stack: Synthesized) -> None:
    # API Gateway applies a changed resource policy only with a new deployment (CDK hashes the policy
    # into the deployment's logical id); nothing else differs between these two.
    allow_listed = synthesize({"allowed_source_cidrs": ALLOWED_CIDRS[0]})
    assert set(allow_listed.resources("AWS::ApiGateway::Deployment")).isdisjoint(
        default_stack.resources("AWS::ApiGateway::Deployment")
    )


def test_the_web_acl_blocks_an_address_over_its_rate_and_guards_the_stage() -> None:
    stack = dev_stack()
    ((acl_id, acl),) = stack.resources("AWS::WAFv2::WebACL").items()
    properties = acl["Properties"]
    assert properties["Scope"] == "REGIONAL" and properties["DefaultAction"] == {"Allow": {}}
    (rule,) = properties["Rules"]
    assert rule["Action"] == {"Block": {}}
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate == {"AggregateKeyType": "IP", "Limit": WAF_RATE_LIMIT, "EvaluationWindowSec": 300}
    (association,) = stack.resources("AWS::WAFv2::WebACLAssociation").values()
    (stage_id,) = stack.resources("AWS::ApiGateway::Stage")
    assert stage_id in ref_ids(association["Properties"]["ResourceArn"])
    assert ref_ids(association["Properties"]["WebACLArn"]) == {acl_id}


def test_waf_logs_never_carry_the_token() -> None:
    stack = dev_stack()
    (logging,) = stack.resources("AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["RedactedFields"] == [{"SingleHeader": {"Name": "x-webhook-token"}}]
    (destination,) = ref_ids(logging["Properties"]["LogDestinationConfigs"])
    group = stack.raw["Resources"][destination]["Properties"]
    assert group["LogGroupName"].startswith("aws-waf-logs-") and group["RetentionInDays"]


@pytest.mark.parametrize(
    "bad",
    [
        {"allowed_source_cidrs": "203.0.113.1/24"},  # host bits set: a typo, not a network
        {"allowed_source_cidrs": "example.com"},
        {"waf_rate_limit_per_ip": 5},  # below WAF's minimum
    ],
)
def test_bad_access_settings_fail_the_synth(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DeploySettings.model_validate(bad)


def test_access_log_has_latencies_errors_and_the_trace_id(default_stack: Synthesized) -> None:
    (stage,) = default_stack.resources("AWS::ApiGateway::Stage").values()
    fields = json.loads(stage["Properties"]["AccessLogSetting"]["Format"])
    assert {
        "integrationLatency": "$context.integrationLatency",
        "responseLatency": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
        "errorMessage": "$context.error.message",
        "xrayTraceId": "$context.xrayTraceId",
        "status": "$context.status",
    }.items() <= fields.items()
    # No header, body or caller identity beyond the source address.
    assert not any("header" in value.lower() or "body" in value.lower() for value in fields.values())
