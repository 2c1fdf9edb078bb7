"""What a model call costs: USD per million tokens, for input, cached input and output.

The table holds OpenAI's list prices (standard tier) for the models people run this service with, from
OpenAI's pricing page (https://platform.openai.com/docs/pricing) as third-party copies of it show them
(deploybase.ai's table of March 2026, cloudprice.net, the `openai-cost` crate's 2026-Q2 table); recorded
here on 2026-12-02, not read from the live page. Prices change, so `LLM_PRICE_INPUT_PER_MTOK`,
`LLM_PRICE_CACHED_INPUT_PER_MTOK` and `LLM_PRICE_OUTPUT_PER_MTOK` override the table, or price a model
it does not know (Azure, vLLM, Ollama: set them to 0 for a model that costs nothing per token). A model
with no price gets `cost_usd: null`: an unknown cost is never shown as free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ai_interviewer.models.usage import COST_PLACES, Usage

if TYPE_CHECKING:
    from ai_interviewer.settings import Settings

MILLION = 1_000_000


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    cached_input: float
    output: float

    def cost(self, prompt_tokens: int, cached_prompt_tokens: int, completion_tokens: int) -> float:
        """Cached tokens are part of the prompt tokens, billed at the cached rate instead."""
        cached = min(cached_prompt_tokens, prompt_tokens)
        usd = (
            (prompt_tokens - cached) * self.input
            + cached * self.cached_input
            + completion_tokens * self.output
        ) / MILLION
        return round(usd, COST_PLACES)


# input, cached input, output (USD per million tokens); see the module's docstring for the source.
PRICES: dict[str, Price] = {
    "gpt-4o": Price(2.50, 1.25, 10.00),
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
    "gpt-4.1": Price(2.00, 0.50, 8.00),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.025, 0.40),
    "gpt-5": Price(1.25, 0.125, 10.00),
    "gpt-5-mini": Price(0.25, 0.025, 2.00),
    "gpt-5-nano": Price(0.05, 0.005, 0.40),
    "o4-mini": Price(1.10, 0.275, 4.40),
}

# A dated snapshot ("gpt-4o-mini-2024-07-18") costs what its alias costs.
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def listed_price(model: str) -> Price | None:
    """The table's price of `model` or of the alias of its dated snapshot; None for any other model."""
    name = model.strip().lower()
    return PRICES.get(name) or PRICES.get(_SNAPSHOT.sub("", name))


def model_price(settings: Settings) -> Price | None:
    """The configured model's price: the settings' override where given, the table for the rest. An
    override of the input price alone prices cached input like input (no discount assumed); without an
    input and an output price from one of the two, there is no price."""
    listed = listed_price(settings.openai_model)
    input_price = _first(settings.llm_price_input_per_mtok, listed.input if listed else None)
    output_price = _first(settings.llm_price_output_per_mtok, listed.output if listed else None)
    if input_price is None or output_price is None:
        return None
    cached_default = listed.cached_input if listed and settings.llm_price_input_per_mtok is None else None
    cached_price = _first(settings.llm_price_cached_input_per_mtok, cached_default)
    cached = input_price if cached_price is None else cached_price
    return Price(input=input_price, cached_input=cached, output=output_price)


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)


def priced(usage: Usage, price: Price | None) -> Usage:
    """`usage` with its `cost_usd` set from its tokens (None without a price)."""
    cost = (
        None
        if price is None
        else price.cost(usage.prompt_tokens, usage.cached_prompt_tokens, usage.completion_tokens)
    )
    return usage.model_copy(update={"cost_usd": cost})
