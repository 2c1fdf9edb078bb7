"""One structured model call: the request, validation in code, one repair turn, and the SDK's errors
turned into the domain's (`TransientError` retries the SQS message, `PermanentError` ends the job).

The request carries the output model's strict `json_schema` (`output_schema`, built here from the
pydantic model) or, for endpoints without schema support, uses `json_object` mode with that schema in the
system message. Either way the answer is read from the raw body and validated here, so its token usage
and its text survive a failed validation: the usage is still counted and the text goes back to the model
with the validation errors for the one repair attempt.

Retries are ours (`engines.openai.retries`, the SDK's rule), within the client's `max_retries`; the SDK's
own loop is off. Under a job deadline (`ai_interviewer.deadline`) no call starts with less than
`MIN_CALL_SECONDS` left, no attempt's timeout reaches past the deadline, and no retry starts that could
not finish before it; a call stopped by the deadline ends in `DeadlineExceededError` (transient), never
in a permanent error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from openai.types.chat.chat_completion import Choice
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ValidationError

from ai_interviewer.deadline import DeadlineExceededError, remaining_seconds, require_remaining
from ai_interviewer.engines.openai.outputs import UntitledJsonSchema
from ai_interviewer.engines.openai.retries import RETRY_COUNT_HEADER, with_retries
from ai_interviewer.engines.openai.templates import PromptTemplates
from ai_interviewer.errors import (
    FailureCode,
    InvalidModelOutputError,
    PermanentError,
    TransientCode,
    TransientError,
)
from ai_interviewer.language import Language
from ai_interviewer.models.usage import Usage
from ai_interviewer.pricing import Price, priced

logger = logging.getLogger(__name__)

OutputT = TypeVar("OutputT", bound=BaseModel)

LLM_AUTH_FAILED = FailureCode.LLM_AUTH_FAILED
LLM_BAD_REQUEST = FailureCode.LLM_BAD_REQUEST
LLM_QUOTA_EXCEEDED = FailureCode.LLM_QUOTA_EXCEEDED

_MAX_ERROR_SUMMARY_CHARS = 1500

# The least time worth starting a model call with, under a deadline: less could hardly get an answer, and
# the job's remaining time is better spent recording that it ran out.
MIN_CALL_SECONDS = 2.0


Message = ChatCompletionMessageParam


def system_message(text: str) -> ChatCompletionSystemMessageParam:
    return {"role": "system", "content": text}


def user_message(text: str) -> ChatCompletionUserMessageParam:
    return {"role": "user", "content": text}


def assistant_message(text: str) -> ChatCompletionAssistantMessageParam:
    return {"role": "assistant", "content": text}


def output_schema(output: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema an output model is sent as: pydantic's, without titles. Strict as it stands
    (`Output` forbids extra keys and its fields have no defaults), so the SDK's strict rewrite is not
    needed: a test pins that every object in it closes its properties and requires them all."""
    return output.model_json_schema(schema_generator=UntitledJsonSchema)


@dataclass(frozen=True)
class _Reply:
    text: str | None
    problem: str | None = None  # why the reply cannot be used, before even looking at its JSON


class _UnusableReplyError(Exception):
    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


