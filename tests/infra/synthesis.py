"""The app synthesized as `cdk synth` does it (cdk.json's context, cdk-nag in the synth), with asset
bundling skipped (the layer build belongs to `cdk synth`, not to unit tests), and queries over the
template that the assertions share."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Template

from infra.app import build_app
from infra.deploy_settings import STACK_NAME

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads(CDK_JSON.read_text(encoding="utf-8"))["context"]
    return context


@dataclass
class Synthesized:
    template: Template
    raw: dict[str, Any]
    # Construct path -> {rule id: reason} for every cdk-nag acknowledgement in the stack.
    acknowledgements: dict[str, dict[str, str]]
    context: dict[str, Any]
    environment: str

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.raw["Resources"].items()
            if resource["Type"] == resource_type
        }

    def logical_id(self, resource_type: str, contains: str) -> str:
        """The one resource of `resource_type` whose logical id contains `contains`."""
        matches = [logical_id for logical_id in self.resources(resource_type) if contains in logical_id]
        assert len(matches) == 1, f"{resource_type} {contains!r}: {matches}"
        return matches[0]


def synthesize(overrides: Mapping[str, Any] | None = None) -> Synthesized:
    """Synthesize the whole app (cdk-nag fails it on any unacknowledged finding) and read the stack."""
    context = {**cdk_json_context(), "aws:cdk:bundling-stacks": [], **(overrides or {})}
    assembly = build_app(context).synth()
    artifact = assembly.get_stack_artifact(STACK_NAME)
    metadata = json.loads(Path(assembly.directory, f"{STACK_NAME}.metadata.json").read_text(encoding="utf-8"))
    acknowledgements = {
        path: dict(entry["data"])
        for path, entries in metadata.items()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
    }
    raw: dict[str, Any] = artifact.template
    environment = f"aws://{artifact.environment.account}/{artifact.environment.region}"
    return Synthesized(Template.from_json(raw), raw, acknowledgements, context, environment)


def ref_ids(value: Any) -> set[str]:
    """Logical ids that `value` refers to through Ref or Fn::GetAtt, at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for item in value.values():
            found |= ref_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= ref_ids(item)
    return found


def role_of(stack: Synthesized, function_id: str) -> str:
    (role_id,) = ref_ids(stack.raw["Resources"][function_id]["Properties"]["Role"])
    return role_id


def statements_of(stack: Synthesized, role_id: str) -> list[dict[str, Any]]:
    """Every statement the role gets: policies attached to it, inline ones, managed ones (as names)."""
    role = stack.raw["Resources"][role_id]["Properties"]
    statements: list[dict[str, Any]] = []
    for inline in role.get("Policies", []):
        statements += inline["PolicyDocument"]["Statement"]
    for policy in stack.resources("AWS::IAM::Policy").values():
        if role_id in ref_ids(policy["Properties"].get("Roles", [])):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    for managed in role.get("ManagedPolicyArns", []):
        statements.append({"Effect": "Allow", "Action": "*managed*", "Resource": managed})
    return statements


def roles_referencing(stack: Synthesized, logical_id: str) -> set[str]:
    """Function roles with any statement on the resource `logical_id` (or on every resource)."""
    roles = set()
    for function_id in stack.resources("AWS::Lambda::Function"):
        role_id = role_of(stack, function_id)
        for statement in statements_of(stack, role_id):
            resources = statement["Resource"]
            if logical_id in ref_ids(resources) or (resources == "*" and _touches_secrets(statement)):
                roles.add(role_id)
    return roles


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return list(action) if isinstance(action, list) else [action]


def _touches_secrets(statement: dict[str, Any]) -> bool:
    return any(action.startswith(("secretsmanager:", "*")) for action in actions_of(statement))


def function_ids(stack: Synthesized, handler: str) -> list[str]:
    return [
        logical_id
        for logical_id, function in stack.resources("AWS::Lambda::Function").items()
        if function["Properties"].get("Handler") == handler
    ]


def python_function_ids(stack: Synthesized) -> list[str]:
    return [
        logical_id
        for logical_id, function in stack.resources("AWS::Lambda::Function").items()
        if str(function["Properties"].get("Runtime", "")).startswith("python")
    ]
