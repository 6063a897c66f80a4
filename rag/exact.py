"""Passage vectors read back to score a subset of passages exactly (filtered questions,
events found by their words only).

Below `IVF_THRESHOLD` the dense index is flat and the vectors are kept as 8-bit rows
(`vectors.npy`, one scale per row). Above it the IVF-SQ8 index already holds 8-bit codes of
every vector, so those codes are read in place (`dense_slots.npy` says where each passage's
code is): one copy of the vectors on disk and in the page cache instead of two
(docs/benchmarks.md, 1M events).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import faiss
import numpy as np

SLOTS = "dense_slots.npy"
_OFFSET_BITS = 32  # FAISS's direct map: list number << 32 | rank in the list


class ExactVectors(Protocol):
    """The stored vectors of every passage, scored by rows."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def scores(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner products (float32) of the query with the given passages' vectors."""
        ...

    def vector(self, row: int) -> np.ndarray:
        """The dequantized (float32) vector of one passage."""
        ...


def quantize(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-bit vectors with one scale per row: a quarter of float32 on disk and in the page
    cache; recall@10 against float32 is in docs/benchmarks.md."""
    block = np.asarray(block, dtype=np.float32)
    peak = np.maximum(np.abs(block).max(axis=1), 1e-12) / 127
    return np.rint(block / peak[:, None]).astype(np.int8), peak.astype(np.float32)


@dataclass(frozen=True, slots=True)
class Int8Rows:
    """`vectors.npy` (int8) and `vector_scale.npy`: vector i = codes[i] * scale[i]."""

    codes: np.ndarray
    scale: np.ndarray

    def __post_init__(self) -> None:
        if (
            self.codes.ndim != 2
            or self.codes.dtype != np.int8
            or self.scale.shape != (len(self.codes),)
        ):
            raise ValueError("vectors.npy and vector_scale.npy do not agree")

    @property
    def shape(self) -> tuple[int, int]:
        return self.codes.shape[0], self.codes.shape[1]

    def scores(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return (self.codes[rows].astype(np.float32) @ query) * self.scale[rows]

    def vector(self, row: int) -> np.ndarray:
        return self.codes[row].astype(np.float32) * self.scale[row]


def ivf_slots(index: faiss.Index) -> np.ndarray:
    """Where each vector's code sits in a filled IVF index (int64, FAISS's direct-map
    encoding), for `dense_slots.npy`; the index itself keeps no direct map."""
    ivf = faiss.extract_index_ivf(index)
    ivf.make_direct_map()
    slots = faiss.vector_to_array(ivf.direct_map.array).astype(np.int64)
    ivf.make_direct_map(False)
    return slots


class IVFCodes:
    """The SQ8 codes of a memory-mapped `IndexIVFScalarQuantizer`, scored in place.

    A code byte c of dimension j stands for vmin[j] + (c + 0.5) / 255 * vdiff[j] (FAISS's
    8-bit non-uniform codec), added to the list's centroid when codes are residuals; the
    inner product with a query is then one int8-sized matrix product, as for `Int8Rows`,
    without decoding the rows. tests/test_index.py checks it against FAISS's own
    `reconstruct_batch`.
    """

    def __init__(self, index: faiss.Index, slots: np.ndarray) -> None:
        ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
        if (
            not isinstance(ivf, faiss.IndexIVFScalarQuantizer)
            or ivf.sq.qtype != faiss.ScalarQuantizer.QT_8bit
            or ivf.code_size != ivf.d
        ):
            raise ValueError("dense.faiss is not an IVF index over 8-bit codes")
        lists = ivf.invlists and faiss.downcast_InvertedLists(ivf.invlists)
        if not isinstance(lists, faiss.OnDiskInvertedLists):
            raise ValueError("dense.faiss was not read memory-mapped")
        if slots.dtype != np.int64 or slots.shape != (ivf.ntotal,):
            raise ValueError(f"{SLOTS} does not match dense.faiss")
        d = ivf.d
        trained = faiss.vector_to_array(ivf.sq.trained)
        self._step = trained[d : 2 * d] / 255  # vdiff / 255
        self._base = trained[:d] + 0.5 * self._step
        self._centroids = (
            ivf.quantizer.reconstruct_n(0, ivf.nlist)
            if ivf.by_residual
            else np.zeros((ivf.nlist, d), dtype=np.float32)
        )
        # list starts: byte offsets in the mapped file, which rows of d bytes are read from
        spans: Any = lists.lists  # a SWIG vector (`at`), not the stubs' list
        self._starts = np.fromiter(
            (spans.at(i).offset for i in range(ivf.nlist)), dtype=np.int64, count=ivf.nlist
        )
        mapped = faiss.rev_swig_ptr(lists.ptr, lists.totsize)
        self._rows: Any = np.lib.stride_tricks.as_strided(
            mapped, shape=(lists.totsize - d + 1, d), strides=(1, 1), writeable=False
        )
        self._index = index  # owns the mapping the rows view
        self._slots = slots
        self._d = d

    @property
    def shape(self) -> tuple[int, int]:
        return len(self._slots), self._d

    def _codes(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        slot = self._slots[rows]
        lists = slot >> _OFFSET_BITS
        rank = slot & ((1 << _OFFSET_BITS) - 1)
        return self._rows[self._starts[lists] + rank * self._d], lists

    def scores(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        codes, lists = self._codes(rows)
        offset = (self._centroids @ query)[lists] + float(self._base @ query)
        return codes.astype(np.float32) @ (self._step * query) + offset

    def vector(self, row: int) -> np.ndarray:
        codes, lists = self._codes(np.array([row]))
        return codes[0].astype(np.float32) * self._step + self._base + self._centroids[lists[0]]
