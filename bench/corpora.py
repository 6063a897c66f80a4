"""The three evaluation corpora and their question files.

- `shared`: the 1,000 real OpenAgenda events of ../shared (judged by reading them);
- `demo`: the demo corpus (`rag demo`) with its `today` pinned, so judgments stay true;
- `regions`: generated events in other regions and source formats (bench/regions.py).

Questions live in `eval/*.jsonl` (see eval/README.md). Questions about the generated
corpora carry a `rule`; `resolve` turns it into `expected_uids` from what the generator
knows, and `python -m bench.corpora` rewrites the files' expected uids from their rules
(run it after changing a rule or the generator; the tests check nothing drifted).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import ROOT, SHARED_DATA, WORK_DIR
from bench.regions import generate_regions, write_regions
from rag.config import Settings
from rag.demo import DemoSource, generate_demo_events, is_free
from rag.evaluation import Corpus, DevQuestion, Facts, load_questions
from rag.ingest import ingest, load_events
from rag.models import Event, ProgressFn, no_progress
from rag.sources import Source
from rag.sources.files import file_sources

EVAL_DIR = ROOT / "eval"
QUESTION_FILES = (
    EVAL_DIR / "devset.jsonl",
    EVAL_DIR / "shared.jsonl",
    EVAL_DIR / "demo.jsonl",
    EVAL_DIR / "regions.jsonl",
)
DEMO_TODAY = date(2026, 12, 2)
"""The demo corpus is generated around this Wednesday (360 events, seed 7, as `rag demo`)."""
TIMEZONE = ZoneInfo("Europe/Paris")


def all_questions(paths: Sequence[Path] = QUESTION_FILES) -> list[DevQuestion]:
    return load_questions([p for p in paths if p.exists()])


def shared_available() -> bool:
    return len(sorted(SHARED_DATA.glob("*.json"))) == 3


def demo_facts() -> list[Facts]:
    return [Facts(e, frozenset(), is_free(e.conditions or "")) for e in demo_events()]


def demo_events() -> list[Event]:
    return generate_demo_events(DEMO_TODAY)


def corpus_facts(corpus: Corpus) -> list[Facts]:
    """The truth the rules of a generated corpus are resolved against."""
    if corpus == "demo":
        return demo_facts()
    if corpus == "regions":
        return [r.facts for r in generate_regions()]
    raise ValueError("the shared corpus is judged by reading, not by rule")


def resolve(question: DevQuestion, facts: Sequence[Facts]) -> list[str]:
    """The uids a question's rule selects, in corpus order."""
    if question.rule is None:
        raise ValueError(f"{question.id} has no rule")
    return [f.event.uid for f in facts if question.rule.matches(f, question, TIMEZONE)]


@dataclass(slots=True)
class PreparedCorpus:
    corpus: Corpus
    settings: Settings
    events: list[Event]


def prepare(
    corpus: Corpus, work_dir: Path = WORK_DIR, progress: ProgressFn = no_progress
) -> PreparedCorpus:
    """Ingest one corpus into `work_dir/eval-CORPUS` (its sources written there first)."""
    data_dir = work_dir / f"eval-{corpus}"
    settings = Settings(RAG_DATA_DIR=data_dir, LLM_PROVIDER="extractive")
    sources: list[Source]
    if corpus == "shared":
        if not shared_available():
            raise FileNotFoundError(f"no shared events in {SHARED_DATA}")
        sources = list(file_sources(sorted(SHARED_DATA.glob("*.json"))))
    elif corpus == "demo":
        sources = [DemoSource(demo_events())]
    else:
        files = write_regions(data_dir / "sources", generate_regions())
        sources = list(file_sources(files))
    shutil.rmtree(settings.raw_dir, ignore_errors=True)  # raw copies of earlier runs
    ingest(settings, sources, progress=progress)
    return PreparedCorpus(corpus, settings, load_events(settings))


def rewrite_expected(path: Path) -> int:
    """Recompute `expected_uids` (and the metric) of every rule question in one file."""
    facts: dict[Corpus, list[Facts]] = {}
    lines = []
    changed = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        question = DevQuestion.model_validate(data)
        if question.rule is not None:
            if question.corpus not in facts:
                facts[question.corpus] = corpus_facts(question.corpus)
            uids = resolve(question, facts[question.corpus])
            if question.category == "no_answer" and uids:
                raise ValueError(f"{question.id}: a no_answer rule selects {uids[:5]}")
            metric = "precision" if len(uids) > 5 else "recall"
            if uids != data.get("expected_uids") or metric != data.get("metric"):
                changed += 1
            data["expected_uids"], data["metric"] = uids, metric
        lines.append(json.dumps(data, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=rewrite_expected.__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=list(QUESTION_FILES[2:]))
    for path in parser.parse_args().files:
        print(f"{path}: {rewrite_expected(path)} questions updated")


if __name__ == "__main__":
    main()
