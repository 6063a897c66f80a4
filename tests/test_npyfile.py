"""`.npy` files written by blocks: the bytes of `np.save`, and no silently short file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.npyfile import NpyWriter


@pytest.mark.parametrize(("dtype", "shape"), [(np.int8, (10, 3)), (np.float32, (7,))])
def test_blocks_give_the_bytes_of_np_save(tmp_path: Path, dtype: type, shape: tuple[int]) -> None:
    array = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
    np.save(tmp_path / "whole.npy", array)
    with NpyWriter(tmp_path / "blocks.npy", dtype, shape) as out:
        for start in range(0, shape[0], 4):
            out.write(array[start : start + 4])
    assert (tmp_path / "blocks.npy").read_bytes() == (tmp_path / "whole.npy").read_bytes()


def test_missing_rows_and_wrong_blocks_are_errors(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="2 rows written"),
        NpyWriter(tmp_path / "short.npy", np.int8, (3, 2)) as out,
    ):
        out.write(np.zeros((2, 2), dtype=np.int8))
    with NpyWriter(tmp_path / "wide.npy", np.int8, (1, 2)) as out:
        with pytest.raises(ValueError, match="shape"):
            out.write(np.zeros((1, 3), dtype=np.int8))
        out.write(np.zeros((1, 2), dtype=np.int8))
