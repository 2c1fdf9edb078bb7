"""The REST API: API Gateway in front of the api function, which routes the contract's paths itself.

Every path under /api/v1 goes to the api function (a proxy resource), so the routes, the OpenAPI
document and the 404s all come from the code. The stage throttles, writes JSON access logs and
ERROR-level execution logs (INFO would write request headers, and X-Webhook-Token is one), and never
logs bodies. Bodies are bounded by MAX_BODY_BYTES in the function (413), below Lambda's 6 MB event
limit; API Gateway's own hard limit is 10 MB.

With the PostgreSQL vacancy store, GET /api/v1/vacancies/{vacancy_id} goes to a second function
running the same api code inside the database VPC (the vacancy reader), so that the api function,
which takes every untrusted request body, stays outside the VPC: it keeps no dependency on ENIs and
interface endpoints, and it can never reach the database. The reader can read the database and the
webhook token, nothing else.
"""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.compliance import acknowledge
from infra.deploy_settings import API_STAGE_NAME, SERVICE_NAME, DeploySettings
from infra.function_blueprint import FunctionBlueprint, FunctionSpec
from infra.storage import Storage
from infra.vacancy_database import VacancyDatabase

API_PREFIX = ("api", "v1")


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
        request_limits = {"MAX_BODY_BYTES": str(settings.max_body_bytes)}
        environment = {
            resources.JOBS_TABLE_ENV: storage.jobs_table.table_name,
            resources.PAYLOAD_BUCKET_ENV: storage.payload_bucket.bucket_name,
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
        storage.jobs_table.grant_read_write_data(role)
        storage.grant_request_upload(role)
        storage.grant_result_reading(role)
        storage.webhook_secret.grant_read(role)
        for queue in task_queues.values():
            queue.grant_send_messages(role)
        notify_queue.grant_send_messages(role)
        if database is None:
            storage.vacancies_table.grant_read_data(role)

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
                    environment={resources.WEBHOOK_SECRET_ARN_ENV: storage.webhook_secret.secret_arn},
                    vpc_placement=database.placement,
                ),
            )
            reader_role = self.vacancy_reader.role
            assert reader_role is not None
            storage.webhook_secret.grant_read(reader_role)
            database.admit(self.vacancy_reader)

        self.rest_api = self._rest_api(settings)

    def _rest_api(self, settings: DeploySettings) -> apigateway.RestApi:
        access_logs = logs.LogGroup(self, "AccessLogs", retention=settings.log_retention)
        rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=SERVICE_NAME,
            description="AI Interviewer webhook API v1",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            # Execution logging needs the account's API Gateway CloudWatch role; this sets it.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=cdk.RemovalPolicy.RETAIN,
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE_NAME,
                throttling_rate_limit=settings.api_rate_limit,
                throttling_burst_limit=settings.api_burst_limit,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
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
        acknowledge(
            rest_api,
            "AwsSolutions-APIG3",
            "No WAF: the stage throttles, the function checks the token in constant time, and WAF's "
            "body inspection (8-64 KB) cannot bound multi-megabyte resume bodies.",
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
