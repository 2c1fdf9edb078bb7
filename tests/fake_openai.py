"""A fake OpenAI-compatible Chat Completions server: real sockets on 127.0.0.1 (port 0), the real wire
protocol, scriptable per test.

Point the SDK's `base_url` at `FakeOpenAI.base_url`. Every request is recorded (raw bytes, parsed body,
headers); the replies come from, in order: a per-test script of `Reply`s, then `replier(request)`,
which by default answers with an instance of the request's strict JSON schema. The server also counts
requests in flight and remembers the maximum, and a replier can hold requests until enough of them are
in flight (`hold_until_in_flight`), which makes concurrency observable without timing assumptions.

Usage: a reply reports fixed token counts (`Reply.prompt_tokens`, `cached_tokens`), or with `None`
(`metered_reply`) what the server measured: prompt tokens estimated from the messages' UTF-8 bytes
(`BYTES_PER_TOKEN`), and cached tokens as OpenAI's prompt cache counts them: the longest prefix this
server has already seen for the model, in blocks of 128 tokens from 1024 on (a prefix is seen once its
request arrives, so concurrent requests hit a little sooner than at OpenAI).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_COMPLETIONS_PATH = "/v1/chat/completions"

# The measured usage's estimate: about 4 bytes of UTF-8 a token (English text under o200k_base; Russian
# text takes somewhat more tokens), and a few tokens of framing per message, as OpenAI counts them.
BYTES_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4
# OpenAI's prompt cache: prompts of 1024 tokens or more, cached in increments of 128 tokens.
CACHE_MIN_TOKENS = 1024
CACHE_BLOCK_TOKENS = 128


@dataclass(frozen=True)
class ChatRequest:
    """One request as the server received it."""

    raw: bytes
    body: dict[str, Any]
    headers: dict[str, str]  # lower-case names

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def system(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "system")

    def texts(self, role: str) -> list[str]:
        return [m["content"] for m in self.messages if m["role"] == role]

    @property
    def response_format(self) -> dict[str, Any]:
        return dict(self.body.get("response_format") or {})

    @property
    def schema(self) -> dict[str, Any] | None:
        json_schema = self.response_format.get("json_schema")
        return json_schema["schema"] if json_schema else None

    def conforming_answer(self) -> dict[str, Any]:
        """A valid instance of the request's JSON schema (strict mode), for repliers to adjust."""
        if self.schema is None:
            raise ValueError("the request carries no JSON schema")
        return instance_of(self.schema, self.schema)


@dataclass
class Reply:
    """What the server answers. `content` is the assistant message; `body` replaces the whole body."""

    status: int = 200
    content: str | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (interrupted when the server stops)
    finish_reason: str = "stop"
    refusal: str | None = None
    prompt_tokens: int | None = 11  # None: measured from the request (see the module's docstring)
    completion_tokens: int = 7
    cached_tokens: int | None = 0  # None: the server's prompt cache decides

    @classmethod
    def json(cls, answer: Any, **fields: Any) -> Reply:
        return cls(content=json.dumps(answer, ensure_ascii=False), **fields)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> Reply:
        error = {"message": f"fake error {status}", "type": "fake_error", "param": param, "code": code}
        return cls(
            status=status,
            body=json.dumps({"error": error}).encode(),
            headers=headers or {},
            delay=delay,
        )


Replier = Callable[[ChatRequest], Reply]


def conforming_reply(request: ChatRequest) -> Reply:
    """The default: a schema-valid answer (strict json_schema requests only)."""
    return Reply.json(request.conforming_answer())


# A reply's fields for usage the server measures rather than fixed numbers.
METERED: dict[str, Any] = {"prompt_tokens": None, "cached_tokens": None}


def metered_reply(request: ChatRequest) -> Reply:
    """A schema-valid answer with the usage the server measured: prompt tokens and cached tokens."""
    return Reply.json(request.conforming_answer(), **METERED)


def prompt_bytes(request: ChatRequest) -> bytes:
    """The prompt as the measured usage counts it: the output schema (OpenAI puts it ahead of the
    messages, in the cacheable prefix), then each message's role and text, in order."""
    schema = (
        json.dumps(request.response_format, ensure_ascii=False, sort_keys=True)
        if request.response_format
        else ""
    )
    messages = "".join(f"{m.get('role')}\n{m.get('content') or ''}\n" for m in request.messages)
    return (schema + messages).encode()


