"""The REST API: API Gateway in front of the api function, which routes the contract's paths itself.

Every path under /api/v1 goes to the api function (a proxy resource), so the routes, the OpenAPI
document and the 404s all come from the code. The stage (named after the deploy stage) throttles,
writes JSON access logs and ERROR-level execution logs (INFO would write request headers, and
X-Webhook-Token is one), and never logs bodies.

Who may call it: with `allowed_source_cidrs` a resource policy denies every other source address
before the function runs; with `waf_rate_limit_per_ip` a WAF web ACL blocks any one address that goes
over its rate, so one caller cannot use up the stage throttle it shares with the real client.

Bodies are bounded by MAX_BODY_BYTES in the function (413), below Lambda's 6 MB event limit; API
Gateway's own hard limit is 10 MB.

With the PostgreSQL vacancy store, GET /api/v1/vacancies/{vacancy_id} goes to a second function
running the same api code inside the database VPC (the vacancy reader), so that the api function,
which takes every untrusted request body, stays outside the VPC: it keeps no dependency on ENIs and
interface endpoints, and it can never reach the database. The reader can read the database and the
webhook token, nothing else.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.api.auth import TOKEN_HEADER
from ai_interviewer.resources import TaskName
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.compliance import acknowledge
from infra.deploy_settings import DeploySettings
from infra.function_blueprint import FunctionBlueprint, FunctionSpec
from infra.storage import Storage
from infra.vacancy_database import VacancyDatabase

API_PREFIX = ("api", "v1")
# WAF counts a rate over this window (seconds); the setting is requests per window per address.
WAF_RATE_WINDOW_SECONDS = 300

# One JSON object per request: who, what, the outcome and where the time went (no body, no header).
F = apigateway.AccessLogField
ACCESS_LOG_FIELDS = {
    "requestId": F.context_request_id(),
    "extendedRequestId": F.context_extended_request_id(),
    "xrayTraceId": F.context_xray_trace_id(),
    "ip": F.context_identity_source_ip(),
    "requestTime": F.context_request_time(),
    "httpMethod": F.context_http_method(),
    "path": F.context_path(),
    "resourcePath": F.context_resource_path(),
    "protocol": F.context_protocol(),
    "status": F.context_status(),
    "responseLength": F.context_response_length(),
    "responseLatency": F.context_response_latency(),
    "integrationLatency": F.context_integration_latency(),
    "integrationStatus": F.context_integration_status(),
    "integrationError": F.context_integration_error_message(),
    "errorMessage": F.context_error_message(),
    "errorType": F.context_error_response_type(),
    "wafStatus": "$context.waf.status",
}


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploySettings,
        blueprint: FunctionBlueprint,
        storage: Storage,
        task_queues: dict[TaskName, sqs.IQueue],
        notify_queue: sqs.IQueue,
        database: VacancyDatabase | None,
    ) -> None:
        super().__init__(scope, construct_id)
        timeout = cdk.Duration.seconds(resources.API_TIMEOUT_SECONDS)
        request_limits = {resources.MAX_BODY_BYTES_ENV: str(settings.max_body_bytes)}
        environment = {
            resources.JOBS_TABLE_ENV: storage.jobs_table.table_name,
            resources.PAYLOAD_BUCKET_ENV: storage.payload_bucket.bucket_name,
            resources.AUDIT_BUCKET_ENV: storage.audit.bucket.bucket_name,
            resources.NOTIFY_QUEUE_URL_ENV: notify_queue.queue_url,
            resources.WEBHOOK_SECRET_ARN_ENV: storage.webhook_secret.secret_arn,
            **{task.queue_url_env: queue.queue_url for task, queue in task_queues.items()},
            **request_limits,
        }
        if database is None:
            environment[resources.VACANCIES_TABLE_ENV] = storage.vacancies_table.table_name
        self.function = blueprint.build(
            self,
            "ApiFunction",
            FunctionSpec(
                handler=resources.API_HANDLER,
                description="Accepts jobs, reports their status, redelivers webhooks",
                timeout=timeout,
                memory_mb=settings.api_memory_mb,
                environment=environment,
            ),
        )
        role = self.function.role
        assert role is not None
        storage.grant_job_acceptance(role)
        storage.grant_request_upload(role)
        storage.grant_result_reading(role)
        storage.audit.grant_record_reading(role)
        storage.webhook_secret.grant_read(role)
        for queue in task_queues.values():
            queue.grant_send_messages(role)
        notify_queue.grant_send_messages(role)
        if database is None:
            storage.grant_vacancy_reading(role)

        self.vacancy_reader: lambda_.Function | None = None
        if database is not None:
            self.vacancy_reader = blueprint.build(
                self,
                "VacancyReaderFunction",
                FunctionSpec(
                    handler=resources.API_HANDLER,
                    description="The api code serving GET /api/v1/vacancies/{vacancy_id} inside the VPC",
                    timeout=timeout,
                    memory_mb=settings.api_memory_mb,
                    # The api's code checks the api's needs at cold start (API_NEEDS): the same
                    # environment, while its role grants only the token and the database.
                    environment=environment,
                    vpc_placement=database.placement,
                ),
            )
            reader_role = self.vacancy_reader.role
            assert reader_role is not None
            storage.webhook_secret.grant_read(reader_role)
            database.admit(self.vacancy_reader)

        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=settings.log_retention)
        self.rest_api = self._rest_api(settings)
        self.web_acl = self._web_acl(settings) if settings.waf_rate_limit_per_ip else None

    def _rest_api(self, settings: DeploySettings) -> apigateway.RestApi:
        rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=settings.resource_name("api"),
            description=f"AI Interviewer webhook API v1 ({settings.stage})",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            policy=_source_policy(settings.allowed_source_cidrs),
            # Logging needs the account's API Gateway CloudWatch role (one per account and region): the
            # first stage sets it and keeps it on destroy, since the other stages log through it too.
            cloud_watch_role=settings.api_gateway_cloudwatch_role,
            cloud_watch_role_removal_policy=(
                cdk.RemovalPolicy.RETAIN if settings.api_gateway_cloudwatch_role else None
            ),
            deploy_options=apigateway.StageOptions(
                stage_name=settings.stage,
                throttling_rate_limit=settings.api_rate_limit,
                throttling_burst_limit=settings.api_burst_limit,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
                access_log_format=apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            ),
        )
        prefix = rest_api.root
        for segment in API_PREFIX:
            prefix = prefix.add_resource(segment)
        prefix.add_proxy(
            default_integration=apigateway.LambdaIntegration(self.function, scope_permission_to_method=False),
            any_method=True,
        )
        if self.vacancy_reader is not None:
            prefix.add_resource("vacancies").add_resource("{vacancy_id}").add_method(
                "GET",
                apigateway.LambdaIntegration(self.vacancy_reader, scope_permission_to_method=False),
            )

        acknowledge(
            rest_api,
            "AwsSolutions-APIG2",
            "Bodies are validated by the api function's pydantic models, which the contract needs for "
            "its 422 answers with field paths; a gateway validator would answer 400 instead.",
        )
        if not settings.waf_rate_limit_per_ip:
            acknowledge(
                rest_api,
                "AwsSolutions-APIG3",
                "WAF is opt-in (waf_rate_limit_per_ip): it bills per month and per request, the stage "
                "throttles and the function checks the token in constant time, and WAF's body inspection "
                "(8-64 KB) cannot bound multi-megabyte resume bodies.",
            )
        acknowledge(
            rest_api,
            "AwsSolutions-APIG4",
            "The contract's auth is the X-Webhook-Token header, checked in the function (401 with a "
            "JSON error, current and previous token); GET /api/v1/health is public by design.",
        )
        acknowledge(
            rest_api,
            "AwsSolutions-COG4",
            "Clients are servers holding the shared webhook token, not Cognito users.",
        )
        acknowledge(
            rest_api,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role uses the AWS managed policy made for it.",
        )
        return rest_api

    def _web_acl(self, settings: DeploySettings) -> wafv2.CfnWebACL:
        """Allow by default; block any one source address above the rate (requests per 5 minutes)."""
        rule_name = "rate-per-ip"

        def visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
            )

        web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=settings.resource_name("api"),
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(settings.resource_name("api")),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name=rule_name,
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            aggregate_key_type="IP",
                            limit=settings.waf_rate_limit_per_ip,
                            evaluation_window_sec=WAF_RATE_WINDOW_SECONDS,
                        )
                    ),
                    visibility_config=visibility(settings.resource_name(rule_name)),
                )
            ],
        )
        association = wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.rest_api.deployment_stage.stage_arn,
            web_acl_arn=web_acl.attr_arn,
        )
        association.node.add_dependency(self.rest_api.deployment_stage)
        # WAF's own log group name must start with aws-waf-logs-; the token header is never written.
        # Named, so it goes with the stack: a kept one would block deploying the stage again.
        waf_logs = logs.LogGroup(
            self,
            "WafLogs",
            log_group_name=f"aws-waf-logs-{settings.resource_name('api')}",
            retention=settings.log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=web_acl.attr_arn,
            log_destination_configs=[waf_logs.log_group_arn],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": TOKEN_HEADER.lower()}
                )
            ],
        )
        return web_acl


def _source_policy(cidrs: tuple[str, ...]) -> iam.PolicyDocument | None:
    """Invoke from anywhere, except when `cidrs` are given: then from them only."""
    if not cidrs:
        return None
    invoke, every_method = ["execute-api:Invoke"], ["execute-api:/*"]
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=invoke, resources=every_method),
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=invoke,
                resources=every_method,
                conditions={"NotIpAddress": {"aws:SourceIp": list(cidrs)}},
            ),
        ]
    )
