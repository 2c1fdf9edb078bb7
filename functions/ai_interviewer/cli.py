"""`ai-interviewer`: the local stack (`local`), a webhook receiver to try it with (`receive`), an
engine's figures on a labelled set (`eval`), and one function on one event (`invoke`, `generate-event`)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

from ai_interviewer import resources
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
        environ[resources.VACANCY_STORE_ENV] = args.vacancy_store
    if args.database_url:
        environ[resources.DATABASE_URL_ENV] = args.database_url
    if environ.get(resources.VACANCY_STORE_ENV) == "postgres" and not environ.get(resources.DATABASE_URL_ENV):
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
    token = args.token or os.environ.get(resources.WEBHOOK_SECRET_TOKEN_ENV, "").strip()
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


def run_eval(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ai_interviewer import evaluation  # noqa: PLC0415
    from ai_interviewer.local.lambda_runtime import LOCAL_REGION  # noqa: PLC0415
    from ai_interviewer.local.stack import engine_description  # noqa: PLC0415
    from ai_interviewer.settings import EngineChoice  # noqa: PLC0415
    from ai_interviewer.wiring import build_services  # noqa: PLC0415

    # A copy: the engine chosen here is this run's, not the process's (nothing else reads it).
    environ = dict(os.environ)
    load_dotenv(Path(".env"), environ)
    if args.engine:
        environ[resources.LLM_ENGINE_ENV] = args.engine
    # The rank task calls no AWS service, but boto3 (which reads the process environment) needs a
    # region to build the clients Services holds.
    if not (environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")):
        os.environ["AWS_DEFAULT_REGION"] = LOCAL_REGION
    settings = Settings.from_env(environ)
    if settings.engine is EngineChoice.OPENAI and not (
        settings.openai_api_key or settings.openai_secret_arn or settings.openai_base_url
    ):
        parser.error("--engine openai needs OPENAI_API_KEY or OPENAI_BASE_URL (environment or .env)")
    try:
        cases = evaluation.load_cases(Path(args.file))
    except evaluation.EvalSetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    services = build_services(settings)
    print(f"engine {engine_description(settings)}; {len(cases)} cases", file=sys.stderr, flush=True)

    def progress(result: evaluation.CaseResult | evaluation.CounterfactualCase) -> None:
        print(f"  {result.case.name}: {result.error or 'done'}", file=sys.stderr, flush=True)

    if args.counterfactual:
        services = evaluation.without_minimisation(services)  # the engine itself is measured
    engine = services.engine
    description = {"name": engine.name, "model": engine.model}
    if args.counterfactual:
        swapped = evaluation.evaluate_counterfactual(cases, services, progress)
        data = evaluation.counterfactual_report(swapped, description)
        print(evaluation.format_counterfactual_report(data))
    else:
        results = evaluation.evaluate(cases, services, progress)
        data = evaluation.report(results, description)
        print(evaluation.format_report(data))
    if args.json:
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if data["overall"]["failed"] else 0


def run_invoke(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ai_interviewer.local import invoke  # noqa: PLC0415
    from ai_interviewer.local.aws_emulation import EmulationError  # noqa: PLC0415

    try:
        if args.list:
            template = invoke.find_template(args.template) if args.sam else None
            invoke.describe_functions(template, sys.stdout)
            return 0
        if args.sam:
            parser.error("--sam goes with --list")
        if args.function is None:
            parser.error("name a FUNCTION (or pass --list)")
        function = invoke.find_function(args.function)
        event = invoke.read_event(args.event, function)
        overrides: dict[str, str] = {}
        if args.env_vars:
            ids = invoke.template_logical_ids(function, args.template)
            overrides = invoke.read_env_vars(args.env_vars, function, ids)
        return invoke.run(
            function,
            event,
            overrides=overrides,
            stack_endpoint=args.stack,
            base_environ=os.environ,
            out=sys.stdout,
            err=sys.stderr,
        )
    except (invoke.InvokeError, EmulationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, invoke.InvokeError) else 1


def run_generate_event(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import json  # noqa: PLC0415

    from ai_interviewer.local import invoke  # noqa: PLC0415

    try:
        token = invoke.event_token(args.token, os.environ, stack_endpoint=args.stack)
        event = invoke.generate_event(args.name, token, job_id=args.job_id)
    except invoke.InvokeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(event, ensure_ascii=False, indent=2))
    return 0


def _add_invoke_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`invoke` and `generate-event`: one function's handler on one event, as `sam local` does it."""
    invoke_command = commands.add_parser(
        "invoke",
        help="run one function's handler on one event, in this process (like `sam local invoke`, no Docker)",
        description=(
            "Runs FUNCTION's real handler once on the event, against the embedded AWS emulation "
            "provisioned as `ai-interviewer local` does (or a running one, --stack). Prints the return "
            "value as JSON on stdout, then the function's logs on stderr; exits 1 if the handler raised. "
            "The webhook token is WEBHOOK_SECRET_TOKEN (environment or .env), else the running stack's, "
            "else the one the sample events in events/ carry."
        ),
    )
    invoke_command.add_argument(
        "function", nargs="?", help="api, notifier, a task (rank_resumes, ...): see --list"
    )
    invoke_command.add_argument(
        "event",
        nargs="?",
        help="event JSON file, or - for stdin (default: the function's first sample event)",
    )
    invoke_command.add_argument(
        "--env-vars", metavar="FILE", help='SAM\'s env-vars JSON: {"Parameters": {...}, "<function>": {...}}'
    )
    invoke_command.add_argument(
        "--stack",
        metavar="URL",
        help="the AWS emulation of a running `ai-interviewer local` (its `moto at` URL): messages land "
        "on the queues its workers poll",
    )
    invoke_command.add_argument(
        "--list", action="store_true", help="name the functions and their sample events, then exit"
    )
    invoke_command.add_argument(
        "--sam", action="store_true", help="with --list: add each function's logical id in the template"
    )
    invoke_command.add_argument(
        "--template", help="the synthesized template (default: the one in cdk.out/, from `npx cdk synth`)"
    )
    invoke_command.set_defaults(run=run_invoke, command_parser=invoke_command)

    generate = commands.add_parser(
        "generate-event",
        help="print a ready event: API Gateway for a route (rank-resumes), SQS for a task (rank_resumes)",
        description=(
            "Prints a fresh event built from the sample in events/: an API Gateway proxy event for a route "
            "(its name in the URL: rank-resumes, get-job, health, ...) carrying the webhook token, or an SQS "
            "event for a task (rank_resumes, ...) or notify, with a valid message."
        ),
    )
    generate.add_argument(
        "name", metavar="ROUTE|TASK", help="a route (rank-resumes), a task (rank_resumes) or notify"
    )
    generate.add_argument(
        "--token",
        help="the token to send (default: WEBHOOK_SECRET_TOKEN, else the --stack's, else the samples')",
    )
    generate.add_argument("--job-id", help="the job id of an SQS event (default: a new one)")
    generate.add_argument(
        "--stack",
        metavar="URL",
        help="take the token from a running `ai-interviewer local` (its `moto at` URL)",
    )
    generate.set_defaults(run=run_generate_event, command_parser=generate)


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

    evaluate = commands.add_parser(
        "eval",
        help="measure an engine on a labelled set: NDCG, pair order, Kendall tau, flag precision/recall",
        description="Runs each case of FILE through the rank task, as the workers do, and compares the "
        "order with the grades (format: tests/data/eval/README.md).",
    )
    evaluate.add_argument("file", metavar="FILE", help="the labelled set: a JSON list of cases")
    evaluate.add_argument(
        "--engine",
        choices=["heuristic", "openai"],
        help="the engine to measure (default: as configured, LLM_ENGINE)",
    )
    evaluate.add_argument(
        "--json", metavar="OUT", help="also write every figure and each case's order to OUT"
    )
    evaluate.add_argument(
        "--counterfactual",
        action="store_true",
        help="instead: re-score every resume with its name, gender markers and age swapped and report "
        "the score changes (a fair engine shows 0) and the swaps made",
    )
    evaluate.set_defaults(run=run_eval, command_parser=evaluate)
    _add_invoke_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args, args.command_parser))


if __name__ == "__main__":
    sys.exit(main())