def estimated_tokens(request: ChatRequest) -> int:
    return -(-len(prompt_bytes(request)) // BYTES_PER_TOKEN) + TOKENS_PER_MESSAGE * len(request.messages)


def instance_of(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """A deterministic instance of a strict-mode JSON schema: enums pick their middle value."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    if "enum" in schema:
        return schema["enum"][len(schema["enum"]) // 2]
    scalars: dict[str, Any] = {"boolean": False, "integer": 5, "number": 5}
    kind = schema.get("type")
    if kind == "object":
        return {name: instance_of(sub, root) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [instance_of(schema["items"], root)]
    return scalars.get(str(kind), f"fake {schema.get('title', 'text').lower()}")


class FakeOpenAI:
    """Use as a context manager; `base_url` is ready inside it, every thread is stopped after it."""

    def __init__(self, replier: Replier = conforming_reply) -> None:
        self.replier = replier
        self.requests: list[ChatRequest] = []
        self.usages: list[dict[str, Any]] = []  # the `usage` of every completion answered, in order
        self.max_in_flight = 0
        self._in_flight = 0
        self._script: deque[Reply] = deque()
        self._state = threading.Condition()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._ids = itertools.count(1)
        self._cached_prefixes: set[bytes] = set()  # digests of the prompt prefixes seen, per model
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving, wake held or delayed requests, close kept-alive connections, join every thread."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._state:
            self._state.notify_all()
        self._server.shutdown()
        with self._state:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=10)

    def script(self, *replies: Reply) -> None:
        """The next requests get these replies, in order, before the replier takes over again."""
        with self._state:
            self._script.extend(replies)

    def hold_until_in_flight(self, count: int, timeout: float = 10.0) -> bool:
        """Block the calling request until `count` requests have been in flight at once (or time out)."""
        deadline = time.monotonic() + timeout
        with self._state:
            while self.max_in_flight < count and not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._state.wait(remaining)
            return self.max_in_flight >= count

    def requests_with(self, text: str) -> list[ChatRequest]:
        return [r for r in self.requests if text in json.dumps(r.body, ensure_ascii=False)]

    # --- server side ---

    def _answer(self, request: ChatRequest) -> tuple[Reply, int]:
        """The reply, and the request's prompt tokens found in the prompt cache."""
        with self._state:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self._state.notify_all()
            scripted = self._script.popleft() if self._script else None
            cached = self._cache_prompt(request)
        return (scripted if scripted is not None else self.replier(request)), cached

    def _cache_prompt(self, request: ChatRequest) -> int:
        """Tokens of the longest cached prefix of this prompt (whole blocks), caching all of its own."""
        prompt = prompt_bytes(request)
        digest = hashlib.sha256(str(request.body.get("model")).encode())
        block = CACHE_BLOCK_TOKENS * BYTES_PER_TOKEN
        hit = 0
        for end in range(block, len(prompt) + 1, block):
            digest.update(prompt[end - block : end])
            if end < CACHE_MIN_TOKENS * BYTES_PER_TOKEN:
                continue
            key = digest.copy().digest()
            if key in self._cached_prefixes:  # a seen prefix's shorter prefixes were all seen with it
                hit = end
            self._cached_prefixes.add(key)
        return hit // BYTES_PER_TOKEN

    def _done(self) -> None:
        with self._state:
            self._in_flight -= 1

    def _completion(self, request: ChatRequest, reply: Reply, cached: int) -> bytes:
        message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
        prompt_tokens = estimated_tokens(request) if reply.prompt_tokens is None else reply.prompt_tokens
        cached_tokens = min(cached, prompt_tokens) if reply.cached_tokens is None else reply.cached_tokens
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": prompt_tokens + reply.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        }
        with self._state:
            self.usages.append(usage)
        completion = {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.body.get("model", "fake-model"),
            "choices": [
                {"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}
            ],
            "usage": usage,
        }
        return json.dumps(completion, ensure_ascii=False).encode()

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._state:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle and delayed ACK add 40 ms.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.fake._track(self.connection, open_=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the recorded requests instead."""

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != CHAT_COMPLETIONS_PATH:
            self._send(404, json.dumps({"error": {"message": "not found"}}).encode(), {})
            return
        request = ChatRequest(
            raw=raw, body=json.loads(raw), headers={k.lower(): v for k, v in self.headers.items()}
        )
        try:
            reply, cached = fake._answer(request)
            if reply.delay and fake._stopping.wait(reply.delay):
                self.close_connection = True
                return
            body = reply.body if reply.body is not None else fake._completion(request, reply, cached)
            self._send(reply.status, body, reply.headers)
        finally:
            fake._done()

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (its timeout): nothing to answer
            self.close_connection = True
