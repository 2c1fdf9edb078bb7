"""The engine port with personal data kept from the engine (`PII_MINIMISATION`, on by default).

`wiring.build_engine` wraps every engine it builds (`minimising`), so the model (and the heuristic
engine, which judges the same text) only ever reads minimised resumes and vacancies (`ai_interviewer.pii`).
What the engine returns goes to the client as it is: every removal left a placeholder, so a quote
without one is the original text verbatim, and one with a placeholder keeps it, as personal data is
never put back into model output. The tasks' own screening (`screening.detect_flags`) still reads the
raw resume, outside this wrapper.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from ai_interviewer.engines.capabilities import Engine, PersonalText, capabilities_of
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.pii import minimise


def minimised_resume(text: str) -> str:
    return minimise(text, resume=True).text


@functools.lru_cache(maxsize=4)  # the same vacancy for every chunk of a ranking: minimised once
def minimised_vacancy(text: str) -> str:
    """A vacancy's contact details (a recruiter's e-mail, phone, messenger, a labelled contact person)
    are a third person's data: removed from every call, write_vacancy and extract_tags included, as
    neither needs them to write a description or name tags."""
    return minimise(text, resume=False).text


class MinimisingEngine(Engine):
    """`inner` as it is (name, model, prompt version, progress reports), fed minimised texts. Built by
    `minimising(inner)`, with exactly the capabilities `inner` has."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.prompt_version = inner.prompt_version


def minimising(inner: Engine) -> MinimisingEngine:
    """`inner` behind the minimisation, offering the capabilities `inner` offers."""
    return _wrapper_class(capabilities_of(inner))(inner)


def _minimised(kind: PersonalText, value: Any) -> Any:
    """`value` with its texts minimised: a string, a resume, or a list of either (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return minimised_vacancy(value) if kind is PersonalText.VACANCY else minimised_resume(value)
    if isinstance(value, ResumeIn):
        return value.model_copy(update={"content": _minimised(kind, value.content)})
    if isinstance(value, list | tuple):
        # Same length and order: the inner engine's progress reports keep their positions.
        return [_minimised(kind, item) for item in value]
    raise TypeError(f"no minimisation for a {type(value).__name__} marked {kind.value}")


def _mark(hint: Any) -> PersonalText | None:
    """The hint's mark, on it or on a member of its Union (`ResumeText | None`)."""
    marks = [mark for mark in getattr(hint, "__metadata__", ()) if isinstance(mark, PersonalText)]
    if marks:
        return marks[0]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = {_mark(argument) for argument in typing.get_args(hint)} - {None}
        return inner.pop() if len(inner) == 1 else None
    return None


def _holds_text(hint: Any) -> bool:
    """Whether a value of `hint` may carry a string or a resume anywhere (in an Optional, a list, ...)."""
    if hint is str or hint is ResumeIn:
        return True
    return any(_holds_text(argument) for argument in typing.get_args(hint))


def _minimising_method(capability: type[Engine], name: str) -> Callable[..., Any]:
    """`capability.name` calling the inner engine's with each marked text minimised (`PersonalText`)."""
    declared = getattr(capability, name)
    signature = inspect.signature(declared)
    hints = typing.get_type_hints(declared, include_extras=True)
    kinds: dict[str, PersonalText] = {}
    for parameter in list(signature.parameters)[1:]:
        hint = hints[parameter]
        mark = _mark(hint)
        if mark is not None:
            if mark is not PersonalText.NONE:
                kinds[parameter] = mark
        elif _holds_text(hint):
            raise TypeError(
                f"{capability.__name__}.{name}: `{parameter}` is a text that says not whether it is a "
                "resume or a vacancy (mark it ResumeText, VacancyText, Resumes or PersonalText.NONE)"
            )

    def method(self: MinimisingEngine, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        for parameter, kind in kinds.items():
            bound.arguments[parameter] = _minimised(kind, bound.arguments[parameter])
        return getattr(self.inner, name)(*bound.args[1:], **bound.kwargs)

    method.__name__ = method.__qualname__ = name
    return method


@functools.cache
def _wrapper_class(capabilities: tuple[type[Engine], ...]) -> type[MinimisingEngine]:
    methods = {
        name: _minimising_method(capability, name)
        for capability in capabilities
        for name in capability.__abstractmethods__
    }
    return type("MinimisingEngine", (MinimisingEngine, *capabilities), {"__module__": __name__, **methods})
