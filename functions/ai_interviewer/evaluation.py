"""Measuring an engine on a labelled set (`ai-interviewer eval`): the set's format, the ranking metrics,
and a runner that ranks each case through the rank task exactly as a worker does.

Every metric reads the order the task returns (score descending, ties by filename, as the API sends
it) against the grades 0..3 a person gave each resume, so a model, a prompt or a heuristic change can be
compared on the same data. The metrics are plain functions of a list of grades in ranked order.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ai_interviewer.counterfactual import Counterfactual, counterfactual
from ai_interviewer.errors import PermanentError, TransientError
from ai_interviewer.language import Language
from ai_interviewer.models.requests import Filename, NonBlankText, RankResumesRequest, ResumeIn, Weights
from ai_interviewer.models.results import Flag, ReviewReason
from ai_interviewer.models.usage import Usage
from ai_interviewer.tasks.rank_resumes import rank_resumes

if TYPE_CHECKING:
    from ai_interviewer.wiring import Services

FLAGS: tuple[str, ...] = get_args(Flag)
MAX_GRADE = 3
# The rank task needs a webhook URL; eval never delivers one (the reserved .invalid domain cannot resolve).
EVAL_WEBHOOK_URL = "https://eval.invalid/webhook"
EVAL_JOB_ID = "eval"
# Group dimensions: a case field whose values split the report.
GROUP_FIELDS = ("language", "group")
WORST_CASES = 5


class EvalSetError(ValueError):
    """The labelled set cannot be read; the message says where (case name, resume filename)."""


# --- the labelled set -------------------------------------------------------------------------------


class LabelledResume(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filename: Filename
    content: NonBlankText
    grade: Annotated[int, Field(strict=True, ge=0, le=MAX_GRADE)]
    flags: frozenset[Flag] = frozenset()
    note: str | None = None  # why this grade, for people reading a bad result


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)]
    vacancy_text: NonBlankText
    weights: Weights = None
    language: str | None = None
    group: str | None = None
    profession: str | None = None
    resumes: Annotated[tuple[LabelledResume, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_filenames(self) -> Case:
        seen: set[str] = set()
        for resume in self.resumes:
            if resume.filename in seen:
                raise ValueError(f"duplicate filename {resume.filename!r}")
            seen.add(resume.filename)
        return self

    def group_value(self, dimension: str) -> str | None:
        value = getattr(self, dimension)
        return value if isinstance(value, str) else None


def parse_cases(data: Any) -> list[Case]:
    """Cases from the decoded JSON: a list of case objects (see tests/data/eval/README.md)."""
    if not isinstance(data, list) or not data:
        raise EvalSetError("the file must hold a non-empty JSON list of cases")
    cases: list[Case] = []
    names: set[str] = set()
    for index, raw in enumerate(data):
        label = raw.get("name") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else None
        where = f"case {label!r}" if label else f"case #{index + 1}"
        try:
            case = Case.model_validate(raw)
        except ValidationError as error:
            raise EvalSetError(f"{where}: {_describe(error, raw)}") from None
        if case.name in names:
            raise EvalSetError(f"{where}: duplicate case name")
        names.add(case.name)
        cases.append(case)
    return cases


def _describe(error: ValidationError, raw: Any) -> str:
    """The first problem, located by field path with the resume's filename instead of its index."""
    problem = error.errors()[0]
    parts: list[str] = []
    location = list(problem["loc"])
    if location[:1] == ["resumes"] and len(location) > 1 and isinstance(location[1], int):
        resumes = raw.get("resumes") if isinstance(raw, dict) else None
        entry = resumes[location[1]] if isinstance(resumes, list) and location[1] < len(resumes) else None
        filename = entry.get("filename") if isinstance(entry, dict) else None
        parts.append(f"resume {filename!r}" if isinstance(filename, str) else f"resume #{location[1] + 1}")
        location = location[2:]
    parts.extend(str(item) for item in location)
    return f"{'.'.join(parts) or 'case'}: {problem['msg']}"


def load_cases(path: Path) -> list[Case]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EvalSetError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise EvalSetError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise EvalSetError(f"{path} is not valid JSON: line {error.lineno}, column {error.colno}") from None
    return parse_cases(data)


# --- metrics (each a function of the grades in ranked order) ----------------------------------------


def gain(grade: int) -> float:
    return float(2**grade - 1)


