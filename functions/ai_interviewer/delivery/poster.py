"""One webhook POST to an address that `url_safety` already vetted (CONTRACT §4).

The TCP connection goes to the vetted IP, never to a fresh DNS answer, while TLS still sends the
URL's host name as SNI and checks the certificate against it. Redirects are never followed (a 3xx is
just a status), the response body is read only up to a small cap, and one deadline bounds the whole
exchange, so a receiver that trickles bytes cannot hold the notifier past its timeout.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ai_interviewer.delivery.url_safety import WebhookTarget
from ai_interviewer.models.jobs import is_delivered

MAX_RESPONSE_BYTES = 64 * 1024
_READ_CHUNK = 16 * 1024


@dataclass(frozen=True)
class DeliveryResult:
    duration_ms: int
    status_code: int | None = None
    retry_after_seconds: float | None = None
    error: str | None = None  # the error's class name when no HTTP status came back
    response_bytes_read: int = 0

    @property
    def delivered(self) -> bool:
        return is_delivered(self.status_code)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds from now: either delta-seconds or an HTTP date; None when absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP (private targets only) to the vetted address; the Host header keeps the URL's host."""

    def __init__(self, target: WebhookTarget, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the vetted address, with SNI and certificate verification for the URL's host name."""

    def __init__(self, target: WebhookTarget, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class _Deadline:
    """One timer for the whole exchange: when it fires, the socket is shut down under the reader."""

    def __init__(self, seconds: float, connection: http.client.HTTPConnection) -> None:
        self._connection = connection
        self.expired = threading.Event()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self.expired.set()
        sock = self._connection.sock
        if sock is not None:
            # The plain socket call, not SSLSocket.shutdown, so the TLS object is not torn down mid-read.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class WebhookPoster:
    """The HTTP delivery adapter: POSTs one signed body and reports what happened, never raising."""

    def __init__(
        self,
        timeout_seconds: float,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._timeout = timeout_seconds
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._max_response_bytes = max_response_bytes

    def _connection(self, target: WebhookTarget, address: str) -> http.client.HTTPConnection:
        if target.scheme == "https":
            return _PinnedHTTPSConnection(target, address, self._timeout, self._ssl_context)
        return _PinnedHTTPConnection(target, address, self._timeout)

    def post(
        self, target: WebhookTarget, address: str, body: bytes, headers: Mapping[str, str]
    ) -> DeliveryResult:
        started = time.monotonic()
        connection = self._connection(target, address)
        with _Deadline(self._timeout, connection) as deadline:
            try:
                connection.request("POST", target.path_and_query, body=body, headers=dict(headers))
                response = connection.getresponse()
                if deadline.expired.is_set():
                    # The headers were cut off by the deadline, not ended by the receiver.
                    raise TimeoutError("webhook receiver did not answer in time")
            except Exception as error:  # every failure is a failed attempt, named by its class
                connection.close()
                name = "TimeoutError" if deadline.expired.is_set() else type(error).__name__
                return DeliveryResult(duration_ms=_elapsed_ms(started), error=name)
            read = 0
            # The status already came back: a body that breaks off or trickles past the deadline
            # does not change it. Only enough is read to let a normal answer finish.
            with contextlib.suppress(Exception):
                while read < self._max_response_bytes:
                    chunk = response.read(min(_READ_CHUNK, self._max_response_bytes - read))
                    if not chunk:
                        break
                    read += len(chunk)
            connection.close()
        return DeliveryResult(
            duration_ms=_elapsed_ms(started),
            status_code=response.status,
            retry_after_seconds=parse_retry_after(response.getheader("Retry-After"), datetime.now(UTC)),
            response_bytes_read=read,
        )


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
