"""`ai-interviewer receive`: both signatures checked with the token, 200 when valid, 401 when not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from ai_interviewer.local.receiver import WebhookReceiverServer, standard_signature, verify

TOKEN = "receiver-token-0123456789"
PAYLOAD = {
    "job_id": "j-1",
    "task": "add_vacancy_with_candidates",
    "status": "succeeded",
    "vacancy_id": 7,
    "message": "Вакансия и кандидаты успешно добавлены",
}


def test_standard_webhooks_signature_matches_the_specs_known_answer() -> None:
    key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = standard_signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _signed_headers(body: bytes, token: str = TOKEN, timestamp: int | None = None) -> dict[str, str]:
    sent_at = str(int(time.time()) if timestamp is None else timestamp)
    key = token.encode()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-AI-Interviewer-Signature": hmac.new(key, body, hashlib.sha256).hexdigest(),
        "X-AI-Interviewer-Job-Id": "j-1",
        "X-AI-Interviewer-Task": "add_vacancy_with_candidates",
        "X-AI-Interviewer-Attempt": "1",
        "webhook-id": "j-1",
        "webhook-timestamp": sent_at,
        "webhook-signature": standard_signature(key, "j-1", sent_at, body),
    }


def test_verification_needs_both_signatures() -> None:
    body = b'{"a": 1}'
    headers = {name.lower(): value for name, value in _signed_headers(body).items()}
    assert verify(TOKEN, headers, body).valid

    assert verify(TOKEN, {**headers, "x-ai-interviewer-signature": "00"}, body).legacy == "mismatch"
    no_standard = {name: value for name, value in headers.items() if name != "webhook-signature"}
    assert verify(TOKEN, no_standard, body).standard == "missing"
    assert not verify(TOKEN, no_standard, body).valid
    # Another entry next to the right one (key rotation on the sender's side) still verifies.
    rotated = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    assert verify(TOKEN, rotated, body).standard == "ok"
    assert verify("other-token", headers, body).valid is False
    assert verify(TOKEN, headers, body + b" ").valid is False


def test_a_replayed_timestamp_fails_the_standard_signature() -> None:
    body = b"{}"
    old = {name.lower(): value for name, value in _signed_headers(body, timestamp=1_000_000).items()}
    assert verify(TOKEN, old, body).standard == "stale timestamp"


@pytest.fixture
def receiver() -> Iterator[tuple[str, io.StringIO]]:
    out = io.StringIO()
    server = WebhookReceiverServer(("127.0.0.1", 0), TOKEN, out)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url, out
    server.shutdown()
    server.server_close()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{url}/hook", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_valid_webhook_is_answered_200_and_printed_readably(receiver: tuple[str, io.StringIO]) -> None:
    url, out = receiver
    body = json.dumps(PAYLOAD, ensure_ascii=False).encode()
    assert _post(url, body, _signed_headers(body)) == 200
    printed = out.getvalue()
    assert "VERIFIED" in printed
    assert "j-1 add_vacancy_with_candidates attempt 1" in printed
    # Pretty JSON with the Russian text as is, not \u escapes.
    assert '  "message": "Вакансия и кандидаты успешно добавлены"' in printed
    assert "\\u04" not in printed


def test_a_webhook_signed_with_another_token_is_answered_401(receiver: tuple[str, io.StringIO]) -> None:
    url, out = receiver
    body = json.dumps(PAYLOAD).encode()
    assert _post(url, body, _signed_headers(body, token="wrong-token")) == 401
    assert "INVALID" in out.getvalue()
    assert "VERIFIED" not in out.getvalue()
    assert _post(url, b"not json", {"Content-Type": "text/plain"}) == 401
    assert "not json" in out.getvalue()
