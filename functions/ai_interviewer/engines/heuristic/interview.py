"""A simulated interview: the recruiter asks about the vacancy's requirements, the candidate answers only
from its (screened) resume and admits gaps; the analysis scores what the answers covered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai_interviewer.engines.capabilities import Interview, InterviewJudgement, InterviewTurn
from ai_interviewer.engines.heuristic.assessment import (
    ABSENT,
    FULL,
    ResumeProfile,
    SkillEvidence,
    criterion_kind,
    requirement_name,
)
from ai_interviewer.engines.heuristic.cv import QUALITY_LEARNING
from ai_interviewer.engines.heuristic.matching import ItemMatch
from ai_interviewer.engines.heuristic.phrases import (
    about_years_phrase,
    capitalised,
    join_names,
    one_line,
    pick,
)
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import Mention, quote, snippet
from ai_interviewer.engines.heuristic.vocabulary import SKILL_BY_KEY, Seniority
from ai_interviewer.language import Language
from ai_interviewer.models.payloads import CriterionJudgement
from ai_interviewer.recommendations import recommendation_for, recommendation_text

SKILL_QUESTIONS = 3
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# The candidate's level in an answer, in words of the language ("уровень Senior" mixes two).
_LEVEL_WORDS: dict[Language, dict[Seniority, str]] = {
    Language.RU: {
        Seniority.INTERN: "уровень стажёра",
        Seniority.JUNIOR: "начальный уровень",
        Seniority.MIDDLE: "средний уровень",
        Seniority.SENIOR: "старший уровень",
        Seniority.LEAD: "уровень руководителя",
    },
    Language.EN: {level: level.value.capitalize() for level in Seniority},
}


def _latin(name: str) -> bool:
    """A name in Latin letters ("PostgreSQL") takes "с" unchanged; a Russian noun would need its case."""
    return not _CYRILLIC.search(name)


@dataclass(frozen=True)
class _Exchange:
    question: str
    answer: str
    covered: bool  # the answer showed something concrete from the resume
    evidence: SkillEvidence | None = None
    topic: str | None = None  # the requirement asked about in the vacancy's words


def run_interview(profile: ResumeProfile, criteria: Sequence[str], language: Language) -> Interview:
    exchanges = [_introduction(profile, language)]
    skill_exchanges = [_skill_exchange(profile, e, language) for e in _asked(profile)]
    # Outside the vocabulary's skills (most professions), the vacancy's own requirements are asked.
    asked_keys = {f"skill:{e.skill.key}" for e in _asked(profile)}
    for match in _asked_items(profile, asked_keys)[: max(0, SKILL_QUESTIONS - len(skill_exchanges))]:
        skill_exchanges.append(_item_exchange(profile, match, language))
    exchanges.extend(skill_exchanges)
    # Few known skills in the vacancy: ask about its domain, the closest experience, the stack.
    fillers = [_domain_exchange] if profile.vacancy.domains else []
    fillers += [_closest_exchange, _stack_exchange]
    for filler in fillers[: max(0, SKILL_QUESTIONS - len(skill_exchanges))]:
        exchanges.append(filler(profile, language))
    exchanges.append(_soft_exchange(profile, "problem_solving", language, _said(exchanges)))
    exchanges.append(_soft_exchange(profile, "teamwork", language, _said(exchanges)))
    turns: list[InterviewTurn] = []
    for exchange in exchanges:
        turns.append(InterviewTurn(speaker="interviewer", text=one_line(exchange.question)))
        turns.append(InterviewTurn(speaker="candidate", text=one_line(exchange.answer)))
    turns.append(
        InterviewTurn(
            speaker="interviewer",
            text=pick(
                language,
                "Спасибо за ответы! Мы вернёмся с обратной связью.",
                "Thank you for your answers! We will get back to you with feedback.",
            ),
        )
    )
    return Interview(turns=turns, judgement=_judge(profile, exchanges, criteria, language))


def _middle(text: str) -> str:
    """A piece from the middle of a snippet: two snippets of one sentence share it even when cut apart."""
    core = text.strip("…")
    half = len(core) // 2
    return core[max(0, half - 10) : half + 10]


def _said(exchanges: list[_Exchange]) -> str:
    return "\n".join(x.answer for x in exchanges)


def _asked(profile: ResumeProfile) -> list[SkillEvidence]:
    """The vacancy's most important requirements (required first), at most SKILL_QUESTIONS."""
    required = [e for e in profile.evidence if e.requirement.required]
    nice = [e for e in profile.evidence if not e.requirement.required]
    return (required + nice)[:SKILL_QUESTIONS]


