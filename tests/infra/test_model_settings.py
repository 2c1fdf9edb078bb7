"""The deployment's shortlist, prices and PII switch: CDK context settings passed to every function as
the variables the functions read (RANK_SHORTLIST, LLM_PRICE_*_PER_MTOK, PII_MINIMISATION)."""

from __future__ import annotations

from ai_interviewer.settings import Settings

from tests.infra.synthesis import Synthesized, python_function_ids, synthesize
from tests.infra.test_functions import environment

PRICES = ("LLM_PRICE_INPUT_PER_MTOK", "LLM_PRICE_CACHED_INPUT_PER_MTOK", "LLM_PRICE_OUTPUT_PER_MTOK")


def test_by_default_pii_is_minimised_and_no_shortlist_or_price_is_set(default_stack: Synthesized) -> None:
    for function_id in python_function_ids(default_stack):
        variables = environment(default_stack, function_id)
        assert variables["PII_MINIMISATION"] == "on"
        assert not {"RANK_SHORTLIST", *PRICES} & set(variables)


def test_context_settings_reach_every_function_as_the_functions_read_them() -> None:
    configured = synthesize(
        {
            "rank_shortlist": 50,
            "llm_price_input_per_mtok": 0.4,
            "llm_price_cached_input_per_mtok": 0,  # a self-hosted model's cache is free: 0 is a price
            "llm_price_output_per_mtok": "1.6",
            "pii_minimisation": False,
        }
    )
    for function_id in python_function_ids(configured):
        variables = environment(configured, function_id)
        settings = Settings.from_env(
            {name: str(variables[name]) for name in ("RANK_SHORTLIST", "PII_MINIMISATION", *PRICES)}
        )
        assert settings.rank_shortlist == 50 and settings.pii_minimisation is False
        assert (
            settings.llm_price_input_per_mtok,
            settings.llm_price_cached_input_per_mtok,
            settings.llm_price_output_per_mtok,
        ) == (0.4, 0.0, 1.6)
