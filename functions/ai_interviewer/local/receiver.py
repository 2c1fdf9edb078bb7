"""`ai-interviewer receive`: a webhook receiver for trying the service out. It checks both signatures
the way a client would (CONTRACT §4), written from the contract rather than from the sender's code,
so a signing bug cannot hide by being mirrored here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

LEGACY_HEADER = "X-AI-Interviewer-Signature"
# Standard Webhooks rejects timestamps further than this from the receiver's clock (replays).
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60


def legacy_signature_check(key: bytes, body: bytes, header: str | None) -> str:
    """Seed §3: lowercase hex HMAC-SHA256 of the raw body."""
    if not header:
        return "missing"
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    return "ok" if hmac.compare_digest(expected, header.strip()) else "mismatch"


def standard_signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def standard_signature_check(
    key: bytes,
    body: bytes,
    *,
    webhook_id: str | None,
    timestamp: str | None,
    header: str | None,
    now: float | None = None,
) -> str:
    """Standard Webhooks: any of the space-separated `v1,<base64>` entries may match."""
    if not header or not webhook_id or not timestamp:
        return "missing"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "bad timestamp"
    if abs((time.time() if now is None else now) - sent_at) > TIMESTAMP_TOLERANCE_SECONDS:
        return "stale timestamp"
    expected = standard_signature(key, webhook_id, timestamp, body)
    if any(hmac.compare_digest(expected, candidate) for candidate in header.split()):
        return "ok"
    return "mismatch"


@dataclass(frozen=True)
class Verification:
    legacy: str
    standard: str

    @property
    def valid(self) -> bool:
        return self.legacy == "ok" and self.standard == "ok"

    def line(self) -> str:
        verdict = "VERIFIED" if self.valid else "INVALID"
        return f"{verdict}  {LEGACY_HEADER}: {self.legacy} · webhook-signature: {self.standard}"


def verify(token: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> Verification:
    """Both signatures, keyed by the token's UTF-8 bytes. Header names in `headers` are lowercase."""
    key = token.encode("utf-8")
    return Verification(
        legacy=legacy_signature_check(key, body, headers.get(LEGACY_HEADER.lower())),
        standard=standard_signature_check(
            key,
            body,
            webhook_id=headers.get("webhook-id"),
            timestamp=headers.get("webhook-timestamp"),
            header=headers.get("webhook-signature"),
            now=now,
        ),
    )


def readable_body(body: bytes) -> str:
    """Pretty JSON with non-ASCII kept as is; anything else as text."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False, indent=2)
    except ValueError:
        return body.decode("utf-8", errors="replace")


class _WebhookHandler(BaseHTTPRequestHandler):
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle and delayed ACK add 40 ms.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server: WebhookReceiverServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        verification = verify(self.server.token, headers, body)
        job = " ".join(
            value
            for value in (
                self.headers.get("X-AI-Interviewer-Job-Id"),
                self.headers.get("X-AI-Interviewer-Task"),
                f"attempt {self.headers['X-AI-Interviewer-Attempt']}"
                if self.headers.get("X-AI-Interviewer-Attempt")
                else None,
            )
            if value
        )
        self.server.show(f"── {datetime.now():%H:%M:%S} POST {self.path} {job}".rstrip(), verification, body)
        status, answer = (200, {"ok": True}) if verification.valid else (401, {"error": "invalid signature"})
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: each webhook is printed in full instead."""


class WebhookReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], token: str, out: TextIO = sys.stdout) -> None:
        self.token = token
        self.out = out
        self._print_lock = threading.Lock()
        super().__init__(address, _WebhookHandler)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def show(self, heading: str, verification: Verification, body: bytes) -> None:
        with self._print_lock:
            print(heading, verification.line(), readable_body(body), "", sep="\n", file=self.out, flush=True)
