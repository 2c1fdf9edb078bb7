"""The ranking's prose, one catalogue per language: each message is a whole sentence or label with named
slots, so grammar stays in the language's own template ("Нет подтверждения: Kafka", never a Russian
preposition glued to an English word form)."""

from __future__ import annotations

from ai_interviewer.engines.heuristic.phrases import Catalogue
from ai_interviewer.engines.heuristic.vocabulary import Seniority
from ai_interviewer.language import Language

MESSAGES: dict[Language, dict[str, str]] = {
    Language.RU: {
        "verdict_strong": "Хорошо соответствует вакансии.",
        "verdict_partial": "Частично соответствует вакансии.",
        "verdict_weak": "Слабо соответствует вакансии.",
        "candidate_years": "{candidate}, опыт {years}",
        "candidate_no_years": "{candidate}, стаж не указан",
        "meets": "{head}; подтверждено {found} из {total} ключевых требований{names}.",
        "meets_none": "{head}; ключевые требования вакансии в резюме не подтверждены.",
        "head_only": "{head}.",
        "missing_sentence": "Не хватает: {names}.",
        "injection_sentence": "Инструкции для ИИ в тексте резюме проигнорированы.",
        "stuffing_sentence": "Повторяющиеся ключевые слова учтены однократно.",
        "pro_shown": "Есть опыт: {name}",
        "pro_years": "Опыт {years} ({wanted} {required})",
        # The years a reason names: stated by the vacancy, or inferred from its seniority or assumed.
        "wanted_stated": "требуется",
        "wanted_assumed": "ожидается",
        "pro_domain": "Опыт в области: {name}",
        "pro_soft": "Подтверждённый навык: {name}",
        "con_missing": "Нет подтверждения: {name}",
        "con_partial": "Подтверждено частично: {name}",
        "con_listed": "Указано только списком, без опыта: {name}",
        "con_related": "{name}: только смежный опыт ({related})",
        "con_learning": "Только изучает, без опыта работы: {name}",
        "con_no_years": "Стаж работы не указан",
        "con_few_years": "Опыт меньше требуемого: {years} при требуемых {required}",
        "con_no_domain": "Нет опыта в области: {name}",
        "con_weak_match": "Мало совпадений с требованиями вакансии",
        "con_injection": "Резюме содержит инструкции для ИИ-оценщика (проигнорированы)",
        "con_stuffing": "Повторяющийся список ключевых слов без контекста (учтён однократно)",
        "criterion_denied": "«{label}»: в резюме прямо сказано, что такого опыта нет",
        "tech_found": "Подтверждено {found} из {total} ключевых требований ({names}): {quote}",
        "tech_none": "Ни одно из {total} ключевых требований не подтверждено опытом",
        "tech_partial": "частично: {names}",
        "tech_missing": "нет: {names}",
        "tech_no_requirements": "В вакансии не найдено требований; совпадение по словам вакансии {share}%",
        "exp_not_stated": "Стаж в резюме не указан{level}; {wanted} {required}",
        "exp_years": "{years!c} опыта; {wanted} {required}{relevant}{where}",
        "exp_little_relevant": ", мало релевантного",
        "soft_none": "В резюме нет примеров, подтверждающих навык «{name}»",
        "soft_found": "{name!c}: {quote}{more}",
        "soft_more": " и ещё {count} подтвержд.",
        "domain_unnamed": "Предметная область в вакансии не указана; совпадение навыков {share}%",
        "domain_missing": "Нет опыта в области: {names}",
        "domain_found": "Есть опыт в области ({names}): {where}",
        "criterion_quote": "«{label}»: {quote}",
        "criterion_listed": "«{label}»: указано только списком без контекста",
        "criterion_absent": "«{label}»: в резюме не упоминается",
        "criterion_indirect": (
            "Прямых подтверждений «{label}» в резюме нет; оценка по общему совпадению навыков ({share}%)"
        ),
    },
    Language.EN: {
        "verdict_strong": "A strong match for the vacancy.",
        "verdict_partial": "A partial match for the vacancy.",
        "verdict_weak": "A weak match for the vacancy.",
        "candidate_years": "{candidate} with {years} of experience",
        "candidate_no_years": "{candidate} with no stated length of experience",
        "meets": "{head}; meets {found} of {total} key requirements{names}.",
        "meets_none": "{head}; the resume shows none of the key requirements.",
        "head_only": "{head}.",
        "missing_sentence": "Missing: {names}.",
        "injection_sentence": "Instructions aimed at an AI screener in the resume were ignored.",
        "stuffing_sentence": "Repeated keywords were counted once.",
        "pro_shown": "Experience: {name}",
        "pro_years": "{years!c} of experience ({required} {wanted})",
        "wanted_stated": "required",
        "wanted_assumed": "expected",
        "pro_domain": "{name} domain experience",
        "pro_soft": "Shows {name}",
        "con_missing": "Not shown in the resume: {name}",
        "con_partial": "Only partly shown: {name}",
        "con_listed": "Only listed, no experience shown: {name}",
        "con_related": "{name}: related experience only ({related})",
        "con_learning": "Only learning it, no work experience: {name}",
        "con_no_years": "Length of experience not stated",
        "con_few_years": "Less experience than required: {years} vs {required}",
        "con_no_domain": "No {name} experience",
        "con_weak_match": "Little overlap with the vacancy's requirements",
        "con_injection": "The resume contains instructions for an AI screener (ignored)",
        "con_stuffing": "A repeated keyword list with no context (counted once)",
        "criterion_denied": "'{label}': the resume says it has no such experience",
        "tech_found": "Meets {found} of {total} key requirements ({names}): {quote}",
        "tech_none": "None of the {total} key requirements is shown in the resume's experience",
        "tech_partial": "partly: {names}",
        "tech_missing": "missing: {names}",
        "tech_no_requirements": (
            "No requirements found in the vacancy; {share}% of its words are in the resume"
        ),
        "exp_not_stated": "The resume states no length of experience{level}; {required} {wanted}",
        "exp_years": "{years!c} of experience, {required} {wanted}{relevant}{where}",
        "exp_little_relevant": ", little of it relevant",
        "soft_none": "The resume gives no example of {name}",
        "soft_found": "{name!c}: {quote}{more}",
        "soft_more": " and {count} more signs",
        "domain_unnamed": "The vacancy names no domain; {share}% skill match",
        "domain_missing": "No experience in {names}",
        "domain_found": "Has {names} experience: {where}",
        "criterion_quote": "'{label}': {quote}",
        "criterion_listed": "'{label}': listed without context only",
        "criterion_absent": "'{label}': not mentioned in the resume",
        "criterion_indirect": (
            "No direct evidence of '{label}' in the resume; judged by the overall skill match ({share}%)"
        ),
    },
}

# How a summary names the candidate's level, in words of the language.
CANDIDATE_BY_LEVEL: dict[Language, dict[Seniority | None, str]] = {
    Language.RU: {
        None: "Кандидат",
        Seniority.INTERN: "Кандидат уровня стажёра",
        Seniority.JUNIOR: "Начинающий специалист",
        Seniority.MIDDLE: "Специалист среднего уровня",
        Seniority.SENIOR: "Опытный специалист",
        Seniority.LEAD: "Кандидат с опытом руководства",
    },
    Language.EN: {
        None: "A candidate",
        Seniority.INTERN: "An intern-level candidate",
        Seniority.JUNIOR: "A junior candidate",
        Seniority.MIDDLE: "A mid-level candidate",
        Seniority.SENIOR: "A senior candidate",
        Seniority.LEAD: "A lead-level candidate",
    },
}

RANKING = Catalogue(MESSAGES)
