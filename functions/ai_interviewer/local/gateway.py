"""An HTTP front that does what API Gateway (REST, Lambda proxy integration) does for the api function:
each request becomes a proxy event, the function's result becomes the HTTP response."""

from __future__ import annotations

import base64
import binascii
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

from ai_interviewer.local.lambda_runtime import LOCAL_ACCOUNT_ID, ExecutionEnvironments, LocalFunction

LOCAL_STAGE = "local"
LOCAL_API_ID = "local"
# API Gateway refuses payloads above 10 MB before the function sees them.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The resources the REST API defines (infra/api.py): every path under /api/v1 reaches the api function
# through one greedy proxy resource; with the PostgreSQL vacancy store the CDK app adds the vacancy
# route for a second function running the same api code (see `API_RESOURCES_WITH_VACANCY_READER`).
API_RESOURCES: tuple[str, ...] = ("/api/v1/{proxy+}",)
API_RESOURCES_WITH_VACANCY_READER: tuple[str, ...] = ("/api/v1/vacancies/{vacancy_id}", *API_RESOURCES)
# What API Gateway answers itself when the integration fails or returns something malformed.
_BAD_GATEWAY = 502
_BAD_GATEWAY_BODY = b'{"message": "Internal server error"}'
# ...and for a path no resource matches (REST APIs answer 403, not 404, there).
_NO_RESOURCE = 403
_NO_RESOURCE_BODY = b'{"message":"Missing Authentication Token"}'
# Hop-by-hop and framing headers are the front's business, not the function's.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string as sent
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    server_port: int = 3000


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def match_resource(path: str, resources: Sequence[str] = API_RESOURCES) -> tuple[str, dict[str, str]] | None:
    """The first resource template that matches `path`, with its (URL-decoded) path parameters."""
    segments = [segment for segment in path.split("/") if segment]
    for resource in resources:
        parts = [part for part in resource.split("/") if part]
        parameters: dict[str, str] = {}
        for index, part in enumerate(parts):
            if part.startswith("{") and part.endswith("+}"):
                rest = segments[index:]
                if not rest:
                    break
                parameters[part[1:-2]] = unquote("/".join(rest))
                return resource, parameters
            if index >= len(segments):
                break
            if part.startswith("{") and part.endswith("}"):
                parameters[part[1:-1]] = unquote(segments[index])
            elif part != segments[index]:
                break
        else:
            if len(parts) == len(segments):
                return resource, parameters
    return None


def split_target(target: str) -> tuple[str, str]:
    """Path and query string of a request target, split by hand: "//x" is a path, not a host."""
    path, _, query = target.partition("#")[0].partition("?")
    return path or "/", query


def proxy_event(request: HttpRequest, resources: Sequence[str] = API_RESOURCES) -> dict[str, Any]:
    """The REST API proxy event API Gateway would send for `request`."""
    path, query = split_target(request.target)
    matched = match_resource(path, resources)
    resource, path_parameters = matched if matched else (path, {})

    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi_headers.setdefault(name, []).append(value)
    lowered = {name.lower() for name in multi_headers}
    # API Gateway adds these for every request that reaches the integration.
    for name, value in (
        ("X-Forwarded-For", request.source_ip),
        ("X-Forwarded-Port", str(request.server_port)),
        ("X-Forwarded-Proto", "http"),
    ):
        if name.lower() not in lowered:
            multi_headers[name] = [value]
    # `headers` keeps the last value of a repeated header, as API Gateway does.
    headers = {name: values[-1] for name, values in multi_headers.items()}

    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)

    body: str | None
    try:
        body, is_base64 = (request.body.decode("utf-8"), False) if request.body else (None, False)
    except UnicodeDecodeError:
        body, is_base64 = base64.b64encode(request.body).decode("ascii"), True

    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    host = headers.get("Host") or headers.get("host") or "127.0.0.1"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": LOCAL_API_ID,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "extendedRequestId": request_id,
            "httpMethod": request.method,
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": headers.get("User-Agent") or headers.get("user-agent"),
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
            },
            # The path as sent: the local front serves at its root, like a custom domain without a
            # base path mapping (API Gateway's own domain would show the stage here).
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "resourceId": LOCAL_API_ID,
            "resourcePath": resource,
            "stage": LOCAL_STAGE,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _bad_gateway() -> HttpResponse:
    return HttpResponse(_BAD_GATEWAY, [("Content-Type", "application/json")], _BAD_GATEWAY_BODY)


