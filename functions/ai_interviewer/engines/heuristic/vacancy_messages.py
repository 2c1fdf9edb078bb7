"""The prose of a written vacancy and of its tags, one catalogue per language: section headings, the
requirement and task a skill of each category gives, what each criterion asks of a candidate."""

from __future__ import annotations

from ai_interviewer.engines.heuristic.phrases import Catalogue
from ai_interviewer.language import Language

VACANCY = Catalogue(
    {
        Language.RU: {
            # The position's name when no known role names it.
            "title_developer": "{skill}-разработчик",
            "title_specialist": "Специалист",
            "heading_about_project": "## О проекте",
            "heading_about_role": "## О вакансии",
            "heading_tasks": "## Задачи",
            "heading_requirements": "## Требования",
            "heading_nice": "## Будет плюсом",
            "heading_conditions": "## Условия",
            # About the project.
            "where_domain": " в {domain}-проект",
            "where_team": " в команду",
            "about_draft": "Мы ищем специалиста{where}. Из описания: «{draft}»",
            "about_title": "Мы ищем специалиста на позицию «{title}»{where}.",
            "about_stack": "Основной стек: {stack}.",
            "about_ownership": (
                "Вы будете отвечать за свою часть продукта от проектирования до работы в продакшене."
            ),
            "about_profession": "Мы ищем сотрудника на позицию «{title}»{place}.",
            # What a skill of each category asks of the candidate ("requirement_<category>").
            "requirement_language": "Уверенное знание {name}",
            "requirement_backend": "Опыт разработки на {name}",
            "requirement_frontend": "Опыт разработки интерфейсов на {name}",
            "requirement_mobile": "Опыт мобильной разработки ({name})",
            "requirement_database": "Опыт работы с {name}: схемы, индексы, запросы",
            "requirement_messaging": "Опыт работы с {name}",
            "requirement_devops": "Практический опыт с {name}",
            "requirement_cloud": "Опыт работы с облаком {name}",
            "requirement_data": "Опыт работы с {name}",
            "requirement_ml": "Опыт в области: {name}",
            "requirement_testing": "Умение писать тесты ({name})",
            "requirement_practice": "Понимание: {name}",
            "requirement_tool": "Опыт работы с {name}",
            # What skills of a category give to do ("task_<category>"; not every category has one).
            "task_backend": "Разработка API и сервисов на {names}",
            "task_database": "Проектирование схем данных и оптимизация запросов ({names})",
            "task_messaging": "Асинхронная обработка задач и сообщений ({names})",
            "task_devops": "Контейнеризация, развёртывание и сопровождение сервисов ({names})",
            "task_cloud": "Работа с облачной инфраструктурой ({names})",
            "task_frontend": "Разработка пользовательских интерфейсов на {names}",
            "task_mobile": "Разработка мобильного приложения ({names})",
            "task_data": "Построение конвейеров и анализ данных ({names})",
            "task_ml": "Разработка и внедрение моделей ({names})",
            "task_testing": "Покрытие кода автотестами ({names})",
            # Tasks when the role names none, separated by "|".
            "tasks_technical": "Разработка и поддержка сервисов|Код-ревью и улучшение качества кода",
            "tasks_general": (
                "Выполнение задач по профилю вакансии|Взаимодействие с командой и смежными подразделениями|"
                "Участие в улучшении рабочих процессов"
            ),
            "task_profession": "Работа по профилю позиции «{title}»",
            # Requirements by criterion.
            "tech_team_stack": "Знание технологий стека команды",
            "tech_professional": "Профессиональные навыки по профилю вакансии",
            "experience_field": "Опыт работы по специальности {wanted}",
            "experience_commercial": "Опыт коммерческой разработки {wanted}",
            "experience_role": "Опыт работы по специальности",
            "domain_experience": "Опыт в области: {domain}",
            "domain_interest": "Интерес к предметной области продукта",
            "soft_skill": "Навык: {name}",
            "important": "Важно для нас: {label}",
            # What a named criterion asks of a candidate ("criterion_<name>").
            "criterion_problem_solving": (
                "Умение самостоятельно разбираться в сложных задачах и доводить решения до результата"
            ),
            "criterion_communication": (
                "Умение ясно излагать мысли и договариваться с коллегами и заказчиками"
            ),
            "criterion_teamwork": "Опыт работы в команде: код-ревью, совместное планирование, взаимопомощь",
            "criterion_leadership": "Опыт руководства или наставничества",
            "criterion_english": "Английский язык на уровне чтения технической документации",
            "criterion_education": "Профильное высшее образование",
            "criterion_testing": "Привычка покрывать код тестами",
            "criterion_architecture": "Опыт проектирования архитектуры сервисов",
            "criterion_motivation": "Интерес к продукту и желание развиваться",
            "criterion_learning": "Готовность быстро осваивать новое",
            # The same for a profession the vocabulary does not know: no software words ("profession_<name>").
            "profession_problem_solving": (
                "Умение самостоятельно разбираться в сложных ситуациях и доводить дело до результата"
            ),
            "profession_communication": "Умение ясно излагать мысли и договариваться с коллегами и клиентами",
            "profession_teamwork": "Умение работать в команде",
            # Nice to have and conditions.
            "nice_experience_with": "Опыт с {name}",
            "nice_domain": "Опыт в области: {domain}",
            "salary": "Зарплата: {salary}",
            "condition_team": "Интересные задачи и сильная команда",
            "condition_growth": "Профессиональное развитие: обучение, конференции",
            # Tags.
            "tag_api": "разработка API",
        },
        Language.EN: {
            "title_developer": "{skill} Developer",
            "title_specialist": "Specialist",
            "heading_about_project": "## About the project",
            "heading_about_role": "## About the role",
            "heading_tasks": "## Responsibilities",
            "heading_requirements": "## Requirements",
            "heading_nice": "## Nice to have",
            "heading_conditions": "## What we offer",
            "where_domain": " for a {domain} product",
            "where_team": " to join the team",
            "about_draft": "We are looking for a new colleague{where}. In short: «{draft}»",
            "about_title": "We are looking for a {title}{where}.",
            "about_stack": "Main stack: {stack}.",
            "about_ownership": "You will own your part of the product from design to production.",
            "about_profession": "We are looking for {article} {title}{place}.",
            "requirement_language": "Strong knowledge of {name}",
            "requirement_backend": "Hands-on experience with {name}",
            "requirement_frontend": "Experience building UIs with {name}",
            "requirement_mobile": "Mobile development experience ({name})",
            "requirement_database": "Experience with {name}: schemas, indexes, queries",
            "requirement_messaging": "Experience with {name}",
            "requirement_devops": "Practical experience with {name}",
            "requirement_cloud": "Experience with {name}",
            "requirement_data": "Experience with {name}",
            "requirement_ml": "Experience in {name}",
            "requirement_testing": "Writing tests ({name})",
            "requirement_practice": "Understanding of {name}",
            "requirement_tool": "Experience with {name}",
            "task_backend": "Build APIs and services with {names}",
            "task_database": "Design data schemas and tune queries ({names})",
            "task_messaging": "Asynchronous processing of tasks and messages ({names})",
            "task_devops": "Containerise, deploy and run services ({names})",
            "task_cloud": "Work with cloud infrastructure ({names})",
            "task_frontend": "Build user interfaces with {names}",
            "task_mobile": "Build the mobile app ({names})",
            "task_data": "Build data pipelines and analyses ({names})",
            "task_ml": "Build and ship models ({names})",
            "task_testing": "Cover the code with automated tests ({names})",
            "tasks_technical": "Build and maintain services|Review code and raise its quality",
            "tasks_general": (
                "Carry out the work the role is about|Work with the team and neighbouring departments|"
                "Help improve how the work is done"
            ),
            "task_profession": "The day-to-day work of the {title} role",
            "tech_team_stack": "Knowledge of the team's stack",
            "tech_professional": "The professional skills the role needs",
            "experience_field": "{wanted} of experience in the field",
            "experience_commercial": "{wanted} of commercial experience",
            "experience_role": "Experience in the role",
            "domain_experience": "Experience in {domain}",
            "domain_interest": "Interest in the product's domain",
            "soft_skill": "{name!c}",
            "important": "Important to us: {label}",
            "criterion_problem_solving": (
                "Ability to untangle hard problems on your own and see solutions through"
            ),
            "criterion_communication": "Clear communication with colleagues and stakeholders",
            "criterion_teamwork": "Teamwork: code review, planning together, helping each other",
            "criterion_leadership": "Experience leading or mentoring",
            "criterion_english": "English good enough for technical documentation",
            "criterion_education": "A relevant degree",
            "criterion_testing": "A habit of covering code with tests",
            "criterion_architecture": "Experience designing service architecture",
            "criterion_motivation": "Interest in the product and in growing",
            "criterion_learning": "Eagerness to learn quickly",
            "profession_problem_solving": (
                "Ability to untangle hard situations on your own and see them through"
            ),
            "profession_communication": "Clear communication with colleagues and clients",
            "profession_teamwork": "Teamwork",
            "nice_experience_with": "Experience with {name}",
            "nice_domain": "{domain} domain experience",
            "salary": "Salary: {salary}",
            "condition_team": "Interesting problems and a strong team",
            "condition_growth": "Professional growth: training and conferences",
            "tag_api": "API development",
        },
    }
)
