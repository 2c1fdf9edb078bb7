"""vacancy_store=postgres: Aurora Serverless v2 behind RDS Proxy in isolated subnets, with only the two
vacancy-store functions inside the VPC."""

from __future__ import annotations

from ai_interviewer import resources
from ai_interviewer.resources import TaskName

from tests.infra.synthesis import (
    Synthesized,
    actions_of,
    function_ids,
    python_function_ids,
    ref_ids,
    role_of,
    roles_referencing,
    statements_of,
)


def in_vpc(stack: Synthesized) -> set[str]:
    functions = stack.resources("AWS::Lambda::Function")
    return {function_id for function_id, f in functions.items() if "VpcConfig" in f["Properties"]}


def test_only_the_vacancy_writer_and_the_vacancy_reader_join_the_vpc(postgres_stack: Synthesized) -> None:
    (writer,) = function_ids(postgres_stack, resources.task_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES))
    api_code = function_ids(postgres_stack, resources.API_HANDLER)
    (reader,) = [function_id for function_id in api_code if "VacancyReader" in function_id]
    (api,) = [function_id for function_id in api_code if function_id != reader]
    assert in_vpc(postgres_stack) & set(python_function_ids(postgres_stack)) == {writer, reader}
    assert api not in in_vpc(postgres_stack)


def test_the_default_variant_has_no_vpc(default_stack: Synthesized) -> None:
    assert not in_vpc(default_stack)
    assert not default_stack.resources("AWS::EC2::VPC")
    assert not default_stack.resources("AWS::RDS::DBCluster")


def test_vpc_is_isolated_and_reaches_aws_only_through_the_endpoints_it_needs(
    postgres_stack: Synthesized,
) -> None:
    assert not postgres_stack.resources("AWS::EC2::NatGateway")
    assert not postgres_stack.resources("AWS::EC2::InternetGateway")
    services = {}
    for endpoint in postgres_stack.resources("AWS::EC2::VPCEndpoint").values():
        properties = endpoint["Properties"]
        name = properties["ServiceName"]
        service = name if isinstance(name, str) else name["Fn::Join"][1][-1]
        services[service.rsplit(".", 1)[-1]] = properties.get("VpcEndpointType", "Gateway")
    assert services == {
        "secretsmanager": "Interface",
        "sqs": "Interface",
        "dynamodb": "Gateway",
        "s3": "Gateway",
    }


def test_aurora_serverless_v2_is_encrypted_and_protected(postgres_stack: Synthesized) -> None:
    (cluster,) = postgres_stack.resources("AWS::RDS::DBCluster").values()
    properties = cluster["Properties"]
    assert properties["Engine"] == "aurora-postgresql"
    assert properties["StorageEncrypted"] is True
    assert properties["DeletionProtection"] is True
    postgres_stack.template.has_resource_properties(
        "AWS::RDS::DBInstance", {"DBInstanceClass": "db.serverless"}
    )


def test_functions_reach_the_database_only_through_the_tls_proxy(postgres_stack: Synthesized) -> None:
    (proxy_id, proxy), *_ = postgres_stack.resources("AWS::RDS::DBProxy").items()
    assert proxy["Properties"]["RequireTLS"] is True
    (secret_id,) = [
        logical_id
        for logical_id in postgres_stack.resources("AWS::SecretsManager::Secret")
        if "Cluster" in logical_id
    ]
    store_functions = function_ids(
        postgres_stack, resources.task_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES)
    )
    store_functions += [
        f for f in function_ids(postgres_stack, resources.API_HANDLER) if "VacancyReader" in f
    ]
    for function_id in store_functions:
        variables = postgres_stack.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
        assert variables["VACANCY_STORE"] == "postgres"
        assert variables[resources.DATABASE_HOST_ENV] == {"Fn::GetAtt": [proxy_id, "Endpoint"]}
        assert ref_ids(variables[resources.DATABASE_SECRET_ARN_ENV])
    # The proxy's security group admits exactly the store functions' groups on 5432.
    proxy_groups = ref_ids(proxy["Properties"]["VpcSecurityGroupIds"])
    admitted = set()
    for rule in postgres_stack.resources("AWS::EC2::SecurityGroupIngress").values():
        if ref_ids(rule["Properties"]["GroupId"]) & proxy_groups:
            assert rule["Properties"]["FromPort"] == 5432
            admitted |= ref_ids(rule["Properties"]["SourceSecurityGroupId"])
    function_groups = {
        group
        for function_id in store_functions
        for group in ref_ids(
            postgres_stack.raw["Resources"][function_id]["Properties"]["VpcConfig"]["SecurityGroupIds"]
        )
    }
    assert admitted == function_groups
    # Only the two store functions may read the database credentials.
    attachment = postgres_stack.logical_id("AWS::SecretsManager::SecretTargetAttachment", "Cluster")
    readers = roles_referencing(postgres_stack, attachment) | roles_referencing(postgres_stack, secret_id)
    assert readers == {role_of(postgres_stack, function_id) for function_id in store_functions}


def test_vacancy_reads_go_to_the_reader_and_everything_else_to_the_api(postgres_stack: Synthesized) -> None:
    api_code = function_ids(postgres_stack, resources.API_HANDLER)
    (reader,) = [f for f in api_code if "VacancyReader" in f]
    (api,) = [f for f in api_code if f != reader]
    api_resources = postgres_stack.resources("AWS::ApiGateway::Resource")
    targets = {}
    for method in postgres_stack.resources("AWS::ApiGateway::Method").values():
        (resource_id,) = ref_ids(method["Properties"]["ResourceId"])
        function = ref_ids(method["Properties"]["Integration"]["Uri"]) & {api, reader}
        targets[
            (api_resources[resource_id]["Properties"]["PathPart"], method["Properties"]["HttpMethod"])
        ] = function
    assert targets == {("{proxy+}", "ANY"): {api}, ("{vacancy_id}", "GET"): {reader}}


def test_the_reader_reads_the_token_and_the_database_nothing_else(postgres_stack: Synthesized) -> None:
    (reader,) = [f for f in function_ids(postgres_stack, resources.API_HANDLER) if "VacancyReader" in f]
    actions = {
        action
        for statement in statements_of(postgres_stack, role_of(postgres_stack, reader))
        for action in actions_of(statement)
    }
    assert {a.split(":")[0] for a in actions} == {"logs", "xray", "ec2", "secretsmanager"}