def _asked_items(profile: ResumeProfile, asked_keys: set[str]) -> list[ItemMatch]:
    """The must-have requirement items no skill question covers, most important first."""
    items = [
        m
        for m in profile.key_matches
        if not any(t.key in asked_keys for t in m.item.terms) and m.item.weight >= 0.8
    ]
    return sorted(items, key=lambda m: (-m.item.weight, m.item.start))


def _item_exchange(profile: ResumeProfile, match: ItemMatch, language: Language) -> _Exchange:
    """A question about one requirement in the vacancy's words, answered from the resume's evidence."""
    name = requirement_name(match, inline=True)
    question = pick(language, f"Расскажите о своём опыте: {name}.", f"Tell me about your experience: {name}.")
    if match.credit >= POLICY.partial_credit and match.evidence is not None:
        quoted = quote(snippet(profile.text, Mention(match.evidence.start, match.evidence.end)))
        if match.evidence.quality <= QUALITY_LEARNING:
            return _Exchange(
                question,
                pick(
                    language, f"Пока я это только изучаю: {quoted}.", f"I am still learning this: {quoted}."
                ),
                covered=False,
                topic=name,
            )
        return _Exchange(
            question, pick(language, f"Да, есть: {quoted}.", f"Yes: {quoted}."), covered=True, topic=name
        )
    return _Exchange(
        question,
        pick(language, "Такого опыта в моём резюме нет.", "My resume shows no such experience."),
        covered=False,
        topic=name,
    )


def _introduction(profile: ResumeProfile, language: Language) -> _Exchange:
    question = pick(
        language,
        "Здравствуйте! Спасибо, что нашли время. Расскажите, пожалуйста, о своём опыте.",
        "Hello, and thank you for your time. Please tell me about your experience.",
    )
    span = profile.experience_span
    where = f" {quote(snippet(profile.contextual_text, Mention(*span)))}." if span else ""
    level = _LEVEL_WORDS[language].get(profile.seniority, "") if profile.seniority else ""
    if profile.years_stated:
        years = about_years_phrase(profile.years, language)
        answer = pick(
            language,
            f"Здравствуйте! У меня {years} опыта"
            + (f", {level}." if level else ".")
            + (f" Последнее место работы:{where}" if where else ""),
            f"Hello! I have {years} of experience"
            + (f", at {level} level." if level else ".")
            + (f" Most recently:{where}" if where else ""),
        )
        return _Exchange(question, answer, covered=True)
    first = _first_sentence(profile)
    answer = pick(
        language,
        "Здравствуйте! Стаж работы в моём резюме не указан."
        + (f" Коротко обо мне: {quote(first)}." if first else ""),
        "Hello! My resume does not state how long I have worked."
        + (f" In short: {quote(first)}." if first else ""),
    )
    return _Exchange(question, answer, covered=False)


def _first_sentence(profile: ResumeProfile) -> str:
    text = profile.contextual_text
    for mentions in profile.reading.skills.values():
        for mention in mentions:
            if not profile.in_stuffing(mention.start):
                return snippet(profile.text, mention)
    stripped = text.strip()
    return snippet(text, Mention(text.find(stripped[:1]), text.find(stripped[:1]) + 1)) if stripped else ""


def _skill_exchange(profile: ResumeProfile, evidence: SkillEvidence, language: Language) -> _Exchange:
    name = evidence.skill.label(language)
    question = pick(
        language,
        f"Какой у вас опыт работы с {name}?" if _latin(name) else f"Расскажите о своём опыте: {name}.",
        f"What is your experience with {name}?",
    )
    if evidence.credit == FULL:
        quoted = quote(snippet(profile.text, profile.best_skill_mention([evidence])))
        return _Exchange(
            question,
            pick(
                language,
                f"Да, у меня есть опыт с {name}: {quoted}."
                if _latin(name)
                else f"Да, такой опыт есть: {quoted}.",
                f"Yes, I have worked with {name}: {quoted}.",
            ),
            covered=True,
            evidence=evidence,
        )
    if evidence.listed_only:
        return _Exchange(
            question,
            pick(
                language,
                f"{name} есть в моём списке навыков, но конкретного проекта с ним назвать не могу.",
                f"{name} is in my skills list, but I cannot name a specific project with it.",
            ),
            covered=False,
            evidence=evidence,
        )
    if evidence.related is not None and evidence.mention is not None:
        quoted = quote(snippet(profile.text, evidence.mention))
        related = evidence.related.label(language)
        return _Exchange(
            question,
            pick(
                language,
                (f"Опыта с {name} у меня нет" if _latin(name) else f"Опыта ({name}) у меня нет")
                + f", но есть смежный опыт ({related}): {quoted}.",
                f"I have not worked with {name}, but I have experience with {related}: {quoted}.",
            ),
            covered=False,
            evidence=evidence,
        )
    return _Exchange(
        question,
        pick(
            language,
            f"Опыта с {name} у меня нет." if _latin(name) else f"Опыта ({name}) у меня нет.",
            f"I have not worked with {name}.",
        ),
        covered=False,
        evidence=evidence,
    )


