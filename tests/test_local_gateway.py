"""The local API front: HTTP requests become REST proxy events, proxy results become HTTP responses."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from ai_interviewer.api.app import build_resolver
from ai_interviewer.local.gateway import (
    API_RESOURCES_WITH_VACANCY_READER,
    ApiGateway,
    GatewayHttpServer,
    HttpRequest,
    http_response,
    match_resource,
    proxy_event,
)
from ai_interviewer.local.lambda_runtime import ExecutionEnvironments, LocalFunction
from ai_interviewer.local.stack import API_ENVIRONMENTS
from ai_interviewer.models.jobs import Job
from ai_interviewer.resources import TaskName
from ai_interviewer.wiring import build_services
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from tests.conftest import TEST_TOKEN, AwsStack


def test_paths_resolve_to_the_rest_api_resources_the_cdk_app_defines() -> None:
    assert match_resource("/api/v1/jobs/abc") == ("/api/v1/{proxy+}", {"proxy": "jobs/abc"})
    assert match_resource("/api/v1/webhook/rank-resumes") == (
        "/api/v1/{proxy+}",
        {"proxy": "webhook/rank-resumes"},
    )
    # With the PostgreSQL store the vacancy route is its own resource, path parameter decoded.
    assert match_resource("/api/v1/vacancies/a%20b", API_RESOURCES_WITH_VACANCY_READER) == (
        "/api/v1/vacancies/{vacancy_id}",
        {"vacancy_id": "a b"},
    )
    assert match_resource("/api/v1/vacancies/7/x", API_RESOURCES_WITH_VACANCY_READER) == (
        "/api/v1/{proxy+}",
        {"proxy": "vacancies/7/x"},
    )
    assert match_resource("/api/v1") is None
    assert match_resource("/docs") is None


def test_proxy_event_carries_headers_query_and_body_as_api_gateway_sends_them() -> None:
    request = HttpRequest(
        method="POST",
        target="/api/v1/jobs/j-1?a=1&a=2&empty=",
        headers=[("X-Webhook-Token", "t"), ("Accept", "text/plain"), ("Accept", "application/json")],
        body='{"vacancy_text": "Ищем"}'.encode(),
        source_ip="127.0.0.5",
    )
    event = proxy_event(request)

    assert event["httpMethod"] == "POST"
    assert event["path"] == "/api/v1/jobs/j-1"
    assert event["resource"] == "/api/v1/{proxy+}"
    assert event["pathParameters"] == {"proxy": "jobs/j-1"}
    # The single-value maps keep the last value; the multi-value maps keep them all.
    assert event["headers"]["Accept"] == "application/json"
    assert event["multiValueHeaders"]["Accept"] == ["text/plain", "application/json"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.5"
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["queryStringParameters"] == {"a": "2", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "empty": [""]}
    assert event["body"] == '{"vacancy_text": "Ищем"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "local"
    assert context["path"] == "/api/v1/jobs/j-1"
    assert context["resourcePath"] == "/api/v1/{proxy+}"
    assert context["identity"]["sourceIp"] == "127.0.0.5"
    assert context["requestId"] != proxy_event(request)["requestContext"]["requestId"]


def test_proxy_event_has_nulls_for_absent_parts_and_base64_for_binary_bodies() -> None:
    empty = proxy_event(HttpRequest("GET", "/api/v1/health", [], b""), ("/api/v1/health",))
    assert empty["body"] is None
    assert empty["queryStringParameters"] is None
    assert empty["multiValueQueryStringParameters"] is None
    assert empty["pathParameters"] is None

    binary = proxy_event(HttpRequest("POST", "/api/v1/health", [], b"\xff\x00\xfe"))
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\xff\x00\xfe"


def test_proxy_results_merge_both_header_maps_and_decode_base64_bodies() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/octet-stream", "X-One": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "x-one": ["kept"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert ("Set-Cookie", "a=1") in response.headers
    assert ("Set-Cookie", "b=2") in response.headers
    assert ("x-one", "kept") in response.headers
    assert ("X-One", "ignored") not in response.headers
    assert ("Content-Type", "application/octet-stream") in response.headers


@pytest.mark.parametrize(
    "result",
    [None, "text", {"body": "no status"}, {"statusCode": 200, "body": "%%%", "isBase64Encoded": True}],
)
def test_malformed_proxy_results_become_502_like_api_gateway(result: Any) -> None:
    response = http_response(result)
    assert response.status == 502
    assert json.loads(response.body) == {"message": "Internal server error"}


# A small Powertools app, the same router library the api function uses, to show the events route.
_app = APIGatewayRestResolver()


@_app.get("/api/v1/jobs/<job_id>")
def _get_job(job_id: str) -> dict[str, Any]:
    event = _app.current_event
    return {
        "job_id": job_id,
        "token": event.headers.get("x-webhook-token"),
        "view": event.query_string_parameters.get("view"),
        "resource": event.resource,
        "proxy": event.path_parameters.get("proxy"),
    }


@_app.post("/api/v1/webhook/rank-resumes")
def _accept() -> Response[dict[str, Any]]:
    body = _app.current_event.json_body
    return Response(
        status_code=202,
        content_type="application/json",
        body={"job_id": "j-1", "echo": body["vacancy_text"]},
        headers={"Location": "/api/v1/jobs/j-1"},
    )


@_app.get("/api/v1/boom")
def _boom() -> dict[str, Any]:
    raise RuntimeError("unhandled")


def _powertools_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _app.resolve(event, context)


@pytest.fixture
def front() -> Iterator[tuple[str, list[tuple[str, str, int]]]]:
    seen: list[tuple[str, str, int]] = []
    gateway = ApiGateway(
        LocalFunction("api", _powertools_handler, 29),
        observer=lambda method, path, status, body: seen.append((method, path, status)),
    )
    server = GatewayHttpServer(("127.0.0.1", 0), gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url, seen
    server.shutdown()
    server.server_close()


def test_requests_over_http_reach_a_powertools_router_and_its_answers_come_back(
    front: tuple[str, list[tuple[str, str, int]]],
) -> None:
    url, seen = front
    request = urllib.request.Request(
        f"{url}/api/v1/jobs/abc-123?view=full", headers={"X-Webhook-Token": "secret"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {
            "job_id": "abc-123",
            "token": "secret",
            "view": "full",
            "resource": "/api/v1/{proxy+}",
            "proxy": "jobs/abc-123",
        }

    body = json.dumps({"vacancy_text": "Ищем Python-разработчика"}, ensure_ascii=False).encode()
    post = urllib.request.Request(
        f"{url}/api/v1/webhook/rank-resumes", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(post, timeout=10) as response:
        assert response.status == 202
        assert response.headers["Location"] == "/api/v1/jobs/j-1"
        assert json.loads(response.read())["echo"] == "Ищем Python-разработчика"

    # Under the proxy, the function's router answers unknown routes; outside it, API Gateway does.
    with pytest.raises(urllib.error.HTTPError) as unrouted:
        urllib.request.urlopen(f"{url}/api/v1/nowhere", timeout=10)
    assert unrouted.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as no_resource:
        urllib.request.urlopen(f"{url}/nowhere", timeout=10)
    assert no_resource.value.code == 403
    assert json.loads(no_resource.value.read()) == {"message": "Missing Authentication Token"}
    assert seen == [
        ("GET", "/api/v1/jobs/abc-123", 200),
        ("POST", "/api/v1/webhook/rank-resumes", 202),
        ("GET", "/api/v1/nowhere", 404),
        ("GET", "/nowhere", 403),
    ]


def test_an_unhandled_error_in_the_function_answers_502(front: tuple[str, Any]) -> None:
    url, _ = front
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"{url}/api/v1/boom", timeout=10)
    assert failed.value.code == 502
    assert json.loads(failed.value.read()) == {"message": "Internal server error"}


def test_concurrent_unauthenticated_requests_are_all_refused_on_the_local_stacks_api(aws: AwsStack) -> None:
    """The local stack's api environments (`API_ENVIRONMENTS`) with the real router: 10 000 requests from
    16 clients, authenticated and not, interleaved; not one unauthenticated request gets through."""
    services = build_services(aws.settings())
    job_id = str(uuid.uuid4())
    services.jobs.create(
        Job(
            job_id=job_id,
            task=TaskName.GENERATE_TAGS,
            webhook_url="https://example.com/hook",
            request_sha256="0" * 64,
            expires_at=int(time.time()) + 86_400,
        )
    )

    def environment() -> LocalFunction:
        resolver = build_resolver(services)  # a router per environment, as a fresh handler module has
        return LocalFunction("api", resolver.resolve, 10)

    gateway = ApiGateway(ExecutionEnvironments(environment, API_ENVIRONMENTS))
    server = GatewayHttpServer(("127.0.0.1", 0), gateway)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    statuses: dict[bool, Counter[int]] = {True: Counter(), False: Counter()}
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
        for index in range(625):
            authenticated = (number + index) % 10 < 3  # 30 % carry the token
            headers = {"X-Webhook-Token": TEST_TOKEN} if authenticated else {}
            connection.request("GET", f"/api/v1/jobs/{job_id}", headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[authenticated][response.status] += 1

    try:
        clients = [threading.Thread(target=client, args=(number,)) for number in range(16)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(600)
    finally:
        server.shutdown()
        server.server_close()
    assert sum(statuses[False].values()) + sum(statuses[True].values()) == 10_000
    assert set(statuses[False]) == {401}
    assert set(statuses[True]) == {200}


def test_a_negative_content_length_is_a_400_not_an_unbounded_read(front: tuple[str, Any]) -> None:
    url, _ = front
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/webhook/rank-resumes HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"
        )
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400")


def test_the_front_keeps_a_backlog_for_bursts_of_clients() -> None:
    assert GatewayHttpServer.request_queue_size >= 128
