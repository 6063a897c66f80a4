"""Evaluation: how well an `ask` function retrieves, filters and refuses.

`evaluate` takes the ask function rather than an `Assistant`, so the same harness scores
the product (`Assistant.ask`), a baseline or a hand-made fake in tests. Question files
(`eval/*.jsonl`) cover three corpora and two splits; each question is scored as the public
scorer does (`../shared/eval/score.py`: Recall@5 or Precision@5, refusal for no-answer
questions), plus hit@k, MRR and the share of sources inside the asked window or place.
See `eval/README.md`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rich.console import Group
from rich.table import Table

from rag.models import Event, Occurrence, ProgressFn, no_progress
from rag.places import haversine_km
from rag.schemas import AskRequest, AskResponse, HistoryMessage, Source
from rag.text import fold

TOP_K = 5
PARIS = ZoneInfo("Europe/Paris")

Category = Literal["topical", "entity", "city", "temporal", "audience", "no_answer"]
CATEGORIES: tuple[Category, ...] = (
    "topical",
    "entity",
    "city",
    "temporal",
    "audience",
    "no_answer",
)
LEGACY_CATEGORIES = {"named": "entity", "date": "temporal"}
"""The first dev set's names, read as the public set's (`../shared/eval/README.md`)."""
Corpus = Literal["shared", "demo", "regions"]
CORPORA: tuple[Corpus, ...] = ("shared", "demo", "regions")
Split = Literal["dev", "heldout"]
SPLITS: tuple[Split, ...] = ("dev", "heldout")
Metric = Literal["recall", "precision"]
DEV_SHARE = 0.6
SPLIT_SEED = "rag-events eval split 1"
ATTENDABLE_EXCLUDED = frozenset({"annule", "complet", "reporte"})
"""Statuses (folded) that make an event not attendable: cancelled, full, postponed."""

AskFn = Callable[[AskRequest], AskResponse]
EventLookup = Callable[[str], Event | None]
"""uid -> Event, e.g. `Assistant.event` or `dict.get`; gives exact occurrences for P@k."""


def _rank(question_id: str) -> int:
    digest = hashlib.sha256(f"{SPLIT_SEED}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def split_of(question_id: str) -> Split:
    """The split of a lone question (a line without one): a seeded hash of its id."""
    return "dev" if _rank(question_id) < DEV_SHARE * 2**64 else "heldout"


def assign_splits(questions: Sequence[tuple[str, str, str]]) -> dict[str, Split]:
    """Splits for questions added together, as (id, corpus, category): within each
    corpus and category, ranked by the seeded hash of the id, the first 60 % are dev.

    Stored in the files once assigned: adding questions later never moves one."""
    groups: dict[tuple[str, str], list[str]] = {}
    for qid, corpus, category in questions:
        groups.setdefault((corpus, category), []).append(qid)
    splits: dict[str, Split] = {}
    for ids in groups.values():
        ranked = sorted(ids, key=_rank)
        dev = round(len(ranked) * DEV_SHARE)
        splits.update({qid: "dev" if i < dev else "heldout" for i, qid in enumerate(ranked)})
    return splits


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


class Near(BaseModel):
    """Within `km` (straight line) of a point, e.g. "près de Nice" = 15 km of its centre."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    of: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    km: float = Field(gt=0)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the generator knows of an event, including what its source record left out
    (department and region dropped to test postal-code derivation, accessibility codes)."""

    event: Event
    accessibility: frozenset[str] = frozenset()
    free: bool = False  # free for everyone, as the organiser states it


class Rule(BaseModel):
    """Relevance computed from structured data, for the generated corpora.

    An event is relevant when it is attendable (not cancelled, full or postponed; not
    online-only unless `online`), has an occurrence in the question's window (local dates,
    and `hours` when set) or, without a window, is not over at `as_of`, and meets every
    criterion set below."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: list[str] = Field(default_factory=list)  # any of them (accents and case folded)
    cities: list[str] = Field(default_factory=list)
    postal_codes: list[str] = Field(default_factory=list)  # prefixes: "75011", "29"
    department: str | None = None
    region: str | None = None
    near: Near | None = None
    venue: str | None = None
    hours: tuple[int, int] | None = None  # local hours [from, to), e.g. (18, 24) for "ce soir"
    weekdays: list[int] = Field(default_factory=list)  # 0 = Monday
    age: int | None = Field(default=None, ge=0, le=120)
    free: bool = False
    accessibility: list[str] = Field(default_factory=list)  # all of them: mi, hi, vi, pi, ii
    online: bool = False

    def matches(self, facts: Facts, question: DevQuestion, tz: ZoneInfo) -> bool:
        event = facts.event
        if fold(event.status or "") in ATTENDABLE_EXCLUDED:
            return False
        if fold(event.attendance_mode or "") == "en ligne" and not self.online:
            return False
        if self.keywords and not {fold(k) for k in self.keywords} & {
            fold(k) for k in event.keywords
        }:
            return False
        if self.cities and fold(event.city or "") not in {fold(c) for c in self.cities}:
            return False
        if self.postal_codes and not (event.postal_code or "").startswith(tuple(self.postal_codes)):
            return False
        if self.department and fold(event.department or "") != fold(self.department):
            return False
        if self.region and fold(event.region or "") != fold(self.region):
            return False
        if self.near and not _within(event, self.near):
            return False
        if self.venue and fold(event.venue or "") != fold(self.venue):
            return False
        if self.age is not None and not _fits_age(event, self.age):
            return False
        if self.free and not facts.free:
            return False
        if not set(self.accessibility) <= facts.accessibility:
            return False
        return any(self._when(o, question, tz) for o in event.occurrences)

    def _when(self, occurrence: Occurrence, question: DevQuestion, tz: ZoneInfo) -> bool:
        start, end = occurrence.start.astimezone(tz), occurrence.end.astimezone(tz)
        window = question.window
        if window is None:
            return end.date() >= question.as_of
        day = max(start.date(), window.start)
        while day <= min(end.date(), window.end):
            if not self.weekdays or day.weekday() in self.weekdays:
                if self.hours is None:
                    return True
                low = dt.datetime.combine(day, dt.time(self.hours[0]), tz)
                high = low + dt.timedelta(hours=self.hours[1] - self.hours[0])
                if start < high and end > low:
                    return True
            day += dt.timedelta(days=1)
        return False


