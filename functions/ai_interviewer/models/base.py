"""The base of the models a function uses on some invocations only."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LazyModel(BaseModel):
    """A model whose validator and serializer pydantic builds on first use (validation, dump, JSON
    schema), not at import (`defer_build`): a request model only its route and its worker validate, a
    result only its task builds, the audit record, the api's views and the OpenAPI document's models.
    A cold start then pays for none of them until it needs one. The job record and the queue messages,
    which every invocation reads, stay plain `BaseModel`s, built at import (Lambda's init phase)."""

    model_config = ConfigDict(defer_build=True)
