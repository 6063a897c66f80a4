"""BM25 over passages with a French analyzer, in numpy only.

Dense vectors miss exact names (a venue, a performer, "Nuit des musées"); BM25 catches
them. Postings are stored as CSR arrays (term → passage ids and precomputed BM25 term
weights), so a query only touches the postings of its own terms, even at 200k passages.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from rag.npyfile import NpyWriter
from rag.text import fold

_TOKEN = re.compile(r"[a-z0-9]+")

# Folded (accent-free) French stop words; short function words and auxiliaries.
_STOP_WORDS_TEXT = """
a ai aie aient aies ait alors as au aucun aupres aussi autre aux avaient avais avait avec
avez aviez avions avoir avons ayant c ca car ce ceci cela celle celles celui ces cet cette
ceux chaque chez ci comme comment d dans de des donc dont du elle elles en encore entre es
est et etaient etais etait etant ete etes etiez etions etre eu eue eues eurent eus eut
eux faire fait fut furent ici il ils j je jusqu l la le les leur leurs lui m ma mais me meme
memes mes moi mon n ne ni nos notre nous o on ont or ou par parce pas peu peut plus pour
pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se sera serai seront ses
si sien son sont sous suis sur t ta te tes toi ton tous tout toute toutes tres tu un une
unes uns vers voici voila vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """A light French stemmer (plural, feminine, "-ie" nouns, doubled final letter), to a
    fixed point.

    Lighter and ~100x faster than Snowball in pure Python, which matters when a cold build
    meets 100k distinct words; plural and gender are what questions and events differ on.
    The fixed point makes `analyze(term) == [term]` for every term it returns, so callers
    may pass analyzed terms back in; a stem that reads as a stop word keeps its token.
    """
    stem, previous = token, ""
    while stem != previous:
        previous, stem = stem, _strip(stem)
    return token if stem in STOP_WORDS else stem


