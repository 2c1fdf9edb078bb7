"""One webhook POST against real servers on 127.0.0.1: pinned address, TLS by host name, no redirects,
a capped response body and one deadline for the whole exchange."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest
from ai_interviewer.delivery.poster import MAX_RESPONSE_BYTES, WebhookPoster, parse_retry_after
from ai_interviewer.delivery.url_safety import WebhookTarget, parse_webhook_url

# Generous: the machine is shared; these bound waits, they are not timed assertions.
SERVER_JOIN_SECONDS = 10.0


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"ok": true}'
    delay_seconds: float = 0.0
    # Offer this many bytes of body instead of `body` (the oversized-response case).
    streamed_bytes: int = 0


@dataclass
class ReceivedRequest:
    path: str
    headers: Message
    body: bytes


class WebhookReceiver:
    """A real HTTP(S) receiver on 127.0.0.1, port 0: answers from a script, records every request."""

    def __init__(
        self,
        replies: list[Reply] | None = None,
        *,
        default: Reply | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.replies = list(replies or [])
        self.default = default or Reply()
        self.requests: list[ReceivedRequest] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(ReceivedRequest(self.path, self.headers, body))
                reply = receiver.replies.pop(0) if receiver.replies else receiver.default
                time.sleep(reply.delay_seconds)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                length = reply.streamed_bytes or len(reply.body)
                self.send_header("Content-Length", str(length))
                self.send_header("Connection", "close")
                self.end_headers()
                if not reply.streamed_bytes:
                    self.wfile.write(reply.body)
                    return
                chunk = b"x" * 65536
                try:
                    for _ in range(reply.streamed_bytes // len(chunk)):
                        self.wfile.write(chunk)
                except OSError:
                    pass  # the client stopped reading and closed, as it should

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.timeout = SERVER_JOIN_SECONDS
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", *, scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(SERVER_JOIN_SECONDS)


class RawReceiver:
    """A TCP server on 127.0.0.1 that reads the request and then runs `behave(conn, stop)` on it:
    for receivers that never answer or trickle, which no well-behaved HTTP server does."""

    def __init__(self, behave: Callable[[socket.socket, threading.Event], None]) -> None:
        self._behave = behave
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(SERVER_JOIN_SECONDS)
        self.port = self._listener.getsockname()[1]
        self.stop = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        self.connections += 1
        with conn:
            conn.settimeout(SERVER_JOIN_SECONDS)
            try:
                conn.recv(65536)
                self._behave(conn, self.stop)
            except OSError:
                pass

    def __enter__(self) -> RawReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self._thread.join(SERVER_JOIN_SECONDS)
        self._listener.close()


def never_answers(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(SERVER_JOIN_SECONDS)


def trickles_forever(conn: socket.socket, stop: threading.Event) -> None:
    """A status line, then one header byte every 50 ms: each read succeeds, so only a deadline ends it."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.wait(0.05):
        conn.sendall(b"a")


def _target(url: str) -> WebhookTarget:
    return parse_webhook_url(url, allow_private=True)


BODY = '{"job_id": "j-1", "summary": "Отличный кандидат"}'.encode()
HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def test_a_2xx_is_reported_with_its_status_and_the_exact_bytes_arrive() -> None:
    with WebhookReceiver([Reply(202)]) as receiver:
        result = WebhookPoster(5).post(_target(receiver.url("/hook?x=1")), "127.0.0.1", BODY, HEADERS)
    assert result.delivered and result.status_code == 202 and result.error is None
    assert [r.body for r in receiver.requests] == [BODY]
    assert receiver.requests[0].path == "/hook?x=1"
    assert receiver.requests[0].headers["Content-Type"] == "application/json; charset=utf-8"


def test_the_connection_goes_to_the_vetted_address_not_to_a_fresh_lookup_of_the_host() -> None:
    # `webhook.invalid` resolves nowhere (RFC 2606): the request can only arrive through the given address.
    with WebhookReceiver() as receiver:
        target = _target(f"http://webhook.invalid:{receiver.port}/hook")
        result = WebhookPoster(5).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.status_code == 200
    assert receiver.requests[0].headers["Host"] == f"webhook.invalid:{receiver.port}"


def test_a_redirect_is_a_failed_attempt_and_its_private_location_is_never_requested() -> None:
    with WebhookReceiver() as internal:
        location = internal.url("/latest/meta-data/")
        with WebhookReceiver([Reply(302, headers={"Location": location})]) as receiver:
            result = WebhookPoster(5).post(_target(receiver.url()), "127.0.0.1", BODY, HEADERS)
    assert result.status_code == 302 and not result.delivered
    assert len(receiver.requests) == 1
    assert internal.requests == []


