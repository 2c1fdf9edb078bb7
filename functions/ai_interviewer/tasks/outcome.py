"""What every task returns to the worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

from ai_interviewer.models.usage import Usage

if TYPE_CHECKING:
    from ai_interviewer.engines.capabilities import Engine


class TaskOutcome(NamedTuple):
    """A task's result (the seed's payload, already validated) and what produced it, for the job record."""

    result: dict[str, Any]
    engine: str | None
    model: str | None
    prompt_version: str | None
    usage: Usage | None

    @classmethod
    def from_engine(cls, result: BaseModel, engine: Engine, usage: Usage) -> TaskOutcome:
        return cls(
            result=result.model_dump(mode="json", exclude_none=True),
            engine=engine.name,
            model=engine.model,
            prompt_version=engine.prompt_version,
            usage=usage,
        )
