"""The deployment's TAGS_FORMAT: one CDK context setting, passed to every function (the api describes
the format in its OpenAPI document, the tag worker produces it)."""

from __future__ import annotations

from tests.infra.synthesis import Synthesized, python_function_ids, synthesize
from tests.infra.test_functions import environment


def test_tags_format_defaults_to_the_seeds_string_on_every_function(default_stack: Synthesized) -> None:
    for function_id in python_function_ids(default_stack):
        assert environment(default_stack, function_id)["TAGS_FORMAT"] == "string"


def test_context_tags_format_list_reaches_every_function() -> None:
    listed = synthesize({"tags_format": "list"})
    for function_id in python_function_ids(listed):
        assert environment(listed, function_id)["TAGS_FORMAT"] == "list"
