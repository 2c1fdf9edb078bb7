"""The api function's Powertools logger (service name from POWERTOOLS_SERVICE_NAME).

One instance for the handler and the logic, so the correlation id (the job id, once known) set by the
logic appears on every line. Log ids, task names and statuses only: never bodies, texts or tokens.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger()
