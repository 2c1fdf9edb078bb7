"""Tables and the payload bucket: keys from resources.py, TTL, PITR, encryption, TLS, expiry."""

from __future__ import annotations

from ai_interviewer import resources

from tests.infra.synthesis import Synthesized, ref_ids


def test_jobs_table_keys_ttl_pitr_encryption_and_on_demand(default_stack: Synthesized) -> None:
    default_stack.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": resources.JOBS_TABLE_PARTITION_KEY, "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": resources.TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_vacancies_table_keys_ttl_pitr_encryption_and_on_demand(default_stack: Synthesized) -> None:
    default_stack.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": resources.VACANCIES_TABLE_PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": resources.VACANCIES_TABLE_SORT_KEY, "KeyType": "RANGE"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": resources.TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_tables_outlive_the_stack(default_stack: Synthesized) -> None:
    tables = default_stack.resources("AWS::DynamoDB::Table")
    assert len(tables) == 2
    for table in tables.values():
        assert table["DeletionPolicy"] == "Retain"


def test_payload_bucket_is_private_encrypted_tls_only_and_expiring(default_stack: Synthesized) -> None:
    bucket_id = default_stack.logical_id("AWS::S3::Bucket", "PayloadBucket")
    bucket = default_stack.raw["Resources"][bucket_id]
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    # Payloads live a day longer than the job record that points at them.
    assert rule["ExpirationInDays"] == default_stack.context["job_ttl_days"] + 1
    assert rule["Status"] == "Enabled"

    (policy,) = (
        policy
        for policy in default_stack.resources("AWS::S3::BucketPolicy").values()
        if ref_ids(policy["Properties"]["Bucket"]) == {bucket_id}
    )
    conditions = [
        statement["Condition"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny" and statement["Action"] == "s3:*"
    ]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions


def test_webhook_token_is_generated_as_json_with_a_token_key(default_stack: Synthesized) -> None:
    default_stack.template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "GenerateSecretString": {
                "GenerateStringKey": "token",
                "SecretStringTemplate": "{}",
                "ExcludePunctuation": True,
                "PasswordLength": 48,
            }
        },
    )
