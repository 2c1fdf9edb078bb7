"""Who may call the API: `X-Webhook-Token` equal to one of the configured tokens (CONTRACT §1)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from ai_interviewer.errors import ApiError

TOKEN_HEADER = "X-Webhook-Token"  # noqa: S105 - a header name


def _digest(value: str) -> bytes:
    # Equal-length digests, so the comparison reveals neither the token's content nor its length.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def token_is_accepted(presented: str | None, tokens: Sequence[str]) -> bool:
    """Compare `presented` with every configured token in constant time.

    Every token is compared even after a match, so the time taken does not tell which token (the
    current or the previous one) matched, or whether any did.
    """
    candidate = _digest(presented or "")
    accepted = False
    for token in tokens:
        accepted |= hmac.compare_digest(candidate, _digest(token))
    return accepted and bool(presented)


def require_token(presented: str | None, tokens: Sequence[str]) -> None:
    if not token_is_accepted(presented, tokens):
        raise ApiError(401, "unauthorized", f"missing or invalid {TOKEN_HEADER} header")
