"""The REST API's stage: throttling, logs without bodies or headers, tracing; routes to the api."""

from __future__ import annotations

from ai_interviewer import resources

from tests.infra.synthesis import Synthesized, function_ids, ref_ids


def test_stage_throttles_logs_access_and_errors_but_never_bodies(default_stack: Synthesized) -> None:
    (stage,) = default_stack.resources("AWS::ApiGateway::Stage").values()
    properties = stage["Properties"]
    (method_settings,) = properties["MethodSettings"]
    assert method_settings["HttpMethod"] == "*" and method_settings["ResourcePath"] == "/*"
    assert method_settings["ThrottlingRateLimit"] == default_stack.context["api_rate_limit"]
    assert method_settings["ThrottlingBurstLimit"] == default_stack.context["api_burst_limit"]
    # ERROR, not INFO: INFO execution logs carry request headers, and X-Webhook-Token is one.
    assert method_settings["LoggingLevel"] == "ERROR"
    assert method_settings["DataTraceEnabled"] is False
    assert properties["TracingEnabled"] is True
    log_groups = ref_ids(properties["AccessLogSetting"]["DestinationArn"]) & set(
        default_stack.resources("AWS::Logs::LogGroup")
    )
    assert len(log_groups) == 1
    assert "$context.status" in properties["AccessLogSetting"]["Format"]


def test_every_path_under_api_v1_goes_to_the_api_function(default_stack: Synthesized) -> None:
    (api_id,) = function_ids(default_stack, resources.API_HANDLER)
    paths = {
        resource["Properties"]["PathPart"]
        for resource in default_stack.resources("AWS::ApiGateway::Resource").values()
    }
    assert paths == {"api", "v1", "{proxy+}"}
    (method,) = default_stack.resources("AWS::ApiGateway::Method").values()
    assert method["Properties"]["HttpMethod"] == "ANY"
    assert method["Properties"]["Integration"]["Type"] == "AWS_PROXY"
    assert api_id in ref_ids(method["Properties"]["Integration"]["Uri"])


def test_request_size_bound_is_given_to_the_api(default_stack: Synthesized) -> None:
    (api_id,) = function_ids(default_stack, resources.API_HANDLER)
    variables = default_stack.raw["Resources"][api_id]["Properties"]["Environment"]["Variables"]
    bound = int(variables["MAX_BODY_BYTES"])
    assert bound == default_stack.context["max_body_bytes"]
    assert bound < 6 * 1024 * 1024  # Lambda's synchronous event limit counts headers too


def test_api_url_is_a_stack_output(default_stack: Synthesized) -> None:
    outputs = default_stack.raw["Outputs"]
    joined = outputs["ApiUrl"]["Value"]["Fn::Join"][1]
    assert joined[-1].endswith("/api/v1/")
    assert "WebhookTokenSecretArn" in outputs and "OpenAiKeySecretArn" in outputs