def _strip(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"  # festivaux → festival, chevaux → cheval
    if word[-1] in "sx":
        return word[:-1]  # concerts → concert, jeux → jeu
    if len(word) > 6 and word.endswith("ie"):
        return word[:-2]  # francophonie → francophon, photographie → photograph
    if len(word) > 4 and word[-1] == "e":
        return word[:-1]  # theatre → theatr, musee → muse, gratuite → gratuit
    if len(word) > 4 and word[-1] == word[-2]:
        return word[:-1]  # famill → famil
    return word


def analyze(text: str) -> list[str]:
    """Folded, stop-word-free, stemmed tokens: "Théâtres" and "theatre" give the same term."""
    return [stem(t) for t in _TOKEN.findall(fold(text)) if t not in STOP_WORDS]


@dataclass(slots=True)
class BM25:
    """Okapi BM25 over a fixed list of passages (one float score per passage)."""

    vocabulary: dict[str, int]
    indptr: np.ndarray  # int64, (n_terms + 1,): postings of term t are [indptr[t], indptr[t+1])
    postings: np.ndarray  # int32 passage ids
    weights: np.ndarray  # float32 tf part of BM25 for each posting
    idfs: np.ndarray  # float32, (n_terms,)
    size: int  # number of passages
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> BM25:
        """The index of a corpus small enough to hold (tests); builds write files instead."""
        with tempfile.TemporaryDirectory(prefix="bm25-") as tmp:
            builder = BM25Builder(Path(tmp) / "runs", k1, b)
            builder.add(texts)
            builder.write(Path(tmp) / "lexical")
            return cls.load(Path(tmp) / "lexical", mapped=False)

    def idf(self, term: str) -> float:
        """IDF of an analyzed term (0 for a term no passage has)."""
        tid = self.vocabulary.get(term)
        return 0.0 if tid is None else float(self.idfs[tid])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros where no term matches)."""
        return self.term_scores(analyze(query))

    def term_scores(self, terms: Sequence[str]) -> np.ndarray:
        """Same as `scores` for already analyzed terms (a repeated term counts once)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(terms):
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            start, end = self.indptr[tid], self.indptr[tid + 1]
            out[self.postings[start:end]] += self.idfs[tid] * self.weights[start:end]
        return out

    def postings_of(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The passages that contain an analyzed term and its BM25 score in each."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return self.postings[:0], np.zeros(0, dtype=np.float32)
        start, end = self.indptr[tid], self.indptr[tid + 1]
        return self.postings[start:end], self.idfs[tid] * self.weights[start:end]

    def passages_with(self, term: str) -> np.ndarray:
        """Ids of the passages that contain an analyzed term (empty if none)."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return self.postings[:0]
        return self.postings[self.indptr[tid] : self.indptr[tid + 1]]

    @staticmethod
    def files(path: Path) -> list[Path]:
        """What `BM25Builder.write(path)` writes: `<path>.<array>.npy` (memory-mapped by
        `load`) and `<path>.vocab.json`, the terms in id order."""
        return [*(_array_path(path, name) for name in _ARRAYS), vocab_path(path)]

    @classmethod
    def load(cls, path: Path, mapped: bool = True) -> BM25:
        """Read what `BM25Builder.write` wrote (memory-mapped unless `mapped` is False);
        raises ValueError when the files do not agree."""
        mode: Literal["r"] | None = "r" if mapped else None
        indptr, postings, weights, idfs, params = (
            np.load(_array_path(path, name), mmap_mode=mode, allow_pickle=False).view(np.ndarray)
            for name in _ARRAYS
        )
        terms = json.loads(vocab_path(path).read_text(encoding="utf-8"))
        size = int(params[0])
        if (
            len(terms) != len(idfs)
            or len(indptr) != len(terms) + 1
            or int(indptr[-1]) != len(postings)
            or len(postings) != len(weights)
            or (len(postings) and int(postings.max()) >= size)
        ):
            raise ValueError(f"inconsistent BM25 files at {path}")
        vocabulary = {term: i for i, term in enumerate(terms)}
        k1, b = float(params[1]), float(params[2])
        return cls(vocabulary, indptr, postings, weights, idfs, size, k1, b)


_ARRAYS = ("indptr", "postings", "weights", "idfs", "params")
PART_POSTINGS = 8_000_000
"""Postings merged at once by `BM25Builder.write` (~50 bytes each while merged)."""


class BM25Builder:
    """BM25 built from passages given in chunks, in bounded memory.

    Each chunk's (term, passage, tf) triples are sorted by term and spilled to `runs`;
    `write` then merges the runs one range of terms at a time (ranges of about
    `PART_POSTINGS` postings) straight into the files `BM25.load` reads. Term ids and the
    order of postings are those of a build over the whole corpus at once (terms numbered
    as first seen, postings of a term in passage order), so the files do not depend on
    the chunking.
    """

    def __init__(self, runs: Path, k1: float = 1.2, b: float = 0.75) -> None:
        self.runs = runs
        self.k1, self.b = k1, b
        self.vocabulary: dict[str, int] = {}
        self._lengths: list[np.ndarray] = []
        self._counts = np.zeros(0, dtype=np.int64)  # passages per term
        self._size = 0
        self._run_count = 0
        runs.mkdir(parents=True, exist_ok=True)

    def add(self, texts: Iterable[str]) -> None:
        """The next passages, in passage order."""
        term_ids: list[int] = []
        doc_ids: list[int] = []
        freqs: list[int] = []
        lengths: list[int] = []
        for doc, text in enumerate(texts, start=self._size):
            terms = analyze(text)
            lengths.append(len(terms))
            for term, tf in Counter(terms).items():
                term_ids.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                doc_ids.append(doc)
                freqs.append(tf)
        self._size += len(lengths)
        self._lengths.append(np.asarray(lengths, dtype=np.float32))
        terms_arr = np.asarray(term_ids, dtype=np.int32)
        counts = np.bincount(terms_arr, minlength=len(self.vocabulary))
        counts[: len(self._counts)] += self._counts
        self._counts = counts
        order = np.argsort(terms_arr, kind="stable")
        run = {
            "terms": terms_arr[order],
            "docs": np.asarray(doc_ids, dtype=np.int32)[order],
            "tfs": np.asarray(freqs, dtype=np.int32)[order],
        }
        for name, array in run.items():
            np.save(self._run_path(self._run_count, name), array)
        self._run_count += 1

    def write(self, path: Path) -> None:
        """The files of `BM25.files(path)`; the runs are deleted."""
        k1, b, n = self.k1, self.b, self._size
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.float32)
        counts = self._counts
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        average = float(lengths.mean()) if n and lengths.any() else 1.0
        total = int(indptr[-1])
        with (
            NpyWriter(_array_path(path, "postings"), np.int32, (total,)) as postings,
            NpyWriter(_array_path(path, "weights"), np.float32, (total,)) as weights,
        ):
            for lo, hi in _parts(indptr):
                terms, docs, tfs = self._read_part(lo, hi)
                order = np.argsort(terms, kind="stable")  # runs are in passage order
                docs_sorted = docs[order]
                tf_sorted = tfs[order].astype(np.float32)
                norm = k1 * (1 - b + b * lengths[docs_sorted] / average)
                postings.write(docs_sorted)
                weights.write((tf_sorted * (k1 + 1) / (tf_sorted + norm)).astype(np.float32))
        idfs = np.log(1 + (n - counts + 0.5) / (counts + 0.5)).astype(np.float32)
        np.save(_array_path(path, "indptr"), indptr)
        np.save(_array_path(path, "idfs"), idfs)
        np.save(_array_path(path, "params"), np.asarray([n, k1, b], dtype=np.float64))
        terms_text = json.dumps(list(self.vocabulary), ensure_ascii=False)
        vocab_path(path).write_text(terms_text, encoding="utf-8")
        shutil.rmtree(self.runs)

    def _read_part(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The triples of terms [lo, hi) from every run, in run order."""
        parts: dict[str, list[np.ndarray]] = {"terms": [], "docs": [], "tfs": []}
        for run in range(self._run_count):
            terms = np.load(self._run_path(run, "terms"), mmap_mode="r")
            first, last = np.searchsorted(terms, [lo, hi])
            for name in parts:  # copies of the slices: the maps close with their names
                array = terms if name == "terms" else np.load(self._run_path(run, name), "r")
                parts[name].append(np.array(array[first:last]))
        terms, docs, tfs = (np.concatenate(parts[name]) for name in ("terms", "docs", "tfs"))
        return terms, docs, tfs

    def _run_path(self, run: int, name: str) -> Path:
        return self.runs / f"{run:06d}.{name}.npy"


def _parts(indptr: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive term ranges of about `PART_POSTINGS` postings (one term at least)."""
    bounds = [0]
    terms = len(indptr) - 1
    while bounds[-1] < terms:
        start = bounds[-1]
        end = int(np.searchsorted(indptr, indptr[start] + PART_POSTINGS, side="right")) - 1
        bounds.append(min(max(end, start + 1), terms))
    return list(itertools.pairwise(bounds))


def _array_path(path: Path, name: str) -> Path:
    return path.with_name(f"{path.name}.{name}.npy")


def vocab_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.vocab.json")
