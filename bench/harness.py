"""What the benchmark scripts share: the machine line, Markdown tables, percentiles, the fake AWS
environment, the fake OpenAI server, and generated (deterministic) resumes and vacancies.

Not a test module and not imported by the service: the scripts run by hand, `uv run python bench/<x>.py`,
which puts this folder first on the import path.
"""

from __future__ import annotations

import importlib.util
import math
import os
import platform
import random
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Fake credentials and a region, so no boto3 client built by a benchmark can reach real AWS.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "ai-interviewer-bench",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "AiInterviewerBench",
}
BENCH_TOKEN = "bench-token-0123456789abcdef"  # noqa: S105 - a local benchmark's token, not a secret


def use_fake_aws(environ: Any = os.environ) -> None:
    """Fake credentials in `environ`, and no profile or per-service endpoint that could lead elsewhere."""
    for name in [name for name in environ if name.startswith("AWS_ENDPOINT_URL_")]:
        del environ[name]
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        environ.pop(name, None)
    environ.update(FAKE_AWS_ENV)


# --- reporting ----------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line() -> str:
    return (
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table (pasted as is into the README's Performance section); numbers right-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(h), *(len(row[i]) for row in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    numeric = [all(_is_number(row[i]) for row in cells) if cells else False for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "| " + " | ".join(parts) + " |"

    print(f"\n{title}\n")
    print(line(list(headers)))
    print(
        "| "
        + " | ".join(
            ("-" * (w - 1) + ":") if num else "-" * w for w, num in zip(widths, numeric, strict=True)
        )
        + " |"
    )
    for row in cells:
        print(line(row))
    print(flush=True)


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("x%").replace(",", ""))
    except ValueError:
        return False
    return True


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


# --- local servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fake_openai_module() -> ModuleType:
    """tests/fake_openai.py, the project's fake OpenAI-compatible server (stdlib only).

    `python bench/x.py` puts bench/ on the path, not the project root, so `tests` is not importable;
    the module is loaded from its file under its own name instead (no change to sys.path)."""
    name = "tests.fake_openai"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "fake_openai.py")
    if spec is None or spec.loader is None:
        raise ImportError("tests/fake_openai.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    # The fake writes a response's headers and body in two sends; with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (40 ms on Linux) and every call looks 40 ms slower than its
    # scripted delay. A real endpoint does not add that, so the benchmarks turn Nagle off.
    module._Handler.disable_nagle_algorithm = True
    return module


# --- workload -----------------------------------------------------------------------------------------

_SKILLS = [
    "Python", "FastAPI", "Django", "Flask", "PostgreSQL", "MySQL", "Redis", "Kafka", "RabbitMQ", "Docker",
    "Kubernetes", "Terraform", "AWS", "GCP", "Linux", "Git", "CI/CD", "GitLab CI", "asyncio", "SQLAlchemy",
    "Celery", "gRPC", "GraphQL", "React", "TypeScript", "Go", "Java", "ClickHouse", "Elasticsearch",
    "Airflow",
]  # fmt: skip
_EN_NAMES = ["Emily Carter", "James Miller", "Olivia Brown", "Daniel Wilson", "Sophia Taylor", "Liam Moore"]
_RU_NAMES = ["Алексей Смирнов", "Мария Иванова", "Дмитрий Кузнецов", "Анна Попова", "Игорь Соколов"]
_EN_COMPANIES = ["ShopWave", "PixelCraft", "FinPoint", "CloudNest", "DataForge", "Northwind"]
_RU_COMPANIES = ["Тинькофф Банк", "ООО «Ромашка Софт»", "Яндекс", "СберТех", "Авито", "Озон"]
_EN_DUTIES = [
    "Built and maintained the payments API in {a} and {b}; p95 latency down from 800 to 120 ms.",
    "Designed the {a} schema for transactions, with indexes and partitioning.",
    "Packaged the services in {a}, set up {b} pipelines and deployments.",
    "Ran code reviews and mentored two junior developers in a team of eight.",
    "Integrated {a} for order processing; wrote load tests and on-call runbooks.",
    "Migrated a monolith to services on {a} with {b}; cut infrastructure cost by 30%.",
]
_RU_DUTIES = [
    "Разрабатывал API платёжного шлюза на {a} и {b}; p95 снизил с 800 до 120 мс.",
    "Спроектировал схему хранения транзакций в {a}, оптимизировал запросы и индексы.",
    "Упаковал сервисы в {a}, настроил {b} и деплой.",
    "Проводил код-ревью, наставник для двух junior-разработчиков, команда из восьми человек.",
    "Интегрировал {a} для обработки заказов; писал нагрузочные тесты.",
    "Перевёл монолит на сервисы в {a} и {b}; сократил расходы на инфраструктуру на 30%.",
]


def resume_text(rng: random.Random, chars: int, language: str = "en") -> str:
    """A plausible resume of about `chars` characters (at least its header), in `language` (en/ru)."""
    ru = language == "ru"
    names, companies, duties = (
        (_RU_NAMES, _RU_COMPANIES, _RU_DUTIES) if ru else (_EN_NAMES, _EN_COMPANIES, _EN_DUTIES)
    )
    years = rng.randint(1, 12)
    skills = rng.sample(_SKILLS, 8)
    lines = [
        rng.choice(names),
        "Python-разработчик" if ru else "Python developer",
        f"Опыт работы — {years} лет" if ru else f"Experience: {years} years",
        "",
    ]
    text = "\n".join(lines)
    while len(text) < chars:
        start = rng.randint(2005, 2022)
        heading = f"{rng.choice(companies)}, {start} — {start + rng.randint(1, 3)}"
        bullets = [
            "- " + rng.choice(duties).format(a=rng.choice(skills), b=rng.choice(skills)) for _ in range(4)
        ]
        text += "\n".join([heading, *bullets, ""]) + "\n"
    skills_line = ("Навыки: " if ru else "Skills: ") + ", ".join(skills)
    return text[: max(chars - len(skills_line) - 1, 0)].rstrip() + "\n" + skills_line


def vacancy_text(chars: int = 1000, language: str = "en") -> str:
    """A vacancy of about `chars` characters; its requirements repeat to reach the size."""
    if language == "ru":
        head = "# Python-разработчик (Senior)\n\nФинтех-компания, платёжный сервис.\n\n## Требования\n"
        items = [
            "- Опыт коммерческой разработки на Python от 4 лет",
            "- Уверенное знание FastAPI и asyncio",
            "- PostgreSQL: индексы, транзакции, оптимизация запросов",
            "- Docker, Kubernetes, CI/CD",
            "- Умение работать в команде, код-ревью",
        ]
        tail = "\n\n## Условия\nУдалённая работа, ДМС."
    else:
        head = (
            "# Senior Python Developer\n\nA fintech company: payments for small businesses.\n\n"
            "## Requirements\n"
        )
        items = [
            "- 4+ years of commercial Python development",
            "- Solid FastAPI and asyncio",
            "- PostgreSQL: indexes, transactions, query tuning",
            "- Docker, Kubernetes, CI/CD",
            "- Teamwork and code review",
        ]
        tail = "\n\n## Conditions\nRemote work, health insurance."
    body, index = "", 0
    while len(head) + len(body) + len(items[index % len(items)]) + 1 + len(tail) <= chars:
        body += items[index % len(items)] + "\n"
        index += 1
    return (head + body).rstrip() + tail


def engine_services(settings: Any, engine: Any = None) -> Any:
    """Services for running a task's engine calls in-process, the stores left unset (a rank without
    `keep_progress` reads none): `engine`, else the one the settings configure."""
    import functools  # noqa: PLC0415

    from ai_interviewer.wiring import Services, build_engine, build_vacancy_store  # noqa: PLC0415

    return Services(
        settings=settings,
        jobs=None,  # type: ignore[arg-type]
        queues=None,  # type: ignore[arg-type]
        payloads=None,  # type: ignore[arg-type]
        engine_factory=(lambda: engine) if engine is not None else functools.partial(build_engine, settings),
        vacancies_factory=functools.partial(build_vacancy_store, settings),
    )
