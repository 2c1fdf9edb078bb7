"""What every function of the service shares: runtime, architecture, the code asset and dependency
layer, Powertools configured through the environment, X-Ray, Lambda's JSON log format with the
application log level from `log_level` (Lambda drops records below it), a log group with retention,
and a role of its own that starts empty (each capability construct grants exactly what its function
needs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import aws_cdk as cdk
from ai_interviewer import resources
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.compliance import WILDCARD_RESOURCE, acknowledge
from infra.deploy_settings import Architecture, DeploySettings
from infra.lambda_assets import RUNTIME, code_asset, dependency_layer_code

# Python's level names as Lambda's advanced logging controls spell them.
APPLICATION_LOG_LEVELS = {
    "DEBUG": lambda_.ApplicationLogLevel.DEBUG,
    "INFO": lambda_.ApplicationLogLevel.INFO,
    "WARNING": lambda_.ApplicationLogLevel.WARN,
    "ERROR": lambda_.ApplicationLogLevel.ERROR,
    "CRITICAL": lambda_.ApplicationLogLevel.FATAL,
}


@dataclass(frozen=True)
class VpcPlacement:
    """Where a function that talks to the database runs: isolated subnets, reaching AWS through endpoints."""

    vpc: ec2.IVpc
    subnets: ec2.SubnetSelection


@dataclass(frozen=True)
class FunctionSpec:
    handler: str
    description: str
    timeout: cdk.Duration
    memory_mb: int
    environment: Mapping[str, str] = field(default_factory=dict)
    vpc_placement: VpcPlacement | None = None


class FunctionBlueprint(Construct):
    """Holds the shared layer and code; `build` makes one function with its own role and log group."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploySettings) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.architecture = (
            lambda_.Architecture.ARM_64
            if settings.architecture is Architecture.ARM_64
            else lambda_.Architecture.X86_64
        )
        self.code = code_asset()
        self.layer = lambda_.LayerVersion(
            self,
            "DependencyLayer",
            code=dependency_layer_code(settings.architecture.value),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[self.architecture],
            description="Third-party packages pinned by uv.lock (no project code, no dev tools)",
        )
        # Settings every function reads; resource locations are added by the constructs that own them.
        self.common_environment: dict[str, str] = {
            resources.POWERTOOLS_SERVICE_NAME_ENV: settings.service_name,
            resources.POWERTOOLS_METRICS_NAMESPACE_ENV: resources.METRICS_NAMESPACE,
            resources.POWERTOOLS_LOG_LEVEL_ENV: settings.log_level,
            # Results carry resume text: keep handler return values out of X-Ray.
            resources.POWERTOOLS_TRACER_CAPTURE_RESPONSE_ENV: "false",
            resources.POWERTOOLS_LOGGER_LOG_EVENT_ENV: "false",
            resources.LLM_ENGINE_ENV: settings.llm_engine.value,
            resources.OPENAI_MODEL_ENV: settings.openai_model,
            resources.LLM_MAX_CONCURRENCY_ENV: str(settings.llm_max_concurrency),
            resources.VACANCY_STORE_ENV: settings.vacancy_store.value,
            resources.JOB_TTL_DAYS_ENV: str(settings.job_ttl_days),
            # The api describes the configured format in its OpenAPI document; the tag worker uses it.
            resources.TAGS_FORMAT_ENV: settings.tags_format.value,
            resources.PII_MINIMISATION_ENV: "on" if settings.pii_minimisation else "off",
            **resources.RUNTIME_ENVIRONMENT,
        }
        optional = {
            resources.OPENAI_BASE_URL_ENV: settings.openai_base_url,
            resources.RANK_SHORTLIST_ENV: settings.rank_shortlist,
            resources.LLM_PRICE_INPUT_PER_MTOK_ENV: settings.llm_price_input_per_mtok,
            resources.LLM_PRICE_CACHED_INPUT_PER_MTOK_ENV: settings.llm_price_cached_input_per_mtok,
            resources.LLM_PRICE_OUTPUT_PER_MTOK_ENV: settings.llm_price_output_per_mtok,
        }
        self.common_environment.update(
            {name: str(value) for name, value in optional.items() if value is not None}
        )

    def build(self, scope: Construct, construct_id: str, spec: FunctionSpec) -> lambda_.Function:
        log_group = logs.LogGroup(
            scope,
            f"{construct_id}Logs",
            retention=self._settings.log_retention,
        )
        role = iam.Role(
            scope,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{self._settings.service_name} {construct_id}: only what this function calls",
        )
        log_group.grant_write(role)
        placement = spec.vpc_placement
        function = lambda_.Function(
            scope,
            construct_id,
            description=spec.description,
            runtime=RUNTIME,
            architecture=self.architecture,
            code=self.code,
            layers=[self.layer],
            handler=spec.handler,
            timeout=spec.timeout,
            memory_size=spec.memory_mb,
            environment={**self.common_environment, **spec.environment},
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=APPLICATION_LOG_LEVELS[self._settings.log_level],
            system_log_level_v2=lambda_.SystemLogLevel.INFO,
            tracing=lambda_.Tracing.ACTIVE,
            vpc=placement.vpc if placement else None,
            vpc_subnets=placement.subnets if placement else None,
        )
        if placement:
            # What AWSLambdaVPCAccessExecutionRole grants, minus its log rights (the log group has them).
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=[
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    resources=["*"],
                )
            )
        acknowledge(
            role,
            WILDCARD_RESOURCE,
            "X-Ray PutTraceSegments/PutTelemetryRecords and the EC2 network-interface actions a VPC "
            "function needs do not support resource-level permissions.",
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "python3.13 on purpose: the dependency layer is compiled for 3.13 (unchecked-hash .pyc) and "
            "every locked wheel is verified on it; move to 3.14 together with the layer build.",
        )
        return function
