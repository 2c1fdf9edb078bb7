"""Powertools' Logger, Tracer and Metrics, built once here for every function (service name and metrics
namespace from POWERTOOLS_SERVICE_NAME / the namespace in resources.py).

Tracing costs a cold start only where it is on. Powertools' `Tracer()` imports the X-Ray SDK even when
tracing is disabled, and by default patches every library X-Ray supports that is installed (psycopg,
sqlite3, requests, ...), importing each one at init. Here:
- tracing on (in Lambda, POWERTOOLS_TRACE_DISABLED not true: Powertools' own rule): only the modules in
  `TRACED_MODULES` are patched;
- tracing off (tests, `ai-interviewer local`, `invoke`): the Tracer gets a provider that does nothing,
  so the X-Ray SDK's recorder (`aws_xray_sdk.core`, which loads botocore's whole client machinery at
  import) is never imported, nor anything it would patch.

Log ids, task names and statuses only: never bodies, texts or tokens.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from ai_interviewer.resources import METRICS_NAMESPACE, POWERTOOLS_TRACE_DISABLED_ENV

# What X-Ray traces: every AWS call (boto3). The OpenAI SDK sends through httpx2, which X-Ray cannot
# patch (its `httpx` patch needs httpx, which is not installed: patching it would fail at init).
TRACED_MODULES = ("botocore",)


class _NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass


class NoTracing(BaseProvider):
    """The provider of a disabled Tracer: the decorators still run, nothing is recorded or imported."""

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _NoSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass


def tracing_enabled() -> bool:
    """Powertools' rule, from the same public variables: in Lambda (LAMBDA_TASK_ROOT), not under SAM local
    or Chalice, and POWERTOOLS_TRACE_DISABLED not true."""
    if resolve_truthy_env_var_choice(env=os.getenv(POWERTOOLS_TRACE_DISABLED_ENV, "false")):
        return False
    in_lambda = bool(os.getenv("LAMBDA_TASK_ROOT"))
    emulated = bool(os.getenv("AWS_SAM_LOCAL") or os.getenv("AWS_CHALICE_CLI_MODE"))
    return in_lambda and not emulated


def build_tracer() -> Tracer:
    if tracing_enabled():
        return Tracer(patch_modules=TRACED_MODULES)
    # Disabling still imports the SDK's top package (two small modules) to switch it off; not its recorder.
    return Tracer(disabled=True, auto_patch=False, provider=NoTracing())


logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)


def __getattr__(name: str) -> Tracer:
    """`tracer` is built when a module first imports it: the api traces nothing of its own, so it never
    loads the X-Ray SDK, not even in Lambda."""
    if name == "tracer":
        built: Tracer = build_tracer()
        globals()["tracer"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