class StructuredChat:
    """Sends one conversation and returns the validated output with the usage it cost.

    The client's `timeout` and `max_retries` are the call's attempt timeout and retry budget; the retries
    are ours, so requests go through a copy of the client (sharing its connection pool) whose own retries
    are off."""

    def __init__(
        self,
        client: openai.OpenAI,
        model: str,
        templates: PromptTemplates,
        *,
        structured_outputs: bool = True,
        price: Price | None = None,
    ) -> None:
        self._client = client.with_options(max_retries=0)
        self._max_retries = client.max_retries
        self._attempt_seconds = _attempt_seconds(client.timeout)  # 0: unbounded
        self._model = model
        self._price = price  # None: the calls' cost is unknown (`cost_usd` null)
        self._templates = templates
        self._structured_outputs = structured_outputs
        # Some models (reasoning ones) refuse a temperature; after the first refusal we stop sending it.
        self._send_temperature = True

    def complete(
        self,
        messages: Sequence[ChatCompletionMessageParam],
        output: type[OutputT],
        language: Language,
        *,
        temperature: float,
    ) -> tuple[OutputT, Usage]:
        """The validated output. An answer that fails validation gets one repair turn (the errors are
        sent back); a second failure is `PermanentError("invalid_model_output")`, never half an output."""
        conversation = list(messages)
        if not self._structured_outputs:
            conversation = self._with_schema_instructions(conversation, output, language)
        usage = Usage()
        for attempt in (1, 2):
            reply, call_usage = self._send(conversation, output, temperature)
            usage += call_usage
            try:
                return _validated(reply, output), usage
            except _UnusableReplyError as unusable:
                if attempt == 2:
                    raise InvalidModelOutputError(
                        f"the model's answer failed validation after one repair attempt: {unusable.summary}",
                        usage,
                    ) from None
                logger.warning("unusable model output; one repair", extra={"problem": unusable.summary})
                if reply.text:
                    conversation.append(assistant_message(reply.text))
                conversation.append(
                    user_message(self._templates.render("repair", language, errors=unusable.summary))
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _with_schema_instructions(
        self, messages: list[ChatCompletionMessageParam], output: type[BaseModel], language: Language
    ) -> list[ChatCompletionMessageParam]:
        """json_object mode knows no schema: the system message carries it (and the word JSON it needs)."""
        schema = json.dumps(output_schema(output), ensure_ascii=False, separators=(",", ":"))
        instructions = self._templates.render("json_mode", language, schema=schema)
        first, *rest = messages
        if first["role"] != "system" or not isinstance(first.get("content"), str):
            raise ValueError("a conversation starts with its system message")
        return [system_message(f"{first['content']}\n\n{instructions}"), *rest]

    def _send(
        self, messages: list[ChatCompletionMessageParam], output: type[BaseModel], temperature: float
    ) -> tuple[_Reply, Usage]:
        remaining = require_remaining(MIN_CALL_SECONDS)
        # Under a deadline every attempt's timeout is capped at the time left when the call starts.
        attempt_seconds = self._attempt_seconds
        if remaining is not None:
            attempt_seconds = min(attempt_seconds, remaining) if attempt_seconds > 0 else remaining
        timeout: float | openai.NotGiven = openai.NOT_GIVEN if remaining is None else attempt_seconds
        sent_temperature = temperature if self._send_temperature else openai.omit
        response_format: ResponseFormatJSONSchema | None = None
        if self._structured_outputs:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": output.__name__, "schema": output_schema(output), "strict": True},
            }

        def attempt(retry: int) -> bytes:
            return self._client.chat.completions.with_raw_response.create(
                model=self._model,
                messages=messages,
                response_format=response_format or {"type": "json_object"},
                temperature=sent_temperature,
                timeout=timeout,
                extra_headers={RETRY_COUNT_HEADER: str(retry)},
            ).http_response.content

        try:
            body = with_retries(attempt, max_retries=self._max_retries, attempt_seconds=attempt_seconds)
        except openai.BadRequestError as error:
            if error.param == "temperature" and self._send_temperature:
                self._send_temperature = False
                return self._send(messages, output, temperature)
            raise domain_error(error) from error
        except openai.APIError as error:
            raise _deadline_or(domain_error(error)) from error
        reply, usage = _read_reply(body)
        return reply, priced(usage, self._price)


def _attempt_seconds(timeout: object) -> float:
    """An SDK timeout setting as seconds for one attempt (a `Timeout`'s read phase; 0 when unbounded)."""
    if isinstance(timeout, int | float):
        return float(timeout)
    read = getattr(timeout, "read", None)
    return float(read) if isinstance(read, int | float) else 0.0


