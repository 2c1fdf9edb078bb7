"""The PostgreSQL vacancy store (context `vacancy_store=postgres`): Aurora PostgreSQL Serverless v2
reached through RDS Proxy, in a VPC of isolated subnets (no NAT, no internet).

The writer never pauses: RDS Proxy keeps a connection to it, and Aurora does not pause an instance
with an associated proxy. So `database_min_capacity` is at least 0.5 ACU and is what an idle month
bills, with the proxy's own 8-ACU minimum and the two interface endpoints (the README's Cost section
has the figures, and why the proxy stays). Without a pause there is no resume to wait for: the proxy
gives up on a database connection no later than the store's connect timeout, the store retries once,
and the writer's SQS redeliveries cover a failover.

The functions placed here reach AWS only through the endpoints they need:

- Secrets Manager (interface): the database credentials and the webhook token;
- SQS (interface): the add-vacancy worker queues its webhook on the notify queue;
- DynamoDB and S3 (gateway, free): the worker's job record and its claim-checked request.

The cluster's name and its log group are the stage's; the exported PostgreSQL log expires with the
other logs. On destroy the cluster leaves a final snapshot, and its credentials secret stays with it
(a snapshot restored without its password would be locked).

Only two functions join: the add_vacancy_with_candidates worker (writes vacancies) and the vacancy
reader (the api code serving GET /api/v1/vacancies/{vacancy_id}). The api function itself stays out;
see Api for why the read route gets a function of its own.
"""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.stores.vacancies.postgres import CONNECT_TIMEOUT_SECONDS
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from constructs import Construct

from infra.compliance import acknowledge
from infra.deploy_settings import DeploySettings
from infra.function_blueprint import VpcPlacement

DATABASE_NAME = "ai_interviewer"
DATABASE_USER = "ai_interviewer"
ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9
POSTGRES_PORT = 5432  # the cluster's and the proxy's
EXPORTED_LOGS = "postgresql"


class VacancyDatabase(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploySettings) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.80.0.0/16"),
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                )
            ],
        )
        flow_logs = logs.LogGroup(self, "FlowLogs", retention=settings.log_retention)
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
            traffic_type=ec2.FlowLogTrafficType.REJECT,
        )
        subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.placement = VpcPlacement(vpc=self.vpc, subnets=subnets)

        for name, service in {
            "DynamoDb": ec2.GatewayVpcEndpointAwsService.DYNAMODB,
            "S3": ec2.GatewayVpcEndpointAwsService.S3,
        }.items():
            self.vpc.add_gateway_endpoint(f"{name}Endpoint", service=service, subnets=[subnets])
        # HTTPS into the interface endpoints only from the functions admitted below.
        self.endpoint_security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            allow_all_outbound=False,
            description="Interface endpoints: HTTPS from the vacancy-store functions",
        )
        self.endpoints: list[ec2.InterfaceVpcEndpoint] = [
            self.vpc.add_interface_endpoint(
                f"{name}Endpoint",
                service=interface_service,
                subnets=subnets,
                private_dns_enabled=True,
                open=False,
                security_groups=[self.endpoint_security_group],
            )
            for name, interface_service in {
                "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
                "Sqs": ec2.InterfaceVpcEndpointAwsService.SQS,
            }.items()
        ]

        cluster_identifier = settings.resource_name("vacancies")
        # Aurora writes exported logs to this group; made here so that it has a retention (RDS would
        # create it without one, and CDK's alternative is a custom-resource function per stack). Named,
        # so it goes with the stack: a kept one would block deploying the stage again.
        exported_logs = logs.LogGroup(
            self,
            "PostgresqlLogs",
            log_group_name=f"/aws/rds/cluster/{cluster_identifier}/{EXPORTED_LOGS}",
            retention=settings.log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            cluster_identifier=cluster_identifier,
            engine=rds.DatabaseClusterEngine.aurora_postgres(version=ENGINE_VERSION),
            writer=rds.ClusterInstance.serverless_v2("Writer", auto_minor_version_upgrade=True),
            serverless_v2_min_capacity=settings.database_min_capacity,
            serverless_v2_max_capacity=settings.database_max_capacity,
            vpc=self.vpc,
            vpc_subnets=subnets,
            credentials=rds.Credentials.from_generated_secret(DATABASE_USER),
            default_database_name=DATABASE_NAME,
            storage_encrypted=True,
            port=POSTGRES_PORT,
            iam_authentication=True,
            deletion_protection=True,
            backup=rds.BackupProps(retention=cdk.Duration.days(7)),
            cloudwatch_logs_exports=[EXPORTED_LOGS],
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
        )
        self.cluster.node.add_dependency(exported_logs)
        secret = self.cluster.secret
        assert secret is not None
        self.secret = secret
        # `cluster.secret` is the attachment; the generated secret itself is the cluster's child.
        generated_secret = self.cluster.node.find_child("Secret")
        assert isinstance(generated_secret, cdk.Resource)
        generated_secret.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        acknowledge(
            self.cluster,
            "AwsSolutions-RDS11",
            "Only RDS Proxy's security group may reach the cluster; a non-default port adds nothing.",
        )
        acknowledge(
            self.cluster,
            "AwsSolutions-SMG4",
            "No scheduled rotation yet: the vacancy store builds its connection string from the secret "
            "once per process, so a rotated password would lock warm functions out until they recycle. "
            "Rotate by hand (and redeploy) until the store re-reads the secret on an auth failure.",
        )

        self.proxy = self.cluster.add_proxy(
            "Proxy",
            secrets=[secret],
            vpc=self.vpc,
            vpc_subnets=subnets,
            require_tls=True,
            # Warm functions keep a connection each; idle ones are dropped after five minutes.
            idle_client_timeout=cdk.Duration.minutes(5),
            # The store's connect timeout bounds the wait for a database connection anyway.
            borrow_timeout=cdk.Duration.seconds(CONNECT_TIMEOUT_SECONDS),
            max_connections_percent=90,
            max_idle_connections_percent=0,
        )
        self.cluster.connections.allow_default_port_from(self.proxy, "RDS Proxy to the writer")

    def admit(self, function: lambda_.Function) -> None:
        """Let a function placed in this VPC reach the proxy and read the credentials."""
        self.proxy.connections.allow_from(function, ec2.Port.tcp(POSTGRES_PORT), "a vacancy-store function")
        for endpoint in self.endpoints:
            endpoint.connections.allow_default_port_from(function, "a vacancy-store function")
        role = function.role
        assert role is not None
        self.secret.grant_read(role)
        function.add_environment(resources.DATABASE_SECRET_ARN_ENV, self.secret.secret_arn)
        function.add_environment(resources.DATABASE_HOST_ENV, self.proxy.endpoint)
