"""The AWS emulation of the local stack: moto in server mode, in a process of its own.

Its own process, because in the stack's process moto's server and the functions shared one GIL (moto took
about 40% of it). `AwsEmulation.start()` starts it and returns its endpoint (the child binds 127.0.0.1 on a
free port and reports it on stdout); `stop()` ends it. The child also ends when the stack dies in any way,
even SIGKILL: it watches its stdin, a pipe only the stack holds, whose end of file means the stack is gone.
It ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the stack stops the emulation
itself once the invocations in flight have settled.

moto's own server application (`moto_application`) is served by cheroot over HTTP/1.1 keep-alive
connections (`ServedApplication`), with DynamoDB's atomic conditional writes restored (`AtomicDynamoDb`,
a WSGI middleware); moto itself is not patched. The tests run the same application on a thread
(`InProcessEmulation`).

    python -m ai_interviewer.local.aws_emulation [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import functools
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import Any

# moto imports in about a second; a loaded machine may take several.
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10
_ENDPOINT_PREFIX = "endpoint "


class EmulationError(RuntimeError):
    """The emulation process did not start."""


class AwsEmulation:
    """The moto server process, started and stopped by the local stack."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._process: subprocess.Popen[str] | None = None
        self.endpoint = ""

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> str:
        """Start the process and return its endpoint once it accepts connections."""
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, this module, fixed arguments
            [sys.executable, "-m", __name__, "--host", self._host],
            stdin=subprocess.PIPE,  # held open while the stack lives: its end of file stops the child
            stdout=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        assert stdout is not None  # stdout=PIPE above

        def first_line() -> None:
            lines.put(stdout.readline())

        threading.Thread(target=first_line, name="aws-emulation-start", daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            raise EmulationError(f"the AWS emulation did not start within {timeout:g} s") from None
        if not line.startswith(_ENDPOINT_PREFIX):
            self.stop()
            raise EmulationError("the AWS emulation exited before it was ready (its error is above)")
        self.endpoint = line.removeprefix(_ENDPOINT_PREFIX).strip()
        return self.endpoint

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Ask the process to end (SIGTERM), kill it if it does not, and reap it."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def _stop_at_end_of_file(fd: int, stop: threading.Event) -> None:
    # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read aborts the interpreter's
    # shutdown.
    while os.read(fd, 4096):
        pass  # nobody writes; a read only returns empty once the stack's end is closed
    stop.set()


class AtomicDynamoDb:
    """A WSGI middleware handling one DynamoDB request at a time, others concurrently.

    DynamoDB applies a write and its condition atomically, and every claim in this service (a job's start,
    a delivery attempt, an Idempotency-Key) relies on that. moto checks the condition and writes in separate
    steps of one request, so under a threaded server two racing conditional writes can both succeed (31 of
    200 races with frequent thread switches; the racing-delivery test posted twice under load)."""

    def __init__(self, application: Any) -> None:
        self._application = application
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self._application(environ, start_response)
        with self._lock:
            return list(self._application(environ, start_response))


class ServedApplication:
    """A WSGI application served by cheroot on threads of this process, on a free port.

    cheroot keeps HTTP/1.1 connections alive (werkzeug's development server closes each one after its
    response, so every AWS call paid a new connection and the accept loop queued them), with Nagle's
    algorithm off. An idle kept-alive connection waits in cheroot's selector and holds no thread, but a
    request holds one until it is answered, and an SQS long poll waits up to 20 s: the local stack keeps
    47 of them open at once (a poller thread per function's concurrency), so the pool is sized well above
    that, or long polls would queue every other call behind them."""

    THREADS = 128
    # cheroot's defaults suit a server behind a proxy: 10 kept-alive connections (the others close after
    # each response), idle ones closed after 10 s, a listen backlog of 5. Every client here keeps a pool
    # of connections (the stack's three clients 47 each), and a pooled connection the server closed
    # under a client's feet costs it a failed call and a retry.
    KEPT_ALIVE_CONNECTIONS = 1000
    IDLE_SECONDS = 600
    BACKLOG = 128

    def __init__(self, application: Any, host: str = "127.0.0.1") -> None:
        from cheroot.wsgi import Server  # noqa: PLC0415 - only the emulation needs it

        self._server = Server(
            (host, 0),
            application,
            numthreads=self.THREADS,
            max=self.THREADS,
            request_queue_size=self.BACKLOG,
            timeout=self.IDLE_SECONDS,
            shutdown_timeout=1,  # then a request still in flight has its connection shut
        )
        self._server.keep_alive_conn_limit = self.KEPT_ALIVE_CONNECTIONS
        self._server.nodelay = True  # cheroot's default; each AWS call is one small write
        self._server.prepare()  # binds, so the port is known before start()
        self._thread = threading.Thread(target=self._server.serve, name="aws-emulation", daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.bind_addr[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Serve, and return the endpoint."""
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        self._server.stop()
        self._thread.join()


def moto_application() -> Any:
    """moto's own server application (its dispatcher over every backend's Flask app), with DynamoDB's
    atomicity; `get_backend_for_host` answered once per host (it lists moto's package folder and tries
    some 200 URL patterns, and the answer depends only on the host)."""
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - only the emulation loads moto
        DomainDispatcherApplication,
        create_backend_app,
    )

    class CachingDispatcher(DomainDispatcherApplication):
        @functools.cache  # noqa: B019 - one dispatcher per emulation, alive as long as its process
        def get_backend_for_host(self, host: str | None) -> Any:
            return super().get_backend_for_host(host)

    return AtomicDynamoDb(CachingDispatcher(create_backend_app))


class InProcessEmulation(ServedApplication):
    """The emulation's application on a thread of this process (the tests' and benchmarks' emulation;
    the local stack runs `AwsEmulation` instead)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(moto_application(), host)


def serve(host: str) -> None:
    """Serve moto's application until SIGTERM or until the parent's pipe closes."""
    stop = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    threading.Thread(
        target=_stop_at_end_of_file, args=(sys.stdin.fileno(), stop), name="parent-watch", daemon=True
    ).start()

    endpoint = ServedApplication(moto_application(), host).start()
    print(f"{_ENDPOINT_PREFIX}{endpoint}", flush=True)
    # Nobody reads the pipe after that line: whatever moto prints later goes to the stack's stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    while not stop.wait(0.2):
        pass
    # Nothing to save (the emulation's state dies with it), a long poll in flight is cut either way, and
    # unwinding moto's thousands of modules takes seconds on a busy machine: leave at once.
    sys.stdout.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    serve(args.host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
