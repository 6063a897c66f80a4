"""Answer quality on the evaluation sets: rag-events against the usual pipeline.

    uv run python -m bench.quality [--split dev heldout public] [--corpus shared demo regions]
                                   [--failures] [--json | --markdown]

Each corpus (`bench/corpora.py`: the 1,000 shared events, the demo corpus, the generated
regional events) is ingested and indexed under `$BENCH_WORK_DIR/eval-CORPUS` (default
/tmp/rag-bench; the embedding cache there makes reruns quick). Every question of the asked
splits (`eval/*.jsonl`) is asked in-process to rag-events (`Assistant.ask`, extractive
answers) and to `bench.baseline` (800/100 chunks, dense top-5, never refuses), and scored
by `rag.evaluation` the way the public scorer scores. `public` runs
`../shared/eval/public-questions.jsonl` on the shared corpus and scores it with its own
`score.py` (skipped, with the reason, when ../shared is absent). Only scores are printed:
nothing here reads the public questions beyond asking them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import Any

import requests

from bench.baseline import BaselinePipeline
from bench.common import (
    ROOT,
    WORK_DIR,
    Report,
    Row,
    Target,
    main,
    progress_printer,
    running_api,
)
from bench.corpora import all_questions, prepare, shared_available
from rag.embeddings import create_embedder
from rag.embeddings.cache import CachedEmbedder, EmbeddingCache, cache_path
from rag.engine import Assistant
from rag.evaluation import (
    CATEGORIES,
    CORPORA,
    SPLITS,
    AskFn,
    Corpus,
    DevQuestion,
    EvalReport,
    EventLookup,
    QuestionResult,
    evaluate,
)
from rag.generation import create_generator
from rag.index import build_index
from rag.schemas import AskRequest, AskResponse

PUBLIC_DIR = ROOT.parent / "shared" / "eval"
PUBLIC_QUESTIONS = PUBLIC_DIR / "public-questions.jsonl"
SYSTEMS = ("rag-events", "baseline")
OVERALL_TARGET = 0.85
FALSE_REFUSAL_TARGET = 0.05
NO_ANSWER_TARGET = 0.85
"""Issue 10's bar, for the untouched split and the public set."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        nargs="+",
        choices=[*SPLITS, "public"],
        default=[*SPLITS, "public"],
        help="Which question sets to run (default: all three).",
    )
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument(
        "--failures", action="store_true", help="Also list rag-events' failing questions."
    )
    parser.add_argument(
        "--api",
        action="store_true",
        help="Ask rag-events through POST /ask of a `rag serve` process, not in-process.",
    )
    parser.add_argument("--port", type=int, default=None, help="Port for --api [default: free].")


@dataclass(slots=True)
class Runs:
    """Per system: the scored results of our questions, and the public scorer's summary."""

    results: dict[str, list[QuestionResult]] = field(
        default_factory=lambda: {name: [] for name in SYSTEMS}
    )
    public: dict[str, dict[tuple[str, str], tuple[float | None, int]]] = field(default_factory=dict)
    public_markdown: str = ""
    notes: list[str] = field(default_factory=list)


def run(args: argparse.Namespace) -> Report:
    report = Report("quality")  # the machine's load is read now, and again at the end
    splits = [s for s in args.split if s in SPLITS]
    questions = [q for q in all_questions() if q.split in splits and q.corpus in args.corpus]
    corpora = [c for c in args.corpus if any(q.corpus == c for q in questions)]
    if "public" in args.split and "shared" not in corpora:
        corpora.insert(0, "shared")
    runs = Runs()
    for corpus in corpora:
        if corpus == "shared" and not shared_available():
            runs.notes.append("shared corpus skipped: ../shared/data/openagenda is absent")
            continue
        mine = [q for q in questions if q.corpus == corpus]
        with _systems(corpus, args.api, args.port) as systems:
            for name, (ask, lookup) in systems.items():
                scored = evaluate(
                    ask, mine, events=lookup, progress=progress_printer(f"{corpus} {name}")
                )
                runs.results[name].extend(scored.results)
            if corpus == "shared" and "public" in args.split:
                _run_public(runs, {name: ask for name, (ask, _) in systems.items()})
    runs.notes.append(
        "rag-events asked through POST /ask of `rag serve`"
        if args.api
        else "rag-events asked in-process (Assistant.ask, what /ask calls)"
    )
    return _report(report, runs, splits, args.failures)


