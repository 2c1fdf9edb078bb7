"""The parts of the Lambda runtime the local stack imitates: handler loading and the context object."""

from __future__ import annotations

import importlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"

LambdaHandler = Callable[[dict[str, Any], Any], Any]


class HandlerNotFoundError(RuntimeError):
    """The dotted handler path names a module or attribute that does not exist."""


def load_handler(dotted: str) -> LambdaHandler:
    """Import `package.module.function` exactly as the Lambda runtime resolves a handler setting."""
    module_name, _, attribute = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only a missing handler module is "not found"; a missing import inside it is a real bug.
        missing = error.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise HandlerNotFoundError(f"handler module {module_name} does not exist") from error
        raise
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise HandlerNotFoundError(f"{module_name} has no callable {attribute}")
    return handler


@dataclass
class LambdaContext:
    """What a handler (and Powertools' inject_lambda_context) reads from the runtime's context."""

    function_name: str
    timeout_seconds: float
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[{self.function_version}]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class LocalFunction:
    """A handler with its function name and timeout; each call gets a fresh context, as in Lambda."""

    name: str
    handler: LambdaHandler
    timeout_seconds: float

    def invoke(self, event: dict[str, Any]) -> Any:
        return self.handler(event, LambdaContext(self.name, self.timeout_seconds))
