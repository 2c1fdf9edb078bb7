"""`ai-interviewer`: the local stack (`local`) and a webhook receiver to try it with (`receive`)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

from ai_interviewer.settings import Settings, load_dotenv


def _wait_for_stop_signal() -> None:
    """Block until SIGINT (Ctrl-C) or SIGTERM; a second signal during shutdown exits at once."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stop.wait(0.5):
        pass


def run_local(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ai_interviewer.local.stack import check_port_free  # noqa: PLC0415

    try:
        check_port_free(args.host, args.port)  # at once, before anything starts
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        print("       (is another stack or server using it? choose another with --port)", file=sys.stderr)
        return 1
    environ = os.environ
    load_dotenv(Path(".env"), environ)
    if args.vacancy_store:
        environ["VACANCY_STORE"] = args.vacancy_store
    if args.database_url:
        environ["DATABASE_URL"] = args.database_url
    if environ.get("VACANCY_STORE") == "postgres" and not environ.get("DATABASE_URL"):
        parser.error("--vacancy-store postgres needs --database-url (or DATABASE_URL)")
    if args.verbose:
        return _serve_local(args, sys.stderr, "on stderr (--verbose)")
    log_path = Path(args.log_file or Path(tempfile.gettempdir()) / f"ai-interviewer-local-{args.port}.log")
    with log_path.open("w", encoding="utf-8", buffering=1) as function_log:
        return _serve_local(args, function_log, f"{log_path} (JSON lines; --verbose puts them on stderr)")


def _serve_local(args: argparse.Namespace, function_log: TextIO, log_place: str) -> int:
    from ai_interviewer.local.lambda_runtime import HandlerNotFoundError  # noqa: PLC0415
    from ai_interviewer.local.stack import (  # noqa: PLC0415
        LocalStack,
        apply_local_defaults,
        engine_description,
        ensure_token,
    )

    environ = os.environ
    generated_token = ensure_token(environ)
    apply_local_defaults(environ)

    stack = LocalStack(host=args.host, port=args.port, environ=environ, function_log=function_log)
    try:
        stack.start()
    except HandlerNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1

    settings = Settings.from_env(environ)
    print("AI Interviewer local stack (the Lambda code on an embedded AWS emulation)")
    print(f"  API        {stack.api_url}/api/v1/...")
    print(f"  engine     {engine_description(settings)}")
    print(f"  vacancies  {settings.vacancy_store.value}")
    print(f"  AWS        moto at {stack.moto_endpoint} (SQS, DynamoDB, S3, Secrets Manager)")
    print(f"  logs       {log_place}")
    if generated_token:
        print(f"  token      {generated_token}")
        print("             generated for this run (send it as X-Webhook-Token; set WEBHOOK_SECRET_TOKEN")
        print("             in the environment or .env to keep one)")
    else:
        print("  token      from WEBHOOK_SECRET_TOKEN")
    print(f"Ready: {stack.api_url}. Ctrl-C to stop.", flush=True)
    try:
        _wait_for_stop_signal()
    finally:
        print("Stopping...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


def run_receive(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ai_interviewer.local.receiver import WebhookReceiverServer  # noqa: PLC0415

    load_dotenv(Path(".env"), os.environ)
    token = args.token or os.environ.get("WEBHOOK_SECRET_TOKEN", "").strip()
    if not token:
        parser.error("no token: set WEBHOOK_SECRET_TOKEN (environment or .env) or pass --token")
    try:
        server = WebhookReceiverServer((args.host, args.port), token)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    serving = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    serving.start()
    print(f"Receiving webhooks on {server.url}/ (any path). Ctrl-C to stop.", flush=True)
    try:
        _wait_for_stop_signal()
    finally:
        server.shutdown()
        server.server_close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ai-interviewer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    local = commands.add_parser(
        "local",
        help="run the whole pipeline on this machine (API, queues, workers, notifier) with no Docker",
        description="The api, task and notifier Lambda handlers on an embedded AWS emulation (moto).",
    )
    local.add_argument("--host", default="127.0.0.1", help="address the API listens on (default 127.0.0.1)")
    local.add_argument("--port", type=int, default=3000, help="API port (default 3000)")
    local.add_argument(
        "--vacancy-store", choices=["dynamodb", "postgres"], help="where stored vacancies go (VACANCY_STORE)"
    )
    local.add_argument("--database-url", help="PostgreSQL URL for --vacancy-store postgres (DATABASE_URL)")
    logs = local.add_mutually_exclusive_group()
    logs.add_argument(
        "--log-file",
        help="file for the functions' JSON logs (default: ai-interviewer-local-PORT.log in the temp dir)",
    )
    logs.add_argument("--verbose", action="store_true", help="the functions' JSON logs on stderr instead")
    local.set_defaults(run=run_local, command_parser=local)

    receive = commands.add_parser(
        "receive",
        help="a webhook receiver that verifies both signatures and prints each payload",
        description="Answers 200 to webhooks whose signatures verify with the token, 401 to the rest.",
    )
    receive.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    receive.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    receive.add_argument("--token", help="the signing token (default: WEBHOOK_SECRET_TOKEN from env or .env)")
    receive.set_defaults(run=run_receive, command_parser=receive)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args, args.command_parser))


if __name__ == "__main__":
    sys.exit(main())
