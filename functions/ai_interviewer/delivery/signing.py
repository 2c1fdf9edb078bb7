"""Webhook signatures (CONTRACT §4): the seed's §3 header and the Standard Webhooks trio.

Both are HMAC-SHA256 over the exact bytes sent, keyed by the webhook token's UTF-8 bytes, so a
receiver written against the seed alone (Python `hmac.compare_digest`, PHP `hash_equals(hash_hmac(...))`)
verifies unchanged, and a Standard Webhooks library verifies the trio with the same secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from email.message import Message

SEED_SIGNATURE_HEADER = "X-AI-Interviewer-Signature"
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"
# Standard Webhooks receivers reject timestamps further than this from their clock (replay window).
DEFAULT_TOLERANCE_SECONDS = 300


def seed_signature(body: bytes, token: str) -> str:
    """Seed §3: lowercase hex HMAC-SHA256 of the raw body, keyed by the token."""
    return hmac.new(token.encode("utf-8"), msg=body, digestmod=hashlib.sha256).hexdigest()


def verify_seed_signature(body: bytes, token: str, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(seed_signature(body, token), header or "")


def standard_webhooks_key(secret: str) -> bytes:
    """The HMAC key for a secret: `whsec_<base64>` decodes (the spec's form); anything else is UTF-8."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode("utf-8")


def standard_webhooks_signature(webhook_id: str, timestamp: int, body: bytes, key: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, msg=signed, digestmod=hashlib.sha256).digest()).decode()


def verify_standard_webhooks(
    headers: Mapping[str, str] | Message,
    body: bytes,
    key: bytes,
    *,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when one of the space-separated `v1,` signatures matches and the timestamp is fresh.

    Pass headers that look names up case-insensitively (`http.server`'s `Message`, or a mapping with
    the lowercase names), as HTTP header names are.
    """
    webhook_id = headers.get(WEBHOOK_ID_HEADER)
    timestamp = str(headers.get(WEBHOOK_TIMESTAMP_HEADER) or "")
    if not webhook_id or not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_seconds:
        return False
    expected = standard_webhooks_signature(webhook_id, int(timestamp), body, key)
    offered = str(headers.get(WEBHOOK_SIGNATURE_HEADER) or "").split()
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def signature_headers(
    body: bytes,
    token: str,
    *,
    webhook_id: str,
    timestamp: int,
    other_tokens: Sequence[str] = (),
) -> dict[str, str]:
    """Every signature header for one attempt, both schemes keyed by the tokens' UTF-8 bytes.

    The seed header carries one signature, by `token`; `webhook-signature` carries one per token
    (`token` first, then `other_tokens`, space-separated, as Standard Webhooks allows), so during a
    rotation a receiver on either token verifies.
    """
    keys = [token, *(other for other in other_tokens if other != token)]
    return {
        SEED_SIGNATURE_HEADER: seed_signature(body, token),
        WEBHOOK_ID_HEADER: webhook_id,
        WEBHOOK_TIMESTAMP_HEADER: str(timestamp),
        WEBHOOK_SIGNATURE_HEADER: " ".join(
            standard_webhooks_signature(webhook_id, timestamp, body, key.encode("utf-8")) for key in keys
        ),
    }
