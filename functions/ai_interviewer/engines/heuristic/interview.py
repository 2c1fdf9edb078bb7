"""A simulated interview: the recruiter asks about the vacancy's requirements, the candidate answers only
from its (screened) resume and admits gaps; the analysis scores what the answers covered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai_interviewer.engines.capabilities import Interview, InterviewJudgement, InterviewTurn
from ai_interviewer.engines.heuristic.assessment import ResumeProfile, requirement_name
from ai_interviewer.engines.heuristic.criteria import criterion_kind
from ai_interviewer.engines.heuristic.cv import QUALITY_LEARNING
from ai_interviewer.engines.heuristic.interview_messages import INTERVIEW, LEVEL_WORDS
from ai_interviewer.engines.heuristic.matching import ItemMatch
from ai_interviewer.engines.heuristic.messages import RANKING
from ai_interviewer.engines.heuristic.phrases import about_years_phrase, join_names, one_line
from ai_interviewer.engines.heuristic.policy import POLICY
from ai_interviewer.engines.heuristic.reading import Mention, quote, snippet
from ai_interviewer.engines.heuristic.resume_facts import ABSENT, FULL, SkillEvidence
from ai_interviewer.engines.heuristic.vocabulary import SKILL_BY_KEY
from ai_interviewer.language import Language
from ai_interviewer.models.results import CriterionJudgement
from ai_interviewer.recommendations import recommendation_for, recommendation_text

SKILL_QUESTIONS = 3
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


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
    fillers = [_domain_exchange] if profile.facts.vacancy.domains else []
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
            text=INTERVIEW.say(language, "closing"),
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
    required = [e for e in profile.facts.evidence if e.requirement.required]
    nice = [e for e in profile.facts.evidence if not e.requirement.required]
    return (required + nice)[:SKILL_QUESTIONS]


def _asked_items(profile: ResumeProfile, asked_keys: set[str]) -> list[ItemMatch]:
    """The must-have requirement items no skill question covers, most important first."""
    items = [
        m
        for m in profile.scores.key_matches
        if not any(t.key in asked_keys for t in m.item.terms) and m.item.weight >= POLICY.must_weight
    ]
    return sorted(items, key=lambda m: (-m.item.weight, m.item.start))


def _item_exchange(profile: ResumeProfile, match: ItemMatch, language: Language) -> _Exchange:
    """A question about one requirement in the vacancy's words, answered from the resume's evidence."""
    name = requirement_name(match, inline=True)
    question = INTERVIEW.say(language, "item_question", name=name)
    if match.credit >= POLICY.partial_credit and match.evidence is not None:
        quoted = quote(snippet(profile.facts.text, Mention(match.evidence.start, match.evidence.end)))
        if match.evidence.quality <= QUALITY_LEARNING:
            return _Exchange(
                question,
                INTERVIEW.say(language, "item_learning", quoted=quoted),
                covered=False,
                topic=name,
            )
        return _Exchange(
            question, INTERVIEW.say(language, "item_yes", quoted=quoted), covered=True, topic=name
        )
    return _Exchange(
        question,
        INTERVIEW.say(language, "item_none"),
        covered=False,
        topic=name,
    )


def _introduction(profile: ResumeProfile, language: Language) -> _Exchange:
    question = INTERVIEW.say(language, "intro_question")
    span = profile.facts.experience_span
    where = f" {quote(snippet(profile.facts.contextual_text, Mention(*span)))}." if span else ""
    level = LEVEL_WORDS[language].get(profile.facts.seniority, "") if profile.facts.seniority else ""
    if profile.facts.years_stated:
        years = about_years_phrase(profile.facts.years, language)
        answer = INTERVIEW.say(
            language,
            "intro_years",
            years=years,
            level=INTERVIEW.say(language, "intro_level", level=level) if level else "",
            recent=INTERVIEW.say(language, "intro_recent", where=where) if where else "",
        )
        return _Exchange(question, answer, covered=True)
    first = _first_sentence(profile)
    about = INTERVIEW.say(language, "intro_about", first=quote(first)) if first else ""
    answer = INTERVIEW.say(language, "intro_no_years", about=about)
    return _Exchange(question, answer, covered=False)


def _first_sentence(profile: ResumeProfile) -> str:
    text = profile.facts.contextual_text
    for mentions in profile.facts.reading.skills.values():
        for mention in mentions:
            if not profile.facts.in_stuffing(mention.start):
                return snippet(profile.facts.text, mention)
    stripped = text.strip()
    return snippet(text, Mention(text.find(stripped[:1]), text.find(stripped[:1]) + 1)) if stripped else ""


def _skill_exchange(profile: ResumeProfile, evidence: SkillEvidence, language: Language) -> _Exchange:
    name = evidence.skill.label(language)
    inflected = "" if _latin(name) else "_inflected"
    question = INTERVIEW.say(language, f"skill_question{inflected}", name=name)
    if evidence.credit == FULL:
        quoted = quote(snippet(profile.facts.text, profile.facts.best_skill_mention([evidence])))
        return _Exchange(
            question,
            INTERVIEW.say(language, f"skill_yes{inflected}", name=name, quoted=quoted),
            covered=True,
            evidence=evidence,
        )
    if evidence.listed_only:
        return _Exchange(
            question, INTERVIEW.say(language, "skill_listed", name=name), covered=False, evidence=evidence
        )
    if evidence.related is not None and evidence.mention is not None:
        quoted = quote(snippet(profile.facts.text, evidence.mention))
        related = evidence.related.label(language)
        return _Exchange(
            question,
            INTERVIEW.say(language, f"skill_related{inflected}", name=name, related=related, quoted=quoted),
            covered=False,
            evidence=evidence,
        )
    return _Exchange(
        question,
        INTERVIEW.say(language, f"skill_none{inflected}", name=name),
        covered=False,
        evidence=evidence,
    )


def _domain_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    domain = profile.facts.vacancy.domains[0]
    name = domain.label(language)
    question = INTERVIEW.say(language, "domain_question", name=name)
    mentions = profile.facts.domain_mentions.get(domain.key)
    if not mentions:
        return _Exchange(question, INTERVIEW.say(language, "domain_none", name=name), covered=False)
    quoted = quote(snippet(profile.facts.text, mentions[0]))
    return _Exchange(question, INTERVIEW.say(language, "domain_yes", quoted=quoted), covered=True)


def _closest_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    """Which part of the resume is closest to the vacancy: the sentence sharing most of its words."""
    question = INTERVIEW.say(language, "closest_question")
    sentence = profile.facts.closest_sentence()
    if sentence is None:
        return _Exchange(question, INTERVIEW.say(language, "closest_none"), covered=False)
    return _Exchange(question, INTERVIEW.say(language, "closest_yes", quoted=quote(sentence)), True)


def _stack_exchange(profile: ResumeProfile, language: Language) -> _Exchange:
    """When the vacancy names few skills: which technologies (or, outside IT, skills) the candidate has."""
    technical = bool(profile.facts.vacancy.requirements) or profile.facts.vacancy.effective_role is not None
    question = INTERVIEW.say(language, "stack_question")
    names = [
        SKILL_BY_KEY[k].label(language)
        for k in profile.facts.reading.skills
        if profile.facts.skill_mentions(k)[0]
    ]
    skills_line = profile.facts.skills_line()
    if not technical:
        question = INTERVIEW.say(language, "skills_question")
        if skills_line:
            return _Exchange(question, f"{skills_line}.", covered=True)
    if not names:
        return _Exchange(question, INTERVIEW.say(language, "stack_none"), covered=False)
    return _Exchange(
        question, INTERVIEW.say(language, "stack_yes", names=join_names(names, language)), covered=True
    )


def _soft_exchange(profile: ResumeProfile, key: str, language: Language, used: str) -> _Exchange:
    question = INTERVIEW.say(
        language, "problem_question" if key == "problem_solving" else "teamwork_question"
    )
    mentions = profile.facts.soft_mentions(key)
    if not mentions:
        return _Exchange(question, INTERVIEW.say(language, "example_none"), covered=False)
    # Prefer an example not quoted in an earlier answer.
    snippets = [snippet(profile.facts.contextual_text, m) for m in mentions]
    quoted = quote(next((s for s in snippets if _middle(s) not in used), snippets[0]))
    return _Exchange(question, INTERVIEW.say(language, "example_yes", quoted=quoted), covered=True)


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
            score = round(POLICY.communication_base + POLICY.communication_range * covered_share) + (
                POLICY.communication_bonus if profile.facts.soft_mentions("communication") else 0
            )
            answered = sum(1 for x in exchanges if x.covered)
            example = _first_quotation(x.answer for x in exchanges if x.covered)
            scores[criterion] = CriterionJudgement(
                score=min(10, score),
                reason=INTERVIEW.say(
                    language,
                    "communication_reason",
                    answered=answered,
                    asked=len(exchanges),
                    example=INTERVIEW.say(language, "communication_example", example=example)
                    if example
                    else "",
                ),
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
    pros = [INTERVIEW.say(language, "pro_experience", name=name) for name in covered]
    if profile.facts.soft_mentions("problem_solving"):
        pros.append(INTERVIEW.say(language, "pro_problem"))
    if profile.facts.soft_mentions("teamwork"):
        pros.append(INTERVIEW.say(language, "pro_teamwork"))
    cons = [INTERVIEW.say(language, "con_experience", name=name) for name in gaps]
    if not profile.facts.years_stated:
        cons.append(INTERVIEW.say(language, "con_no_years"))
    if "prompt_injection" in profile.facts.screened.flags:
        cons.append(RANKING.say(language, "con_injection"))
    summary_parts = [
        INTERVIEW.say(language, "summary_confirmed", names=join_names(covered, language))
        if covered
        else INTERVIEW.say(language, "summary_none_confirmed")
    ]
    if gaps:
        summary_parts.append(INTERVIEW.say(language, "summary_gaps", names=join_names(gaps, language)))
    if profile.facts.years_stated:
        summary_parts.append(
            INTERVIEW.say(language, "summary_years", years=about_years_phrase(profile.facts.years, language))
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
    score = round(
        10
        * (POLICY.interview_asked_weight * asked + POLICY.interview_coverage_weight * profile.scores.coverage)
    )
    shown = [e for e in answers if e.credit == FULL]
    confirmed = [e.skill.label(language) for e in shown]
    missing = [e.skill.label(language) for e in answers if e.credit == ABSENT]
    # The resume's sentence behind the confirmed skills: the evidence a reviewer checks first.
    where = (
        f": {quote(snippet(profile.facts.text, profile.facts.best_skill_mention(shown)))}" if shown else ""
    )
    reason = INTERVIEW.say(
        language,
        "technical_reason",
        confirmed=len(confirmed),
        asked=len(answers),
        names=f" ({join_names(confirmed, language)})" if confirmed else "",
        missing=INTERVIEW.say(language, "technical_missing", names=join_names(missing, language))
        if missing
        else "",
        where=where,
    )
    return CriterionJudgement(score=max(0, min(10, score)), reason=reason)
