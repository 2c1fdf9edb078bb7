"""The parts of the Lambda runtime the local stack imitates: handler loading, the context object, and
execution environments (one invocation at a time each, as many as the invocations in flight)."""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"

LambdaHandler = Callable[[dict[str, Any], Any], Any]


class HandlerNotFoundError(RuntimeError):
    """The dotted handler path names a module or attribute that does not exist."""


def load_handler(dotted: str, *, fresh: bool = False) -> LambdaHandler:
    """Import `package.module.function` exactly as the Lambda runtime resolves a handler setting.

    `fresh` runs the handler's module again as a new module object, outside `sys.modules`: the module
    state of another execution environment (its caches, a router and the request it is handling), while
    the libraries it imports are shared."""
    module_name, _, attribute = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
        if fresh:
            spec = importlib.util.find_spec(module_name)
            if spec is None or spec.loader is None:
                raise HandlerNotFoundError(f"handler module {module_name} cannot be loaded again")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
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


class Invocable(Protocol):
    def invoke(self, event: dict[str, Any]) -> Any: ...


class ExecutionEnvironments:
    """Lambda's concurrency for one function: an environment runs one invocation at a time, and an
    invocation that finds every environment busy gets a new one (a cold start), up to `limit`; beyond
    it, the invocation waits for one to be free. The most recently used environment is reused first, so
    a steady load keeps the same warm few."""

    def __init__(
        self, create: Callable[[], LocalFunction], limit: int, *, first: LocalFunction | None = None
    ) -> None:
        if limit < 1:
            raise ValueError("an environment limit below 1 would never invoke anything")
        self._create = create
        self._limit = limit
        self._idle: list[LocalFunction] = [first] if first is not None else []
        self._count = len(self._idle)
        self._changed = threading.Condition()

    @classmethod
    def of(cls, function: LocalFunction) -> ExecutionEnvironments:
        """One environment: `function`'s invocations run one after another."""
        return cls(lambda: function, 1, first=function)

    @classmethod
    def for_handler(cls, name: str, dotted: str, timeout_seconds: float, limit: int) -> ExecutionEnvironments:
        """Environments of the handler `dotted`, each with its own copy of the handler's module. The first
        is loaded now, so a missing handler is reported at start (`HandlerNotFoundError`)."""
        return cls(
            lambda: LocalFunction(name, load_handler(dotted, fresh=True), timeout_seconds),
            limit,
            first=LocalFunction(name, load_handler(dotted), timeout_seconds),
        )

    @property
    def count(self) -> int:
        """Environments created so far."""
        return self._count

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._changed:
            self._changed.wait_for(lambda: bool(self._idle) or self._count < self._limit)
            environment = self._idle.pop() if self._idle else None
            if environment is None:
                self._count += 1
        if environment is None:
            try:
                environment = self._create()
            except BaseException:
                with self._changed:
                    self._count -= 1
                    self._changed.notify()
                raise
        try:
            return environment.invoke(event)
        finally:
            with self._changed:
                self._idle.append(environment)
                self._changed.notify()