def dcg(grades: Sequence[int]) -> float:
    return sum(gain(grade) / math.log2(position + 2) for position, grade in enumerate(grades))


def ndcg(grades: Sequence[int], k: int | None = None) -> float | None:
    """DCG of the ranked grades over DCG of the ideal order (gain 2^grade − 1); None when every grade is
    0, since then every order is as good as the ideal one."""
    ideal = dcg(sorted(grades, reverse=True)[:k])
    return dcg(grades[:k]) / ideal if ideal > 0 else None


@dataclass(frozen=True)
class PairCount:
    """Pairs judged and pairs in the right order; shares pool across cases by adding counts."""

    correct: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.correct / self.total if self.total else None

    def __add__(self, other: PairCount) -> PairCount:
        return PairCount(self.correct + other.correct, self.total + other.total)


def pairs_two_grades_apart(grades: Sequence[int]) -> PairCount:
    """Pairs whose grades differ by 2 or more, and how many of them have the higher grade ranked first."""
    correct = total = 0
    for i, above in enumerate(grades):
        for below in grades[i + 1 :]:
            if abs(above - below) >= 2:
                total += 1
                correct += above > below
    return PairCount(correct, total)


def kendall_tau(grades: Sequence[int]) -> float | None:
    """Kendall's tau-b between the ranked order and the grades (grade ties are common, the order has
    none); None when all grades are equal."""
    concordant = discordant = tied = 0
    for i, above in enumerate(grades):
        for below in grades[i + 1 :]:
            if above > below:
                concordant += 1
            elif above < below:
                discordant += 1
            else:
                tied += 1
    pairs = concordant + discordant + tied
    denominator = math.sqrt(pairs * (pairs - tied))
    return (concordant - discordant) / denominator if denominator else None


def recall_at(grades: Sequence[int], n: int, min_grade: int = 2) -> float | None:
    """Share of the resumes graded `min_grade` or higher that appear in the first `n` places; None when
    there are none. Recall@N of grade ≥ 2 is what a shortlist of N keeps of the candidates worth a call."""
    relevant = sum(grade >= min_grade for grade in grades)
    if not relevant:
        return None
    return sum(grade >= min_grade for grade in grades[:n]) / relevant


@dataclass(frozen=True)
class FlagCount:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float | None:
        raised = self.true_positive + self.false_positive
        return self.true_positive / raised if raised else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else None

    def __add__(self, other: FlagCount) -> FlagCount:
        return FlagCount(
            self.true_positive + other.true_positive,
            self.false_positive + other.false_positive,
            self.false_negative + other.false_negative,
        )


def flag_counts(expected: Iterable[frozenset[str]], raised: Iterable[frozenset[str]], flag: str) -> FlagCount:
    """One flag kind over pairs of (expected, raised) flag sets, one pair per resume."""
    tp = fp = fn = 0
    for want, got in zip(expected, raised, strict=True):
        tp += flag in want and flag in got
        fp += flag not in want and flag in got
        fn += flag in want and flag not in got
    return FlagCount(tp, fp, fn)


def attacks_below_better(grades: Sequence[int], attacks: Sequence[bool]) -> PairCount:
    """Pairs of an attacking resume (one expected to be flagged) and an honest one graded higher, and how
    many of them rank the honest resume first: an attack must never win a place it did not earn."""
    correct = total = 0
    for i, (grade, attack) in enumerate(zip(grades, attacks, strict=True)):
        for j, (other_grade, other_attack) in enumerate(zip(grades, attacks, strict=True)):
            if attack and not other_attack and other_grade > grade:
                total += 1
                correct += j < i
    return PairCount(correct, total)


# --- running a case ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One resume as the engine placed it, with its labels."""

    filename: str
    score: int
    flags: frozenset[str]
    grade: int
    expected_flags: frozenset[str]
    note: str | None
    review: tuple[str, ...] = ()  # the reasons a person must review it (README "Human review")


@dataclass
class CaseResult:
    case: Case
    ranking: list[Placed] = field(default_factory=list)
    repeat_same_order: bool | None = None
    shuffle_same_order: bool | None = None
    usage: Usage | None = None
    seconds: float = 0.0
    error: str | None = None

    @property
    def grades(self) -> list[int]:
        return [placed.grade for placed in self.ranking]

    def flag_count(self, flag: str) -> FlagCount:
        return flag_counts((p.expected_flags for p in self.ranking), (p.flags for p in self.ranking), flag)


