"""Synonyms and translations on top of the words themselves: phrases that name one thing ("People
Partner" and "HR generalist", «главный бухгалтер» and "chief accountant"), matched by stems in any
inflection. The engine reads every other word as it is; this list only joins different spellings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ai_interviewer.engines.heuristic.morphology import stem
from ai_interviewer.engines.heuristic.reading import Token, tokenize

# group key -> phrases (Russian and English) that mean the same in a CV or a vacancy.
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    # Roles and titles.
    "hr_generalist": (
        "hr generalist", "hr-generalist", "people partner", "hr business partner", "hrbp", "hr bp",
        "hr manager", "hr-менеджер", "hr менеджер", "менеджер по персоналу", "специалист по персоналу",
        "hr-специалист", "hr специалист", "hr-дженералист", "hr generalist manager", "people operations",
    ),
    "recruiter": (
        "recruiter", "рекрутер", "talent acquisition", "менеджер по подбору", "специалист по подбору",
    ),
    "recruiting": ("recruiting", "recruitment", "подбор персонала", "подбор", "найм", "hiring", "рекрутинг"),
    "onboarding": ("onboarding", "адаптация", "адаптации персонала", "онбординг"),
    "accountant": ("accountant", "бухгалтер", "bookkeeper", "бухгалтерия"),
    "chief_accountant": ("chief accountant", "главный бухгалтер", "head of accounting", "главбух"),
    "accounting": ("accounting", "bookkeeping", "бухгалтерский учет", "бухучет", "учет"),
    "tax": ("tax", "taxes", "taxation", "налог", "налоги", "налоговый", "налогообложение"),
    "financial_reporting": (
        "financial reporting", "financial statements", "финансовая отчетность", "отчетность", "reporting",
        "бухгалтерская отчетность",
    ),
    "ifrs": ("ifrs", "мсфо"),
    "gaap": ("gaap", "us gaap", "рсбу", "ras"),
    "payroll": ("payroll", "расчет заработной платы", "зарплата", "заработная плата", "расчет зарплаты"),
    "audit": ("audit", "аудит", "auditor", "аудитор"),
    "reconciliation": ("reconciliation", "сверка", "сверки", "акт сверки"),
    "nurse": (
        "nurse", "registered nurse", "медсестра", "медицинская сестра", "медбрат", "медицинский брат",
        "nursing",
    ),
    "patient_care": ("patient care", "уход за пациентами", "уход за больными", "patients", "пациенты"),
    "injections": ("injections", "инъекции", "уколы", "venipuncture", "забор крови", "внутривенные"),
    "doctor": ("doctor", "physician", "врач", "доктор"),
    "sales_manager": (
        "sales manager", "менеджер по продажам", "account manager", "аккаунт-менеджер",
        "sales representative", "торговый представитель", "account executive", "key account manager",
        "менеджер по работе с клиентами",
    ),
    "sales": ("sales", "продажи", "selling", "продаж"),
    "b2b": ("b2b", "corporate clients", "корпоративные клиенты", "корпоративными клиентами"),
    "crm": ("crm", "amocrm", "bitrix24", "битрикс24", "salesforce", "hubspot"),
    "negotiation": ("negotiation", "negotiations", "переговоры", "ведение переговоров"),
    "cold_calls": ("cold calls", "cold calling", "холодные звонки", "холодных звонков"),
    "warehouse": ("warehouse", "склад", "складской", "распределительный центр", "distribution center"),
    "shift_lead": (
        "shift lead", "shift supervisor", "shift manager", "начальник смены", "старший смены", "бригадир",
        "team leader", "руководитель смены",
    ),
    "inventory": (
        "inventory", "stocktaking", "инвентаризация", "инвентаризации", "остатки", "stock control",
    ),
    "forklift": ("forklift", "погрузчик", "вилочный погрузчик", "штабелер"),
    "wms": ("wms", "1с wms", "1c wms", "складская система"),
    "logistics": ("logistics", "логистика", "supply chain", "цепочки поставок"),
    "lawyer": (
        "lawyer", "юрист", "attorney", "legal counsel", "юрисконсульт", "legal adviser", "advocate",
        "адвокат",
    ),
    "contracts": ("contracts", "contract", "договоры", "договор", "договорная работа", "contract law"),
    "litigation": ("litigation", "судебная практика", "судебные споры", "арбитраж", "court", "суд", "суды"),
    "corporate_law": ("corporate law", "корпоративное право"),
    "compliance": ("compliance", "комплаенс", "соответствие требованиям"),
    "teacher": (
        "teacher", "учитель", "преподаватель", "педагог", "tutor", "репетитор", "lecturer", "educator",
    ),
    "lesson": ("lesson", "lessons", "урок", "уроки", "занятия", "classes"),
    "curriculum": ("curriculum", "учебная программа", "рабочая программа", "syllabus", "фгос"),
    "students": ("students", "pupils", "ученики", "учащиеся", "школьники", "студенты"),
    "exam_prep": ("exam preparation", "подготовка к егэ", "егэ", "огэ", "ielts preparation", "gcse"),
    "engineer_structural": (
        "structural engineer", "инженер-конструктор", "инженер конструктор", "конструктор",
        "инженер-проектировщик", "инженер проектировщик", "design engineer",
    ),
    "structures": (
        "structures", "structural", "конструкции", "строительные конструкции", "несущие конструкции",
        "reinforced concrete", "железобетон", "железобетонные", "steel structures", "металлоконструкции",
    ),
    "cad": ("autocad", "автокад", "cad", "revit", "tekla", "scad"),
    "building_codes": ("building codes", "eurocode", "eurocodes", "снип", "гост", "нормативы"),
    "marketing": ("marketing", "маркетинг", "маркетолог", "marketer"),
    "digital_marketing": ("digital marketing", "интернет-маркетинг", "performance marketing", "перформанс"),
    "smm": ("smm", "social media", "соцсети", "социальные сети"),
    "seo": ("seo", "поисковая оптимизация", "search engine optimization"),
    "ads": (
        "ppc", "контекстная реклама", "яндекс директ", "google ads", "таргетированная реклама", "paid ads",
    ),
    "customer_service": (
        "customer service", "клиентский сервис", "обслуживание клиентов", "customer support",
    ),
    "management": ("management", "управление", "руководство", "руководил", "managed", "led"),
    "team_management": (
        "team management", "people management", "управление командой", "управление персоналом",
        "руководство командой", "руководство коллективом", "line management",
    ),
    "budget": ("budget", "budgeting", "бюджет", "бюджетирование"),
    "excel": ("excel", "эксель", "spreadsheets", "google sheets", "таблицы"),
    "english": ("english", "английский", "английского", "английским"),
    "driving_license": (
        "driving license", "driver's license", "водительское удостоверение", "права категории",
    ),
    "labor_law": (
        "labor law", "labour law", "трудовое право", "трудовое законодательство", "тк рф",
        "трудового кодекса",
    ),
    "hr_records": (
        "hr records", "кадровое делопроизводство", "кадровый учет", "кадровые документы",
        "personnel records",
    ),
    "microservices": (
        "microservices", "микросервисы", "микросервисная", "event-driven services", "service-oriented",
    ),
}  # fmt: skip


def _phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(token.text) for token in tokenize(phrase))


class SynonymIndex:
    """Finds synonym phrases in a token list by stems, longest first, without overlaps."""

    def __init__(self, groups: dict[str, tuple[str, ...]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group, phrases in groups.items():
            for phrase in phrases:
                stems = _phrase_stems(phrase)
                if stems:
                    self._by_first.setdefault(stems[0], []).append((stems, group))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def find(self, tokens: Sequence[Token]) -> Iterator[tuple[str, int, int]]:
        """(group, first token, token after the last) for each phrase found, in text order."""
        stems = [stem(token.text) for token in tokens]
        position = 0
        while position < len(stems):
            entries = self._by_first.get(stems[position])
            matched = 0
            if entries:
                for phrase, group in entries:
                    if tuple(stems[position : position + len(phrase)]) == phrase:
                        yield group, position, position + len(phrase)
                        matched = len(phrase)
                        break
            position += matched or 1


SYNONYM_INDEX = SynonymIndex(SYNONYM_GROUPS)