@contextmanager
def _systems(
    corpus: Corpus, through_api: bool, port: int | None
) -> Iterator[dict[str, tuple[AskFn, EventLookup]]]:
    """rag-events and the baseline over one corpus, freshly ingested and indexed."""
    prepared = prepare(corpus, progress=progress_printer(f"{corpus} ingest"))
    settings = prepared.settings
    embedder = create_embedder(settings)
    build_index(settings, prepared.events, embedder, progress_printer(f"{corpus} build"))
    cache = EmbeddingCache(cache_path(settings.data_dir / "baseline-cache", embedder.id))
    try:
        baseline = BaselinePipeline.build(
            prepared.events, CachedEmbedder(embedder, cache), progress_printer(f"{corpus} baseline")
        )
    finally:
        cache.close()
    baseline.embedder = embedder  # the cache is closed; questions are embedded directly
    lookup = {e.uid: e for e in prepared.events}.get
    if not through_api:
        assistant = Assistant(settings, embedder, create_generator(settings))
        assistant.reload()
        yield {"rag-events": (assistant.ask, assistant.event), "baseline": (baseline.ask, lookup)}
        return
    with running_api(settings.data_dir, port=port) as api, requests.Session() as session:

        def ask(request: AskRequest) -> AskResponse:
            body = request.model_dump(mode="json", exclude_none=True)
            reply = session.post(f"{api.url}/ask", json=body, timeout=60)
            reply.raise_for_status()
            return AskResponse.model_validate(reply.json())

        yield {"rag-events": (ask, lookup), "baseline": (baseline.ask, lookup)}


