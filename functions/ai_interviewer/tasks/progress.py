"""A task's progress, piece by piece, so a redelivered message does not redo (nor pay for) work an earlier
receive finished. A ranking: an engine reports each resume's assessment as it lands and the rank task
keeps it (`JobStore.record_progress`). An interview: the task hands the engine the turns kept so far and
the engine reports each new question-and-answer pair, so a retry resumes the conversation where it broke.

Reporters and kept turns are context variables, like the job's deadline (`deadline.py`): they follow the
job into the engine's pool threads (which run in a copy of the caller's context) without widening the
engine ports. An engine that ignores them still works: the task keeps what the call returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ai_interviewer.engines.capabilities import ResumeAssessment
    from ai_interviewer.models.usage import Usage

# (position of the resume in the call's list, its assessment, the usage of the calls that made it)
AssessmentReporter = Callable[[int, "ResumeAssessment", "Usage"], None]

_reporter: ContextVar[AssessmentReporter | None] = ContextVar("assessment_reporter", default=None)


@contextmanager
def reporting_assessments(reporter: AssessmentReporter) -> Iterator[None]:
    """Within the block, `report_assessment` hands each assessment to `reporter`."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


def report_assessment(position: int, assessment: ResumeAssessment, usage: Usage) -> None:
    """Called by an engine once one resume's assessment is complete (from any of its threads)."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(position, assessment, usage)


# One interview round as the engine's structured outputs serialised it: (question JSON, answer JSON).
InterviewRound = tuple[str, str]
RoundReporter = Callable[[int, InterviewRound], None]

_kept_rounds: ContextVar[tuple[InterviewRound, ...]] = ContextVar("kept_interview_rounds", default=())
_round_reporter: ContextVar[RoundReporter | None] = ContextVar("interview_round_reporter", default=None)


@contextmanager
def resuming_interview(kept: tuple[InterviewRound, ...], reporter: RoundReporter) -> Iterator[None]:
    """Within the block, `kept_rounds` returns `kept` and `report_round` hands new rounds to `reporter`."""
    kept_token = _kept_rounds.set(kept)
    reporter_token = _round_reporter.set(reporter)
    try:
        yield
    finally:
        _round_reporter.reset(reporter_token)
        _kept_rounds.reset(kept_token)


def kept_rounds() -> tuple[InterviewRound, ...]:
    """The rounds of this interview an earlier receive finished, in order (empty outside a job)."""
    return _kept_rounds.get()


def report_round(number: int, interview_round: InterviewRound) -> None:
    """Called by an engine once round `number` (from 0) has its question and its answer."""
    reporter = _round_reporter.get()
    if reporter is not None:
        reporter(number, interview_round)
