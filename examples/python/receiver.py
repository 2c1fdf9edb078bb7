"""A webhook receiver for AI Interviewer, on the standard library plus the official `standardwebhooks`
package (`pip install standardwebhooks`).

    AI_INTERVIEWER_TOKENS="<current> <previous>" python receiver.py --port 8080

Each delivery must carry a valid seed signature (`X-AI-Interviewer-Signature`, hex HMAC-SHA256 of the raw
body) and valid Standard Webhooks headers for one of your tokens; `standardwebhooks` also refuses a
`webhook-timestamp` more than five minutes off your clock. A `webhook-id` already handled is answered
200 and not handled again (the service retries, and redeliveries keep the id). Anything else is a 401.

The token is the HMAC key as its UTF-8 bytes: pass it to `standardwebhooks.Webhook` as bytes. Given a
str, the library base64-decodes it (the `whsec_...` form) and every signature fails.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

SEED_SIGNATURE_HEADER = "X-AI-Interviewer-Signature"


class RejectedDeliveryError(Exception):
    """The delivery is not from the service (or is too old): answer 401."""


def verify_delivery(body: bytes, headers: Mapping[str, str], tokens: Sequence[str]) -> dict[str, Any]:
    """The payload, once both signatures verify with one of `tokens` (current and previous)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    seed = lowered.get(SEED_SIGNATURE_HEADER.lower(), "")
    seed_ok = any(
        hmac.compare_digest(hmac.new(token.encode(), body, hashlib.sha256).hexdigest(), seed)
        for token in tokens
    )
    for token in tokens:
        try:
            payload = Webhook(token.encode("utf-8")).verify(body, lowered)
        except WebhookVerificationError:
            continue
        if seed_ok:
            return dict(payload)
    raise RejectedDeliveryError("signature or timestamp check failed")


class Receiver(ThreadingHTTPServer):
    """Verifies, drops repeats by `webhook-id`, and passes each new payload to `handle`."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], tokens: Sequence[str], handle: Callable[[dict[str, Any]], None]
    ) -> None:
        self.tokens = list(tokens)
        self.handle = handle
        # In-memory for the example; keep handled ids in your database (a unique key) for a day or more.
        self.handled_ids: set[str] = set()
        self.lock = threading.Lock()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            payload = verify_delivery(body, dict(self.headers.items()), self.server.tokens)
        except RejectedDeliveryError:
            return self._answer(401)
        webhook_id = self.headers["webhook-id"]
        with self.server.lock:
            if webhook_id in self.server.handled_ids:
                return self._answer(200)
            self.server.handle(payload)  # store it; an exception here answers 500 and the service retries
            self.server.handled_ids.add(webhook_id)
        self._answer(200)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    tokens = os.environ["AI_INTERVIEWER_TOKENS"].split()

    def print_payload(payload: dict[str, Any]) -> None:
        print(json.dumps(payload, ensure_ascii=False), flush=True)

    Receiver((args.host, args.port), tokens, print_payload).serve_forever()


if __name__ == "__main__":
    main()