def test_an_oversized_response_body_is_read_only_up_to_the_cap() -> None:
    offered = 64 * MAX_RESPONSE_BYTES  # 4 MiB
    with WebhookReceiver([Reply(200, streamed_bytes=offered)]) as receiver:
        result = WebhookPoster(10).post(_target(receiver.url()), "127.0.0.1", BODY, HEADERS)
    assert result.status_code == 200 and result.delivered
    assert result.response_bytes_read == MAX_RESPONSE_BYTES


def test_a_receiver_that_never_answers_times_out() -> None:
    with RawReceiver(never_answers) as receiver:
        target = _target(f"http://127.0.0.1:{receiver.port}/hook")
        result = WebhookPoster(0.5).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.status_code is None and result.error == "TimeoutError"


def test_a_receiver_trickling_its_answer_is_cut_off_by_one_deadline_for_the_whole_exchange() -> None:
    with RawReceiver(trickles_forever) as receiver:
        target = _target(f"http://127.0.0.1:{receiver.port}/hook")
        result = WebhookPoster(0.5).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.status_code is None and result.error == "TimeoutError"


def test_a_slow_receiver_within_the_timeout_is_delivered() -> None:
    with WebhookReceiver([Reply(200, delay_seconds=0.5)]) as receiver:
        result = WebhookPoster(10).post(_target(receiver.url()), "127.0.0.1", BODY, HEADERS)
    assert result.delivered


def test_a_refused_connection_is_reported_by_its_error_class() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    result = WebhookPoster(5).post(_target(f"http://127.0.0.1:{port}/"), "127.0.0.1", BODY, HEADERS)
    assert result.status_code is None and result.error == "ConnectionRefusedError"


def test_retry_after_is_parsed_from_seconds_or_an_http_date() -> None:
    now = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Wed, 01 Jan 2025 12:05:00 GMT", now) == 300
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_retry_after_reaches_the_result() -> None:
    with WebhookReceiver([Reply(503, headers={"Retry-After": "42"})]) as receiver:
        result = WebhookPoster(5).post(_target(receiver.url()), "127.0.0.1", BODY, HEADERS)
    assert result.status_code == 503 and result.retry_after_seconds == 42


# --- HTTPS: a real TLS server on 127.0.0.1 with a self-signed certificate for a host name ----------------


@dataclass
class TlsFiles:
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for `webhook.test` only (no IP address in it)."""
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "webhook.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("webhook.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    files = TlsFiles(cert=folder / "cert.pem", key=folder / "key.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture
def tls_server_context(tls_files: TlsFiles) -> Iterator[tuple[ssl.SSLContext, list[str | None]]]:
    """The server's context, and the SNI names it was offered."""
    offered: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files.cert, tls_files.key)

    def record_sni(_: ssl.SSLObject, server_name: str | None, __: ssl.SSLContext) -> None:
        offered.append(server_name)

    context.sni_callback = record_sni
    yield context, offered


def _trusting(tls_files: TlsFiles) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_files.cert))


def test_https_connects_to_the_vetted_ip_and_verifies_the_certificate_for_the_host_name(
    tls_files: TlsFiles, tls_server_context: tuple[ssl.SSLContext, list[str | None]]
) -> None:
    context, offered_sni = tls_server_context
    with WebhookReceiver(tls=context) as receiver:
        target = _target(receiver.url(scheme="https", host="webhook.test"))
        result = WebhookPoster(5, ssl_context=_trusting(tls_files)).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.delivered, result
    assert offered_sni == ["webhook.test"]
    assert receiver.requests[0].headers["Host"] == f"webhook.test:{receiver.port}"
    assert receiver.requests[0].body == BODY


def test_https_refuses_a_certificate_that_does_not_name_the_url_host(
    tls_files: TlsFiles, tls_server_context: tuple[ssl.SSLContext, list[str | None]]
) -> None:
    context, _ = tls_server_context
    with WebhookReceiver(tls=context) as receiver:
        target = _target(receiver.url(scheme="https", host="other.test"))
        result = WebhookPoster(5, ssl_context=_trusting(tls_files)).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.status_code is None and result.error == "SSLCertVerificationError"
    assert receiver.requests == []


def test_https_refuses_a_certificate_no_trusted_authority_signed(
    tls_server_context: tuple[ssl.SSLContext, list[str | None]],
) -> None:
    context, _ = tls_server_context
    with WebhookReceiver(tls=context) as receiver:
        target = _target(receiver.url(scheme="https", host="webhook.test"))
        result = WebhookPoster(5).post(target, "127.0.0.1", BODY, HEADERS)
    assert result.error == "SSLCertVerificationError"
    assert receiver.requests == []
