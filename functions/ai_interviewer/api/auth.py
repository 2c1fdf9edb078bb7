"""Who may call the API: `X-Webhook-Token` equal to one of the configured tokens (CONTRACT §1)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from ai_interviewer.errors import ApiError
from ai_interviewer.models.jobs import TokenSlot

TOKEN_HEADER = "X-Webhook-Token"  # noqa: S105 - a header name
# `webhook_tokens` lists the current token first, then the previous one.
TOKEN_SLOTS = (TokenSlot.CURRENT, TokenSlot.PREVIOUS)


def _digest(value: str) -> bytes:
    # Equal-length digests, so the comparison reveals neither the token's content nor its length.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def matching_token(presented: str | None, tokens: Sequence[str]) -> TokenSlot | None:
    """Which configured token `presented` is, compared in constant time; None when it is none of them.

    Every token is compared even after a match, so the time taken does not tell which token (the
    current or the previous one) matched, or whether any did.
    """
    candidate = _digest(presented or "")
    matched: TokenSlot | None = None
    for slot, token in zip(TOKEN_SLOTS, tokens, strict=False):
        if hmac.compare_digest(candidate, _digest(token)) and matched is None:
            matched = slot
    return matched if presented else None


def token_is_accepted(presented: str | None, tokens: Sequence[str]) -> bool:
    return matching_token(presented, tokens) is not None


def require_token(presented: str | None, tokens: Sequence[str]) -> TokenSlot:
    """The slot of the token that authenticated the request, or a 401."""
    slot = matching_token(presented, tokens)
    if slot is None:
        raise ApiError(401, "unauthorized", f"missing or invalid {TOKEN_HEADER} header")
    return slot
