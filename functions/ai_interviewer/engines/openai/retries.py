"""The retries of one model request, ours rather than the SDK's (its client runs with `max_retries=0`), so
the job's deadline bounds every wait and attempt through public SDK calls only.

The rule is openai-python's (`_base_client.py`: `_should_retry`, `_calculate_retry_timeout`,
`_parse_retry_after_header`, as of openai 3.57):
- retried: connection errors and timeouts; an HTTP error whose `x-should-retry` header says `true`, or
  without that header 408, 409, 429 and 5xx (`x-should-retry: false` forbids a retry);
- never retried: an error whose Retry-After asks for more than `MAX_RETRY_AFTER_SECONDS`;
- the wait: the server's `retry-after-ms`, else `retry-after` (seconds, or an HTTP date), when it is in
  (0, `MAX_RETRY_AFTER_SECONDS`]; else the backoff (`budget.backoff_seconds`) less up to 25 % jitter.

Under a deadline (`ai_interviewer.deadline`) a retry goes ahead only if its wait and a whole attempt
still fit in the time left; otherwise the call ends in `DeadlineExceededError` before it sleeps.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

import openai

from ai_interviewer.deadline import DeadlineExceededError, require_remaining
from ai_interviewer.engines.openai.budget import MAX_RETRY_AFTER_SECONDS, backoff_seconds

logger = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")

# The SDK's retry count header: the endpoint (and the tests) see which attempt a request is.
RETRY_COUNT_HEADER = "x-stainless-retry-count"
_INFINITY_LITERALS = frozenset({"inf", "+inf", "infinity", "+infinity"})


def with_retries(
    attempt: Callable[[int], ResultT],
    *,
    max_retries: int,
    attempt_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> ResultT:
    """`attempt(retry)` (0 first) until it returns, or its error is not worth retrying, or `max_retries`
    retries are spent (that error is raised), or the job's deadline leaves no room for the wait and an
    attempt of `attempt_seconds` (`DeadlineExceededError`, the error as its cause)."""
    retry = 0
    while True:
        try:
            return attempt(retry)
        except openai.APIError as error:
            if retry >= max_retries or not should_retry(error):
                raise
            wait = wait_seconds(retry, _headers(error), jitter=jitter)
            try:
                require_remaining(wait + attempt_seconds)
            except DeadlineExceededError as stopped:
                raise stopped from error
            logger.info(
                "retrying the LLM request",
                extra={
                    "retry": retry + 1,
                    "wait_seconds": round(wait, 3),
                    "error_class": type(error).__name__,
                },
            )
            sleep(wait)
            retry += 1


def should_retry(error: openai.APIError) -> bool:
    """Whether the SDK would retry `error` (see the module's docstring)."""
    if isinstance(error, openai.APIConnectionError):  # timeouts included
        return True
    if not isinstance(error, openai.APIStatusError):
        return False
    headers = error.response.headers
    retry_after = retry_after_seconds(headers)
    if retry_after is not None and math.isfinite(retry_after) and retry_after > MAX_RETRY_AFTER_SECONDS:
        return False
    should = headers.get("x-should-retry")
    if should in ("true", "false"):
        return should == "true"
    return error.status_code in (408, 409, 429) or error.status_code >= 500


def wait_seconds(
    retry: int, headers: Mapping[str, str], *, jitter: Callable[[], float] = random.random
) -> float:
    """The wait before retry `retry` (0 for the first): the server's Retry-After when it names a usable
    one, else the backoff less up to a quarter (`jitter()` in [0, 1))."""
    retry_after = retry_after_seconds(headers)
    if retry_after is not None and math.isfinite(retry_after) and 0 < retry_after <= MAX_RETRY_AFTER_SECONDS:
        return retry_after
    return backoff_seconds(retry) * (1 - 0.25 * jitter())


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a response asks for, in seconds (negative for a date past), or None when it names none:
    `retry-after-ms`, then `retry-after` as a number, then `retry-after` as an HTTP date."""
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            delay = float(value)
        except ValueError:
            continue
        if delay == math.inf and value.strip().lower() not in _INFINITY_LITERALS:
            # A number too large for a float is an excessive wait, not a malformed one: refused.
            return MAX_RETRY_AFTER_SECONDS + 1
        return delay / divisor
    date = headers.get("retry-after")
    if date is None:
        return None
    try:
        parsed = email.utils.parsedate_tz(date)
        if parsed is None:
            return None
        return float(email.utils.mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _headers(error: openai.APIError) -> Mapping[str, str]:
    return error.response.headers if isinstance(error, openai.APIStatusError) else {}