def _domain_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    domain = profile.vacancy.domains[0]
    name = pick(language, domain.name_ru, domain.name_en)
    question = pick(language, f"Есть ли у вас опыт в области «{name}»?", f"Do you have experience in {name}?")
    mentions = profile.domain_mentions.get(domain.key)
    if not mentions:
        return _Exchange(
            question,
            pick(language, f"Нет, опыта в области «{name}» у меня нет.", f"No, I have not worked in {name}."),
            covered=False,
        )
    quoted = quote(snippet(profile.text, mentions[0]))
    return _Exchange(question, pick(language, f"Да: {quoted}.", f"Yes: {quoted}."), covered=True)


def _closest_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    """Which part of the resume is closest to the vacancy: the sentence sharing most of its words."""
    question = pick(
        language,
        "Какой ваш опыт ближе всего к задачам этой вакансии?",
        "Which of your experience is closest to what this role needs?",
    )
    sentence = profile.closest_sentence()
    if sentence is None:
        return _Exchange(
            question,
            pick(
                language,
                "Опыта, близкого к этой вакансии, у меня, честно говоря, нет.",
                "To be honest, I have no experience close to this role.",
            ),
            covered=False,
        )
    return _Exchange(
        question,
        pick(language, f"Пожалуй, вот это: {quote(sentence)}.", f"Probably this: {quote(sentence)}."),
        True,
    )


def _stack_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    """When the vacancy names few skills: which technologies (or, outside IT, skills) the candidate has."""
    technical = bool(profile.vacancy.requirements) or profile.vacancy.effective_role is not None
    question = pick(
        language,
        "Какие технологии вы использовали в последних проектах?",
        "Which technologies have you used in your recent projects?",
    )
    names = [SKILL_BY_KEY[k].label(language) for k in profile.reading.skills if profile.skill_mentions(k)[0]]
    skills_line = profile.skills_line()
    if not technical:
        question = pick(
            language,
            "Какие профессиональные навыки вы считаете своими главными?",
            "Which professional skills would you call your strongest?",
        )
        if skills_line:
            return _Exchange(question, pick(language, f"{skills_line}.", f"{skills_line}."), covered=True)
    if not names:
        return _Exchange(
            question,
            pick(
                language,
                "В моём резюме нет конкретных технологий, о которых я мог бы рассказать.",
                "My resume names no specific technologies I could talk about.",
            ),
            covered=False,
        )
    return _Exchange(
        question,
        pick(
            language,
            f"В основном {join_names(names, language)}.",
            f"Mostly {join_names(names, language)}.",
        ),
        covered=True,
    )


def _soft_exchange(profile: ResumeProfile, key: str, language: Language, used: str) -> _Exchange:
    if key == "problem_solving":
        question = pick(
            language,
            "Расскажите о сложной задаче, которую вам удалось решить.",
            "Tell me about a difficult problem you solved.",
        )
    else:
        question = pick(
            language,
            "И последний вопрос: как вы обычно работаете в команде?",
            "One last question: how do you usually work in a team?",
        )
    mentions = profile.soft_mentions(key)
    if not mentions:
        return _Exchange(
            question,
            pick(
                language,
                "Конкретного примера у меня, к сожалению, нет.",
                "I am afraid I cannot give a specific example.",
            ),
            covered=False,
        )
    # Prefer an example not quoted in an earlier answer.
    snippets = [snippet(profile.contextual_text, m) for m in mentions]
    quoted = quote(next((s for s in snippets if _middle(s) not in used), snippets[0]))
    return _Exchange(
        question,
        pick(language, f"Например: {quoted}.", f"For example: {quoted}."),
        covered=True,
    )


