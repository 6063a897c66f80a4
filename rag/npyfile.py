"""`.npy` files written block by block, so a build never holds a corpus-size array.

`np.save` needs the whole array in memory and a memory map keeps every written page in
the process; here the header says the final shape and the blocks are appended with plain
writes (the page cache takes them), giving the same bytes as `np.save` of their
concatenation.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np


class NpyWriter:
    """Appends rows to a `.npy` of known shape; closing checks that all rows came."""

    def __init__(self, path: Path, dtype: type | np.dtype, shape: tuple[int, ...]) -> None:
        self.dtype = np.dtype(dtype)
        self.shape = shape
        self._rows = 0
        self._fh: BinaryIO = path.open("wb")
        header = {
            "descr": np.lib.format.dtype_to_descr(self.dtype),
            "fortran_order": False,
            "shape": shape,
        }
        np.lib.format.write_array_header_1_0(self._fh, header)

    def write(self, block: np.ndarray) -> None:
        if block.shape[1:] != self.shape[1:]:
            raise ValueError(f"a block of shape {block.shape} for an array of {self.shape}")
        self._fh.write(np.ascontiguousarray(block, dtype=self.dtype).tobytes())
        self._rows += len(block)

    def close(self) -> None:
        self._fh.close()
        if self._rows != self.shape[0]:
            raise ValueError(f"{self._rows} rows written for an array of {self.shape}")

    def __enter__(self) -> NpyWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._fh.close()
