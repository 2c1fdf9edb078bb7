"""The current job's deadline: the time.monotonic() instant by which its task must have given up.

Lambda kills an invocation at its timeout without running another line, so a job killed there stays
`running`, and on its last allowed receive its message goes to the DLQ with no webhook. The worker sets a
deadline a little before the timeout (`invocation_deadline`); slow work (the model calls) checks it with
`require_remaining` and bounds its own timeouts by `remaining_seconds`, so the task raises
`DeadlineExceededError`, a `TransientError`, while there is still time to record and notify the outcome.

The deadline is a context variable: it follows the job through calls on the same thread without being
passed around. Threads do not inherit context variables: run pool tasks under `contextvars.copy_context()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ai_interviewer.errors import TransientCode, TransientError

# What must still fit after the task gives up: the job record's conditional write, the notify message and
# the claim-checked request's delete, a few AWS round trips (each with the SDK's own retries, so seconds
# at worst, not milliseconds), plus the Powertools metrics flush. Ten seconds covers that; a function with
# a short timeout (local runs, tests) keeps a tenth of its time instead, so its task still gets most of it.
SAFETY_MARGIN_SECONDS = 10.0
SAFETY_MARGIN_FRACTION = 0.1

_deadline: ContextVar[float | None] = ContextVar("job_deadline", default=None)


class DeadlineExceededError(TransientError):
    """The job's time is (nearly) up: stopped before the function's timeout could kill it. Transient: a
    new receive gets a fresh invocation and its whole timeout."""

    code = TransientCode.DEADLINE_EXCEEDED


def invocation_deadline(remaining_millis: int, *, now: float | None = None) -> float:
    """The deadline for an invocation with `remaining_millis` left (the Lambda context's
    `get_remaining_time_in_millis()`): that much time from `now`, less the safety margin."""
    remaining = max(0, remaining_millis) / 1000
    margin = min(SAFETY_MARGIN_SECONDS, SAFETY_MARGIN_FRACTION * remaining)
    return (time.monotonic() if now is None else now) + remaining - margin


@contextmanager
def job_deadline(at: float | None) -> Iterator[None]:
    """Run the block under the deadline `at` (a time.monotonic() value). A deadline only tightens: an
    enclosing earlier deadline stays in force, and `None` (no deadline of its own) keeps the enclosing one."""
    enclosing = _deadline.get()
    effective = at if enclosing is None else enclosing if at is None else min(at, enclosing)
    token = _deadline.set(effective)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_seconds() -> float | None:
    """Seconds left before the current deadline (negative once it has passed), or None without one."""
    at = _deadline.get()
    return None if at is None else at - time.monotonic()


def require_remaining(seconds: float) -> float | None:
    """The seconds left, or None without a deadline; raises `DeadlineExceededError` when fewer than
    `seconds` remain, so nothing starts that could not finish in time."""
    remaining = remaining_seconds()
    if remaining is not None and remaining < seconds:
        raise DeadlineExceededError(
            f"the job's time budget ran out: {max(remaining, 0.0):.1f} s left, {seconds:.1f} s needed"
        )
    return remaining
