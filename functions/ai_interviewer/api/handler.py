"""The api function: API Gateway (REST) proxy events in, JSON answers out (CONTRACT §1)."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from ai_interviewer.api.app import build_resolver
from ai_interviewer.api.logger import logger
from ai_interviewer.settings import API_NEEDS, check_cold_start
from ai_interviewer.wiring import default_services

# In Lambda's init phase: an incomplete environment fails the cold start, naming what is missing.
check_cold_start(API_NEEDS)


@functools.cache
def resolver() -> APIGatewayRestResolver:
    """Built on the first invocation, not at import, and reused while the function is warm."""
    return build_resolver(default_services())


# Never log the event: it carries the token and the resumes. clear_state drops the last job's id.
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolver().resolve(event, context)
