"""The api function's Powertools logger: the one every function shares (`ai_interviewer.observability`).

One instance for the handler and the logic, so the correlation id (the job id, once known) set by the
logic appears on every line. Log ids, task names and statuses only: never bodies, texts or tokens.
"""

from __future__ import annotations

from ai_interviewer.observability import logger

__all__ = ["logger"]
