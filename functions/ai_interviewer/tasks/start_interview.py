"""start_interview: the engine plays both sides and judges; code checks the turns and does the sums."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from ai_interviewer.engines.capabilities import Interviewer, InterviewTurn
from ai_interviewer.errors import InvalidModelOutputError
from ai_interviewer.language import detect_language
from ai_interviewer.models.requests import StartInterviewRequest
from ai_interviewer.models.results import InterviewAnalysis, StartInterviewResult
from ai_interviewer.models.usage import Usage
from ai_interviewer.resources import TaskName
from ai_interviewer.review import review_of
from ai_interviewer.scoring import effective_weights, overall_score
from ai_interviewer.screening import detect_flags
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.progress import InterviewRound, resuming_interview
from ai_interviewer.tasks.spec import TaskSpec

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services

# The contract's line prefixes, in English whatever the interview's language (CONTRACT §2).
ROUND_PART = "interview_round"  # the job store's name for a kept interview round
SPEAKER_PREFIX = {"interviewer": "Interviewer: ", "candidate": "Candidate: "}


def start_interview(request: StartInterviewRequest, job_id: str, services: Services) -> TaskOutcome:
    """The interview, resumed where an earlier receive of the job broke off: each finished round
    (question and answer) is kept on the job store as the engine reports it, and handed back to the
    engine on a redelivery, which replays it instead of asking again."""
    # The request has no weights: the interview is judged on the documented default criteria.
    weights = effective_weights(None)
    criteria = list(weights)
    engine = services.engine_for(Interviewer)
    stored = services.jobs.progress(job_id, ROUND_PART, services.settings.interview_questions)
    kept: list[InterviewRound] = []
    for number in range(len(stored)):  # the rounds in order, up to the first one missing
        if number not in stored:
            break
        question, answer = json.loads(stored[number])
        kept.append((question, answer))
    expires_at = int(time.time()) + services.settings.job_ttl_days * 86_400

    def keep(number: int, interview_round: InterviewRound) -> None:
        data = json.dumps(list(interview_round), ensure_ascii=False)
        services.jobs.record_progress(job_id, ROUND_PART, number, data, expires_at)

    with resuming_interview(tuple(kept), keep):
        interview, usage = engine.run_interview(
            request.vacancy_text, request.resume_text, criteria, detect_language(request.vacancy_text)
        )
    judgement = interview.judgement
    missing = [name for name in criteria if name not in judgement.scores]
    if missing:
        raise InvalidModelOutputError(f"interview judgement lacks criteria: {', '.join(missing)}", usage)
    scores = {name: judgement.scores[name].score for name in criteria}
    history = chat_history(interview.turns, usage)
    # The resume's own flags (the code's screening) call for review of the interview built on it too.
    flags = detect_flags(request.resume_text, vacancy_text=request.vacancy_text)
    analysis = InterviewAnalysis(
        scores=scores,
        overall_score=overall_score(weights, scores),
        summary=judgement.summary,
        pros=judgement.pros,
        cons=judgement.cons,
        recommendation=judgement.recommendation,
        review=review_of(weights, judgement.scores, flags, request.resume_text, *history),
    )
    result = StartInterviewResult(chat_history=history, analysis=analysis)
    return TaskOutcome.from_engine(result, engine, usage)


def chat_history(turns: list[InterviewTurn], usage: Usage) -> list[str]:
    """`Interviewer: ...` / `Candidate: ...` lines, alternating and opening with the interviewer."""
    if not turns:
        raise InvalidModelOutputError("the interview has no turns", usage)
    lines = []
    for index, turn in enumerate(turns):
        expected = "interviewer" if index % 2 == 0 else "candidate"
        if turn.speaker != expected:
            raise InvalidModelOutputError(f"turn {index + 1} should be the {expected}'s", usage)
        text = turn.text.strip()
        if not text:
            raise InvalidModelOutputError(f"turn {index + 1} is empty", usage)
        lines.append(SPEAKER_PREFIX[turn.speaker] + text)
    return lines


SPEC = TaskSpec(
    name=TaskName.START_INTERVIEW,
    request_model=StartInterviewRequest,
    result_model=StartInterviewResult,
    run=start_interview,
    timeout_seconds=300,
    calls_model=True,
    keeps_progress=True,
    openai_max_retries=2,
    request_example={
        "webhook_url": "https://your-app.com/webhook-receiver-analysis",
        "vacancy_text": "Полный текст вакансии...",
        "resume_text": "Полный текст резюме...",
    },
    result_example={
        "chat_history": [
            "Interviewer: Здравствуйте, расскажите о своем опыте.",
            "Candidate: Я 5 лет работаю с Python...",
        ],
        "analysis": {
            "scores": {"technical_skills": 8, "experience_relevance": 9},
            "overall_score": 8.2,
            "summary": "Кандидат продемонстрировал глубокие знания...",
            "pros": ["Опыт с FastAPI"],
            "cons": ["Неуверенные ответы по базам данных"],
            "recommendation": "рекомендуется к следующему этапу",
        },
    },
)
