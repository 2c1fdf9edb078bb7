"""What a criterion's name means, one rule for the ranking, the interview and the written vacancy:
"tech_stack" is technical skills everywhere, "kubernetes_experience" is the skill Kubernetes, an unknown
name is searched for by its words."""

from __future__ import annotations

from ai_interviewer.engines.heuristic.reading import SKILL_INDEX, tokenize
from ai_interviewer.engines.heuristic.vocabulary import CRITERION_TOPICS, Skill

_KIND_WORDS: dict[str, str] = {
    "technical": "technical_skills", "tech": "technical_skills", "skills": "technical_skills",
    "skill": "technical_skills", "hard": "technical_skills", "stack": "technical_skills",
    "technology": "technical_skills", "technologies": "technical_skills", "coding": "technical_skills",
    "experience": "experience", "seniority": "experience", "years": "experience", "expertise": "experience",
    "problem": "problem_solving", "solving": "problem_solving", "analytical": "problem_solving",
    "analysis": "problem_solving", "thinking": "problem_solving",
    "communication": "communication", "communicative": "communication", "presentation": "communication",
    "teamwork": "teamwork", "team": "teamwork", "collaboration": "teamwork", "cooperation": "teamwork",
    "domain": "domain", "industry": "domain", "business": "domain", "soft": "communication",
}  # fmt: skip


def criterion_kind(criterion: str) -> str:
    """Which signal judges a criterion: a known one, or "other" (searched for by its words)."""
    if criterion in ("technical_skills", "experience", "problem_solving", "communication", "teamwork"):
        return criterion
    words = criterion.split("_")
    if criterion_skills(criterion):
        return "other"
    for word in words:
        if word in _KIND_WORDS:
            return _KIND_WORDS[word]
    return "other"


def criterion_skills(criterion: str) -> list[Skill]:
    """Skills a criterion is named after ("python", "kubernetes_experience", "sql_knowledge")."""
    found = SKILL_INDEX.find(tokenize(criterion.replace("_", " ")))
    skills: list[Skill] = []
    for value, _, _ in found:
        assert isinstance(value, Skill)
        if value not in skills:
            skills.append(value)
    return skills


def criterion_stems(criterion: str) -> list[str]:
    """Word stems to look for in a resume for an unknown criterion ("leadership": "lead", "руковод")."""
    stems: list[str] = []
    for word in criterion.split("_"):
        for stem in (*CRITERION_TOPICS.get(word, ()), word if len(word) >= 4 else ""):
            if stem and stem not in stems:
                stems.append(stem[:8])
    return stems
