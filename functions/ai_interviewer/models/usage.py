"""What a job spent on the model: tokens and calls summed over its calls, and their price.

Its own module because both the job record (`models.jobs`) and the webhook envelope
(`models.payloads`) carry it, and the job record already imports the payloads.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

# Sums of per-call costs are rounded to this many decimals, so float noise never shows in a payload
# (a millionth of a cent is far below any price step).
COST_PLACES = 8


class Usage(BaseModel):
    """What a job spent on the model, summed over its calls."""

    prompt_tokens: int = Field(default=0, description="Prompt tokens, cached ones included")
    cached_prompt_tokens: int = Field(
        default=0, description="The part of `prompt_tokens` the provider served from its prompt cache"
    )
    completion_tokens: int = 0
    calls: int = Field(default=0, description="Model calls answered (repairs included)")
    # 0.0 when nothing was spent (the heuristic engine makes no call).
    cost_usd: float | None = Field(
        default=0.0,
        ge=0,
        description="USD at the deployment's prices; null when the model has no known price",
    )

    def __add__(self, other: Usage) -> Usage:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            cached_prompt_tokens=self.cached_prompt_tokens + other.cached_prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cost_usd=None if cost is None else round(cost, COST_PLACES),
        )

    def __sub__(self, other: Usage) -> Usage:
        """What is left of this usage once `other` is taken out (never below zero)."""
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd - other.cost_usd
        return Usage(
            prompt_tokens=max(0, self.prompt_tokens - other.prompt_tokens),
            cached_prompt_tokens=max(0, self.cached_prompt_tokens - other.cached_prompt_tokens),
            completion_tokens=max(0, self.completion_tokens - other.completion_tokens),
            calls=max(0, self.calls - other.calls),
            cost_usd=None if cost is None else max(0.0, round(cost, COST_PLACES)),
        )
