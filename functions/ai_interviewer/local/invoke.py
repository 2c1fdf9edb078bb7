"""`ai-interviewer invoke` and `generate-event`: one function's real handler on one event, in this process,
the way `sam local invoke` runs it in a container, but with no container runtime.

The function runs against the embedded AWS emulation, provisioned as the local stack provisions it (or,
with `--stack`, against the emulation of a running `ai-interviewer local`, so a task message lands on the
queues its workers poll). Its return value is printed as JSON on stdout, then its logs on stderr between
Lambda's START/END/REPORT lines. The functions are `resources.function_handlers()`: a task added to
`TaskName` is invocable without a change here.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import task_spec

# The repository's sample events (the package is installed editable from the checkout).
EVENTS_DIR = Path(__file__).resolve().parents[3] / "events"
# The token the sample events carry: the default when neither the user nor a running stack sets one, so
# `invoke api events/api/rank-resumes.json` is accepted as it stands.
SAMPLE_EVENTS_TOKEN = "test-token-0123456789abcdef"  # noqa: S105 - a published sample value
TOKEN_HEADER = "X-Webhook-Token"  # noqa: S105 - a header name
# A function whose timeout `resources` does not name (a handler module added later) gets a minute.
DEFAULT_TIMEOUT_SECONDS = 60
# The notify queue's sample event (events/sqs/notify.json), and generate-event's name for its message.
NOTIFY_EVENT = "notify"
# The SQS event a function reads when it is not named after it (the notifier reads the notify queue).
SQS_SAMPLE_NAMES = {"notifier": NOTIFY_EVENT}
# Whose sample events lend their envelope to a task with no sample file of its own (`sample_api_event`).
ENVELOPE_TASK = TaskName.GENERATE_TAGS
# Which sample event runs when none is given: the api has one per route.
DEFAULT_API_EVENT = "health"
# Logs at INFO unless the user chose a level: they are what invoke is run for.
INVOKE_LOG_LEVEL = "INFO"


class InvokeError(RuntimeError):
    """Bad input for invoke or generate-event (unknown function, unreadable event or env-vars file)."""


@dataclass(frozen=True)
class FunctionInfo:
    """One Lambda function of the app, as `invoke` knows it."""

    name: str  # api, notifier, rank_resumes, ... (`resources.function_handlers`)
    handler: str

    @property
    def function_name(self) -> str:
        return f"ai-interviewer-{self.name.replace('_', '-')}"

    @property
    def timeout_seconds(self) -> int:
        if self.handler == resources.API_HANDLER:
            return resources.API_TIMEOUT_SECONDS
        if self.handler == resources.NOTIFIER_HANDLER:
            return resources.NOTIFIER_TIMEOUT_SECONDS
        if self.handler in (resources.TASK_DEAD_LETTERS_HANDLER, resources.NOTIFY_DEAD_LETTERS_HANDLER):
            return resources.DEAD_LETTERS_TIMEOUT_SECONDS
        task = _task_of(self.name)
        return task_spec(task).timeout_seconds if task else DEFAULT_TIMEOUT_SECONDS

    def sample_events(self, events_dir: Path = EVENTS_DIR) -> list[Path]:
        """The repository's sample events for this function, the default one first."""
        if self.handler == resources.API_HANDLER:
            routes = sorted((events_dir / "api").glob("*.json"))
            return sorted(routes, key=lambda path: path.stem != DEFAULT_API_EVENT)
        sample = events_dir / "sqs" / f"{SQS_SAMPLE_NAMES.get(self.name, self.name)}.json"
        return [sample] if sample.is_file() else []


def _task_of(name: str) -> TaskName | None:
    try:
        return TaskName(name)
    except ValueError:
        return None


def functions() -> list[FunctionInfo]:
    """Every function of the app, in name order."""
    return [FunctionInfo(name, handler) for name, handler in sorted(resources.function_handlers().items())]


def find_function(name: str) -> FunctionInfo:
    wanted = name.strip().replace("-", "_")
    for function in functions():
        if function.name == wanted:
            return function
    known = ", ".join(function.name for function in functions())
    raise InvokeError(f"no function {name!r}; the functions are: {known}")


# --- reading the inputs -----------------------------------------------------------------------------