def _within(event: Event, near: Near) -> bool:
    if event.latitude is None or event.longitude is None:
        return False
    return float(haversine_km(event.latitude, event.longitude, near.lat, near.lon)) <= near.km


def _fits_age(event: Event, age: int) -> bool:
    """An age fits a declared range (at least one bound given) that contains it."""
    if event.age_min is None and event.age_max is None:
        return False
    return (event.age_min or 0) <= age <= (event.age_max if event.age_max is not None else 120)


class DevQuestion(BaseModel):
    """One line of an `eval/*.jsonl` question file (a boundary, hence pydantic).

    The first dev set's lines (no `corpus`, `split` or `metric`; categories `named` and
    `date`) still load: corpus "shared", the split from the id's hash, the metric from the
    number of expected events, `named` read as `entity` and `date` as `temporal`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1, max_length=1000)
    category: Category
    as_of: dt.date
    expected_uids: list[str] = Field(default_factory=list)
    window: Window | None = None
    city: str | None = None
    notes: str = ""
    corpus: Corpus = "shared"
    split: Split = "dev"
    metric: Metric = "recall"
    rule: Rule | None = None
    history: list[str] = Field(default_factory=list)  # earlier questions of a follow-up
    tags: list[str] = Field(default_factory=list)  # e.g. english, typo, near, past

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data["category"] = LEGACY_CATEGORIES.get(data.get("category"), data.get("category"))
        if "split" not in data and isinstance(data.get("id"), str):
            data["split"] = split_of(data["id"])
        if "metric" not in data:
            many = len(data.get("expected_uids") or []) > TOP_K
            data["metric"] = "precision" if many else "recall"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> DevQuestion:
        if self.category == "no_answer" and self.expected_uids:
            raise ValueError("a no_answer question cannot expect events")
        return self


def load_questions(
    paths: Sequence[Path],
    splits: Sequence[Split] = SPLITS,
    corpora: Sequence[Corpus] = CORPORA,
) -> list[DevQuestion]:
    """The questions of several files (ids unique across them), filtered by split and corpus."""
    questions: list[DevQuestion] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for question in load_devset(path):
            if question.id in seen:
                raise ValueError(f"{path}: id {question.id!r} is also in {seen[question.id]}")
            seen[question.id] = path
            if question.split in splits and question.corpus in corpora:
                questions.append(question)
    return questions


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
    """What the system did with one question, and how it scored.

    `score` is the public scorer's per-question figure (`../shared/eval/score.py`):
    Recall@k (over at most k expected events) or Precision@k (expected events in the top k,
    over k) by the question's metric; for a question with a window or city but no list,
    the share of the k slots filled by sources in them; for `no_answer`, 1 if refused
    (`no_answer: true` or no source)."""

    question: DevQuestion
    got: list[Source]
    refused: bool
    seconds: float
    score: float
    hit: float | None  # None when the question has no expected events
    recall: float | None  # only for `metric: recall` questions
    precision: float | None  # only for `metric: precision` questions
    reciprocal_rank: float | None
    fit: float | None  # share of sources in the window/city; None without them or sources

    @property
    def failure(self) -> str | None:
        """Why this question counts as failed, or None."""
        if self.question.category == "no_answer":
            return None if self.score else "answered a no-answer question"
        if self.refused:
            return "refused an answerable question"
        if self.hit == 0 or (self.hit is None and not self.score):
            return "no expected event in the top k"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "corpus": self.question.corpus,
            "split": self.question.split,
            "category": self.question.category,
            "question": self.question.question,
            "expected": self.question.expected_uids,
            "got": [{"uid": s.uid, "title": s.title, "city": s.city} for s in self.got],
            "refused": self.refused,
            "score": self.score,
            "hit": self.hit,
            "recall": self.recall,
            "precision": self.precision,
            "reciprocal_rank": self.reciprocal_rank,
            "fit": self.fit,
            "seconds": round(self.seconds, 4),
            "failure": self.failure,
        }


@dataclass(frozen=True, slots=True)
class Scores:
    """Means over the questions a metric applies to (None when it applies to none)."""

    questions: int
    score: float | None
    recall: float | None
    precision: float | None
    hit: float | None
    mrr: float | None
    fit: float | None
    refused: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "score": self.score,
            "recall": self.recall,
            "precision": self.precision,
            "hit": self.hit,
            "mrr": self.mrr,
            "fit": self.fit,
            "refused": self.refused,
        }


@dataclass(slots=True)
class EvalReport:
    k: int
    results: list[QuestionResult]
    title: str = "Evaluation"
    by_category: dict[str, Scores] = field(init=False)
    overall: Scores = field(init=False)
    no_answer_precision: float | None = field(init=False)
    no_answer_recall: float | None = field(init=False)
    false_refusal_rate: float | None = field(init=False)
    false_refusals: int = field(init=False)
    answerable: int = field(init=False)

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
        self.no_answer_recall = _mean([r.score for r in unanswerable])
        self.false_refusal_rate = _mean([float(r.refused) for r in answerable])
        self.false_refusals = sum(r.refused for r in answerable)
        self.answerable = len(answerable)

    @property
    def mean_seconds(self) -> float:
        return _mean([r.seconds for r in self.results]) or 0.0

    @property
    def failures(self) -> list[QuestionResult]:
        return [r for r in self.results if r.failure]

    def subset(self, keep: Callable[[DevQuestion], bool], title: str) -> EvalReport:
        """The same results restricted to some questions (a corpus, a split, a tag)."""
        return EvalReport(self.k, [r for r in self.results if keep(r.question)], title)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "k": self.k,
            "overall": self.overall.to_dict(),
            "by_category": {name: scores.to_dict() for name, scores in self.by_category.items()},
            "no_answer_precision": self.no_answer_precision,
            "no_answer_recall": self.no_answer_recall,
            "false_refusal_rate": self.false_refusal_rate,
            "false_refusals": self.false_refusals,
            "answerable": self.answerable,
            "mean_seconds": self.mean_seconds,
            "failures": [r.to_dict() for r in self.failures],
            "results": [r.to_dict() for r in self.results],
        }

    def __rich__(self) -> Group:
        k = self.k
        table = Table(title=f"{self.title} ({len(self.results)} questions, k={k})")
        table.add_column("category")
        for name in COLUMNS:
            table.add_column(name.replace("@k", f"@{k}"), justify="right")
        rows = [*self.by_category.items(), ("overall", self.overall)]
        for name, scores in rows:
            table.add_row(
                f"[bold]{name}[/]" if name == "overall" else name,
                *(_fmt(value) for value in score_row(scores)),
            )
        refusals = Table.grid(padding=(0, 2))
        refusals.add_row("no-answer questions refused", _fmt(self.no_answer_recall))
        refusals.add_row("no-answer precision", _fmt(self.no_answer_precision))
        refusals.add_row("false refusals", f"{self.false_refusals} of {self.answerable} answerable")
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
            expected = result.question.expected_uids
            shown = "\n".join(expected[:8]) + (
                f"\n… {len(expected)} in all" if len(expected) > 8 else ""
            )
            table.add_row(
                result.question.id,
                result.question.question,
                result.failure or "",
                shown or "—",
                "\n".join(f"{s.uid} {s.title}" for s in result.got) or "—",
            )
        return table


COLUMNS = ("n", "score", "R@k", "P@k", "hit@k", "MRR", "in window/place", "refused")


def score_row(scores: Scores) -> tuple[float | int | None, ...]:
    """One row of figures in the order of `COLUMNS`."""
    return (
        scores.questions,
        scores.score,
        scores.recall,
        scores.precision,
        scores.hit,
        scores.mrr,
        scores.fit,
        scores.refused,
    )


def evaluate(
    ask: AskFn,
    questions: Sequence[DevQuestion],
    k: int = TOP_K,
    events: EventLookup | None = None,
    timezone: str = "Europe/Paris",
    progress: ProgressFn = no_progress,
    title: str = "Evaluation",
) -> EvalReport:
    """Ask every question (as of its own date) and score the top-k sources.

    Without `events`, window checks use each source's start/end span, which can count a
    long-running event whose occurrences skip the window; with it, real occurrences.
    """
    tz = ZoneInfo(timezone)
    results: list[QuestionResult] = []
    progress("evaluate", 0, len(questions))
    for done, question in enumerate(questions, 1):
        request = AskRequest(
            question=question.question,
            as_of=question.as_of,
            k=k,
            history=[HistoryMessage(role="user", content=text) for text in question.history],
        )
        started = time.perf_counter()
        response = ask(request)
        seconds = time.perf_counter() - started
        results.append(score_response(question, response, k, seconds, events, tz))
        progress("evaluate", done, len(questions))
    return EvalReport(k=k, results=results, title=title)


def score_response(
    question: DevQuestion,
    response: AskResponse,
    k: int = TOP_K,
    seconds: float = 0.0,
    events: EventLookup | None = None,
    tz: ZoneInfo = PARIS,
) -> QuestionResult:
    """Score one answer: the per-question figures of `QuestionResult`."""
    got = response.sources[:k]
    uids = [source.uid for source in got]
    expected = set(question.expected_uids)
    refused = response.no_answer
    hit = recall = precision = reciprocal_rank = fit = None
    constrained = question.window is not None or question.city is not None
    if constrained and question.category != "no_answer" and got:
        correct = [_satisfies(question, source, events, tz) for source in got]
        fit = sum(correct) / len(correct)
    if question.category == "no_answer":
        score = float(refused or not got)
    elif expected:
        found = expected.intersection(uids)
        hit = float(bool(found))
        reciprocal_rank = next(
            (1 / rank for rank, uid in enumerate(uids, 1) if uid in expected), 0.0
        )
        if question.metric == "precision":
            precision = score = len(found) / k
        else:
            recall = score = len(found) / min(k, len(expected))
    else:  # a window or a city, no list: the share of the k slots that fit them
        score = (fit or 0.0) * len(got) / k
    return QuestionResult(
        question=question,
        got=got,
        refused=refused,
        seconds=seconds,
        score=score,
        hit=hit,
        recall=recall,
        precision=precision,
        reciprocal_rank=reciprocal_rank,
        fit=fit,
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
        score=_mean([r.score for r in results]),
        recall=_mean([r.recall for r in results if r.recall is not None]),
        precision=_mean([r.precision for r in results if r.precision is not None]),
        hit=_mean([r.hit for r in results if r.hit is not None]),
        mrr=_mean([r.reciprocal_rank for r in results if r.reciprocal_rank is not None]),
        fit=_mean([r.fit for r in results if r.fit is not None]),
        refused=sum(r.refused for r in results),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _fmt(value: float | int | None) -> str:
    if isinstance(value, int):
        return str(value)
    return "—" if value is None else f"{value:.3f}"
