"""The prose of a simulated interview, one catalogue per language: the recruiter's questions, the
candidate's answers from its resume, the analysis. A Russian message with an "_inflected" twin takes a
Latin name after "с" unchanged; a Russian noun is put in brackets instead (it would need its case)."""

from __future__ import annotations

from ai_interviewer.engines.heuristic.phrases import Catalogue
from ai_interviewer.engines.heuristic.vocabulary import Seniority
from ai_interviewer.language import Language

INTERVIEW = Catalogue(
    {
        Language.RU: {
            "closing": "Спасибо за ответы! Мы вернёмся с обратной связью.",
            "intro_question": (
                "Здравствуйте! Спасибо, что нашли время. Расскажите, пожалуйста, о своём опыте."
            ),
            "intro_years": "Здравствуйте! У меня {years} опыта{level}.{recent}",
            "intro_level": ", {level}",
            "intro_recent": " Последнее место работы:{where}",
            "intro_no_years": "Здравствуйте! Стаж работы в моём резюме не указан.{about}",
            "intro_about": " Коротко обо мне: {first}.",
            "item_question": "Расскажите о своём опыте: {name}.",
            "item_learning": "Пока я это только изучаю: {quoted}.",
            "item_yes": "Да, есть: {quoted}.",
            "item_none": "Такого опыта в моём резюме нет.",
            "skill_question": "Какой у вас опыт работы с {name}?",
            "skill_question_inflected": "Расскажите о своём опыте: {name}.",
            "skill_yes": "Да, у меня есть опыт с {name}: {quoted}.",
            "skill_yes_inflected": "Да, такой опыт есть: {quoted}.",
            "skill_listed": (
                "{name} есть в моём списке навыков, но конкретного проекта с ним назвать не могу."
            ),
            "skill_related": "Опыта с {name} у меня нет, но есть смежный опыт ({related}): {quoted}.",
            "skill_related_inflected": (
                "Опыта ({name}) у меня нет, но есть смежный опыт ({related}): {quoted}."
            ),
            "skill_none": "Опыта с {name} у меня нет.",
            "skill_none_inflected": "Опыта ({name}) у меня нет.",
            "domain_question": "Есть ли у вас опыт в области «{name}»?",
            "domain_none": "Нет, опыта в области «{name}» у меня нет.",
            "domain_yes": "Да: {quoted}.",
            "closest_question": "Какой ваш опыт ближе всего к задачам этой вакансии?",
            "closest_none": "Опыта, близкого к этой вакансии, у меня, честно говоря, нет.",
            "closest_yes": "Пожалуй, вот это: {quoted}.",
            "stack_question": "Какие технологии вы использовали в последних проектах?",
            "skills_question": "Какие профессиональные навыки вы считаете своими главными?",
            "stack_none": "В моём резюме нет конкретных технологий, о которых я мог бы рассказать.",
            "stack_yes": "В основном {names}.",
            "problem_question": "Расскажите о сложной задаче, которую вам удалось решить.",
            "teamwork_question": "И последний вопрос: как вы обычно работаете в команде?",
            "example_none": "Конкретного примера у меня, к сожалению, нет.",
            "example_yes": "Например: {quoted}.",
            # The analysis.
            "communication_reason": "Конкретные ответы на {answered} из {asked} вопросов{example}",
            "communication_example": ", например: {example}",
            "technical_reason": (
                "Подтверждено {confirmed} из {asked} обсуждённых навыков{names}{missing}{where}"
            ),
            "technical_missing": "; нет опыта: {names}",
            "pro_experience": "Есть опыт: {name}",
            "pro_problem": "Есть пример решённой задачи",
            "pro_teamwork": "Есть опыт работы в команде",
            "con_experience": "Нет опыта: {name}",
            "con_no_years": "Стаж работы не назван",
            "summary_confirmed": "Кандидат подтвердил опыт: {names}.",
            "summary_none_confirmed": "Кандидат не подтвердил опыт ни с одним из ключевых требований.",
            "summary_gaps": "Признаны пробелы: {names}.",
            "summary_years": "Опыт {years}.",
        },
        Language.EN: {
            "closing": "Thank you for your answers! We will get back to you with feedback.",
            "intro_question": "Hello, and thank you for your time. Please tell me about your experience.",
            "intro_years": "Hello! I have {years} of experience{level}.{recent}",
            "intro_level": ", at {level} level",
            "intro_recent": " Most recently:{where}",
            "intro_no_years": "Hello! My resume does not state how long I have worked.{about}",
            "intro_about": " In short: {first}.",
            "item_question": "Tell me about your experience: {name}.",
            "item_learning": "I am still learning this: {quoted}.",
            "item_yes": "Yes: {quoted}.",
            "item_none": "My resume shows no such experience.",
            "skill_question": "What is your experience with {name}?",
            "skill_question_inflected": "What is your experience with {name}?",
            "skill_yes": "Yes, I have worked with {name}: {quoted}.",
            "skill_yes_inflected": "Yes, I have worked with {name}: {quoted}.",
            "skill_listed": "{name} is in my skills list, but I cannot name a specific project with it.",
            "skill_related": "I have not worked with {name}, but I have experience with {related}: {quoted}.",
            "skill_related_inflected": (
                "I have not worked with {name}, but I have experience with {related}: {quoted}."
            ),
            "skill_none": "I have not worked with {name}.",
            "skill_none_inflected": "I have not worked with {name}.",
            "domain_question": "Do you have experience in {name}?",
            "domain_none": "No, I have not worked in {name}.",
            "domain_yes": "Yes: {quoted}.",
            "closest_question": "Which of your experience is closest to what this role needs?",
            "closest_none": "To be honest, I have no experience close to this role.",
            "closest_yes": "Probably this: {quoted}.",
            "stack_question": "Which technologies have you used in your recent projects?",
            "skills_question": "Which professional skills would you call your strongest?",
            "stack_none": "My resume names no specific technologies I could talk about.",
            "stack_yes": "Mostly {names}.",
            "problem_question": "Tell me about a difficult problem you solved.",
            "teamwork_question": "One last question: how do you usually work in a team?",
            "example_none": "I am afraid I cannot give a specific example.",
            "example_yes": "For example: {quoted}.",
            "communication_reason": "Concrete answers to {answered} of {asked} questions{example}",
            "communication_example": ", e.g. {example}",
            "technical_reason": "Confirmed {confirmed} of {asked} skills discussed{names}{missing}{where}",
            "technical_missing": "; has not worked with {names}",
            "pro_experience": "Experience with {name}",
            "pro_problem": "Gave an example of a solved problem",
            "pro_teamwork": "Has worked in a team",
            "con_experience": "No experience with {name}",
            "con_no_years": "Did not state how long they have worked",
            "summary_confirmed": "The candidate confirmed experience with {names}.",
            "summary_none_confirmed": "The candidate confirmed none of the key requirements.",
            "summary_gaps": "Admitted gaps: {names}.",
            "summary_years": "{years!c} of experience.",
        },
    }
)

# The candidate's level in an answer, in words of the language ("уровень Senior" mixes two).
LEVEL_WORDS: dict[Language, dict[Seniority, str]] = {
    Language.RU: {
        Seniority.INTERN: "уровень стажёра",
        Seniority.JUNIOR: "начальный уровень",
        Seniority.MIDDLE: "средний уровень",
        Seniority.SENIOR: "старший уровень",
        Seniority.LEAD: "уровень руководителя",
    },
    Language.EN: {level: level.value.capitalize() for level in Seniority},
}
