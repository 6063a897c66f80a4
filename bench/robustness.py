"""Robustness to how a question is typed: right answers asked again, written otherwise.

    uv run python -m bench.robustness [--split dev] [--corpus shared demo regions] [--seeds 1 2]

The questions of the split that rag-events answers right (score 1, no-answer questions
left out: a refusal is no evidence that a question was read) are asked again, as written
by someone else: with one slip in one of their long words (`slipped`: a letter dropped,
doubled, swapped with the next or replaced by a near one, seeded), without accents in
lower case (`flattened`), in capitals, and between a greeting and thanks (`politely`, drawn from
common formulas). A question read from its words, not from their exact spelling or its
courtesies, keeps its answer. Only the dev split is the default: the variants are
synthetic, and tuning on them is tuning on dev questions.
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from collections.abc import Callable
from functools import partial

from bench.common import Report, Row, main, progress_printer
from bench.corpora import all_questions, prepare, shared_available
from rag.embeddings import create_embedder
from rag.engine import Assistant
from rag.evaluation import CORPORA, SPLITS, Corpus, QuestionResult, evaluate
from rag.generation import create_generator
from rag.index import build_index
from rag.language import detect_language

SLIP_WORD_LETTERS = 6  # the words a slip goes into: long ones, where it is likeliest
NEAR_LETTERS = {  # a wrong letter, as hands and ears get it wrong
    "a": "e", "e": "a", "i": "y", "o": "u", "u": "i", "y": "i", "c": "k", "k": "c",
    "s": "z", "z": "s", "m": "n", "n": "m", "t": "r", "r": "t", "b": "v", "v": "b",
}  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2], help="Slip seeds.")
    parser.add_argument(
        "--failures", action="store_true", help="Also list the questions no longer right."
    )


def slipped(question: str, rng: random.Random) -> str | None:
    """The question with one slip in one of its long words; None when it has none."""
    words = question.split(" ")
    long_words = [i for i, w in enumerate(words) if sum(map(str.isalpha, w)) >= SLIP_WORD_LETTERS]
    if not long_words:
        return None
    i = rng.choice(long_words)
    word = words[i]
    inner = [j for j, c in enumerate(word) if c.isalpha()][1:-1]  # first and last kept
    j = rng.choice(inner)
    kind = rng.choice(("drop", "double", "swap", "near"))
    if kind == "drop":
        word = word[:j] + word[j + 1 :]
    elif kind == "double":
        word = word[:j] + word[j] + word[j:]
    elif kind == "swap" and word[j + 1].isalpha():
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        letter = word[j].lower()
        word = word[:j] + NEAR_LETTERS.get(letter, letter + letter) + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def flattened(question: str) -> str:
    """The question without accents, in lower case: how many type on a phone."""
    decomposed = unicodedata.normalize("NFD", question.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


POLITE = {  # how people open and close a message, drawn at random
    "fr": (
        ("Bonjour, ", "Salut ! ", "Bonsoir, ", "Coucou, "),
        (" Merci !", " Merci d'avance !", " Merci beaucoup.", " Bonne journée !", " Cordialement"),
    ),
    "en": (
        ("Hi there, ", "Hello! ", "Hey, "),
        (" Thanks!", " Thanks a lot!", " Thank you in advance.", " Cheers", " Many thanks."),
    ),
}


def politely(question: str, rng: random.Random) -> str:
    """The question between a greeting and thanks, in its language."""
    openings, closings = POLITE[detect_language(question)]
    return f"{rng.choice(openings)}{question[0].lower()}{question[1:]}{rng.choice(closings)}"


def run(args: argparse.Namespace) -> Report:
    report = Report("robustness")
    variants: dict[str, Callable[[str], str | None]] = {
        f"one slip (seed {seed})": partial(slipped, rng=random.Random(seed)) for seed in args.seeds
    }
    variants["no accents, lower case"] = flattened
    variants["in capitals"] = str.upper
    variants["with a greeting and thanks"] = partial(politely, rng=random.Random(args.seeds[0]))
    results: dict[str, list[QuestionResult]] = {name: [] for name in variants}
    right = 0
    for corpus in args.corpus:
        if corpus == "shared" and not shared_available():
            report.notes.append("shared corpus skipped: ../shared/data/openagenda is absent")
            continue
        questions = [
            q
            for q in all_questions()
            if q.split == args.split and q.corpus == corpus and q.category != "no_answer"
        ]
        if not questions:
            continue
        assistant = _assistant(corpus)
        asked = evaluate(assistant.ask, questions, events=assistant.event)
        kept = [r.question for r in asked.results if r.score >= 1.0]
        right += len(kept)
        for name, vary in variants.items():
            changed = []
            for q in kept:
                text = vary(q.question)
                if text is not None and text != q.question:
                    changed.append(q.model_copy(update={"question": text}))
            progress = progress_printer(f"{corpus} {name}")
            scored = evaluate(assistant.ask, changed, events=assistant.event, progress=progress)
            results[name].extend(scored.results)
    report.table(
        f"Right {args.split} answers ({right}) asked again as typed otherwise",
        [_row(name, rs) for name, rs in results.items()],
    )
    if args.failures:
        for name, rs in results.items():
            report.table(
                f"No longer right: {name}",
                [
                    {"id": r.question.id, "asked": r.question.question, "score": r.score}
                    for r in rs
                    if r.score < 1.0
                ],
            )
    report.notes.append(
        "score: the public scorer's per-question figure, 1 before the change; "
        "refused: answered 'nothing found' although it was answered before"
    )
    return report


def _assistant(corpus: Corpus) -> Assistant:
    prepared = prepare(corpus, progress=progress_printer(f"{corpus} ingest"))
    settings = prepared.settings
    embedder = create_embedder(settings)
    build_index(settings, prepared.events, embedder, progress_printer(f"{corpus} build"))
    assistant = Assistant(settings, embedder, create_generator(settings))
    assistant.reload()
    return assistant


def _row(name: str, results: list[QuestionResult]) -> Row:
    n = len(results)
    return {
        "asked as": name,
        "n": n,
        "score": sum(r.score for r in results) / n if n else None,
        "still right": sum(r.score >= 1.0 for r in results) / n if n else None,
        "refused": sum(r.refused for r in results),
    }


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
