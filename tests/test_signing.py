"""Signatures: the seed's §3 header, byte for byte, and the Standard Webhooks trio, pinned by its
known-answer vector."""

from __future__ import annotations

import hashlib
import hmac

from ai_interviewer.delivery.signing import (
    SEED_SIGNATURE_HEADER,
    WEBHOOK_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    seed_signature,
    signature_headers,
    standard_webhooks_key,
    standard_webhooks_signature,
    verify_seed_signature,
    verify_standard_webhooks,
)

TOKEN = "your-super-secret-and-long-token-here"
BODY = '{"results": [{"filename": "cv.pdf", "summary": "Отличный кандидат"}], "status": "succeeded"}'.encode()


def seed_verify_signature(request_body_bytes: bytes, signature_header: str | None) -> bool:
    """The seed's §3 receiver snippet, verbatim but for the token constant."""
    if not signature_header:
        return False

    hash_object = hmac.new(TOKEN.encode("utf-8"), msg=request_body_bytes, digestmod=hashlib.sha256)
    expected_signature = hash_object.hexdigest()

    return hmac.compare_digest(expected_signature, signature_header)


def test_standard_webhooks_known_answer_vector() -> None:
    key = standard_webhooks_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = standard_webhooks_signature(
        "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}', key
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_seed_signature_is_lowercase_hex_that_the_seed_snippet_accepts() -> None:
    signature = seed_signature(BODY, TOKEN)
    assert signature == signature.lower() and len(signature) == 64
    assert seed_verify_signature(BODY, signature)
    assert verify_seed_signature(BODY, TOKEN, signature)


def test_seed_signature_breaks_on_one_changed_byte_or_another_token() -> None:
    signature = seed_signature(BODY, TOKEN)
    assert not seed_verify_signature(BODY.replace(b"cv.pdf", b"cv.pdF"), signature)
    assert not verify_seed_signature(BODY, "another-token", signature)
    assert not verify_seed_signature(BODY, TOKEN, None)


def test_both_schemes_use_the_token_utf8_bytes_as_key() -> None:
    token = "токен-с-кириллицей"
    headers = signature_headers(BODY, token, webhook_id="msg_job-1", timestamp=1700000000)
    key = token.encode("utf-8")
    assert headers[SEED_SIGNATURE_HEADER] == hmac.new(key, BODY, hashlib.sha256).hexdigest()
    assert headers[WEBHOOK_SIGNATURE_HEADER] == standard_webhooks_signature(
        "msg_job-1", 1700000000, BODY, key
    )
    assert headers[WEBHOOK_ID_HEADER] == "msg_job-1"
    assert headers[WEBHOOK_TIMESTAMP_HEADER] == "1700000000"


def test_standard_webhooks_verification_accepts_a_fresh_signature_and_rejects_replays_and_tampering() -> None:
    key = TOKEN.encode()
    headers = signature_headers(BODY, TOKEN, webhook_id="msg_job-1", timestamp=1700000000)
    assert verify_standard_webhooks(headers, BODY, key, now=1700000100)
    assert not verify_standard_webhooks(headers, BODY, key, now=1700000000 + 301)  # replayed late
    assert not verify_standard_webhooks(headers, BODY + b" ", key, now=1700000000)
    assert not verify_standard_webhooks(
        {**headers, WEBHOOK_ID_HEADER: "msg_other"}, BODY, key, now=1700000000
    )


def test_standard_webhooks_verification_accepts_any_of_several_offered_signatures() -> None:
    key = TOKEN.encode()
    headers = signature_headers(BODY, TOKEN, webhook_id="msg_job-1", timestamp=1700000000)
    rotated = {
        **headers,
        WEBHOOK_SIGNATURE_HEADER: "v1,bm90LXRoaXMtb25l " + headers[WEBHOOK_SIGNATURE_HEADER],
    }
    assert verify_standard_webhooks(rotated, BODY, key, now=1700000000)


def test_a_secret_without_the_whsec_prefix_is_used_as_utf8_bytes() -> None:
    assert standard_webhooks_key(TOKEN) == TOKEN.encode("utf-8")


def test_webhook_signature_carries_one_signature_per_token_the_seed_header_only_the_jobs() -> None:
    headers = signature_headers(
        BODY, "previous", webhook_id="msg_job-1", timestamp=1700000000, other_tokens=("current", "previous")
    )
    offered = headers[WEBHOOK_SIGNATURE_HEADER].split(" ")
    # The job's token first, each token once.
    assert offered == [
        standard_webhooks_signature("msg_job-1", 1700000000, BODY, b"previous"),
        standard_webhooks_signature("msg_job-1", 1700000000, BODY, b"current"),
    ]
    assert verify_seed_signature(BODY, "previous", headers[SEED_SIGNATURE_HEADER])
    assert not verify_seed_signature(BODY, "current", headers[SEED_SIGNATURE_HEADER])
    for key in (b"current", b"previous"):
        assert verify_standard_webhooks(headers, BODY, key, now=1700000000)
    assert not verify_standard_webhooks(headers, BODY, b"third", now=1700000000)
