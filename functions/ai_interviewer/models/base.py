"""The base of the models a function uses on some invocations only, and the text rule every stored client
text follows."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def not_blank(value: str) -> str:
    """A text kept as sent, with some character other than whitespace and no NUL."""
    if not value.strip():
        raise ValueError("must not be empty")
    # PostgreSQL cannot store NUL; refusing it here keeps both vacancy stores identical.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# A client's text (resume, vacancy, draft): the api's OpenAPI document describes fields carrying it.
NonBlankText = Annotated[str, AfterValidator(not_blank)]


class LazyModel(BaseModel):
    """A model whose validator and serializer pydantic builds on first use (validation, dump, JSON
    schema), not at import (`defer_build`): a request model only its route and its worker validate, a
    result only its task builds, the audit record, the api's views and the OpenAPI document's models.
    A cold start then pays for none of them until it needs one. The job record and the queue messages,
    which every invocation reads, stay plain `BaseModel`s, built at import (Lambda's init phase)."""

    model_config = ConfigDict(defer_build=True)