def _deadline_or(error: TransientError | PermanentError) -> TransientError | PermanentError:
    """A transient failure once the deadline is (nearly) reached is the deadline's doing (its timeout was
    capped by it, or its retries cut short): it says so, as `DeadlineExceededError`."""
    remaining = remaining_seconds()
    if isinstance(error, TransientError) and remaining is not None and remaining < MIN_CALL_SECONDS:
        return DeadlineExceededError(f"the LLM call ran into the job's deadline ({error})")
    return error


def _read_reply(body: bytes) -> tuple[_Reply, Usage]:
    try:
        completion = ChatCompletion.model_validate_json(body)
    except ValueError:
        return _Reply(text=None, problem="the endpoint's answer was not a chat completion"), Usage(calls=1)
    tokens = completion.usage
    # The part of the prompt served from the provider's cache (OpenAI: a prefix of 1024+ tokens seen
    # recently); endpoints without a prompt cache leave it out.
    details = tokens.prompt_tokens_details if tokens else None
    usage = Usage(
        prompt_tokens=tokens.prompt_tokens if tokens else 0,
        cached_prompt_tokens=(details.cached_tokens or 0) if details else 0,
        completion_tokens=tokens.completion_tokens if tokens else 0,
        calls=1,
    )
    if not completion.choices:
        return _Reply(text=None, problem="the answer held no choices"), usage
    choice = completion.choices[0]
    return _Reply(choice.message.content, _problem(choice)), usage


def _problem(choice: Choice) -> str | None:
    """Why a choice cannot be used whatever its text says, or None."""
    if choice.finish_reason == "length":
        return "the answer was cut off at the token limit; answer more briefly"
    if choice.finish_reason == "content_filter":
        return "the answer was stopped by the content filter"
    if choice.message.refusal:
        return "the answer was a refusal; judge the data as instructed"
    return None if choice.message.content else "the answer was empty"


def _validated(reply: _Reply, output: type[OutputT]) -> OutputT:
    if reply.problem or not reply.text:
        raise _UnusableReplyError(reply.problem or "the answer was empty")
    try:
        return output.model_validate_json(_without_code_fence(reply.text))
    except ValidationError as error:
        raise _UnusableReplyError(_error_summary(error)) from None


def _without_code_fence(text: str) -> str:
    """json_object-mode models sometimes wrap the object in a Markdown code fence."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```"):
        body = stripped[3:-3]
        return body.removeprefix("json").strip()
    return text


def _error_summary(error: ValidationError) -> str:
    """Field paths and messages only: the offending values may be untrusted text."""
    parts = [
        f"{'.'.join(str(p) for p in item['loc']) or '(root)'}: {item['msg']}"
        for item in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    return "; ".join(parts)[:_MAX_ERROR_SUMMARY_CHARS]


def domain_error(error: openai.APIError) -> TransientError | PermanentError:
    """What survives the retries (`engines.openai.retries`): worth retrying later, or never worth it.

    Messages name the HTTP status and error class only; provider messages can echo request text.
    """
    if not isinstance(error, openai.APIStatusError):  # connection errors and timeouts
        return TransientError(
            f"LLM endpoint unreachable or too slow after retries ({type(error).__name__})",
            code=TransientCode.LLM_UNREACHABLE,
            error_class=type(error).__name__,
        )
    status = error.status_code
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return PermanentError(LLM_AUTH_FAILED, f"the LLM endpoint refused the credentials (HTTP {status})")
    if isinstance(error, openai.RateLimitError) and error.code == "insufficient_quota":
        return PermanentError(LLM_QUOTA_EXCEEDED, "the LLM account has no quota left (HTTP 429)")
    if status >= 500 or status in (408, 409, 429):
        return TransientError(
            f"LLM endpoint failing past the retry budget (HTTP {status})",
            code=TransientCode.LLM_UNAVAILABLE,
            error_class=type(error).__name__,
            http_status=status,
        )
    return PermanentError(LLM_BAD_REQUEST, f"the LLM endpoint rejected the request (HTTP {status})")