def http_response(result: Any) -> HttpResponse:
    """Turn the function's proxy result into the HTTP response, or 502 when it is malformed."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return _bad_gateway()
    multi = result.get("multiValueHeaders") or {}
    single = result.get("headers") or {}
    if not isinstance(multi, dict) or not isinstance(single, dict):
        return _bad_gateway()
    headers: list[tuple[str, str]] = []
    # Both maps are merged; a name present in multiValueHeaders takes its values from there.
    multi_names = {str(name).lower() for name in multi}
    for name, values in multi.items():
        headers.extend((str(name), str(value)) for value in (values or []))
    headers.extend(
        (str(name), str(value)) for name, value in single.items() if name.lower() not in multi_names
    )
    headers = [(name, value) for name, value in headers if name.lower() not in _FRAMING_HEADERS]

    raw = result.get("body")
    if raw is None:
        body = b""
    elif not isinstance(raw, str):
        return _bad_gateway()
    elif result.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw, validate=True)
        except binascii.Error:
            return _bad_gateway()
    else:
        body = raw.encode("utf-8")
    return HttpResponse(result["statusCode"], headers, body)


# Called after each request with the method, the path, the status and the response body.
ResponseObserver = Callable[[str, str, int, bytes], None]


class ApiGateway:
    """Invokes the api function for each request, each invocation in an execution environment of its own
    (`ExecutionEnvironments`), so module-level state in the function is never shared by two invocations
    at once. A bare `LocalFunction` is one environment: its invocations run one after another.

    Environments here are copies of the handler module in one process, and the libraries they import are
    shared: Powertools' resolver keeps the request being resolved on its class (`BaseRouter.current_event`),
    so two environments resolving at once read each other's request (a request without a token checked
    against another's headers). The local stack therefore gives the api one environment (`API_ENVIRONMENTS`
    in `local/stack.py`); the api answers in milliseconds, so requests only queue briefly."""

    def __init__(
        self,
        function: LocalFunction | ExecutionEnvironments,
        observer: ResponseObserver | None = None,
        resources: Sequence[str] = API_RESOURCES,
    ) -> None:
        self._function = (
            function if isinstance(function, ExecutionEnvironments) else ExecutionEnvironments.of(function)
        )
        self._observer = observer
        self._resources = resources

    def handle(self, request: HttpRequest) -> HttpResponse:
        path, _ = split_target(request.target)
        if match_resource(path, self._resources) is None:
            response = HttpResponse(_NO_RESOURCE, [("Content-Type", "application/json")], _NO_RESOURCE_BODY)
            if self._observer is not None:
                self._observer(request.method, path, response.status, response.body)
            return response
        event = proxy_event(request, self._resources)
        try:
            response = http_response(self._function.invoke(event))
        except Exception:
            # Lambda logs the unhandled error; API Gateway answers 502.
            traceback.print_exc()
            response = _bad_gateway()
        if self._observer is not None:
            self._observer(request.method, event["path"], response.status, response.body)
        return response


class _RequestHandler(BaseHTTPRequestHandler):
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle and delayed ACK add 40 ms.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server: GatewayHttpServer

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                if size < 0:
                    raise ValueError("negative chunk size")
                total += size
                if total > MAX_REQUEST_BYTES:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")  # rfile.read(-1) would read until the client stops
        if length > MAX_REQUEST_BYTES:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(
                HttpResponse(400, [("Content-Type", "application/json")], b'{"message": "Bad Request"}')
            )
            return
        if body is None:
            self.close_connection = True
            self._send(
                HttpResponse(413, [("Content-Type", "application/json")], b'{"message": "Request Too Long"}')
            )
            return
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            server_port=self.server.server_address[1],
        )
        self._send(self.server.gateway.handle(request))

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack prints one line per job instead of an access log."""


class GatewayHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 resets connections in a burst of clients.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], gateway: ApiGateway) -> None:
        self.gateway = gateway
        super().__init__(address, _RequestHandler)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"
