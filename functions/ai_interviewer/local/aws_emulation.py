"""The AWS emulation of the local stack: moto in server mode, in a process of its own.

Its own process, because in the stack's process moto's server and the functions shared one GIL (moto took
about 40% of it). `AwsEmulation.start()` starts it and returns its endpoint (the child binds 127.0.0.1 on a
free port and reports it on stdout); `stop()` ends it. The child also ends when the stack dies in any way,
even SIGKILL: it watches its stdin, a pipe only the stack holds, whose end of file means the stack is gone.
It ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the stack stops the emulation
itself once the invocations in flight have settled.

moto's application is served over HTTP/1.1 keep-alive connections (werkzeug's development server closes
every connection after one response), with a few of moto's per-request costs done once
(`_moto_application`), and DynamoDB's atomic conditional writes restored (`AtomicDynamoDb`).

    python -m ai_interviewer.local.aws_emulation [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from datetime import datetime
from email.message import Message
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


class InProcessEmulation:
    """moto's own server application, with DynamoDB's atomicity, on a thread of this process (the
    tests' and benchmarks' emulation; the local stack runs `AwsEmulation` instead)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server  # noqa: PLC0415

        application = AtomicDynamoDb(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(host, 0, application, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> str:
        """Serve, and return the endpoint."""
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _moto_application() -> Any:
    """moto's WSGI application, with per-request work that has the same answer every time done once or
    done directly (together about a fifth of moto's CPU time under the end-to-end benchmark):
    - the dispatcher lists moto's package folder and tries some 200 URL patterns to find a request's
      backend: the answer depends only on the host, so it is kept;
    - each response looks up its class's methods again: kept per class;
    - each received SQS message computes all its queue's attributes (approximate counts over every
      message) to read the retention period: read directly;
    - "now" as epoch seconds goes through two timezone-aware datetimes each time: `time.time()`.
    """
    import moto.core.responses  # noqa: PLC0415 - only the emulation's process loads moto
    import moto.core.utils  # noqa: PLC0415
    import moto.sqs.models  # noqa: PLC0415
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
        DomainDispatcherApplication,
        create_backend_app,
    )

    moto.core.responses.method_names_from_class = functools.cache(moto.core.responses.method_names_from_class)

    epoch = datetime(1970, 1, 1)  # naive UTC, as moto keeps its times

    def unix_time(dt: datetime | None = None) -> float:
        return time.time() if dt is None else (dt - epoch).total_seconds()

    def unix_time_millis(dt: datetime | None = None) -> float:
        return unix_time(dt) * 1000.0

    for module in (moto.core.utils, moto.sqs.models):
        module.unix_time = unix_time  # type: ignore[attr-defined]
        module.unix_time_millis = unix_time_millis  # type: ignore[attr-defined]

    def retained(backend: Any, queue_name: str, message: Any) -> bool:
        period = int(backend.get_queue(queue_name).message_retention_period)
        return bool(period + message.sent_timestamp / 1000 > unix_time())

    sqs_backend: Any = moto.sqs.models.SQSBackend
    sqs_backend.is_message_valid_based_on_retention_period = retained

    class CachingDispatcher(DomainDispatcherApplication):
        @functools.cache  # noqa: B019 - one dispatcher per process, alive as long as the process
        def get_backend_for_host(self, host: str | None) -> Any:
            return super().get_backend_for_host(host)

    return AtomicDynamoDb(CachingDispatcher(create_backend_app))


def _request_body(rfile: io.BufferedIOBase, headers: Message) -> bytes:
    """The whole request body (Content-Length or chunked), so the next request on the connection starts
    where the application's reading could not leave it."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while size := int(rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(rfile.read(size))
            rfile.readline()
        while rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(chunks)
    length = int(headers.get("Content-Length") or 0)
    return rfile.read(length) if length > 0 else b""


def _keep_alive_handler() -> type:
    """moto's request handler, answering over HTTP/1.1 keep-alive connections with Nagle's algorithm off.

    Werkzeug's development server closes every connection after one response: each AWS call paid a new
    connection and a new server thread, and under the end-to-end benchmark the accept loop queued the
    calls (over 100 ms a call, for 2 ms of moto's own work). Here the body is read whole before the
    application runs and the response goes out with its length, so the connection stays usable."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler  # noqa: PLC0415

    class KeepAliveHandler(MotoRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def run_wsgi(self) -> None:
            if self.headers.get("Expect", "").lower().strip() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = _request_body(self.rfile, self.headers)
            environ = self.make_environ()
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})

            response: list[Any] = []
            written: list[bytes] = []

            def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                response[:] = [status, headers]
                return written.append

            try:
                result = self.server.app(environ, start_response)
                try:
                    written.extend(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            except Exception:
                traceback.print_exc()
                self.close_connection = True
                response[:] = ["500 Internal Server Error", [("Content-Type", "text/plain")]]
                written[:] = [b"moto failed on this request; its error is in the stack's output"]

            status, headers = response
            code, _, reason = status.partition(" ")
            payload = b"".join(written)
            self.send_response(int(code), reason)
            framing = {"content-length", "transfer-encoding", "connection"}
            for name, value in headers:
                # A HEAD answer keeps the length of the body it describes (S3 HeadObject).
                if name.lower() not in framing or (
                    self.command == "HEAD" and name.lower() == "content-length"
                ):
                    self.send_header(name, value)
            if self.command != "HEAD" and int(code) not in (204, 304):
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

    return KeepAliveHandler


def serve(host: str) -> None:
    """Run moto's server application until SIGTERM or until the parent's pipe closes."""
    import logging  # noqa: PLC0415

    from werkzeug.serving import make_server  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log
    stop = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    threading.Thread(
        target=_stop_at_end_of_file, args=(sys.stdin.fileno(), stop), name="parent-watch", daemon=True
    ).start()

    server = make_server(host, 0, _moto_application(), threaded=True, request_handler=_keep_alive_handler())
    serving = threading.Thread(target=server.serve_forever, name="moto", daemon=True)
    serving.start()
    bound_host, port = server.socket.getsockname()[:2]
    print(f"{_ENDPOINT_PREFIX}http://{bound_host}:{port}", flush=True)
    # Nobody reads the pipe after that line: whatever moto prints later goes to the stack's stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    while not stop.wait(0.2):
        pass
    server.shutdown()
    server.server_close()
    # Nothing to save (the emulation's state dies with it), and unwinding moto's thousands of modules
    # takes seconds on a busy machine: leave at once.
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
