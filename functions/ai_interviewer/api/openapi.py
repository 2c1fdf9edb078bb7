"""The OpenAPI document as the whole contract: what Powertools generates from the routes, completed with
what it cannot know — the request rules the api enforces (limits from the settings, the weight,
`webhook_url` and text rules), the `Idempotency-Key` header, the seed's examples, and under `webhooks`
every payload a receiver must parse (one success payload per task and the failure payload) with its
headers.

Rules JSON Schema cannot say exactly are stated in `description`s and are stricter in the schema where
that is safe, so a request valid against the document is one the api accepts: the hosts of `webhook_url`
are names (no address literals, which the api vets against private ranges); the 2 KB bound of
`metadata` and unique `filename`s are described only.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, create_model
from pydantic.json_schema import models_json_schema

from ai_interviewer.api.acceptance import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH
from ai_interviewer.delivery.signing import (
    DEFAULT_TOLERANCE_SECONDS,
    SEED_SIGNATURE_HEADER,
    WEBHOOK_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
)
from ai_interviewer.errors import FailureCode, failure_message
from ai_interviewer.models.base import LazyModel
from ai_interviewer.models.payloads import Envelope, ErrorDetail, TagsFormat
from ai_interviewer.models.requests import (
    CRITERION_NAME,
    METADATA_MAX_BYTES,
    METADATA_MAX_KEYS,
    NonBlankText,
    ResumeIn,
)
from ai_interviewer.models.results import TagsListResult, TagsStringResult
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings
from ai_interviewer.tasks import all_specs, task_spec

SCHEMA_REF = "#/components/schemas/{model}"
# The validators NonBlankText (and Filename) put on a field: a field carrying them is a text to describe.
_NON_BLANK_RULES: tuple[Any, ...] = typing.get_args(NonBlankText)[1:]
POWERTOOLS_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
JOB_ID_HEADER = "X-AI-Interviewer-Job-Id"
TASK_HEADER = "X-AI-Interviewer-Task"
ATTEMPT_HEADER = "X-AI-Interviewer-Attempt"

# Some character other than whitespace, and no NUL anywhere (models/requests.py's NonBlankText).
NON_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
# A host name of letters, digits and hyphens with a top-level domain: an address literal could be a
# private one, which the api refuses, so the document leaves those out.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
_HOST = rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
_REST = r"(?:[/?#][!-~]*)?"


# The webhook payloads as the OpenAPI document's `webhooks` describe them: the seed's result with the
# envelope's fields around it (so a field added to `Envelope` is documented too). Only for the document:
# the notifier builds bodies with `webhook_body`.
_OUTCOME_FIELDS = ("task", "status", "error")


def _envelope_fields(**outcome: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: (field.annotation, field)
        for name, field in Envelope.model_fields.items()
        if name not in _OUTCOME_FIELDS
    }
    return {**fields, **outcome}


@functools.cache
def failed_webhook_model() -> type[BaseModel]:
    """`FailedWebhook`, made once, for the document."""
    return create_model(
        "FailedWebhook",
        __base__=LazyModel,
        __doc__="What `webhook_url` receives when a job cannot succeed.",
        **_envelope_fields(task=(TaskName, ...), status=(Literal["failed"], ...), error=(ErrorDetail, ...)),
    )


def success_webhook_models(
    result_models: Mapping[TaskName, type[BaseModel]], tags_format: TagsFormat
) -> dict[TaskName, type[BaseModel]]:
    """One model per task: its seed result (tags as configured) plus the envelope, `task` fixed."""
    results: dict[TaskName, type[BaseModel]] = {
        **result_models,
        TaskName.GENERATE_TAGS: TagsListResult if tags_format is TagsFormat.LIST else TagsStringResult,
    }
    models: dict[TaskName, type[BaseModel]] = {}
    for task, result in results.items():
        name = "".join(part.capitalize() for part in task.value.split("_")) + "Webhook"
        fields = _envelope_fields(task=(Literal[task.value], ...), status=(Literal["succeeded"], ...))
        models[task] = create_model(name, __base__=result, **fields)
    return models


def webhook_url_pattern(allow_private: bool) -> str:
    scheme = "https?" if allow_private else "https"
    return rf"^{scheme}://{_HOST}{_PORT}{_REST}$"


_EXAMPLE_JOB_ID = "3f1c2a5e-8b7d-4c1e-9a2b-6d0e4f8a1b2c"


def complete_document(document: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Complete Powertools' document (changed in place and returned)."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    # Powertools adds its own validation-error schemas; this API never answers with them.
    for name in POWERTOOLS_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    for task in TaskName:
        operation = document["paths"][f"/api/v1/webhook/{task.route}"]["post"]
        # Powertools marks a body required only when the handler cannot run without it; ours reads the
        # raw body itself.
        body = operation["requestBody"]
        body["required"] = True
        body["content"]["application/json"]["examples"] = {"seed": {"value": task_spec(task).request_example}}
        operation.setdefault("parameters", []).append(_idempotency_key_parameter())
        operation["responses"]["202"].setdefault("headers", {})["Idempotent-Replayed"] = {
            "description": f"`true` when an {IDEMPOTENCY_HEADER} replay answered with the first job",
            "schema": {"type": "string", "enum": ["true"]},
        }
    models: list[type[BaseModel]] = [*(spec.request_model for spec in all_specs()), ResumeIn]
    for model in models:
        if model.__name__ in schemas:
            _describe_rules(model, schemas[model.__name__], settings)
    document["webhooks"] = _webhooks(schemas, settings)
    return document


def _idempotency_key_parameter() -> dict[str, Any]:
    return {
        "name": IDEMPOTENCY_HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Makes a retry safe: the same key with the same body within 24 h answers the first job's 202 "
            "again (header Idempotent-Replayed: true) and queues nothing; with another body it is a 409."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
    }


def _object_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The object schema of an optional field (`anyOf: [{object}, {null}]`), or the schema itself."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "object":
            return dict(branch)
    return schema


def _describe_rules(model: type[BaseModel], schema: dict[str, Any], settings: Settings) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(name)
        if prop is None:
            continue
        if any(rule in field.metadata for rule in _NON_BLANK_RULES):
            prop["pattern"] = NON_BLANK_PATTERN
            prop.setdefault("maxLength", settings.max_text_chars)
            prop.setdefault("description", "Not blank, no NUL characters")
    if "webhook_url" in properties:
        properties["webhook_url"].update(
            pattern=webhook_url_pattern(settings.allow_private_webhook_urls),
            description=(
                "Where the result is POSTed: an absolute https URL ("
                + ("plain http allowed here" if settings.allow_private_webhook_urls else "never plain http")
                + ") without credentials. Hosts that are or resolve to loopback, private, link-local, "
                "CGNAT, multicast or reserved addresses, and localhost, are refused"
                + (" (allowed on this deployment)." if settings.allow_private_webhook_urls else ".")
            ),
        )
    if "resumes" in properties:
        properties["resumes"]["maxItems"] = settings.max_resumes
        properties["resumes"]["description"] = (
            f"1 to {settings.max_resumes} resumes; each filename at most once in a request"
        )
    if "weights" in properties:
        properties["weights"] = {
            **_object_branch(properties["weights"]),
            "title": "Weights",
            "description": (
                f"1 to {settings.max_criteria} criteria (snake_case) to relative importance: non-negative "
                "numbers, at least one above zero; only the ratios matter (the seed uses 1..5). Omitted: "
                "technical_skills 5, experience 4, problem_solving 3, communication 3, teamwork 2."
            ),
            "minProperties": 1,
            "maxProperties": settings.max_criteria,
            "propertyNames": {"pattern": CRITERION_NAME.pattern},
            "additionalProperties": {"type": "number", "minimum": 0},
            # At least one weight above zero: "not every weight is at most 0".
            "not": {"additionalProperties": {"maximum": 0}},
        }
    if "metadata" in properties:
        properties["metadata"] = {
            **_object_branch(properties["metadata"]),
            "title": "Metadata",
            "description": (
                f"A flat object of at most {METADATA_MAX_KEYS} string values and {METADATA_MAX_BYTES} bytes "
                "as JSON, echoed in the webhook."
            ),
            "maxProperties": METADATA_MAX_KEYS,
            "additionalProperties": {"type": "string"},
        }


def _webhook_headers(task: TaskName) -> list[dict[str, Any]]:
    def header(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "header", "required": True, "description": description, "schema": schema}

    base64 = "[A-Za-z0-9+/]+={0,2}"
    return [
        header(
            SEED_SIGNATURE_HEADER,
            "Lowercase hex HMAC-SHA256 of the raw body keyed by the webhook token's UTF-8 bytes (seed §3): "
            "the token that authenticated the request, or the current one once that was removed.",
            {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        ),
        header(
            WEBHOOK_ID_HEADER,
            "Standard Webhooks message id: one per job, the same on every attempt and redelivery. "
            "Reject an id you have already processed (replay protection).",
            {"type": "string", "pattern": "^msg_[0-9a-f-]{36}$"},
        ),
        header(
            WEBHOOK_TIMESTAMP_HEADER,
            f"Unix seconds of this attempt; refuse one over {DEFAULT_TOLERANCE_SECONDS} s off your clock.",
            {"type": "string", "pattern": "^[0-9]+$"},
        ),
        header(
            WEBHOOK_SIGNATURE_HEADER,
            "Space-separated `v1,<base64 HMAC-SHA256 of {webhook-id}.{webhook-timestamp}.{body}>`, one per "
            "configured token (current and previous during a rotation). The key is the token's UTF-8 "
            "bytes: pass it to a Standard Webhooks library as bytes, not as a `whsec_` string.",
            {"type": "string", "pattern": f"^v1,{base64}( v1,{base64})*$"},
        ),
        header(JOB_ID_HEADER, "The job_id of the 202.", {"type": "string", "format": "uuid"}),
        header(TASK_HEADER, "The task name.", {"type": "string", "enum": [task.value]}),
        header(
            ATTEMPT_HEADER,
            "1 for the first attempt, then counting retries.",
            {"type": "string", "pattern": "^[1-9][0-9]*$"},
        ),
    ]


def _webhook_examples(task: TaskName, settings: Settings) -> dict[str, Any]:
    result = dict(task_spec(task).result_example)
    if task is TaskName.GENERATE_TAGS and settings.tags_format is TagsFormat.LIST:
        result["tags"] = result["tags"].split(", ")
    succeeded = {**result, "job_id": _EXAMPLE_JOB_ID, "task": task.value, "status": "succeeded"}
    failed = {
        "job_id": _EXAMPLE_JOB_ID,
        "task": task.value,
        "status": "failed",
        "error": {
            "code": FailureCode.RETRIES_EXHAUSTED.value,
            "message": failure_message(FailureCode.RETRIES_EXHAUSTED),
            "last_cause": {"code": "llm_unreachable", "error_class": "APIConnectionError"},
        },
    }
    return {"succeeded": {"value": succeeded}, "failed": {"value": failed}}


def _webhooks(schemas: dict[str, Any], settings: Settings) -> dict[str, Any]:
    results = {spec.name: spec.result_model for spec in all_specs()}
    successes = success_webhook_models(results, settings.tags_format)
    failed = failed_webhook_model()
    models: list[type[BaseModel]] = [*successes.values(), failed]
    _, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=SCHEMA_REF
    )
    for name, schema in definitions.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    failed_ref = {"$ref": SCHEMA_REF.format(model=failed.__name__)}
    webhooks: dict[str, Any] = {}
    for task, model in successes.items():
        webhooks[task.route] = {
            "post": {
                "operationId": f"{task.value}_webhook",
                "summary": f"The result of a {task.route} job, POSTed to its webhook_url",
                "description": (
                    "Signed over the exact bytes sent (UTF-8 JSON). Answer 2xx within 15 s once stored; "
                    "anything else is retried with backoff for about a day (Retry-After honoured), 410 "
                    "stops at once. Redirects are not followed."
                ),
                "tags": ["webhooks"],
                "parameters": _webhook_headers(task),
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [{"$ref": SCHEMA_REF.format(model=model.__name__)}, failed_ref]
                            },
                            "examples": _webhook_examples(task, settings),
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Delivered: no further attempt"},
                    "410": {"description": "Gone: no further attempt, ever, for this job"},
                    "default": {"description": "Retried on the schedule"},
                },
            }
        }
    return webhooks
