"""Prompt templates (files under `ai_interviewer/prompts/<version>/<language>/`) and the data fences
that wrap every untrusted text before it reaches the model."""

from __future__ import annotations

import functools
import random
import secrets
import string
from enum import StrEnum
from importlib import resources
from string import Template

from ai_interviewer.language import Language
from ai_interviewer.prompts import CURRENT_VERSION

# Replaces any occurrence of the boundary inside untrusted text. It holds no letter or digit, so the
# replacement can never join its neighbours into a new occurrence of the (alphanumeric) boundary.
NEUTRALISED_BOUNDARY = "[⋯]"

# 12 lowercase letters: 56 bits, unguessable by text written before the job, and about 5 tokens
# (o200k_base) where 24 hex digits took about 14. It is on every fence line and in every system message.
BOUNDARY_ALPHABET = string.ascii_lowercase
BOUNDARY_LENGTH = 12


class DataKind(StrEnum):
    VACANCY = "VACANCY"
    RESUME = "RESUME"
    DRAFT = "DRAFT"
    QUESTION = "QUESTION"
    ANSWER = "ANSWER"
    TRANSCRIPT = "TRANSCRIPT"


def new_boundary(rng: random.Random | None = None) -> str:
    """A fresh per-job token: unguessable, so text written before the job cannot close its fence.
    (`rng` is for reproducible measurements only; the default is the OS's CSPRNG.)"""
    chooser = rng or secrets.SystemRandom()
    return "".join(chooser.choice(BOUNDARY_ALPHABET) for _ in range(BOUNDARY_LENGTH))


class DataFence:
    """Wraps untrusted text between BEGIN/END lines that carry the job's boundary token."""

    def __init__(self, boundary: str) -> None:
        if not boundary or not boundary.isalnum():
            raise ValueError("the boundary must be a non-empty alphanumeric token")
        self.boundary = boundary

    def wrap(self, kind: DataKind, text: str) -> str:
        safe = text.replace(self.boundary, NEUTRALISED_BOUNDARY)
        return f"=== BEGIN {kind} {self.boundary} ===\n{safe}\n=== END {kind} {self.boundary} ==="


class PromptTemplates:
    """One version's templates. `render` fills `$data_rules` (with the job's boundary) by itself."""

    def __init__(self, version: str = CURRENT_VERSION) -> None:
        self.version = version

    def render(self, name: str, language: Language, **values: str) -> str:
        """The template with every placeholder filled; a missing value is a KeyError, never a gap."""
        if "boundary" in values:
            rules = _read_template(self.version, "data_rules", language)
            values.setdefault("data_rules", Template(rules).substitute(values))
        return Template(_read_template(self.version, name, language)).substitute(values)


@functools.cache
def _read_template(version: str, name: str, language: Language) -> str:
    """A handful of small files, read once per process."""
    path = resources.files("ai_interviewer.prompts").joinpath(version, language.value, f"{name}.md")
    return path.read_text(encoding="utf-8").rstrip()


def bullet_list(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