def read_event(source: str | None, function: FunctionInfo, stdin: TextIO | None = None) -> dict[str, Any]:
    """The event from a file, from stdin (`-`), or the function's default sample event."""
    stdin = stdin or sys.stdin
    if source is None:
        samples = function.sample_events()
        if not samples and _task_of(function.name) is not None:
            return sample_sqs_event(function.name)  # a task without a sample file: from its spec
        if not samples:
            raise InvokeError(f"{function.name} has no sample event in {EVENTS_DIR}: give an event file")
        source = str(samples[0])
    label = "stdin" if source == "-" else source
    try:
        text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise InvokeError(f"cannot read the event {label}: {error.strerror or error}") from error
    try:
        event = json.loads(text)
    except ValueError as error:
        raise InvokeError(f"the event in {label} is not JSON: {error}") from error
    if not isinstance(event, dict):
        raise InvokeError(f"the event in {label} is a JSON {type(event).__name__}, not an object")
    return event


def read_env_vars(path: str, function: FunctionInfo, logical_ids: list[str]) -> dict[str, str]:
    """Variables from a SAM `--env-vars` file for `function`: `Parameters` applies to every function, a
    key naming the function (its handler module or its logical id in the template) to that function only
    and wins over `Parameters`. Values are strings; numbers and booleans are written as SAM writes them."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InvokeError(f"cannot read the env-vars file {path}: {error.strerror or error}") from error
    except ValueError as error:
        raise InvokeError(f"the env-vars file {path} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise InvokeError(f"the env-vars file {path} must be an object of {{function: {{NAME: value}}}}")
    variables: dict[str, str] = {}
    for key in ["Parameters", function.name, *logical_ids]:
        section = document.get(key)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise InvokeError(f"{path}: {key!r} must be an object of NAME: value")
        for name, value in section.items():
            if isinstance(value, dict | list) or value is None:
                raise InvokeError(f"{path}: {key}.{name} must be a string, number or boolean")
            variables[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return variables


# --- the synthesized template ------------------------------------------------------------------------


def find_template(path: str | None, cdk_out: Path = Path("cdk.out")) -> Path:
    """The given template, or the one stack template `npx cdk synth` wrote to cdk.out/."""
    if path is not None:
        return Path(path)
    found = sorted(cdk_out.glob("*.template.json"))
    if len(found) != 1:
        where = "none" if not found else ", ".join(str(template) for template in found)
        raise InvokeError(
            f"need one synthesized template in {cdk_out}/ (found {where}): run `npx cdk synth --quiet` "
            "or pass --template"
        )
    return found[0]


def logical_ids_by_handler(template: Path) -> dict[str, list[str]]:
    """Handler setting -> logical ids of the template's Lambda functions with that handler."""
    try:
        document = json.loads(template.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvokeError(f"cannot read the template {template}: {error}") from error
    ids: dict[str, list[str]] = {}
    for logical_id, resource in sorted(document.get("Resources", {}).items()):
        if resource.get("Type") == "AWS::Lambda::Function":
            handler = resource.get("Properties", {}).get("Handler")
            if isinstance(handler, str):
                ids.setdefault(handler, []).append(logical_id)
    return ids


def template_logical_ids(
    function: FunctionInfo, template: str | None, cdk_out: Path = Path("cdk.out")
) -> list[str]:
    """`function`'s logical ids in `template`, else in the one template in cdk.out/; none without one
    (an env-vars file may name functions by them, as for `sam local invoke`)."""
    try:
        path = find_template(template, cdk_out)
    except InvokeError:
        return []  # no template in cdk.out/ (a --template that is not there fails below, as it should)
    return logical_ids_by_handler(path).get(function.handler, [])


def describe_functions(template: Path | None, out: TextIO) -> None:
    """`invoke --list`: each function, its sample events and, from a template, its logical ids."""
    ids = logical_ids_by_handler(template) if template is not None else {}
    rows = []
    for function in functions():
        samples = " ".join(_shown(path) for path in function.sample_events()) or "(no sample event)"
        logical_ids = ",".join(ids.get(function.handler, ["(not in the template)"]))
        rows.append(
            [function.name, logical_ids, samples] if template is not None else [function.name, samples]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print(
            "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]),
            file=out,
        )


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


# --- the environment -----------------------------------------------------------------------------------


@contextlib.contextmanager
def process_environment(environ: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` is `environ` inside the block (handlers and boto3 read it), as it was after."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _webhook_secret_arn(session: Any, token: str) -> str:
    """The local webhook token secret: found (a running stack made it) or created with `token`."""
    client = session.client("secretsmanager")
    try:
        arn: str = client.describe_secret(SecretId=resources.LOCAL_WEBHOOK_SECRET)["ARN"]
    except client.exceptions.ResourceNotFoundException:
        arn = client.create_secret(Name=resources.LOCAL_WEBHOOK_SECRET, SecretString=token)["ARN"]
    return arn


def stack_environment(environ: MutableMapping[str, str], endpoint: str) -> None:
    """Point `environ` at the emulation at `endpoint` and fill in the functions' resources there, as
    the local stack does: its tables, queues, bucket and webhook token secret."""
    import boto3  # noqa: PLC0415 - the CLI's other commands do without it

    from ai_interviewer.local.provision import provision  # noqa: PLC0415
    from ai_interviewer.local.stack import emulation_environment  # noqa: PLC0415

    emulation_environment(environ, endpoint)
    with process_environment(environ):
        session = boto3.session.Session()
        environ.update(provision(session))
        token = environ.get(resources.WEBHOOK_SECRET_TOKEN_ENV, "").strip() or SAMPLE_EVENTS_TOKEN
        environ[resources.WEBHOOK_SECRET_ARN_ENV] = _webhook_secret_arn(session, token)


def _cold_start() -> None:
    """Empty what a warm Lambda keeps per process (settings, clients, services, secrets), so each invoke
    starts cold in its environment even when one process invokes several times (as the tests do)."""
    from ai_interviewer import aws, settings, wiring  # noqa: PLC0415

    settings.get_settings.cache_clear()
    settings._secret_cache.clear()
    wiring.default_services.cache_clear()
    aws._cached_client.cache_clear()
    aws._session.cache_clear()


# --- running the handler --------------------------------------------------------------------------------


@contextlib.contextmanager
def _captured_output(buffer: IO[str]) -> Iterator[None]:
    """Everything the function writes goes to `buffer`: print and tracebacks, and every stream handler of
    a named logger (Powertools binds its handler to the stdout of the moment it was created, and a
    process that invoked before, or imported the handlers earlier, holds older ones). The root logger's
    handlers are left alone unless they write to the standard streams. Afterwards each handler writes
    where it did before; one created during the call writes to this process's stdout."""
    stdout, stderr = sys.stdout, sys.stderr
    standard = (stdout, stderr, sys.__stdout__, sys.__stderr__)

    def stream_handlers() -> list[logging.StreamHandler[Any]]:
        root = logging.getLogger()
        found: list[logging.StreamHandler[Any]] = []
        for logger in [root, *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if not isinstance(handler, logging.StreamHandler) or isinstance(handler, logging.FileHandler):
                    continue
                if logger is not root or handler.stream in standard:
                    found.append(handler)
        return found

    before = {handler: handler.stream for handler in stream_handlers()}
    for handler in before:
        handler.setStream(buffer)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield
    finally:
        for handler in stream_handlers():
            if handler.stream is buffer:
                handler.setStream(before.get(handler, stdout))


@dataclass
class Invocation:
    """What one invoke produced: the return value (or Lambda's error object), the logs, the outcome."""

    response: Any
    logs: str
    failed: bool


def invoke_handler(function: FunctionInfo, event: dict[str, Any], environ: Mapping[str, str]) -> Invocation:
    """Load `function`'s handler in `environ`, call it once on `event` with a Lambda context."""
    from ai_interviewer.local.lambda_runtime import LambdaContext, load_handler  # noqa: PLC0415

    context = LambdaContext(function.function_name, function.timeout_seconds)
    request_id = context.aws_request_id
    buffer = io.StringIO()  # one C-level write per call: safe from the function's threads
    failed = False
    loading = time.monotonic()
    started = loading  # until the handler is loaded: Lambda reports its init apart from the invocation
    with process_environment(environ), _captured_output(buffer):
        _cold_start()
        try:
            handler = load_handler(function.handler, fresh=True)
            started = time.monotonic()
            response: Any = handler(copy.deepcopy(event), context)
        except Exception as error:
            failed = True
            # Lambda's error response, and its log line with the traceback.
            response = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "requestId": request_id,
                "stackTrace": traceback.format_tb(error.__traceback__),
            }
            print(f"[ERROR] {type(error).__name__}: {error}")
            traceback.print_exc(file=buffer)
    duration_ms = (time.monotonic() - started) * 1000
    init_ms = (started - loading) * 1000
    logs = [f"START RequestId: {request_id} Version: {context.function_version}", buffer.getvalue().rstrip()]
    if duration_ms > function.timeout_seconds * 1000:
        failed = True
        logs.append(
            f"{function.function_name} ran {duration_ms / 1000:.1f} s, over its {function.timeout_seconds} s "
            "timeout: Lambda would have stopped it"
        )
    logs += [
        f"END RequestId: {request_id}",
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tInit Duration: {init_ms:.2f} ms"
        f"\tTimeout: {function.timeout_seconds} s",
    ]
    return Invocation(response=response, logs="\n".join(line for line in logs if line) + "\n", failed=failed)


def local_environment(base: Mapping[str, str], dotenv: Path = Path(".env")) -> dict[str, str]:
    """The functions' environment before the emulation: the user's (and .env), with local defaults."""
    from ai_interviewer.local.stack import apply_local_defaults  # noqa: PLC0415
    from ai_interviewer.settings import load_dotenv  # noqa: PLC0415

    environ = dict(base)
    load_dotenv(dotenv, environ)
    if not environ.get(resources.POWERTOOLS_LOG_LEVEL_ENV, "").strip():
        environ[resources.POWERTOOLS_LOG_LEVEL_ENV] = INVOKE_LOG_LEVEL
    apply_local_defaults(environ)
    return environ


def run(
    function: FunctionInfo,
    event: dict[str, Any],
    *,
    overrides: Mapping[str, str],
    stack_endpoint: str | None,
    base_environ: Mapping[str, str],
    out: TextIO,
    err: TextIO,
) -> int:
    """The whole `invoke`: environment, emulation (started here unless `stack_endpoint`), one call, output.
    Exit status 1 when the handler raised (or overran its timeout), 0 otherwise."""
    from ai_interviewer.local.aws_emulation import AwsEmulation  # noqa: PLC0415

    environ = local_environment(base_environ)
    emulation = None if stack_endpoint else AwsEmulation()
    try:
        endpoint = stack_endpoint or emulation.start()  # type: ignore[union-attr]
        stack_environment(environ, endpoint)
        environ.update(overrides)  # the user's variables win, as SAM's --env-vars do
        invocation = invoke_handler(function, event, environ)
    finally:
        if emulation is not None:
            emulation.stop()
    print(json.dumps(invocation.response, ensure_ascii=False, default=str), file=out, flush=True)
    err.write(invocation.logs)
    err.flush()
    return 1 if invocation.failed else 0


# --- generate-event ----------------------------------------------------------------------------------------


def event_names(events_dir: Path = EVENTS_DIR) -> list[str]:
    """What generate-event accepts: every route (API event) and every task, plus notify (SQS event)."""
    routes = {path.stem for path in (events_dir / "api").glob("*.json")} | {task.route for task in TaskName}
    return [*sorted(routes), *(task.value for task in TaskName), NOTIFY_EVENT]


def _task_of_route(route: str) -> TaskName | None:
    return next((task for task in TaskName if task.route == route), None)


def _sample_file(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return event


def _known(task: TaskName | None, name: str) -> TaskName:
    if task is None:
        raise InvokeError(f"no route or task {name!r}; generate-event knows: {', '.join(event_names())}")
    return task


def sample_api_event(name: str, events_dir: Path = EVENTS_DIR) -> dict[str, Any]:
    """The repository's sample API event for a route (`rank-resumes`, `health`, ...). A task route with no
    file of its own gets its spec's example request on the envelope of another task's event: a new task
    has sample events without new files."""
    if (event := _sample_file(events_dir / "api" / f"{name}.json")) is not None:
        return event
    task = _known(_task_of_route(name), name)
    event = _sample_file(events_dir / "api" / f"{ENVELOPE_TASK.route}.json") or {}
    envelope_route = f"/webhook/{ENVELOPE_TASK.route}"
    for holder, key in ((event, "path"), (event, "resource"), (event["requestContext"], "path")):
        holder[key] = holder[key].replace(envelope_route, f"/webhook/{task.route}")
    event["requestContext"]["resourcePath"] = event["resource"]
    event["body"] = json.dumps(task_spec(task).request_example, ensure_ascii=False, indent=2)
    return event


def sample_sqs_event(name: str, events_dir: Path = EVENTS_DIR) -> dict[str, Any]:
    """The repository's sample SQS event for a task (`rank_resumes`) or `notify`. A task with no file of its
    own gets a task message of its spec's example request on the envelope of another task's event."""
    from ai_interviewer.models.jobs import TaskMessage  # noqa: PLC0415

    if (event := _sample_file(events_dir / "sqs" / f"{name}.json")) is not None:
        return event
    task = _known(_task_of(name), name)
    event = _sample_file(events_dir / "sqs" / f"{ENVELOPE_TASK.value}.json") or {}
    record = event["Records"][0]
    envelope = TaskMessage.model_validate_json(record["body"])
    request = task_spec(task).request_example
    body = TaskMessage(job_id=envelope.job_id, task=task, request=request).model_dump_json(exclude_none=True)
    record.update(
        {
            "body": body,
            "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
            "eventSourceARN": record["eventSourceARN"].rsplit(":", 1)[0]
            + f":{resources.local_task_queue_name(task)}",
        }
    )
    return event


def generate_event(
    name: str, token: str, *, job_id: str | None = None, events_dir: Path = EVENTS_DIR
) -> dict[str, Any]:
    """A fresh event from the sample one: an API Gateway proxy event for a route (`rank-resumes`, with
    `token` in its header) or an SQS event for a task (`rank_resumes`) or `notify`, with new ids."""
    from ai_interviewer.models.jobs import NotifyMessage, TaskMessage  # noqa: PLC0415

    now_ms = int(time.time() * 1000)
    if (events_dir / "api" / f"{name}.json").is_file() or _task_of_route(name) is not None:
        event = sample_api_event(name, events_dir)
        if TOKEN_HEADER in (event.get("headers") or {}):
            event["headers"][TOKEN_HEADER] = token
            event["multiValueHeaders"][TOKEN_HEADER] = [token]
        context = event["requestContext"]
        context["requestId"] = str(uuid.uuid4())
        context["requestTimeEpoch"] = now_ms
        context["requestTime"] = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now_ms / 1000))
        return event
    task = _task_of(name)
    if task is None and name != NOTIFY_EVENT:
        raise InvokeError(f"no route or task {name!r}; generate-event knows: {', '.join(event_names())}")
    job = job_id or str(uuid.uuid4())
    if task is not None:
        route_body = json.loads(sample_api_event(task.route, events_dir)["body"])
        body = TaskMessage(job_id=job, task=task, request=route_body).model_dump_json(exclude_none=True)
        queue = resources.local_task_queue_name(task)
    else:
        body = NotifyMessage(job_id=job).model_dump_json()
        queue = resources.LOCAL_NOTIFY_QUEUE
    event = sample_sqs_event(name, events_dir)
    record = event["Records"][0]
    record.update(
        {
            "messageId": str(uuid.uuid4()),
            "receiptHandle": f"local-{uuid.uuid4()}",
            "body": body,
            "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
            "eventSourceARN": record["eventSourceARN"].rsplit(":", 1)[0] + f":{queue}",
        }
    )
    record["attributes"].update(
        {
            "SentTimestamp": str(now_ms),
            "ApproximateFirstReceiveTimestamp": str(now_ms),
            "ApproximateReceiveCount": "1",
        }
    )
    event["Records"] = [record]
    return event


def event_token(
    explicit: str | None,
    base: Mapping[str, str],
    *,
    stack_endpoint: str | None = None,
    dotenv: Path = Path(".env"),
) -> str:
    """--token, else WEBHOOK_SECRET_TOKEN (environment or .env), else the running stack's (its secret),
    else the sample events' token: the same order `invoke` resolves it in."""
    from ai_interviewer.settings import load_dotenv  # noqa: PLC0415

    if explicit:
        return explicit
    environ = dict(base)
    load_dotenv(dotenv, environ)
    if environ.get(resources.WEBHOOK_SECRET_TOKEN_ENV, "").strip():
        return environ[resources.WEBHOOK_SECRET_TOKEN_ENV].strip()
    if stack_endpoint:
        import boto3  # noqa: PLC0415

        from ai_interviewer.local.stack import emulation_environment  # noqa: PLC0415

        emulation_environment(environ, stack_endpoint)
        with process_environment(environ):
            client = boto3.session.Session().client("secretsmanager")
            with contextlib.suppress(client.exceptions.ResourceNotFoundException):
                token: str = client.get_secret_value(SecretId=resources.LOCAL_WEBHOOK_SECRET)["SecretString"]
                return token
    return SAMPLE_EVENTS_TOKEN
