"""Answer quality on the dev set: rag-events against the typical pipeline, same embedder.

    uv run python -m bench.quality [--json | --markdown]

Ingests the 1,000 shared events into `$BENCH_WORK_DIR/corpus-1000` (default /tmp/rag-bench),
builds the index (the embedding cache there makes reruns quick; build speed is
bench.build's business), and scores with `rag.evaluation.evaluate`: rag-events
(`Assistant.ask`, extractive answers) and `bench.baseline` (800/100 chunks, top-5, never
refuses). With MISTRAL_API_KEY set, both also run with Mistral embeddings (and rag-events
with Mistral answers).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from bench.baseline import BaselinePipeline
from bench.common import (
    WORK_DIR,
    Report,
    Row,
    Target,
    bench_settings,
    dev_questions,
    ingest_shared,
    main,
    progress_printer,
)
from rag.config import Settings
from rag.embeddings import create_embedder
from rag.embeddings.cache import CachedEmbedder, EmbeddingCache, cache_path
from rag.engine import Assistant
from rag.evaluation import CATEGORIES, EvalReport, evaluate
from rag.generation import create_generator
from rag.index import build_index

HIT_TARGET = 0.9
HIT_CATEGORIES = ("topical", "named", "city")
DATE_PRECISION_TARGET = 0.9
NO_ANSWER_RECALL_TARGET = 0.8
FALSE_REFUSAL_TARGET = 0.1


@dataclass(frozen=True, slots=True)
class Scored:
    system: str
    report: EvalReport


def run(args: argparse.Namespace) -> Report:
    report = Report("quality")
    questions = dev_questions()
    variants: list[tuple[str, str, dict[str, str]]] = [("", "corpus-1000", {})]
    if Settings().mistral_api_key is not None:
        mistral = {"EMBEDDING_PROVIDER": "mistral", "LLM_PROVIDER": "mistral"}
        variants.append((" + Mistral", "corpus-1000-mistral", mistral))
    scored: list[Scored] = []
    for suffix, directory, overrides in variants:
        settings = bench_settings(WORK_DIR / directory, **overrides)
        events = ingest_shared(settings)
        embedder = create_embedder(settings)
        build_index(settings, events, embedder, progress_printer("build"))
        assistant = Assistant(settings, embedder, create_generator(settings))
        assistant.reload()
        lookup = {e.uid: e for e in events}.get
        scored.append(Scored(f"rag-events{suffix}", _evaluate(assistant.ask, questions, lookup)))
        cache = EmbeddingCache(cache_path(settings.data_dir / "baseline-cache", embedder.id))
        try:
            baseline = BaselinePipeline.build(
                events, CachedEmbedder(embedder, cache), progress_printer("baseline")
            )
            scored.append(Scored(f"baseline{suffix}", _evaluate(baseline.ask, questions, lookup)))
        finally:
            cache.close()
    report.table(f"Dev set ({len(questions)} questions, k=5) by category", _category_rows(scored))
    report.table("Refusals", [_refusal_row(s) for s in scored])
    product, baseline = scored[0].report, scored[1].report
    report.targets.extend(_targets(product, baseline))
    report.notes.append(
        "ahead of baseline: difference in the category's key figure (hit@5 + MRR for "
        "topical/named/city/audience, P@5 for date, no-answer recall for no_answer)."
    )
    return report


def _evaluate(ask: Callable, questions: list, lookup: Callable) -> EvalReport:
    return evaluate(ask, questions, k=5, events=lookup, progress=progress_printer("evaluate"))


def _category_rows(scored: list[Scored]) -> list[Row]:
    rows = []
    for category in CATEGORIES:
        for s in scored:
            scores = s.report.by_category.get(category)
            if scores is None:
                continue
            rows.append(
                {
                    "category": category,
                    "system": s.system,
                    "n": scores.questions,
                    "hit@5": scores.hit,
                    "Recall@5": scores.recall,
                    "MRR": scores.mrr,
                    "P@5": scores.precision,
                    "refused": scores.refused,
                }
            )
    return rows


def _refusal_row(s: Scored) -> Row:
    r = s.report
    return {
        "system": s.system,
        "no-answer precision": r.no_answer_precision,
        "no-answer recall": r.no_answer_recall,
        "false-refusal rate": r.false_refusal_rate,
        "hit@5 overall": r.overall.hit,
        "ms per question": round(r.mean_seconds * 1000, 1),
    }


def key_figure(report: EvalReport, category: str) -> float:
    """The figure a category is judged on, for 'ahead of the baseline'."""
    if category == "no_answer":
        return report.no_answer_recall or 0.0
    scores = report.by_category[category]
    if category == "date":
        return scores.precision or 0.0
    return (scores.hit or 0.0) + (scores.mrr or 0.0)


def _targets(product: EvalReport, baseline: EvalReport) -> list[Target]:
    targets = [
        Target(f"hit@5 on {c}", product.by_category[c].hit, HIT_TARGET, higher_is_better=True)
        for c in HIT_CATEGORIES
    ]
    targets += [
        Target(
            "P@5 on date windows",
            product.by_category["date"].precision,
            DATE_PRECISION_TARGET,
            higher_is_better=True,
        ),
        Target(
            "no-answer recall",
            product.no_answer_recall,
            NO_ANSWER_RECALL_TARGET,
            higher_is_better=True,
        ),
        Target("answerable questions refused", product.false_refusal_rate, FALSE_REFUSAL_TARGET),
    ]
    for category in product.by_category:
        delta = key_figure(product, category) - key_figure(baseline, category)
        targets.append(
            Target(f"ahead of baseline on {category} (Δ key figure)", round(delta, 3), 0.001, True)
        )
    return targets


if __name__ == "__main__":
    main(__doc__.splitlines()[0], lambda parser: None, run)
