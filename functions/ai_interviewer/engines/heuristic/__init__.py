"""The `heuristic` engine (CONTRACT §6): really reads Russian and English text, with no model."""

from ai_interviewer.engines.heuristic.engine import HeuristicEngine

__all__ = ["HeuristicEngine"]
