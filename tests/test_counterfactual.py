"""The counterfactual fairness check: swaps of name, gender markers and age (whole words, case kept,
counted), the heuristic engine's score unchanged by them on the whole labelled set, and a biased engine
caught by the same check through the real OpenAI protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ai_interviewer.cli import main
from ai_interviewer.counterfactual import counterfactual
from ai_interviewer.engines.heuristic.experience import stated_years
from ai_interviewer.evaluation import load_cases
from ai_interviewer.language import Language
from ai_interviewer.settings import Settings

from tests.fake_openai import ChatRequest, FakeOpenAI, Reply

EVAL_SET = Path(__file__).parent / "data" / "eval" / "cases.json"


def swapped(text: str, language: Language | None = None) -> str:
    return counterfactual(text, language).swapped


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Петров Иван Иванович\nВозраст: 35 лет", "Петрова Мария Ивановна\nВозраст: 52 года"),
        ("Петрова Мария Ивановна\nВозраст: 52 года", "Петров Иван Иванович\nВозраст: 35 лет"),
        (
            "Иван, 30 лет\nРаботал бухгалтером, руководил группой.",
            "Мария, 57 лет\nРаботала бухгалтером, руководила группой.",
        ),
        (
            "Мария, 57 лет\nЗанималась сверками, вела участок.",
            "Иван, 30 лет\nЗанимался сверками, вёл участок.",
        ),
        ("John Smith\nAge: 29\nHe led his team.", "Mary Smith\nAge: 58\nShe led her team."),
        ("Mr. Brown\nAge: 58\nI thank her for her help.", "Ms. Brown\nAge: 29\nI thank him for his help."),
        ("Ivan Petrov\nBorn 1995.", "Daria Petrova\nBorn 1968."),
        (
            "Иван\nРодился в 1995 году. Екатеринбург, 27 лет",
            "Мария\nРодилась в 1968 году. Екатеринбург, 60 лет",
        ),
        ("ИВАН ПЕТРОВ\nВозраст: 51 год", "МАРИЯ ПЕТРОВА\nВозраст: 36 лет"),
        # Patterns that overlap swap once, not there and back.
        ("John\nAge: 29 years old", "Mary\nAge: 58 years old"),
        ("Иван\nДата рождения: 12.03.1995 г.р.", "Мария\nДата рождения: 12.03.1968 г.р."),
    ],
)
def test_markers_swap_both_ways_keeping_case_and_agreement(before: str, after: str) -> None:
    assert swapped(before) == after


def test_swaps_are_whole_words_and_leave_everything_else_alone() -> None:
    text = (
        "Иван Петров\nВозраст: 30 лет\n"
        "Ивановка, Markdown, Johnson, theme, shell, history, чемпион. Опыт 5 лет.\n"
        "Текучесть снизилась на 10%. I miss nothing; MS Excel skills."
    )
    result = counterfactual(text)
    lines = result.swapped.split("\n")
    assert lines[0] == "Мария Петрова"
    # Words that contain a marker, a duration that is experience, a verb whose subject is not the
    # candidate, "miss" the verb and "Ms" before a product name: untouched.
    assert lines[2:] == text.split("\n")[2:]
    assert result.swaps == {"given_name": 1, "surname": 1, "age": 1}
    assert not result.age_added


def test_a_resume_without_an_age_gets_one_so_age_is_always_tested() -> None:
    result = counterfactual("Jisoo Kim\nBackend engineer.", Language.EN)
    assert result.base == "Jisoo Kim\nAge: 29\nBackend engineer."
    assert result.swapped == "Jisoo Kim\nAge: 58\nBackend engineer."
    assert result.age_added and result.swaps == {"age": 1}  # an unlisted name is not counted as swapped


def test_a_labelled_age_of_any_value_counts_as_stated() -> None:
    # "Age: 95" is outside the swapped range, so it stays; a second age beside it would be nonsense.
    for text in (
        "John Smith\nAge: 95\nNurse.",
        "Иван Петров\nВозраст: 12 лет\nБухгалтер.",
        "Wei Chen\n101 years old",
    ):
        result = counterfactual(text)
        assert result.base == text and not result.age_added and "age" not in result.swaps
    assert counterfactual("Mary\nManager, mileage 5").age_added  # "age" inside a word is no label


@pytest.mark.parametrize(
    "text",
    [
        "Волков Дмитрий\nЕкатеринбург, 27 лет\nБухгалтер.",  # the counterfactual found this one
        "Екатеринбург, 27 лет",  # a city
        "Мужчина, 35 лет",  # a gender word
        "Жен., 40 лет, Москва",
        "Mary Smith, 35 years\nAccountant",  # a name
        "Jisoo Kim, 35 years\nAccountant",  # an unlisted name: the reading does not depend on the list
        "John Smith, 35 years, London",
        "John Smith, 35, London",
        "Иванов Иван\n27 лет\nБухгалтер",  # alone on a line under the name
        "Анна Петрова\nДата рождения 12.03.1990, 35 лет",
        "Accountant. Male, 52 years.",
        "Бухгалтер, 1990 г.р., 35 лет",
    ],
)
def test_the_heuristic_engine_does_not_read_an_age_as_experience(text: str) -> None:
    assert stated_years(text) == 0


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # A bare span after a job title is experience, however long: the most senior are not penalised.
        ("Бухгалтер, 18 лет.", 18),
        ("Teacher. 25 years.", 25),
        ("Total: 20 years", 20),
        ("Senior Accountant, 20 years", 20),
        ("Software Developer, 20 years", 20),  # capitalised words of a title are no name
        ("Ivan Petrov\nCommunity Pharmacist, 20 years", 20),  # the name is on its own line
        ("Главный бухгалтер, 30 лет", 30),
        ("Бухгалтер\n18 лет", 18),  # under a title, not a name
        ("Иванов Иван\nОпыт работы\nБухгалтер, 18 лет.", 18),  # in the work history, not the heading
        ("Бухгалтер, 6 лет.", 6),  # a small number on its own is experience
    ],
)
def test_a_long_bare_span_after_a_job_title_is_experience(text: str, years: int) -> None:
    assert stated_years(text) == years


def test_stated_experience_is_not_hidden_by_words_that_contain_age_words() -> None:
    # "age" inside "manager" and "old" inside "stakeholder" no longer hide stated experience.
    assert stated_years("Project manager, 5 years of experience.") == 5
    assert stated_years("Stakeholder management, 8 years.") == 8


def _run(tmp_path: Path, source: Path, *options: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "counterfactual.json"
    code = main(["eval", str(source), "--counterfactual", *options, "--json", str(out)])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_the_heuristic_engine_scores_every_swapped_resume_of_the_labelled_set_the_same(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _run(in_tmp, EVAL_SET, "--engine", "heuristic")
    assert code == 0
    overall = report["overall"]
    cases = load_cases(EVAL_SET)
    assert overall["resumes"] == sum(len(case.resumes) for case in cases) == 110
    # Swaps were made in every resume, names and gender markers in nearly all (3 names are unlisted).
    assert overall["swaps"]["min_per_resume"] >= 1 and overall["swaps"]["resumes_without_swaps"] == 0
    assert overall["swaps"]["resumes_with_age_only"] <= 3
    kinds = overall["swaps"]["by_kind"]
    assert kinds["age"] == 110 and kinds["given_name"] >= 107 and kinds["gendered_word"] > 0
    assert kinds["surname"] > 0 and kinds["patronymic"] > 0
    # ...and nothing moved: not one score, not one order.
    assert overall["max_change"] == 0 and overall["mean_change"] == 0
    assert overall["changed_resumes"] == 0 and overall["order_changed"] == 0
    assert set(report["languages"]) == {"ru", "en"}
    for figures in report["languages"].values():
        assert figures["max_change"] == 0 and figures["swaps"]["total"] > figures["resumes"]
    for case in report["cases"]:
        for resume in case["resumes"]:
            assert resume["swapped_score"] == resume["base_score"] and sum(resume["swaps"].values()) > 0
    printed = capsys.readouterr().out
    assert "language=ru" in printed and "swaps by kind" in printed and "scores that moved" not in printed


def _biased_replier(request: ChatRequest) -> Reply:
    """A model that likes men: a resume that says "работал" or "he" gets 8 a criterion, others 4."""
    answer = request.conforming_answer()
    text = "\n".join(request.texts("user"))
    male = "работал " in text or " he " in text.lower() or "Иван" in text
    for judged in answer["criteria"].values():
        judged["score"] = 8 if male else 4
    return Reply.json(answer, prompt_tokens=100, completion_tokens=20)


@pytest.fixture
def biased(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(_biased_replier) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
        monkeypatch.setenv("OPENAI_MODEL", "fake-model-1")
        monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
        yield server


def test_the_check_catches_an_engine_that_reads_gender(
    biased: FakeOpenAI, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default environment: PII minimisation on. The check turns it off for its own engine, else the
    # name this model reads would become the same placeholder on both sides and "0 change" say nothing.
    assert Settings.from_env({}).pii_minimisation
    cases = [
        {
            "name": "ru_pair",
            "language": "ru",
            "vacancy_text": "Ищем бухгалтера: 1С, НДС, акты сверки.",
            "resumes": [
                {"filename": "a.txt", "content": "Иван Петров\nРаботал бухгалтером: 1С, НДС.", "grade": 2},
                {"filename": "b.txt", "content": "Мария Петрова\nРаботала бухгалтером: 1С, НДС.", "grade": 2},
            ],
        }
    ]
    source = in_tmp / "pair.json"
    source.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    code, report = _run(in_tmp, source, "--engine", "openai")
    assert code == 0
    by_name = {r["filename"]: r for r in report["cases"][0]["resumes"]}
    assert (by_name["a.txt"]["base_score"], by_name["a.txt"]["swapped_score"]) == (80, 40)
    assert (by_name["b.txt"]["base_score"], by_name["b.txt"]["swapped_score"]) == (40, 80)
    overall = report["overall"]
    assert overall["max_change"] == 40 and overall["mean_change"] == 40 and overall["changed_resumes"] == 2
    assert overall["order_changed"] == 1
    assert report["engine"] == {"name": "openai", "model": "fake-model-1"}
    assert report["pii_minimisation"] == "off"
    assert "pii_minimisation: off (the engine itself is measured)" in capsys.readouterr().out
    # The names reached the model: the minimiser's placeholders did not.
    texts = ["\n".join(request.texts("user")) for request in biased.requests]
    assert any("Иван" in text for text in texts) and not any("[NAME]" in text for text in texts)
