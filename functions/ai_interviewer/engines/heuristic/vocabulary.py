"""What the heuristic engine knows: skills with their spellings, domains, roles, seniority, soft-skill cues.

Aliases are written as people write them. Latin aliases match whole tokens (case-insensitive unless
prefixed with "="); Cyrillic alias words are stems, so "постгрес" also matches "постгресом".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ai_interviewer.language import Language


class Category(StrEnum):
    LANGUAGE = "language"
    BACKEND = "backend"  # web and API frameworks
    FRONTEND = "frontend"
    MOBILE = "mobile"
    DATABASE = "database"
    MESSAGING = "messaging"  # caches, brokers, task queues
    DEVOPS = "devops"
    CLOUD = "cloud"
    DATA = "data"
    ML = "ml"
    TESTING = "testing"
    PRACTICE = "practice"  # architecture, methods
    TOOL = "tool"


@dataclass(frozen=True)
class Skill:
    key: str
    name: str  # the usual spelling, used in every language
    category: Category
    aliases: tuple[str, ...]
    family: str = ""  # skills of one family stand in for each other, partly (MySQL for PostgreSQL)
    api: bool = False  # building it means building APIs (for the "API development" tag)
    name_ru: str = ""  # when Russian text calls it by a Russian name ("микросервисы")

    def label(self, language: Language) -> str:
        return self.name_ru if self.name_ru and language is Language.RU else self.name


def _s(
    key: str,
    name: str,
    category: Category,
    *aliases: str,
    family: str = "",
    api: bool = False,
    ru: str = "",
) -> Skill:
    # A name that is also an everyday word ("Go", "Spring", "React") is only matched as written.
    names = () if f"={name}" in aliases else (name,)
    return Skill(key, name, category, (*names, *((ru,) if ru else ()), *aliases), family, api, ru)


L, B, F, M, D, Q, OPS, C, A, ML, T, P, TL = (
    Category.LANGUAGE,
    Category.BACKEND,
    Category.FRONTEND,
    Category.MOBILE,
    Category.DATABASE,
    Category.MESSAGING,
    Category.DEVOPS,
    Category.CLOUD,
    Category.DATA,
    Category.ML,
    Category.TESTING,
    Category.PRACTICE,
    Category.TOOL,
)

SKILLS: tuple[Skill, ...] = (
    # Languages.
    _s("python", "Python", L, "python3", "py", "питон", "пайтон", family="scripting"),
    _s("javascript", "JavaScript", L, "js", "javascript", "ecmascript", "es6", "джаваскрипт", family="js"),
    _s("typescript", "TypeScript", L, "ts", "тайпскрипт", family="js"),
    _s("java", "Java", L, "джава", "java8", "java11", "java17", family="jvm"),
    _s("kotlin", "Kotlin", L, "котлин", family="jvm"),
    _s("scala", "Scala", L, family="jvm"),
    _s("go", "Go", L, "golang", "=Go", family="compiled"),
    _s("rust", "Rust", L, family="compiled"),
    _s("cpp", "C++", L, "cpp", "плюсы", family="compiled"),
    _s("csharp", "C#", L, "csharp", "c sharp", family="dotnet"),
    _s("php", "PHP", L, family="scripting"),
    _s("ruby", "Ruby", L, family="scripting"),
    _s("swift", "Swift", L, family="apple"),
    _s("sql", "SQL", L, "t-sql", "pl/sql", "plpgsql", family="sql"),
    _s("bash", "Bash", L, "shell", "zsh", family="shell"),
    _s("1c", "1С", L, "1c"),
    # Backend frameworks.
    _s("fastapi", "FastAPI", B, "fast api", "фастапи", family="pyweb", api=True),
    _s("django", "Django", B, "джанго", "django rest framework", "drf", family="pyweb", api=True),
    _s("flask", "Flask", B, "фласк", family="pyweb", api=True),
    _s("aiohttp", "aiohttp", B, family="pyweb", api=True),
    _s("spring", "Spring", B, "spring boot", "springboot", "=Spring", family="jvmweb", api=True),
    _s("dotnet", ".NET", B, "asp.net", "dotnet", "net core", ".net core", family="dotnet", api=True),
    _s("nodejs", "Node.js", B, "node", "nodejs", "node.js", family="nodeweb", api=True),
    _s("express", "Express", B, "express.js", "expressjs", "=Express", family="nodeweb", api=True),
    _s("nestjs", "NestJS", B, "nest.js", family="nodeweb", api=True),
    _s("laravel", "Laravel", B, "ларавел", family="phpweb", api=True),
    _s("symfony", "Symfony", B, family="phpweb", api=True),
    _s("rails", "Ruby on Rails", B, "=Rails", "ror", family="rubyweb", api=True),
    _s("rest", "REST API", B, "=REST", "rest api", "restful", "rest-api", "рест", family="api", api=True),
    _s("graphql", "GraphQL", B, family="api", api=True),
    _s("grpc", "gRPC", B, "protobuf", family="api", api=True),
    _s("asyncio", "asyncio", B, "async/await", "асинхронн", family="async"),
    _s("celery", "Celery", Q, "селери", family="tasks"),
    _s("sqlalchemy", "SQLAlchemy", B, "sql alchemy", "alembic", family="orm"),
    _s("microservices", "microservices", P, "microservice", "микросервис", family="arch", ru="микросервисы"),
    # Frontend and mobile.
    _s("react", "React", F, "=React", "react.js", "reactjs", "реакт", "redux", family="spa"),
    _s("vue", "Vue.js", F, "vue", "vuejs", "nuxt", "вью", family="spa"),
    _s("angular", "Angular", F, "angularjs", "ангуляр", family="spa"),
    _s("html", "HTML", F, "html5", "верстк", family="markup"),
    _s("css", "CSS", F, "css3", "scss", "sass", "tailwind", family="markup"),
    _s("android", "Android", M, "андроид", family="mobile"),
    _s("ios", "iOS", M, "swiftui", family="mobile"),
    _s("flutter", "Flutter", M, "dart", "флаттер", family="mobile"),
    # Databases.
    _s(
        "postgresql",
        "PostgreSQL",
        D,
        "postgres",
        "postgre",
        "postgresql",
        "pg",
        "psql",
        "постгрес",
        "постгре",
        "постгрескл",
        family="rdbms",
    ),
    _s("mysql", "MySQL", D, "mariadb", "майскл", family="rdbms"),
    _s("oracle", "Oracle", D, "oracle db", "оракл", family="rdbms"),
    _s("mssql", "MS SQL Server", D, "ms sql", "mssql", "sql server", family="rdbms"),
    _s("sqlite", "SQLite", D, family="rdbms"),
    _s("mongodb", "MongoDB", D, "mongo", "монго", family="nosql"),
    _s("clickhouse", "ClickHouse", D, "click house", "кликхаус", family="olap"),
    _s("elasticsearch", "Elasticsearch", D, "elastic", "opensearch", "эластик", family="search"),
    _s("cassandra", "Cassandra", D, family="nosql"),
    # Caches, brokers.
    _s("redis", "Redis", Q, "редис", family="cache"),
    _s("kafka", "Kafka", Q, "apache kafka", "кафк", family="broker"),
    _s("rabbitmq", "RabbitMQ", Q, "rabbit", "amqp", family="broker"),
    # DevOps, CI/CD, cloud.
    _s(
        "docker",
        "Docker",
        OPS,
        "докер",
        "dockerfile",
        "docker-compose",
        "docker compose",
        "контейнеризац",
        family="containers",
    ),
    _s(
        "kubernetes",
        "Kubernetes",
        OPS,
        "k8s",
        "кубер",
        "кубернетес",
        "kubectl",
        "helm",
        "openshift",
        family="orchestration",
    ),
    _s(
        "cicd",
        "CI/CD",
        OPS,
        "ci/cd",
        "cicd",
        "ci cd",
        "ci",
        "continuous integration",
        "continuous delivery",
        "gitlab ci",
        "gitlab-ci",
        "github actions",
        "jenkins",
        "teamcity",
        "argo cd",
        "argocd",
        family="ci",
    ),
    _s("terraform", "Terraform", OPS, "терраформ", "pulumi", family="iac"),
    _s("ansible", "Ansible", OPS, "ансибл", family="iac"),
    _s("linux", "Linux", OPS, "линукс", "unix", "ubuntu", "debian", "centos", family="os"),
    _s("git", "Git", TL, "гит", "github", "gitlab", "bitbucket", family="vcs"),
    _s("nginx", "Nginx", OPS, "нджинкс", family="proxy"),
    _s(
        "prometheus",
        "Prometheus",
        OPS,
        "grafana",
        "графана",
        "мониторинг",
        "monitoring",
        "zabbix",
        family="observability",
    ),
    _s("aws", "AWS", C, "amazon web services", "lambda", "ec2", "s3", "dynamodb", "sqs", family="cloud"),
    _s("gcp", "GCP", C, "google cloud", family="cloud"),
    _s("azure", "Azure", C, "microsoft azure", family="cloud"),
    _s("yandex_cloud", "Yandex Cloud", C, "яндекс облако", "yandex.cloud", family="cloud"),
    # Data and ML.
    _s("pandas", "pandas", A, "пандас", family="dataframes"),
    _s("numpy", "NumPy", A, family="dataframes"),
    _s("spark", "Spark", A, "pyspark", "apache spark", family="bigdata"),
    _s("airflow", "Airflow", A, "apache airflow", "dbt", family="pipelines"),
    _s("etl", "ETL", A, "elt", family="pipelines"),
    _s(
        "machine_learning",
        "machine learning",
        ML,
        "=ML",
        "машинн обучен",
        "scikit-learn",
        "sklearn",
        family="ml",
        ru="машинное обучение",
    ),
    _s("pytorch", "PyTorch", ML, "torch", family="dl"),
    _s("tensorflow", "TensorFlow", ML, "keras", family="dl"),
    _s("llm", "LLM", ML, "large language models", "langchain", "openai api", "rag", family="llm"),
    _s("powerbi", "Power BI", A, "powerbi", "tableau", "superset", "looker", family="bi"),
    _s("excel", "Excel", TL, "=Excel", "ms excel", "эксель", family="bi"),
    # Testing.
    _s("pytest", "pytest", T, "unittest", family="tests"),
    _s(
        "testing",
        "automated testing",
        T,
        "autotests",
        "unit tests",
        "unit testing",
        "unit-тест",
        "юнит-тест",
        "юнит тест",
        "автотест",
        "tdd",
        "integration tests",
        "test automation",
        "selenium",
        "playwright",
        "jest",
        "cypress",
        family="tests",
        ru="автотесты",
    ),
    # Practices and tools.
    _s("oop", "OOP", P, "ооп", "solid", "design patterns", "паттерн проектирован", family="design", ru="ООП"),
    _s(
        "system_design",
        "system design",
        P,
        "архитектур",
        "architecture",
        "ddd",
        "проектирован систем",
        family="arch",
        ru="проектирование систем",
    ),
    _s("agile", "Agile", P, "scrum", "kanban", "скрам", "канбан", "аджайл", family="process"),
    _s("jira", "Jira", TL, "confluence", "джира", family="tracker"),
    _s("figma", "Figma", TL, "фигма", family="design_tools"),
)

SKILL_BY_KEY: dict[str, Skill] = {skill.key: skill for skill in SKILLS}


@dataclass(frozen=True)
class Domain:
    key: str
    name_ru: str
    name_en: str
    stems: tuple[str, ...]  # matched as word prefixes

    def label(self, language: Language) -> str:
        return self.name_ru if language is Language.RU else self.name_en


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "fintech",
        "финтех",
        "fintech",
        (
            "финтех",
            "fintech",
            "банк",
            "bank",
            "платеж",
            "платёж",
            "payment",
            # Not "financ"/"финанс" or "credit": every accountant's CV has them, and says nothing of fintech.
            "кредит",
            "трейдинг",
            "trading",
            "брокер",
            "broker",
            "эквайринг",
            "acquiring",
            "крипто",
            "crypto",
            "блокчейн",
            "blockchain",
        ),
    ),
    Domain(
        "ecommerce",
        "e-commerce",
        "e-commerce",
        (
            "e-commerce",
            "ecommerce",
            "электронн коммерц",
            "интернет-магазин",
            "маркетплейс",
            "marketplace",
            "online store",
            "онлайн-магазин",
            "ритейл",
            "retail",
        ),
    ),
    Domain(
        "healthcare",
        "медицина",
        "healthcare",
        (
            "медицин",
            "healthcare",
            "клиник",
            "clinic",
            "здравоохранен",
            "медтех",
            "medtech",
            "фарм",
            "pharma",
            "hospital",
            "больниц",
        ),
    ),
    Domain(
        "edtech",
        "EdTech",
        "edtech",
        (
            "edtech",
            "образовательн",
            "онлайн-школ",
            "e-learning",
            "elearning",
            "обучающ платформ",
            "learning platform",
        ),
    ),
    Domain("gamedev", "геймдев", "gamedev", ("геймдев", "gamedev", "game", "игров", "unity", "unreal")),
    Domain(
        "logistics",
        "логистика",
        "logistics",
        ("логистик", "logistic", "доставк", "склад", "warehouse", "supply chain"),
    ),
    Domain("telecom", "телеком", "telecom", ("телеком", "telecom", "оператор связи", "мобильн оператор")),
    Domain("adtech", "AdTech", "adtech", ("adtech", "рекламн", "advertising", "реклам")),
    Domain(
        "govtech", "госсектор", "govtech", ("госсектор", "государствен", "government", "govtech", "госуслуг")
    ),
    Domain(
        "travel", "travel", "travel", ("travel", "туризм", "туристич", "авиабилет", "бронирован", "booking")
    ),
    Domain(
        "security",
        "кибербезопасность",
        "cybersecurity",
        ("кибербезопасн", "cybersecurity", "информационн безопасн", "infosec"),
    ),
)


class Seniority(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MIDDLE = "middle"
    SENIOR = "senior"
    LEAD = "lead"


# Word stems per level, checked most senior first.
SENIORITY_STEMS: dict[Seniority, tuple[str, ...]] = {
    Seniority.LEAD: (
        "lead",
        "лид",
        "тимлид",
        "teamlead",
        "техлид",
        "principal",
        "head",
        "руководител",
        "architect",
        "архитектор",
        "ведущ",
    ),
    Seniority.SENIOR: ("senior", "сеньор", "синьор", "сениор", "старш", "sr"),
    Seniority.MIDDLE: ("middle", "мидл", "mid", "миддл"),
    Seniority.JUNIOR: ("junior", "джун", "джуниор", "младш", "jr", "entry-level"),
    Seniority.INTERN: ("intern", "стажер", "стажёр", "internship", "стажировк", "trainee"),
}

# Years a vacancy of each level usually asks for when it names no number.
EXPECTED_YEARS: dict[Seniority, float] = {
    Seniority.INTERN: 0.0,
    Seniority.JUNIOR: 1.0,
    Seniority.MIDDLE: 3.0,
    Seniority.SENIOR: 5.0,
    Seniority.LEAD: 6.0,
}


@dataclass(frozen=True)
class Role:
    key: str
    name_ru: str
    name_en: str
    stems: tuple[str, ...]
    tasks_ru: tuple[str, ...]
    tasks_en: tuple[str, ...]

    def label(self, language: Language) -> str:
        return self.name_ru if language is Language.RU else self.name_en

    def tasks(self, language: Language) -> tuple[str, ...]:
        return self.tasks_ru if language is Language.RU else self.tasks_en


ROLES: tuple[Role, ...] = (
    Role(
        "data_scientist",
        "Data Scientist",
        "Data Scientist",
        (
            "data scientist",
            "дата-сайентист",
            "дата сайентист",
            "ml-инженер",
            "ml engineer",
            "ml-engineer",
            "machine learning engineer",
            "инженер машинн обучен",
        ),
        (
            "Исследование данных и построение моделей машинного обучения",
            "Подготовка признаков и оценка качества моделей",
            "Вывод моделей в продакшен вместе с командой разработки",
        ),
        (
            "Explore data and build machine learning models",
            "Engineer features and evaluate model quality",
            "Ship models to production together with the engineering team",
        ),
    ),
    Role(
        "data_engineer",
        "Data-инженер",
        "Data Engineer",
        ("data engineer", "data-инженер", "дата-инженер", "инженер данн", "etl-разработчик", "etl developer"),
        (
            "Проектирование и поддержка конвейеров данных (ETL/ELT)",
            "Развитие хранилища данных",
            "Контроль качества и доступности данных",
        ),
        (
            "Design and maintain data pipelines (ETL/ELT)",
            "Evolve the data warehouse",
            "Keep data correct and available",
        ),
    ),
    Role(
        "devops",
        "DevOps-инженер",
        "DevOps Engineer",
        (
            "devops",
            "девопс",
            "sre",
            "site reliability",
            "инженер инфраструктур",
            "infrastructure engineer",
            "platform engineer",
        ),
        (
            "Развитие инфраструктуры и CI/CD",
            "Мониторинг и отказоустойчивость сервисов",
            "Автоматизация развёртывания",
        ),
        (
            "Evolve the infrastructure and CI/CD",
            "Monitoring and resilience of services",
            "Automate deployments",
        ),
    ),
    Role(
        "qa",
        "QA-инженер",
        "QA Engineer",
        (
            "qa",
            "тестировщик",
            "тестировщиц",
            "tester",
            "инженер по тестирован",
            "test engineer",
            "sdet",
            "aqa",
        ),
        (
            "Тестирование новых функций и регрессионное тестирование",
            "Разработка автотестов",
            "Заведение и сопровождение дефектов",
        ),
        ("Test new features and run regression testing", "Write automated tests", "Report and track defects"),
    ),
    Role(
        "frontend",
        "Frontend-разработчик",
        "Frontend Developer",
        ("frontend", "front-end", "фронтенд", "фронтэнд", "фронт", "верстальщик"),
        (
            "Разработка пользовательских интерфейсов",
            "Интеграция с backend API",
            "Поддержка качества и производительности клиентской части",
        ),
        ("Build user interfaces", "Integrate with backend APIs", "Keep the client fast and reliable"),
    ),
    Role(
        "mobile",
        "Мобильный разработчик",
        "Mobile Developer",
        (
            "mobile developer",
            "мобильн разработчик",
            "ios developer",
            "android developer",
            "ios-разработчик",
            "android-разработчик",
        ),
        ("Разработка мобильного приложения", "Интеграция с backend API", "Публикация релизов в сторах"),
        ("Build the mobile app", "Integrate with backend APIs", "Ship releases to the stores"),
    ),
    Role(
        "fullstack",
        "Fullstack-разработчик",
        "Full-stack Developer",
        ("fullstack", "full-stack", "full stack", "фулстек", "фуллстек"),
        (
            "Разработка функций от интерфейса до базы данных",
            "Проектирование API",
            "Поддержка и развитие кодовой базы",
        ),
        ("Build features from the UI to the database", "Design APIs", "Maintain and evolve the codebase"),
    ),
    Role(
        "backend",
        "Backend-разработчик",
        "Backend Developer",
        ("backend", "back-end", "бэкенд", "бекенд", "бэкэнд", "серверн разработ"),
        (
            "Разработка и поддержка серверной части и API",
            "Проектирование схем данных и оптимизация запросов",
            "Участие в код-ревью и улучшении архитектуры",
        ),
        (
            "Build and maintain the backend and its APIs",
            "Design data schemas and tune queries",
            "Take part in code review and improve the architecture",
        ),
    ),
    Role(
        "analyst",
        "Аналитик",
        "Analyst",
        ("аналитик", "analyst", "бизнес-аналитик", "системн аналитик"),
        ("Сбор и анализ требований", "Подготовка отчётов и дашбордов", "Поиск закономерностей в данных"),
        ("Gather and analyse requirements", "Prepare reports and dashboards", "Find patterns in data"),
    ),
    Role(
        "pm",
        "Менеджер проектов",
        "Project Manager",
        (
            "project manager",
            "менеджер проект",
            "руководитель проект",
            "product manager",
            "продакт",
            "проджект",
        ),
        ("Планирование и контроль сроков", "Координация команды и заказчика", "Управление рисками"),
        ("Plan and track delivery", "Coordinate the team and stakeholders", "Manage risks"),
    ),
    Role(
        "designer",
        "Дизайнер",
        "Designer",
        ("designer", "дизайнер", "ux", "ui/ux"),
        ("Проектирование интерфейсов и прототипов", "Подготовка макетов", "Исследования пользователей"),
        ("Design interfaces and prototypes", "Prepare mockups", "Run user research"),
    ),
    Role(
        "developer",
        "Разработчик",
        "Software Developer",
        (
            "developer",
            "dev",
            "разработчик",
            "разраб",
            "программист",
            "programmer",
            "software engineer",
            "инженер-программист",
            "engineer",
        ),
        (
            "Разработка и поддержка сервисов",
            "Код-ревью и улучшение качества кода",
            "Участие в проектировании",
        ),
        ("Build and maintain services", "Review code and raise its quality", "Take part in design"),
    ),
)

ROLE_BY_KEY: dict[str, Role] = {role.key: role for role in ROLES}


@dataclass(frozen=True)
class SoftSkill:
    """A criterion with phrase cues (regex fragments) that show it in a resume or ask for it in a vacancy."""

    key: str
    name_ru: str
    name_en: str
    cues: tuple[str, ...]

    def label(self, language: Language) -> str:
        return self.name_ru if language is Language.RU else self.name_en


SOFT_SKILLS: tuple[SoftSkill, ...] = (
    SoftSkill(
        "teamwork",
        "работа в команде",
        "teamwork",
        (
            r"в\s+команде",
            r"командн\w*",
            r"команд(?:ой|ы|е|у|ам|ами|ах)",
            r"вместе\s+с",
            r"работ\w*\s+в\s+команд\w*",
            r"совместно\s+с",
            r"кросс-?функциональн\w*",
            r"код[- ]?ревью",
            r"ревью\s+кода",
            r"code[- ]?reviews?",
            r"pair\s+programming",
            r"парн\w+\s+программ\w*",
            r"team(?:work|\s+player|mates?)?",
            r"collaborat\w*",
            r"cross-functional",
            r"scrum",
            r"agile",
            r"kanban",
            r"взаимодейств\w*\s+с\s+(?:командой|коллегами|разработчиками|аналитиками|тестировщиками|дизайнерами)",
            r"together\s+with",
            r"worked\s+with\s+(?:designers|analysts|qa|product|the\s+team)",
            r"наставни\w*",
            r"mentor\w*",
            r"онбординг\w*",
            r"onboard\w*",
        ),
    ),
    SoftSkill(
        "communication",
        "коммуникабельность",
        "communication",
        (
            r"коммуникаб\w*",
            r"коммуникац\w*",
            r"communicat\w*",
            r"выступ\w*",
            r"доклад\w*",
            r"презентац\w*",
            r"present(?:ed|ing|ations?)",
            r"public\s+speaking",
            r"speaker",
            r"talks?\s+at",
            r"конференц\w*",
            r"conferences?",
            r"переговор\w*",
            r"negotiat\w*",
            r"stakeholders?",
            r"стейкхолдер\w*",
            r"заказчик\w*",
            r"clients?",
            r"customers?",
            r"документац\w*",
            r"documentation",
            r"technical\s+writing",
            r"стать(?:и|ю|я|ей)",
            r"articles?",
            r"blog\w*",
            r"наставни\w*",
            r"mentor\w*",
            r"обучал\w*",
            r"taught",
            r"trained",
            r"workshops?",
            r"воркшоп\w*",
            r"митап\w*",
            r"meetups?",
            r"английск\w*\s+(?:язык\s+)?(?:[—–-]\s*)?(?:b2|c1|c2|свободн\w*|upper)",
            r"english\s*(?:[—–:-]\s*)?"
            r"(?:b2|c1|c2|fluent|upper|advanced|proficient)",
            r"требовани\w*\s+(?:с|от)\s+бизнес\w*",
            r"requirements\s+(?:with|from)",
            r"объясня\w*",
            r"explain\w*",
        ),
    ),
    SoftSkill(
        "problem_solving",
        "решение сложных задач",
        "problem solving",
        (
            r"оптимизир\w*",
            r"оптимизац\w*",
            r"optimi[sz]\w*",
            r"сократил\w*",
            r"снизил\w*",
            r"ускорил\w*",
            r"увеличил\w*",
            r"улучшил\w*",
            r"reduc\w*",
            r"improv\w*",
            r"increas\w*",
            r"cut\s+\w+",
            r"решил\w*",
            r"решени\w*\s+(?:проблем|задач|инцидент)\w*",
            r"solv\w*",
            r"отладк\w*",
            r"debug\w*",
            r"диагностир\w*",
            r"troubleshoot\w*",
            r"root\s+cause",
            r"нашел\s+причин\w*",
            r"нашёл\s+причин\w*",
            r"спроектировал\w*",
            r"designed",
            r"architected",
            r"автоматизир\w*",
            r"automat\w*",
            r"мигрир\w*",
            r"миграц\w*",
            r"migrat\w*",
            r"рефакторинг\w*",
            r"refactor\w*",
            r"производительност\w*",
            r"performance",
            r"инцидент\w*",
            r"incidents?",
            r"\d+\s*%",
            r"в\s+\d+(?:[.,]\d+)?\s+раз\w*",
            r"\d+(?:[.,]\d+)?\s*x\s+faster",
            r"\d+(?:[.,]\d+)?\s*(?:раз|times)\s+(?:быстрее|faster)",
            r"с\s+нуля",
            r"from\s+scratch",
            r"настроил\w*",
            r"запустил\w*",
            r"построил\w*",
            r"перев[её]л\w*",
            r"built",
            r"launched",
            r"set\s+up",
            r"rebuilt",
            r"redesigned",
            r"внедрил\w*",
            r"introduced",
            r"implemented",
        ),
    ),
)

SOFT_BY_KEY: dict[str, SoftSkill] = {soft.key: soft for soft in SOFT_SKILLS}

# Words of unknown criterion names (split on "_") mapped to cue stems to look for in a resume.
CRITERION_TOPICS: dict[str, tuple[str, ...]] = {
    "leadership": ("lead", "лид", "руковод", "manag", "управля", "управлен", "наставн", "mentor", "head"),
    "lead": ("lead", "лид", "руковод", "manag", "управля", "наставн", "mentor"),
    "management": ("manag", "управля", "управлен", "руковод", "планирован", "planning", "бюджет", "budget"),
    "english": (
        "english",
        "английск",
        "ielts",
        "toefl",
        "b2",
        "c1",
        "c2",
        "upper-intermediate",
        "fluent",
        "advanced",
    ),
    "language": ("english", "английск", "немецк", "german", "french", "французск", "b2", "c1", "fluent"),
    "languages": ("english", "английск", "немецк", "german", "french", "французск", "b2", "c1", "fluent"),
    "education": (
        "образован",
        "universit",
        "университет",
        "институт",
        "degree",
        "бакалавр",
        "bachelor",
        "магистр",
        "master",
        "мгу",
        "мфти",
        "вшэ",
        "итмо",
        "msc",
        "bsc",
        "phd",
    ),
    "motivation": (
        "мотивац",
        "интерес",
        "хочу",
        "стремл",
        "увлека",
        "motivat",
        "passion",
        "eager",
        "interest",
    ),
    "learning": ("курс", "course", "сертифик", "certif", "обуча", "learn", "изуча", "self-taught"),
    "adaptability": ("адаптив", "adapt", "быстро осва", "quickly learn", "новых технолог", "new technolog"),
    "architecture": ("архитектур", "architect", "проектир", "design", "microservic", "микросервис", "ddd"),
    "design": ("проектир", "design", "архитектур", "architect", "макет", "figma"),
    "testing": ("тест", "test", "pytest", "qa", "tdd", "покрыти", "coverage"),
    "quality": ("тест", "test", "качеств", "quality", "code review", "код-ревью", "покрыти", "coverage"),
    "devops": (
        "docker",
        "kubernetes",
        "k8s",
        "ci/cd",
        "ci",
        "terraform",
        "ansible",
        "devops",
        "деплой",
        "deploy",
    ),
    "infrastructure": (
        "docker",
        "kubernetes",
        "k8s",
        "terraform",
        "ansible",
        "инфраструктур",
        "infrastructure",
    ),
    "cloud": ("aws", "gcp", "azure", "облак", "cloud", "yandex cloud"),
    "data": ("sql", "данн", "data", "etl", "аналитик", "analytics", "pandas", "dwh"),
    "analytics": ("аналит", "analyt", "sql", "дашборд", "dashboard", "метрик", "metric"),
    "security": ("безопасн", "security", "owasp", "pentest", "шифрован", "encrypt", "auth"),
    "creativity": ("креатив", "creativ", "иде", "idea", "придумал", "invent"),
    "initiative": (
        "инициатив",
        "initiative",
        "предложил",
        "proposed",
        "внедрил",
        "introduced",
        "с нуля",
        "from scratch",
    ),
    "responsibility": ("ответствен", "responsib", "ownership", "отвечал", "owned"),
    "domain": (),  # domain overlap with the vacancy, handled by the engine
    "industry": (),
    "culture": ("ценност", "values", "культур", "culture", "команд", "team"),
    "stress": (
        "дедлайн",
        "deadline",
        "многозадачн",
        "multitask",
        "стресс",
        "pressure",
        "on-call",
        "дежурств",
    ),
}
