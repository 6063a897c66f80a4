"""Compare the local embedders on the 1,000 shared events: indexing speed and dense retrieval.

    uv run python -m bench.embedders [--embedders use e5] [--devset eval/devset.jsonl]

Speed is the time to embed every passage (what a cold `rag build` pays); quality is hit@5
and MRR of the expected event for dense-only search (max cosine over an event's passages)
on the dev-set questions that a topic can answer (no_answer and date questions left out).
The figures and the decision are in docs/embeddings.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from rag.embeddings import Embedder
from rag.models import Event
from rag.normalize import from_ods_record
from rag.passages import corpus_passages
from rag.sources.files import read_records

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "openagenda"
SKIPPED_CATEGORIES = {"no_answer", "date"}


def load_shared_events() -> list[Event]:
    events = {}
    for path in sorted(SHARED.glob("*.json")):
        for record in read_records(path):
            event = from_ods_record(record)
            events[event.uid] = event
    return list(events.values())


def load_questions(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["category"] not in SKIPPED_CATEGORIES and r["expected_uids"]]


def make_embedder(name: str) -> Embedder:
    if name == "use":
        from rag.embeddings.use import USEEmbedder

        return USEEmbedder()
    from rag.embeddings.e5 import E5Embedder

    return E5Embedder()


def measure(name: str, events: list[Event], questions: list[dict]) -> dict[str, float | str]:
    passages = corpus_passages(events)
    started = time.perf_counter()
    embedder = make_embedder(name)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    vectors = embedder.embed_passages([p.text for p in passages])
    embed_s = time.perf_counter() - started
    event_pos = {e.uid: i for i, e in enumerate(events)}
    owner = np.array([event_pos[p.event_uid] for p in passages])
    hits, reciprocal = 0, 0.0
    started = time.perf_counter()
    for question in questions:
        sims = vectors @ embedder.embed_query(question["question"])
        best = np.full(len(events), -np.inf)
        np.maximum.at(best, owner, sims)
        ranking = [events[i].uid for i in np.argsort(-best)]
        rank = min(ranking.index(uid) for uid in question["expected_uids"] if uid in event_pos) + 1
        hits += rank <= 5
        reciprocal += 1 / rank
    query_ms = (time.perf_counter() - started) / len(questions) * 1000
    return {
        "embedder": embedder.id,
        "dimension": embedder.dimension,
        "load_s": round(load_s, 2),
        "embed_s": round(embed_s, 1),
        "events_per_s": round(len(events) / embed_s, 1),
        "passages_per_s": round(len(passages) / embed_s, 1),
        "query_ms": round(query_ms, 1),
        "hit@5": round(hits / len(questions), 3),
        "mrr": round(reciprocal / len(questions), 3),
        "questions": len(questions),
        "passages": len(passages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", nargs="+", default=["use", "e5"], choices=["use", "e5"])
    parser.add_argument("--devset", type=Path, default=ROOT / "eval" / "devset.jsonl")
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON lines.")
    args = parser.parse_args()
    events = load_shared_events()
    questions = load_questions(args.devset)
    rows = [measure(name, events, questions) for name in args.embedders]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    table = Table(title=f"{len(events)} events, {len(questions)} dev questions (dense only)")
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console().print(table)


if __name__ == "__main__":
    main()