# --- the public set, with its own scorer -----------------------------------------------------


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("public_score", PUBLIC_DIR / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(PUBLIC_DIR / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_public(runs: Runs, systems: dict[str, AskFn]) -> None:
    if not (PUBLIC_QUESTIONS.exists() and (PUBLIC_DIR / "score.py").exists()):
        runs.notes.append(f"public set skipped: {PUBLIC_QUESTIONS} or its score.py is absent")
        return
    score = _scorer()
    public = score.load_jsonl(str(PUBLIC_QUESTIONS))
    summaries = []
    for name, ask in systems.items():
        outputs = public_outputs(ask, public, progress_printer(f"public {name}"))
        path = WORK_DIR / f"public-{name}.jsonl"
        path.write_text("".join(json.dumps(o) + "\n" for o in outputs), encoding="utf-8")
        summary = score.aggregate(score.score_run(public, outputs))
        runs.public[name] = summary
        summaries.append((name, summary))
    runs.public_markdown = score.tables(summaries)


def public_outputs(
    ask: AskFn, questions: Sequence[dict[str, Any]], progress: Callable = lambda *a: None
) -> list[dict[str, Any]]:
    """The scorer's input: one `{"id", "uids", "no_answer"}` per question, uids ranked."""
    outputs = []
    for done, q in enumerate(questions, 1):
        response = ask(AskRequest(question=q["question"], as_of=q["as_of"], k=5))
        uids = [s.uid for s in response.sources]
        outputs.append({"id": q["id"], "uids": uids, "no_answer": response.no_answer})
        progress("ask", done, len(questions))
    return outputs


# --- tables ------------------------------------------------------------------------------


def _report(report: Report, runs: Runs, splits: list[str], failures: bool) -> Report:
    reports = {
        (split, name): EvalReport(5, [r for r in runs.results[name] if r.question.split == split])
        for split in splits
        for name in SYSTEMS
    }
    reports = {key: value for key, value in reports.items() if value.results}
    report.table("Side by side: score per category (k=5)", _side_by_side(reports, runs))
    report.table("Summary", _summary(reports, runs))
    for split in splits:
        rows = [
            _category_row(category, name, reports[(split, name)])
            for category in [*CATEGORIES, "overall"]
            for name in SYSTEMS
            if (split, name) in reports
            and (category == "overall" or category in reports[(split, name)].by_category)
        ]
        if rows:
            report.table(f"{split} split by category", rows)
    report.table("Score by corpus", _by_corpus(reports))
    report.table("rag-events by tag (register, failure class)", _by_tag(reports))
    if runs.public_markdown:
        report.notes.append(
            "public set, scored by ../shared/eval/score.py:\n\n" + runs.public_markdown
        )
    report.targets.extend(_targets(reports, runs))
    report.notes.extend(runs.notes)
    report.notes.append(
        "score = the public scorer's per-question figure (Recall@5, or Precision@5 when more "
        "than 5 events are relevant; 1 for a refused no-answer question), averaged."
    )
    if failures:
        for split in splits:
            if (split, "rag-events") in reports:
                failing = reports[(split, "rag-events")].failures
                report.table(f"rag-events failures, {split} split", [_failure(r) for r in failing])
    return report


def _category_row(category: str, name: str, report: EvalReport) -> Row:
    scores = report.overall if category == "overall" else report.by_category[category]
    return {
        "category": category,
        "system": name,
        "n": scores.questions,
        "score": scores.score,
        "R@5": scores.recall,
        "P@5": scores.precision,
        "hit@5": scores.hit,
        "MRR": scores.mrr,
        "refused": scores.refused,
    }


def _side_by_side(reports: dict[tuple[str, str], EvalReport], runs: Runs) -> list[Row]:
    rows = []
    for category in [*CATEGORIES, "overall"]:
        row: Row = {"category": category}
        for (split, name), r in reports.items():
            scores = r.overall if category == "overall" else r.by_category.get(category)
            n = scores.questions if scores else 0
            row[f"{split} {name}"] = scores.score if scores else None
            row[f"{split} n"] = n
        for name, summary in runs.public.items():
            key = (
                ("all", "overall")
                if category == "overall"
                else (
                    category,
                    "refusal" if category == "no_answer" else "primary",
                )
            )
            value, n = summary.get(key, (None, 0))
            row[f"public {name}"] = value
            row["public n"] = n
        rows.append(row)
    return rows


def _summary(reports: dict[tuple[str, str], EvalReport], runs: Runs) -> list[Row]:
    rows: list[Row] = []
    for (split, name), r in reports.items():
        rows.append(
            {
                "set": split,
                "system": name,
                "n": len(r.results),
                "score": r.overall.score,
                "hit@5": r.overall.hit,
                "MRR": r.overall.mrr,
                "false refusals": f"{r.false_refusals}/{r.answerable}",
                "false-refusal rate": r.false_refusal_rate,
                "no-answer refused": r.no_answer_recall,
            }
        )
    for name, s in runs.public.items():
        answerable = s[("all", "false_refusal")][1]
        rate = s[("all", "false_refusal")][0] or 0.0
        rows.append(
            {
                "set": "public",
                "system": name,
                "n": s[("all", "overall")][1],
                "score": s[("all", "overall")][0],
                "hit@5": None,
                "MRR": s[("all", "MRR@5")][0],
                "false refusals": f"{round(rate * answerable)}/{answerable}",
                "false-refusal rate": rate,
                "no-answer refused": s[("no_answer", "refusal")][0],
            }
        )
    return rows


def _in_corpus(question: DevQuestion, corpus: str) -> bool:
    return question.corpus == corpus


def _has_tag(question: DevQuestion, tag: str) -> bool:
    return tag in question.tags


def _by_corpus(reports: dict[tuple[str, str], EvalReport]) -> list[Row]:
    rows = []
    for (split, name), r in reports.items():
        for corpus in CORPORA:
            part = r.subset(partial(_in_corpus, corpus=corpus), corpus)
            if part.results:
                rows.append(
                    {
                        "set": split,
                        "corpus": corpus,
                        "system": name,
                        "n": len(part.results),
                        "score": part.overall.score,
                        "false refusals": f"{part.false_refusals}/{part.answerable}",
                        "no-answer refused": part.no_answer_recall,
                    }
                )
    return rows


def _by_tag(reports: dict[tuple[str, str], EvalReport]) -> list[Row]:
    mine = {split: r for (split, name), r in reports.items() if name == "rag-events"}
    tags = sorted(
        {t for r in mine.values() for q in (x.question for x in r.results) for t in q.tags}
    )
    rows = []
    for tag in tags:
        row: Row = {"tag": tag}
        for split, r in mine.items():
            part = r.subset(partial(_has_tag, tag=tag), tag)
            row[f"{split} n"] = len(part.results)
            row[f"{split} score"] = part.overall.score
            row[f"{split} false refusals"] = f"{part.false_refusals}/{part.answerable}"
        rows.append(row)
    return rows


def _failure(result: QuestionResult) -> Row:
    return {
        "id": result.question.id,
        "question": result.question.question,
        "why": result.failure,
        "score": result.score,
        "got": "; ".join(s.title[:40] for s in result.got[:3]),
    }


def _targets(reports: dict[tuple[str, str], EvalReport], runs: Runs) -> list[Target]:
    targets = []
    product = reports.get(("heldout", "rag-events"))
    if product is not None:
        targets += [
            Target("heldout: overall score", product.overall.score, OVERALL_TARGET, True),
            Target("heldout: false-refusal rate", product.false_refusal_rate, FALSE_REFUSAL_TARGET),
            Target("heldout: no-answer refused", product.no_answer_recall, NO_ANSWER_TARGET, True),
        ]
    public = runs.public.get("rag-events")
    if public is not None:
        targets += [
            Target("public: overall", public[("all", "overall")][0], OVERALL_TARGET, True),
            Target(
                "public: false-refusal rate",
                public[("all", "false_refusal")][0],
                FALSE_REFUSAL_TARGET,
            ),
            Target(
                "public: no-answer refused",
                public[("no_answer", "refusal")][0],
                NO_ANSWER_TARGET,
                True,
            ),
        ]
    return targets


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
