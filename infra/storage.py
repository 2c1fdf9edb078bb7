"""Where state lives: the jobs and vacancies tables, the claim-check payload bucket, and the secrets.

Grants are by what a function does (put a request, read a result, progress a job...): on the key
prefix the code uses, `requests/` (SqsQueues.send_task) and `results/` (DynamoDbJobStore.succeed), and
with the exact DynamoDB actions the stores call (no Scan, no Query, no batch on the jobs table).

Point-in-time recovery: job records quote resumes and expire by TTL, so the jobs table's recovery
window is no longer than the job lifetime (a restore cannot bring back a job past it); the vacancies
table, the service's only lasting data, keeps the full 35 days.
"""

from __future__ import annotations

import aws_cdk as cdk
from ai_interviewer import resources
from ai_interviewer.resources import REQUESTS_PREFIX, RESULTS_PREFIX
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.audit import AuditRecords
from infra.compliance import acknowledge, grant_listing, grant_objects
from infra.deploy_settings import SERVICE_NAME, DeploySettings

MAX_RECOVERY_PERIOD_DAYS = 35  # DynamoDB's longest point-in-time recovery window

# What each store calls (ai_interviewer.stores.jobs.dynamodb, ai_interviewer.stores.vacancies.dynamodb).
JOB_ACCEPTANCE_ACTIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")  # + idempotency keys
JOB_PROGRESS_ACTIONS = ("GetItem", "UpdateItem")  # start, succeed, fail, record a delivery
# A task that keeps its progress across retries writes one item per assessed resume or interview round
# and reads them back in batches.
TASK_PROGRESS_ACTIONS = ("PutItem", "BatchGetItem")
VACANCY_WRITE_ACTIONS = ("GetItem", "PutItem", "UpdateItem", "BatchWriteItem")
VACANCY_READ_ACTIONS = ("GetItem", "Query")


def _table(
    scope: Construct,
    construct_id: str,
    partition_key: str,
    sort_key: str | None,
    *,
    recovery_period_days: int,
) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=sort_key, type=dynamodb.AttributeType.STRING) if sort_key else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        time_to_live_attribute=resources.TTL_ATTRIBUTE,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True, recovery_period_in_days=recovery_period_days
        ),
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploySettings) -> None:
        super().__init__(scope, construct_id)
        self.jobs_table = _table(
            self,
            "JobsTable",
            resources.JOBS_TABLE_PARTITION_KEY,
            None,
            recovery_period_days=min(settings.job_ttl_days, MAX_RECOVERY_PERIOD_DAYS),
        )
        # Always present, even when vacancies live in PostgreSQL: switching back finds the data again.
        self.vacancies_table = _table(
            self,
            "VacanciesTable",
            resources.VACANCIES_TABLE_PARTITION_KEY,
            resources.VACANCIES_TABLE_SORT_KEY,
            recovery_period_days=MAX_RECOVERY_PERIOD_DAYS,
        )

        self.payload_bucket = s3.Bucket(
            self,
            "PayloadBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            # Requests and results are needed while their job is; the job record itself expires by TTL.
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-payloads",
                    expiration=cdk.Duration.days(settings.job_ttl_days + 1),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
                )
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.payload_bucket,
            "AwsSolutions-S1",
            "Transient claim-check objects that expire within days; every access is by the service's "
            "own roles (recorded by CloudTrail), and an access-log bucket would outlive the data.",
        )

        # One immutable record per finished job (EU AI Act Art. 12): kept far longer than the job.
        self.audit = AuditRecords(self, "Audit", settings=settings)

        self.webhook_secret = secretsmanager.Secret(
            self,
            "WebhookTokenSecret",
            description=f'{SERVICE_NAME}: X-Webhook-Token and webhook signing key, JSON {{"token": ...}}',
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template="{}",  # noqa: S106 - an empty JSON object, the token is generated
                generate_string_key="token",
                password_length=48,
                exclude_punctuation=True,
            ),
        )
        acknowledge(
            self.webhook_secret,
            "AwsSolutions-SMG4",
            "The token is shared with the client, who signs and verifies with it: rotating it is a "
            "coordinated change (WEBHOOK_SECRET_TOKEN_PREVIOUS accepts the old one meanwhile), not a "
            "timer.",
        )
        # Put the real key after the first deploy (bare string or {"api_key": ...}); the generated
        # placeholder fails authentication, so jobs end in failure webhooks rather than silently.
        self.openai_secret = secretsmanager.Secret(
            self,
            "OpenAiKeySecret",
            description=f"{SERVICE_NAME}: OpenAI (or compatible) API key, set by the operator",
        )
        acknowledge(
            self.openai_secret,
            "AwsSolutions-SMG4",
            "The key is issued by the model provider; it is rotated there and then put here by hand.",
        )

    def grant_job_acceptance(self, role: iam.IRole) -> None:
        """The api creates jobs (with their idempotency keys), reads them and starts redeliveries."""
        _grant_table(role, self.jobs_table, JOB_ACCEPTANCE_ACTIONS)

    def grant_job_progress(self, role: iam.IRole) -> None:
        """A worker or the notifier reads a job and moves it on (status, result, delivery attempts)."""
        _grant_table(role, self.jobs_table, JOB_PROGRESS_ACTIONS)

    def grant_task_progress(self, role: iam.IRole) -> None:
        """A worker keeps each finished resume assessment or interview round, so a retry skips it."""
        _grant_table(role, self.jobs_table, TASK_PROGRESS_ACTIONS)

    def grant_vacancy_writing(self, role: iam.IRole) -> None:
        _grant_table(role, self.vacancies_table, VACANCY_WRITE_ACTIONS)

    def grant_vacancy_reading(self, role: iam.IRole) -> None:
        _grant_table(role, self.vacancies_table, VACANCY_READ_ACTIONS)

    def grant_request_upload(self, role: iam.IRole) -> None:
        """The api parks large request bodies (claim-check)."""
        self._grant_objects(role, REQUESTS_PREFIX, "s3:PutObject")

    def grant_request_consumption(self, role: iam.IRole) -> None:
        """A worker reads its parked request and deletes it when the job is done. With s3:ListBucket a
        request already deleted is a 404 NoSuchKey (gone for good, `audit._request_of`), not a 403 that
        reads as a transient failure."""
        self._grant_objects(role, REQUESTS_PREFIX, "s3:GetObject", "s3:DeleteObject")
        grant_listing(role, self.payload_bucket)

    def grant_result_upload(self, role: iam.IRole) -> None:
        self._grant_objects(role, RESULTS_PREFIX, "s3:PutObject")

    def grant_result_reading(self, role: iam.IRole) -> None:
        self._grant_objects(role, RESULTS_PREFIX, "s3:GetObject")

    def _grant_objects(self, role: iam.IRole, prefix: str, *actions: str) -> None:
        grant_objects(
            role,
            self.payload_bucket,
            prefix,
            actions,
            f"Object keys are per job ({prefix}<job_id>.json): the grant is scoped to that prefix.",
        )


def _grant_table(role: iam.IRole, table: dynamodb.ITable, actions: tuple[str, ...]) -> None:
    # The table itself, no indexes (there are none); CDK's grant_*_data adds Scan, Query, Batch*...
    iam.Grant.add_to_principal(
        grantee=role, actions=[f"dynamodb:{action}" for action in actions], resource_arns=[table.table_arn]
    )