def _judge(
    profile: ResumeProfile, exchanges: list[_Exchange], criteria: Sequence[str], language: Language
) -> InterviewJudgement:
    skill_answers = [x.evidence for x in exchanges if x.evidence is not None]
    covered_share = sum(1 for x in exchanges if x.covered) / len(exchanges)
    scores: dict[str, CriterionJudgement] = {}
    for criterion in criteria:
        kind = criterion_kind(criterion)
        if kind == "technical_skills":
            scores[criterion] = _technical(profile, skill_answers, language)
        elif kind == "communication":
            score = round(3 + 5 * covered_share) + (1 if profile.soft_mentions("communication") else 0)
            answered = sum(1 for x in exchanges if x.covered)
            example = _first_quotation(x.answer for x in exchanges if x.covered)
            scores[criterion] = CriterionJudgement(
                score=min(10, score),
                reason=pick(
                    language,
                    f"Конкретные ответы на {answered} из {len(exchanges)} вопросов",
                    f"Concrete answers to {answered} of {len(exchanges)} questions",
                )
                + (pick(language, f", например: {example}", f", e.g. {example}") if example else ""),
            )
        else:
            judged = profile.judge(criterion, language)
            scores[criterion] = judged
    mean = sum(j.score for j in scores.values()) / len(scores) if scores else 0.0
    recommendation = recommendation_text(recommendation_for(mean), language)
    covered = [e.skill.label(language) for e in skill_answers if e.credit == FULL]
    gaps = [e.skill.label(language) for e in skill_answers if e.credit != FULL]
    covered += [x.topic for x in exchanges if x.topic and x.covered]
    gaps += [x.topic for x in exchanges if x.topic and not x.covered]
    pros = [pick(language, f"Есть опыт: {name}", f"Experience with {name}") for name in covered]
    if profile.soft_mentions("problem_solving"):
        pros.append(pick(language, "Есть пример решённой задачи", "Gave an example of a solved problem"))
    if profile.soft_mentions("teamwork"):
        pros.append(pick(language, "Есть опыт работы в команде", "Has worked in a team"))
    cons = [pick(language, f"Нет опыта: {name}", f"No experience with {name}") for name in gaps]
    if not profile.years_stated:
        cons.append(pick(language, "Стаж работы не назван", "Did not state how long they have worked"))
    if "prompt_injection" in profile.screened.flags:
        cons.append(
            pick(
                language,
                "Резюме содержит инструкции для ИИ-оценщика (проигнорированы)",
                "The resume contains instructions for an AI screener (ignored)",
            )
        )
    summary_parts = [
        pick(
            language,
            f"Кандидат подтвердил опыт: {join_names(covered, language)}."
            if covered
            else "Кандидат не подтвердил опыт ни с одним из ключевых требований.",
            f"The candidate confirmed experience with {join_names(covered, language)}."
            if covered
            else "The candidate confirmed none of the key requirements.",
        )
    ]
    if gaps:
        summary_parts.append(
            pick(
                language,
                f"Признаны пробелы: {join_names(gaps, language)}.",
                f"Admitted gaps: {join_names(gaps, language)}.",
            )
        )
    if profile.years_stated:
        summary_parts.append(
            pick(
                language,
                f"Опыт {about_years_phrase(profile.years, language)}.",
                f"{capitalised(about_years_phrase(profile.years, language))} of experience.",
            )
        )
    return InterviewJudgement(
        scores=scores,
        summary=" ".join(summary_parts),
        pros=pros,
        cons=cons,
        recommendation=recommendation,
    )


_QUOTATION = re.compile(r"«(?:[^«»]|«[^«»]*»)+»")  # a quoted sentence may quote a name: «ООО «Финтех»»


def _first_quotation(answers: Iterable[str]) -> str | None:
    """The first resume quotation in the answers (they quote the resume as «…»)."""
    for answer in answers:
        found = _QUOTATION.search(answer)
        if found:
            return found.group(0)
    return None


def _technical(
    profile: ResumeProfile, answers: list[SkillEvidence], language: Language
) -> CriterionJudgement:
    if not answers:
        judged = profile.judge("technical_skills", language)
        return judged
    asked = sum(e.credit for e in answers) / len(answers)
    score = round(10 * (0.7 * asked + 0.3 * profile.coverage))
    shown = [e for e in answers if e.credit == FULL]
    confirmed = [e.skill.label(language) for e in shown]
    missing = [e.skill.label(language) for e in answers if e.credit == ABSENT]
    # The resume's sentence behind the confirmed skills: the evidence a reviewer checks first.
    where = f": {quote(snippet(profile.text, profile.best_skill_mention(shown)))}" if shown else ""
    reason = pick(
        language,
        f"Подтверждено {len(confirmed)} из {len(answers)} обсуждённых навыков"
        + (f" ({join_names(confirmed, language)})" if confirmed else "")
        + (f"; нет опыта: {join_names(missing, language)}" if missing else "")
        + where,
        f"Confirmed {len(confirmed)} of {len(answers)} skills discussed"
        + (f" ({join_names(confirmed, language)})" if confirmed else "")
        + (f"; has not worked with {join_names(missing, language)}" if missing else "")
        + where,
    )
    return CriterionJudgement(score=max(0, min(10, score)), reason=reason)
