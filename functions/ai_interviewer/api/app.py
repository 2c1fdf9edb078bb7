"""The HTTP surface of the api function: routes, one error mapping, and the generated OpenAPI document.

Powertools' request validation is off on purpose: the token is checked before the body is looked at,
malformed JSON must be a 400 rather than a 422, and every error has the contract's shape. The request
models still annotate the routes, so the OpenAPI document describes the five bodies.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from ai_interviewer.api.acceptance import IDEMPOTENCY_HEADER, accept_task
from ai_interviewer.api.auth import TOKEN_HEADER, require_token
from ai_interviewer.api.job_status import audit_record, describe_job, redeliver_job
from ai_interviewer.api.logger import logger
from ai_interviewer.api.responses import (
    AcceptedResponse,
    ErrorResponse,
    HealthResponse,
    JobView,
    RedeliveryResponse,
)
from ai_interviewer.api.vacancy_lookup import find_vacancy
from ai_interviewer.audit import AuditRecord
from ai_interviewer.errors import ApiError
from ai_interviewer.models.jobs import TokenSlot
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import webhook_tokens
from ai_interviewer.stores.vacancies.base import StoredVacancy
from ai_interviewer.tasks import task_spec
from ai_interviewer.wiring import Services

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

API_PREFIX = "/api/v1"
HEALTH_PATH = f"{API_PREFIX}/health"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"
DOCS_PATH = f"{API_PREFIX}/docs"
API_TITLE = "AI Interviewer"
API_VERSION = "1.2.0"
TOKEN_SCHEME = "webhookToken"  # noqa: S105 - the OpenAPI scheme's name
REPLAYED_HEADER = "Idempotent-Replayed"
API_DESCRIPTION = (
    "Long tasks are accepted with 202 and answered by a signed webhook: the payloads are under "
    "`webhooks`. Swagger UI: /api/v1/docs."
)


def base_path(event: APIGatewayProxyEvent) -> str:
    """The path this API was reached under, before /api/v1: the stage on API Gateway's own domain
    (`/prod`), a custom domain's base path mapping, or nothing. API Gateway's `requestContext.path` is
    the path the client sent, and `path` the part the API itself routes."""
    requested = event.request_context.path or ""
    return requested.removesuffix(event.path) if requested.endswith(event.path) else ""


def _server_url(event: APIGatewayProxyEvent) -> str:
    """The OpenAPI `servers` URL: the base path the client used, so "try it out" calls go there too."""
    return base_path(event) or "/"


def job_location(job_id: str, base: str = "") -> str:
    return f"{base}{API_PREFIX}/jobs/{job_id}"


def _json(status: int, model: BaseModel, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump_json(),
        headers=headers,
    )


def _error_doc(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ErrorResponse}}}


def _ok_doc(description: str, model: type[BaseModel]) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": model}}}


UNAUTHORIZED_DOC = _error_doc(f"Missing or wrong {TOKEN_HEADER}")
TASK_RESPONSES: dict[int, OpenAPIResponse] = {
    202: {
        **_ok_doc("Accepted; the result arrives at webhook_url", AcceptedResponse),
        "headers": {"Location": {"description": "The job's status URL", "schema": {"type": "string"}}},
    },
    400: _error_doc("Malformed JSON, or not a JSON object"),
    401: UNAUTHORIZED_DOC,
    409: _error_doc("Idempotency-Key reused with another body"),
    413: _error_doc("Body over the size limit"),
    422: _error_doc("Schema error, a limit exceeded, or a refused webhook_url; details name the fields"),
    503: _error_doc("The task could not be queued"),
}


def _raw_body(event: APIGatewayProxyEvent) -> bytes:
    body = event.body or ""
    if not event.is_base64_encoded:
        return body.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error:
        raise ApiError(400, "malformed_json", "request body is not valid base64") from None


def build_resolver(services: Services) -> APIGatewayRestResolver:
    """The api function's routes over `services`. One per process in Lambda; tests build their own."""
    app = APIGatewayRestResolver(enable_validation=False)

    def authorize() -> TokenSlot:
        return require_token(app.current_event.headers.get(TOKEN_HEADER), webhook_tokens(services.settings))

    @app.exception_handler([ApiError, NotFoundError, BotoCoreError, ClientError])
    def error_response(error: Exception) -> Response[Any]:
        # The one place errors become HTTP. Bodies carry codes and field paths, never request text.
        if isinstance(error, ApiError):
            api_error = error
        elif isinstance(error, NotFoundError):
            api_error = ApiError(404, "not_found", "no such route")
        else:
            # The job store or the queue did not answer: the client may retry; nothing was queued.
            logger.error("AWS call failed", extra={"error_type": type(error).__name__})
            api_error = ApiError(503, "service_unavailable", "the service is unavailable; try again later")
        logger.info("request refused", extra={"status": api_error.status, "code": api_error.code})
        return Response(
            status_code=api_error.status,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps(api_error.body(), ensure_ascii=False),
        )

    for task in TaskName:
        _add_task_route(app, services, task, authorize)

    @app.get(
        f"{API_PREFIX}/jobs/<job_id>",
        summary="A job's status, result or error, and its webhook delivery",
        operation_id="get_job",
        tags=["jobs"],
        security=[{TOKEN_SCHEME: []}],
        responses={
            200: _ok_doc("The job", JobView),
            401: UNAUTHORIZED_DOC,
            404: _error_doc("No such job"),
        },
    )
    def get_job(job_id: Annotated[str, Path(description="The job_id of a 202")]) -> Response[JobView]:
        authorize()
        return _json(200, describe_job(services, job_id))

    @app.post(
        f"{API_PREFIX}/jobs/<job_id>/redeliver",
        summary="Queue the finished job's webhook again",
        operation_id="redeliver_job",
        tags=["jobs"],
        security=[{TOKEN_SCHEME: []}],
        responses={
            202: _ok_doc("A new delivery chain is queued", RedeliveryResponse),
            401: UNAUTHORIZED_DOC,
            404: _error_doc("No such job"),
            409: _error_doc("The job has not finished"),
            503: _error_doc("The redelivery could not be queued"),
        },
    )
    def redeliver(
        job_id: Annotated[str, Path(description="The job_id of a 202")],
    ) -> Response[RedeliveryResponse]:
        authorize()
        queued = redeliver_job(services, job_id)
        return _json(202, queued, {"Location": job_location(queued.job_id, base_path(app.current_event))})

    @app.get(
        f"{API_PREFIX}/jobs/<job_id>/audit",
        summary="The finished job's immutable audit record (EU AI Act Art. 12): digests, not input texts",
        operation_id="get_job_audit",
        tags=["jobs"],
        security=[{TOKEN_SCHEME: []}],
        responses={
            200: _ok_doc("The audit record, as stored", AuditRecord),
            401: UNAUTHORIZED_DOC,
            404: _error_doc("No audit record: no such job, or it has not finished"),
        },
    )
    def get_job_audit(
        job_id: Annotated[str, Path(description="The job_id of a 202")],
    ) -> Response[AuditRecord]:
        authorize()
        # The stored bytes as they are, so their SHA-256 can be checked against the bucket's.
        stored: Response[Any] = Response(
            status_code=200,
            content_type=content_types.APPLICATION_JSON,
            body=audit_record(services, job_id),
        )
        return stored

    @app.get(
        f"{API_PREFIX}/vacancies/<vacancy_id>",
        summary="A stored vacancy with its candidates",
        operation_id="get_vacancy",
        tags=["vacancies"],
        security=[{TOKEN_SCHEME: []}],
        responses={
            200: _ok_doc("The vacancy", StoredVacancy),
            401: UNAUTHORIZED_DOC,
            404: _error_doc("No such vacancy"),
            422: _error_doc("vacancy_id is not an integer"),
        },
    )
    def get_vacancy(
        vacancy_id: Annotated[
            str, Path(description="The vacancy_id of an add-vacancy webhook", pattern="^[0-9]+$")
        ],
    ) -> Response[StoredVacancy]:
        authorize()
        return _json(200, find_vacancy(services, vacancy_id))

    @app.get(HEALTH_PATH, summary="Liveness; needs no token", operation_id="health", tags=["service"])
    def health() -> Response[HealthResponse]:
        return _json(200, HealthResponse())

    @functools.cache
    def openapi_document(server_url: str) -> str:
        # Imported here: the OpenAPI models cost a cold start ~0.2 s that no other route needs.
        from aws_lambda_powertools.event_handler.openapi.models import (  # noqa: PLC0415
            APIKey,
            APIKeyIn,
            Server,
        )

        from ai_interviewer.api.openapi import complete_document  # noqa: PLC0415

        document = json.loads(
            app.get_openapi_json_schema(
                title=API_TITLE,
                version=API_VERSION,
                description=API_DESCRIPTION,
                servers=[Server(url=server_url)],
                security_schemes={TOKEN_SCHEME: APIKey(name=TOKEN_HEADER, in_=APIKeyIn.header)},
            )
        )
        return json.dumps(complete_document(document, services.settings), ensure_ascii=False)

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> Response[str]:
        # Swagger UI with its script and styles inlined from the Powertools package: no CDN, so the page
        # works on the local stack and behind any firewall. Swagger UI fetches `?format=json` for
        # its "download" link, which gets the document.
        if (app.current_event.query_string_parameters or {}).get("format") == "json":
            return openapi()
        page = swagger_page(_server_url(app.current_event))
        return Response(status_code=200, content_type="text/html; charset=utf-8", body=page)

    @functools.cache
    def swagger_page(server_url: str) -> str:
        from ai_interviewer.api.swagger import swagger_html  # noqa: PLC0415

        return swagger_html(openapi_document(server_url))

    @app.get(
        OPENAPI_PATH,
        summary="This document; needs no token",
        operation_id="openapi",
        tags=["service"],
        responses={
            200: {
                "description": "The OpenAPI 3.1 document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    )
    def openapi() -> Response[str]:
        document = openapi_document(_server_url(app.current_event))
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=document)

    return app


def _add_task_route(
    app: APIGatewayRestResolver, services: Services, task: TaskName, authorize: Callable[[], TokenSlot]
) -> None:
    def accept(body: Any = None) -> Response[AcceptedResponse]:
        authenticated_by = authorize()
        event = app.current_event
        acceptance = accept_task(
            services, task, _raw_body(event), event.headers.get(IDEMPOTENCY_HEADER), authenticated_by
        )
        headers = {"Location": job_location(acceptance.job_id, base_path(event))}
        if acceptance.replayed:
            headers[REPLAYED_HEADER] = "true"
        return _json(202, AcceptedResponse(job_id=acceptance.job_id, task=task), headers)

    # `body` only describes the request in the OpenAPI document: accept_task parses the raw body itself.
    accept.__annotations__["body"] = Annotated[
        task_spec(task).request_model, Body(description=f"The {task.route} request")
    ]
    accept.__name__ = accept.__qualname__ = f"accept_{task.value}"
    app.post(
        f"{API_PREFIX}/webhook/{task.route}",
        summary=f"Start a {task.route} task",
        operation_id=task.value,
        tags=["tasks"],
        security=[{TOKEN_SCHEME: []}],
        status_code=202,
        responses=TASK_RESPONSES,
    )(accept)