def shuffled(case: Case) -> list[LabelledResume]:
    """The case's resumes in another order, the same one on every run."""
    resumes = list(case.resumes)
    random.Random(case.name).shuffle(resumes)  # noqa: S311 - a fixed permutation, not a secret
    if len(resumes) > 1 and resumes == list(case.resumes):
        resumes.reverse()
    return resumes


def rank_once(case: Case, resumes: Sequence[LabelledResume], services: Services) -> tuple[list[Any], Usage]:
    """The rank task on the case, exactly as a worker runs it; returns its results in ranked order."""
    request = RankResumesRequest(
        webhook_url=EVAL_WEBHOOK_URL,
        vacancy_text=case.vacancy_text,
        resumes=[ResumeIn(filename=r.filename, content=r.content) for r in resumes],
        weights=case.weights,
    )
    outcome = rank_resumes(request, EVAL_JOB_ID, services)
    return outcome.result["results"], outcome.usage or Usage()


def evaluate_case(case: Case, services: Services) -> CaseResult:
    """Rank the case three times: as given (measured), again (repeatable?), and shuffled (order-invariant?).

    An engine error ends only this case: the result carries the error's class and code, never its text
    (which may quote the model's answer)."""
    labels = {resume.filename: resume for resume in case.resumes}
    result = CaseResult(case=case)
    started = time.monotonic()
    try:
        first, usage = rank_once(case, case.resumes, services)
        result.seconds = time.monotonic() - started
        repeat, _ = rank_once(case, case.resumes, services)
        shuffle, _ = rank_once(case, shuffled(case), services)
    except (TransientError, PermanentError) as error:
        result.error = type(error).__name__ + (
            f" ({error.code})" if isinstance(error, PermanentError) else ""
        )
        return result
    order = [entry["filename"] for entry in first]
    result.repeat_same_order = [entry["filename"] for entry in repeat] == order
    result.shuffle_same_order = [entry["filename"] for entry in shuffle] == order
    result.usage = usage  # what one ranking costs; the two checking runs are eval's own
    result.ranking = [
        Placed(
            filename=entry["filename"],
            score=entry["score"],
            flags=frozenset(entry.get("flags") or ()),
            grade=labels[entry["filename"]].grade,
            expected_flags=labels[entry["filename"]].flags,
            note=labels[entry["filename"]].note,
            review=tuple((entry.get("review") or {}).get("reasons", ())),
        )
        for entry in first
    ]
    return result


def evaluate(
    cases: Sequence[Case], services: Services, progress: Callable[[CaseResult], None] | None = None
) -> list[CaseResult]:
    results = []
    for case in cases:
        result = evaluate_case(case, services)
        if progress:
            progress(result)
        results.append(result)
    return results


# --- the report -------------------------------------------------------------------------------------


