"""Where the functions' Powertools JSON logs go in the local stack, and what they carry.

In Lambda each function runs in a process of its own, one invocation at a time, so Powertools keeps the
keys an invocation appends (function name, request id, the job's correlation id) in its one formatter.
Locally every function shares one process and, through the service name, one logger: the keys of one
invocation would stamp the lines of another running at the same time. The formatter here keeps those
keys per thread (an invocation runs on one thread), and the lines go to a file or to stderr, never to
stdout, where the stack prints its progress lines."""

from __future__ import annotations

import logging
import threading
from typing import Any, TextIO

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter


class PerThreadKeysFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with the appended keys kept per thread: each thread starts from the
    keys present when `freeze` was called and changes only its own copy."""

    def __init__(self, **options: Any) -> None:
        self._threads = threading.local()
        self._base: dict[str, Any] = {}
        super().__init__(**options)

    @property
    def log_format(self) -> dict[str, Any]:
        keys: dict[str, Any] | None = getattr(self._threads, "keys", None)
        if keys is None:
            keys = self._threads.keys = dict(self._base)
        return keys

    @log_format.setter
    def log_format(self, keys: dict[str, Any]) -> None:
        self._threads.keys = keys

    def freeze(self) -> None:
        """The current thread's keys become every other thread's starting point."""
        self._base = dict(self.log_format)


_routed: set[str] = set()


def route_function_logs(service: str, level: str, stream: TextIO) -> None:
    """Configure the service's Powertools logger before any handler module creates one (later `Logger()`
    calls for the same service reuse this handler and formatter), and send stdlib warnings the functions'
    libraries log to the same stream. Once per process and service: the first stream stays."""
    if service in _routed:
        return
    _routed.add(service)
    formatter = PerThreadKeysFormatter()
    Logger(
        service=service, level=level, logger_handler=logging.StreamHandler(stream), logger_formatter=formatter
    )
    formatter.freeze()
    logging.getLogger(service).propagate = False  # its lines are JSON already; the root's are not
    fallback = logging.StreamHandler(stream)
    fallback.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(fallback)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
