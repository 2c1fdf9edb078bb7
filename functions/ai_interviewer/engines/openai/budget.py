"""How long one model call may take: the retry loop's waits (`engines.openai.retries`) and the worst case
they add up to, which sizes the attempt timeout a function gets (infra's `WorkerProfile`).

Pure arithmetic without the OpenAI SDK, so the CDK app imports it too. The constants are the SDK's
(openai-python `_constants.py`; a test pins them), as the retry loop follows the SDK's rule.
"""

from __future__ import annotations

INITIAL_RETRY_DELAY_SECONDS = 0.5
MAX_RETRY_DELAY_SECONDS = 8.0
# The longest Retry-After honoured; a server asking for more is not retried at all.
MAX_RETRY_AFTER_SECONDS = 120.0
# `2.0 ** retry` past this overflows; the cap is long reached by then.
_MAX_EXPONENT = 1000


def backoff_seconds(retry: int) -> float:
    """The backoff before retry `retry` (0 for the first) when the server names no wait: 0.5 s doubling
    up to 8 s. The loop waits 75 to 100 % of it (jitter); this is the longest."""
    return min(INITIAL_RETRY_DELAY_SECONDS * 2.0 ** min(retry, _MAX_EXPONENT), MAX_RETRY_DELAY_SECONDS)


def worst_case_call_seconds(attempt_seconds: float, max_retries: int) -> float:
    """The longest one model call takes when every attempt times out: `max_retries + 1` attempts of
    `attempt_seconds` and the longest backoff before each retry. A call that fails validation makes one
    repair call, which may take as long again.

    A server's Retry-After can ask for a longer wait (up to `MAX_RETRY_AFTER_SECONDS`): under the job's
    deadline the loop honours it only if it and the next attempt fit in the time left, and ends the call
    otherwise, so it never carries a call past the deadline; without a deadline (a local run) it may."""
    backoffs = sum(backoff_seconds(retry) for retry in range(max_retries))
    return (max_retries + 1) * attempt_seconds + backoffs


def attempt_timeout_seconds(budget_seconds: float, max_retries: int) -> int:
    """The longest attempt timeout, in whole seconds, whose worst case (`worst_case_call_seconds`) fits
    in `budget_seconds`; 0 when not even that fits."""
    backoffs = worst_case_call_seconds(0, max_retries)
    return max(0, int((budget_seconds - backoffs) // (max_retries + 1)))