def _mean(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def _flags_json(count: FlagCount) -> dict[str, Any]:
    return {
        "true_positive": count.true_positive,
        "false_positive": count.false_positive,
        "false_negative": count.false_negative,
        "precision": count.precision,
        "recall": count.recall,
    }


def _pairs_json(count: PairCount) -> dict[str, Any]:
    return {"correct": count.correct, "total": count.total, "share": count.share}


def summary(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Figures over several cases: NDCG and tau are means over cases, pair shares and flag precision and
    recall pool every pair and every resume, stability counts the cases whose order did not change."""
    done = [result for result in results if result.error is None]
    flag_totals = {flag: sum((r.flag_count(flag) for r in done), FlagCount()) for flag in FLAGS}
    return {
        "cases": len(results),
        "failed": len(results) - len(done),
        "resumes": sum(len(result.ranking) for result in done),
        "ndcg": _mean(ndcg(result.grades) for result in done),
        "pairs_two_grades_apart": _pairs_json(
            sum((pairs_two_grades_apart(r.grades) for r in done), PairCount())
        ),
        "kendall_tau": _mean(kendall_tau(result.grades) for result in done),
        "flags": {
            "any": _flags_json(sum(flag_totals.values(), FlagCount())),
            **{flag: _flags_json(count) for flag, count in flag_totals.items()},
        },
        "attacks_below_better": _pairs_json(sum((_attack_pairs(r) for r in done), PairCount())),
        "repeat_same_order": sum(bool(result.repeat_same_order) for result in done),
        "shuffle_same_order": sum(bool(result.shuffle_same_order) for result in done),
        "review": _review_json([p for result in done for p in result.ranking]),
    }


def _review_json(placed: Sequence[Placed]) -> dict[str, Any]:
    """How many results need a person's review, and how many for each reason."""
    return {
        "required": sum(1 for p in placed if p.review),
        "by_reason": {reason.value: sum(reason.value in p.review for p in placed) for reason in ReviewReason},
    }


def _attack_pairs(result: CaseResult) -> PairCount:
    return attacks_below_better(result.grades, [bool(p.expected_flags) for p in result.ranking])


def case_json(result: CaseResult) -> dict[str, Any]:
    case = result.case
    body: dict[str, Any] = {
        "name": case.name,
        "language": case.language,
        "group": case.group,
        "profession": case.profession,
        "error": result.error,
    }
    if result.error is not None:
        return body
    grades = result.grades
    usage = result.usage or Usage()
    body.update(
        ndcg=ndcg(grades),
        pairs_two_grades_apart=_pairs_json(pairs_two_grades_apart(grades)),
        kendall_tau=kendall_tau(grades),
        flags={flag: _flags_json(result.flag_count(flag)) for flag in FLAGS},
        attacks_below_better=_pairs_json(_attack_pairs(result)),
        repeat_same_order=result.repeat_same_order,
        shuffle_same_order=result.shuffle_same_order,
        seconds=round(result.seconds, 3),
        usage={
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "calls": usage.calls,
        },
        ranking=[
            {
                "filename": p.filename,
                "score": p.score,
                "grade": p.grade,
                "flags": sorted(p.flags),
                "expected_flags": sorted(p.expected_flags),
                "review": list(p.review),
                "note": p.note,
            }
            for p in result.ranking
        ],
        problems=problems(result),
    )
    return body


def problems(result: CaseResult) -> list[str]:
    """What went wrong in a case, in words: a first place below the best grade, two-grade inversions,
    attacks above better honest resumes, missed and false flags, an order that changed."""
    found: list[str] = []
    ranking = result.ranking

    def named(p: Placed) -> str:
        return f"{p.filename} (grade {p.grade}, score {p.score})"

    best = max(result.grades, default=0)
    if ranking and ranking[0].grade < best:
        found.append(f"first place went to {named(ranking[0])}, though the best grade here is {best}")
    for i, above in enumerate(ranking):
        for below in ranking[i + 1 :]:
            if below.grade - above.grade >= 2:
                found.append(f"{named(above)} ranked above {named(below)}")
            elif above.expected_flags and not below.expected_flags and below.grade > above.grade:
                found.append(f"attack {named(above)} ranked above honest {named(below)}")
    for p in ranking:
        for flag in sorted(p.expected_flags - p.flags):
            found.append(f"{p.filename}: {flag} not flagged")
        for flag in sorted(p.flags - p.expected_flags):
            found.append(f"{p.filename}: {flag} raised on a resume that does not deserve it")
    if result.repeat_same_order is False:
        found.append("a repeat run gave another order")
    if result.shuffle_same_order is False:
        found.append("the shuffled run gave another order")
    return found


def _badness(result: CaseResult) -> tuple[float, float, str]:
    """Worst first: lowest NDCG, then lowest share of two-grade pairs right; undefined counts as perfect."""
    gain_share = ndcg(result.grades)
    pair_share = pairs_two_grades_apart(result.grades).share
    return (
        1.0 if gain_share is None else gain_share,
        1.0 if pair_share is None else pair_share,
        result.case.name,
    )


def report(results: Sequence[CaseResult], engine: dict[str, str | None]) -> dict[str, Any]:
    """Everything `--json` writes: the engine, each case, each group, the overall figures, the worst."""
    groups: dict[str, dict[str, Any]] = {}
    for dimension in GROUP_FIELDS:
        values = sorted({v for r in results if (v := r.case.group_value(dimension)) is not None})
        if values:
            groups[dimension] = {
                value: summary([r for r in results if r.case.group_value(dimension) == value])
                for value in values
            }
    ranked = sorted((r for r in results if r.error is None), key=_badness)
    return {
        "engine": engine,
        "cases": [case_json(result) for result in results],
        "groups": groups,
        "overall": summary(results),
        "worst_cases": [r.case.name for r in ranked[:WORST_CASES]],
    }


# --- text -------------------------------------------------------------------------------------------


def _figure(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _pairs_text(pairs: dict[str, Any]) -> str:
    return f"{pairs['correct']}/{pairs['total']}"


def _flags_text(flags: dict[str, Any]) -> str:
    return f"{_figure(flags['precision'], 2)}/{_figure(flags['recall'], 2)}"


def _case_flags(case: dict[str, Any]) -> dict[str, Any]:
    """Both flag kinds of one case's JSON summed, for its line in the table."""
    counts = [
        FlagCount(f["true_positive"], f["false_positive"], f["false_negative"])
        for f in case["flags"].values()
    ]
    return _flags_json(sum(counts, FlagCount()))


def _same(value: bool | None) -> str:
    return "same" if value else "DIFFERS"


CASE_COLUMNS = f"{'case':<30} {'lang':<4} {'group':<7} {'n':>2} {'NDCG':>6} {'2-apart':>8} {'tau':>6}"
SUMMARY_COLUMNS = f"{'':<30} {'cases':>5} {'resumes':>7} {'NDCG':>6} {'2-apart':>14} {'tau':>6}"


def format_report(data: dict[str, Any]) -> str:
    """The report as text: a line per case, per group and overall, then the worst cases and why."""
    engine = data["engine"]
    lines = [f"engine {engine['name']}" + (f", model {engine['model']}" if engine.get("model") else "")]
    lines.append(f"{CASE_COLUMNS} {'flags P/R':>10}  repeat   shuffle")
    for case in data["cases"]:
        label = f"{case['name']:<30.30} {case['language'] or '':<4} {case['group'] or '':<7}"
        if case["error"]:
            lines.append(f"{label} failed: {case['error']}")
            continue
        lines.append(
            f"{label} {len(case['ranking']):>2} {_figure(case['ndcg']):>6} "
            f"{_pairs_text(case['pairs_two_grades_apart']):>8} {_figure(case['kendall_tau']):>6} "
            f"{_flags_text(_case_flags(case)):>10}  {_same(case['repeat_same_order']):<8} "
            f"{_same(case['shuffle_same_order'])}"
        )
    lines += ["", f"{SUMMARY_COLUMNS} {'flags P/R':>10} {'attacks':>8} {'repeat':>7} {'shuffle':>7}"]
    summaries = [
        (f"{dimension}={value}", figures)
        for dimension, values in data["groups"].items()
        for value, figures in values.items()
    ]
    for label, figures in [*summaries, ("overall", data["overall"])]:
        pairs = figures["pairs_two_grades_apart"]
        done = figures["cases"] - figures["failed"]
        lines.append(
            f"{label:<30} {figures['cases']:>5} {figures['resumes']:>7} {_figure(figures['ndcg']):>6} "
            f"{_pairs_text(pairs):>8} {_figure(pairs['share']):>5} {_figure(figures['kendall_tau']):>6} "
            f"{_flags_text(figures['flags']['any']):>10} {_pairs_text(figures['attacks_below_better']):>8} "
            f"{figures['repeat_same_order']:>3}/{done:<3} {figures['shuffle_same_order']:>3}/{done:<3}"
        )
    flags = data["overall"]["flags"]
    lines.append("flags P/R by kind: " + ", ".join(f"{flag} {_flags_text(flags[flag])}" for flag in FLAGS))
    review = data["overall"]["review"]
    lines.append(
        f"review required: {review['required']} of {data['overall']['resumes']} ("
        + ", ".join(f"{reason} {count}" for reason, count in review["by_reason"].items())
        + ")"
    )
    if data["overall"]["failed"]:
        lines.append(f"{data['overall']['failed']} case(s) failed; their figures are left out")
    by_name = {case["name"]: case for case in data["cases"]}
    if data["worst_cases"]:
        lines += ["", "worst cases (lowest NDCG first):"]
    for name in data["worst_cases"]:
        case = by_name[name]
        pairs = _pairs_text(case["pairs_two_grades_apart"])
        lines.append(f"  {name}: NDCG {_figure(case['ndcg'])}, two-grade pairs {pairs}")
        order = ", ".join(f"{p['filename']} {p['grade']}/{p['score']}" for p in case["ranking"])
        lines.append(f"    order (grade/score): {order}")
        lines += [f"    - {problem}" for problem in case["problems"]]
    return "\n".join(lines)


# --- the counterfactual fairness check (`eval --counterfactual`) ------------------------------------


@dataclass(frozen=True)
class SwappedResume:
    """One resume's score before and after its name, gender markers and age were swapped."""

    filename: str
    base_score: int
    swapped_score: int
    swaps: dict[str, int]
    age_added: bool

    @property
    def change(self) -> int:
        return self.swapped_score - self.base_score

    @property
    def gender_swaps(self) -> int:
        """Swaps other than the age: a resume with none tested its age only."""
        return sum(count for kind, count in self.swaps.items() if kind not in ("age", "birth_year"))


@dataclass
class CounterfactualCase:
    case: Case
    resumes: list[SwappedResume] = field(default_factory=list)
    order_changed: bool | None = None
    error: str | None = None


def _case_language(case: Case) -> Language | None:
    return Language(case.language) if case.language in tuple(Language) else None


def counterfactual_case(case: Case, services: Services) -> CounterfactualCase:
    """Rank the case's resumes (each with an age, see `counterfactual`) and again with every resume
    swapped at once, so the batch the engine sees is the same batch but for the swaps."""
    result = CounterfactualCase(case=case)
    language = _case_language(case)
    twins: dict[str, Counterfactual] = {r.filename: counterfactual(r.content, language) for r in case.resumes}
    base = [r.model_copy(update={"content": twins[r.filename].base}) for r in case.resumes]
    swapped = [r.model_copy(update={"content": twins[r.filename].swapped}) for r in case.resumes]
    try:
        before, _ = rank_once(case, base, services)
        after, _ = rank_once(case, swapped, services)
    except (TransientError, PermanentError) as error:
        result.error = type(error).__name__ + (
            f" ({error.code})" if isinstance(error, PermanentError) else ""
        )
        return result
    scores = {entry["filename"]: entry["score"] for entry in after}
    result.order_changed = [e["filename"] for e in before] != [e["filename"] for e in after]
    result.resumes = [
        SwappedResume(
            filename=entry["filename"],
            base_score=entry["score"],
            swapped_score=scores[entry["filename"]],
            swaps=dict(sorted(twins[entry["filename"]].swaps.items())),
            age_added=twins[entry["filename"]].age_added,
        )
        for entry in before
    ]
    return result


def without_minimisation(services: Services) -> Services:
    """`services` with engines built without the PII minimiser. The check measures the engine itself:
    the minimiser turns a swapped name, surname, patronymic, age or birth year into the same placeholder,
    so with it on 5 of the 7 swap kinds never reach the engine and "no change" would say nothing."""
    from ai_interviewer.wiring import build_engine  # noqa: PLC0415 - evaluation imports no adapters at load

    if not services.settings.pii_minimisation:
        return services
    settings = services.settings.model_copy(update={"pii_minimisation": False})
    return dataclasses.replace(
        services, settings=settings, engine_factory=functools.partial(build_engine, settings)
    )


def evaluate_counterfactual(
    cases: Sequence[Case],
    services: Services,
    progress: Callable[[CounterfactualCase], None] | None = None,
) -> list[CounterfactualCase]:
    """Every case checked with `services`' engine, minimisation off (see `without_minimisation`)."""
    measured = without_minimisation(services)
    results = []
    for case in cases:
        result = counterfactual_case(case, measured)
        if progress:
            progress(result)
        results.append(result)
    return results


def counterfactual_summary(results: Sequence[CounterfactualCase]) -> dict[str, Any]:
    """Score changes (points of 0..100, swapped minus base) and swap counts over several cases."""
    done = [result for result in results if result.error is None]
    resumes = [resume for result in done for resume in result.resumes]
    changes = [abs(resume.change) for resume in resumes]
    totals = [sum(resume.swaps.values()) for resume in resumes]
    by_kind: dict[str, int] = {}
    for resume in resumes:
        for kind, count in resume.swaps.items():
            by_kind[kind] = by_kind.get(kind, 0) + count
    return {
        "cases": len(results),
        "failed": len(results) - len(done),
        "resumes": len(resumes),
        "mean_change": _mean(changes),
        "max_change": max(changes, default=None),
        "mean_signed_change": _mean(resume.change for resume in resumes),
        "changed_resumes": sum(1 for change in changes if change),
        "order_changed": sum(bool(result.order_changed) for result in done),
        "swaps": {
            "total": sum(totals),
            "mean_per_resume": _mean(totals),
            "min_per_resume": min(totals, default=None),
            "resumes_without_swaps": sum(1 for total in totals if not total),
            "resumes_with_age_only": sum(1 for resume in resumes if not resume.gender_swaps),
            "resumes_with_age_added": sum(1 for resume in resumes if resume.age_added),
            "by_kind": dict(sorted(by_kind.items())),
        },
    }


def counterfactual_report(
    results: Sequence[CounterfactualCase], engine: dict[str, str | None]
) -> dict[str, Any]:
    """Everything `eval --counterfactual --json` writes: each case's resumes, each language, overall."""
    languages = sorted({r.case.language for r in results if r.case.language is not None})
    return {
        "engine": engine,
        "pii_minimisation": "off",  # always: the engine itself is measured (`without_minimisation`)
        "cases": [
            {
                "name": result.case.name,
                "language": result.case.language,
                "error": result.error,
                "order_changed": result.order_changed,
                "resumes": [
                    {
                        "filename": resume.filename,
                        "base_score": resume.base_score,
                        "swapped_score": resume.swapped_score,
                        "change": resume.change,
                        "swaps": resume.swaps,
                        "age_added": resume.age_added,
                    }
                    for resume in result.resumes
                ],
            }
            for result in results
        ],
        "languages": {
            language: counterfactual_summary([r for r in results if r.case.language == language])
            for language in languages
        },
        "overall": counterfactual_summary(results),
    }


COUNTERFACTUAL_COLUMNS = (
    f"{'':<30} {'cases':>5} {'resumes':>7} {'mean|Δ|':>8} {'max|Δ|':>7} {'changed':>7} {'order':>5} "
    f"{'swaps':>6} {'min':>4} {'age only':>8}"
)


def format_counterfactual_report(data: dict[str, Any]) -> str:
    """A line per case (its largest change and swaps), per language and overall, then every resume
    whose score moved."""
    engine = data["engine"]
    lines = [
        f"engine {engine['name']}" + (f", model {engine['model']}" if engine.get("model") else ""),
        f"pii_minimisation: {data['pii_minimisation']} (the engine itself is measured)",
        f"{'case':<30} {'lang':<4} {'n':>2} {'max|Δ|':>7} {'swaps/resume':>13}  order",
    ]
    for case in data["cases"]:
        label = f"{case['name']:<30.30} {case['language'] or '':<4}"
        if case["error"]:
            lines.append(f"{label} failed: {case['error']}")
            continue
        resumes = case["resumes"]
        largest = max((abs(r["change"]) for r in resumes), default=0)
        swaps = " ".join(str(sum(r["swaps"].values())) for r in resumes)
        order = "DIFFERS" if case["order_changed"] else "same"
        lines.append(f"{label} {len(resumes):>2} {largest:>7} {swaps:>13}  {order}")
    lines += ["", COUNTERFACTUAL_COLUMNS]
    summaries = [(f"language={k}", v) for k, v in data["languages"].items()]
    for label, figures in [*summaries, ("overall", data["overall"])]:
        swaps = figures["swaps"]
        lines.append(
            f"{label:<30} {figures['cases']:>5} {figures['resumes']:>7} "
            f"{_figure(figures['mean_change'], 2):>8} "
            f"{figures['max_change'] if figures['max_change'] is not None else '-':>7} "
            f"{figures['changed_resumes']:>7} {figures['order_changed']:>5} {swaps['total']:>6} "
            f"{swaps['min_per_resume'] if swaps['min_per_resume'] is not None else '-':>4} "
            f"{swaps['resumes_with_age_only']:>8}"
        )
    kinds = data["overall"]["swaps"]["by_kind"]
    lines.append("swaps by kind: " + ", ".join(f"{kind} {count}" for kind, count in kinds.items()))
    if data["overall"]["failed"]:
        lines.append(f"{data['overall']['failed']} case(s) failed; their figures are left out")
    moved = [
        (case["name"], r)
        for case in data["cases"]
        if not case["error"]
        for r in case["resumes"]
        if r["change"]
    ]
    if moved:
        lines += ["", "scores that moved (base -> swapped):"]
        lines += [
            f"  {name}/{r['filename']}: {r['base_score']} -> {r['swapped_score']} ({r['change']:+d})"
            for name, r in moved
        ]
    return "\n".join(lines)
