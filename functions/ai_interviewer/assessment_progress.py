"""A ranking's progress, resume by resume: an engine reports each assessment as it lands, so the rank
task can keep it (`JobStore.record_assessment`) and a redelivered message assesses only what is missing.

The reporter is a context variable, like the job's deadline (`deadline.py`): it follows the job into the
engine's pool threads (which run in a copy of the caller's context) without widening the `Engine` port.
An engine that reports nothing still works: the task records what the call returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ai_interviewer.engines.base import ResumeAssessment
    from ai_interviewer.models.jobs import Usage

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
