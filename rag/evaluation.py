"""Dev-set evaluation: how well an `ask` function retrieves, filters and refuses.

`evaluate` takes the ask function rather than an `Assistant`, so the same harness scores
the product (`Assistant.ask`), a baseline or a hand-made fake in tests. Metrics follow
`eval/README.md`: hit@k, Recall@k and MRR on questions with expected events,
Precision@k on questions with a date window or a city, and refusal quality.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rich.console import Group
from rich.table import Table

from rag.models import Event, ProgressFn, no_progress
from rag.schemas import AskRequest, AskResponse, Source
from rag.text import fold

Category = Literal["topical", "named", "city", "date", "audience", "no_answer"]
CATEGORIES: tuple[Category, ...] = ("topical", "named", "city", "date", "audience", "no_answer")

AskFn = Callable[[AskRequest], AskResponse]
EventLookup = Callable[[str], Event | None]
"""uid -> Event, e.g. `Assistant.event` or `dict.get`; gives exact occurrences for P@k."""


class Window(BaseModel):
    """Inclusive local dates the question refers to."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")
        return self


class DevQuestion(BaseModel):
    """One line of `eval/devset.jsonl` (the file is a boundary, hence pydantic)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1, max_length=1000)
    category: Category
    as_of: dt.date
    expected_uids: list[str] = Field(default_factory=list)
    window: Window | None = None
    city: str | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> DevQuestion:
        if self.category == "no_answer" and self.expected_uids:
            raise ValueError("a no_answer question cannot expect events")
        return self


def load_devset(path: Path) -> list[DevQuestion]:
    """Read and validate a JSONL dev set; errors name the line to fix."""
    questions: list[DevQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            question = DevQuestion.model_validate_json(line)
        except ValidationError as exc:
            raise ValueError(f"{path}:{number}: invalid dev-set line: {exc}") from exc
        if question.id in seen:
            raise ValueError(f"{path}:{number}: duplicate id {question.id!r}; ids must be unique")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise ValueError(f"{path} has no questions; expected one JSON object per line")
    return questions


@dataclass(slots=True)
class QuestionResult:
    """What the system did with one question, and how it scored."""

    question: DevQuestion
    got: list[Source]
    refused: bool
    seconds: float
    hit: float | None  # None when the question has no expected events
    recall: float | None
    reciprocal_rank: float | None
    precision: float | None  # None without window/city, for no_answer, or with no sources

    @property
    def failure(self) -> str | None:
        """Why this question counts as failed, or None."""
        if self.question.category == "no_answer":
            return None if self.refused else "answered a no-answer question"
        if self.refused:
            return "refused an answerable question"
        if self.hit == 0:
            return "no expected event in the top k"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "category": self.question.category,
            "question": self.question.question,
            "expected": self.question.expected_uids,
            "got": [{"uid": s.uid, "title": s.title, "city": s.city} for s in self.got],
            "refused": self.refused,
            "hit": self.hit,
            "recall": self.recall,
            "reciprocal_rank": self.reciprocal_rank,
            "precision": self.precision,
            "seconds": round(self.seconds, 4),
            "failure": self.failure,
        }


@dataclass(frozen=True, slots=True)
class Scores:
    """Means over the questions a metric applies to (None when it applies to none)."""

    questions: int
    hit: float | None
    recall: float | None
    mrr: float | None
    precision: float | None
    refused: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "hit": self.hit,
            "recall": self.recall,
            "mrr": self.mrr,
            "precision": self.precision,
            "refused": self.refused,
        }


@dataclass(slots=True)
class EvalReport:
    k: int
    results: list[QuestionResult]
    by_category: dict[str, Scores] = field(init=False)
    overall: Scores = field(init=False)
    no_answer_precision: float | None = field(init=False)
    no_answer_recall: float | None = field(init=False)
    false_refusal_rate: float | None = field(init=False)

    def __post_init__(self) -> None:
        self.by_category = {
            category: _scores([r for r in self.results if r.question.category == category])
            for category in CATEGORIES
            if any(r.question.category == category for r in self.results)
        }
        self.overall = _scores(self.results)
        refused = [r for r in self.results if r.refused]
        unanswerable = [r for r in self.results if r.question.category == "no_answer"]
        answerable = [r for r in self.results if r.question.category != "no_answer"]
        self.no_answer_precision = _mean(
            [float(r.question.category == "no_answer") for r in refused]
        )
        self.no_answer_recall = _mean([float(r.refused) for r in unanswerable])
        self.false_refusal_rate = _mean([float(r.refused) for r in answerable])

    @property
    def mean_seconds(self) -> float:
        return _mean([r.seconds for r in self.results]) or 0.0

    @property
    def failures(self) -> list[QuestionResult]:
        return [r for r in self.results if r.failure]

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "overall": self.overall.to_dict(),
            "by_category": {name: scores.to_dict() for name, scores in self.by_category.items()},
            "no_answer_precision": self.no_answer_precision,
            "no_answer_recall": self.no_answer_recall,
            "false_refusal_rate": self.false_refusal_rate,
            "mean_seconds": self.mean_seconds,
            "failures": [r.to_dict() for r in self.failures],
            "results": [r.to_dict() for r in self.results],
        }

    def __rich__(self) -> Group:
        k = self.k
        table = Table(title=f"Dev-set evaluation ({len(self.results)} questions, k={k})")
        table.add_column("category")
        for name in ("n", f"hit@{k}", f"Recall@{k}", "MRR", f"P@{k}", "refused"):
            table.add_column(name, justify="right")
        rows = [*self.by_category.items(), ("overall", self.overall)]
        for name, scores in rows:
            table.add_row(
                f"[bold]{name}[/]" if name == "overall" else name,
                str(scores.questions),
                _fmt(scores.hit),
                _fmt(scores.recall),
                _fmt(scores.mrr),
                _fmt(scores.precision),
                str(scores.refused),
            )
        refusals = Table.grid(padding=(0, 2))
        refusals.add_row("no-answer precision", _fmt(self.no_answer_precision))
        refusals.add_row("no-answer recall", _fmt(self.no_answer_recall))
        refusals.add_row("false-refusal rate", _fmt(self.false_refusal_rate))
        refusals.add_row("mean time per question", f"{self.mean_seconds:.3f} s")
        refusals.add_row("failing questions", str(len(self.failures)))
        return Group(table, refusals)

    def failures_table(self) -> Table:
        """The failing questions, to see what to tune."""
        table = Table(title=f"Failing questions ({len(self.failures)})", show_lines=True)
        for name in ("id", "question", "why", "expected", "got"):
            table.add_column(name, overflow="fold")
        for result in self.failures:
            table.add_row(
                result.question.id,
                result.question.question,
                result.failure or "",
                "\n".join(result.question.expected_uids) or "—",
                "\n".join(f"{s.uid} {s.title}" for s in result.got) or "—",
            )
        return table


def evaluate(
    ask: AskFn,
    questions: Sequence[DevQuestion],
    k: int = 5,
    events: EventLookup | None = None,
    timezone: str = "Europe/Paris",
    progress: ProgressFn = no_progress,
) -> EvalReport:
    """Ask every question (as of its own date) and score the top-k sources.

    Without `events`, window checks use each source's start/end span, which can count a
    long-running event whose occurrences skip the window; with it, real occurrences.
    """
    tz = ZoneInfo(timezone)
    results: list[QuestionResult] = []
    progress("evaluate", 0, len(questions))
    for done, question in enumerate(questions, 1):
        started = time.perf_counter()
        response = ask(AskRequest(question=question.question, as_of=question.as_of, k=k))
        seconds = time.perf_counter() - started
        results.append(_score(question, response, k, seconds, events, tz))
        progress("evaluate", done, len(questions))
    return EvalReport(k=k, results=results)


def _score(
    question: DevQuestion,
    response: AskResponse,
    k: int,
    seconds: float,
    events: EventLookup | None,
    tz: ZoneInfo,
) -> QuestionResult:
    got = response.sources[:k]
    uids = [source.uid for source in got]
    expected = set(question.expected_uids)
    hit = recall = reciprocal_rank = precision = None
    if expected:
        found = expected.intersection(uids)
        hit = float(bool(found))
        recall = len(found) / len(expected)
        reciprocal_rank = next(
            (1 / rank for rank, uid in enumerate(uids, 1) if uid in expected), 0.0
        )
    constrained = question.window is not None or question.city is not None
    if constrained and question.category != "no_answer" and got:
        correct = [_satisfies(question, source, events, tz) for source in got]
        precision = sum(correct) / len(correct)
    return QuestionResult(
        question=question,
        got=got,
        refused=response.no_answer,
        seconds=seconds,
        hit=hit,
        recall=recall,
        reciprocal_rank=reciprocal_rank,
        precision=precision,
    )


def _satisfies(
    question: DevQuestion, source: Source, events: EventLookup | None, tz: ZoneInfo
) -> bool:
    """Does this source meet the question's window and city (when they are set)?"""
    event = events(source.uid) if events else None
    if question.city is not None:
        city = event.city if event else source.city
        if fold(city or "") != fold(question.city):
            return False
    window = question.window
    if window is None:
        return True
    if event is not None:
        spans = [(o.start, o.end) for o in event.occurrences]
    elif source.start is not None:
        spans = [(source.start, source.end or source.start)]
    else:
        return False
    return any(
        _local_date(start, tz) <= window.end and _local_date(end, tz) >= window.start
        for start, end in spans
    )


def _local_date(value: dt.datetime, tz: ZoneInfo) -> dt.date:
    return value.astimezone(tz).date() if value.tzinfo else value.date()


def _scores(results: Sequence[QuestionResult]) -> Scores:
    return Scores(
        questions=len(results),
        hit=_mean([r.hit for r in results if r.hit is not None]),
        recall=_mean([r.recall for r in results if r.recall is not None]),
        mrr=_mean([r.reciprocal_rank for r in results if r.reciprocal_rank is not None]),
        precision=_mean([r.precision for r in results if r.precision is not None]),
        refused=sum(r.refused for r in results),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
