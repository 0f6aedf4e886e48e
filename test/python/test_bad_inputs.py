"""Bad `ptoattn run` inputs: each is one clear line on stderr and exit 1, never a traceback.

A table of .npz files, each the good inputs of a small compiled directory with one defect:
wrong shapes and dtypes, missing keys, indices that are not int32-representable, block ids
out of range or negative for a used block, context lengths beyond the table or negative,
and files that are not (intact) .npz archives. The runner rejects each before anything runs.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig
from ptoattn.cli import main
from ptoattn.compiler import compile
from ptoattn.reference import make_inputs
from ptoattn.sim import compare

CONFIG = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=64, block_size=16,
                              max_blocks_per_seq=4, num_blocks=8)
LENS = [40, 17]  # sequence 0 reads 3 blocks, sequence 1 reads 2


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad_inputs")
    compile(CONFIG, out, context_lens=LENS)
    return out


def good_arrays() -> dict[str, np.ndarray]:
    inputs = make_inputs(CONFIG, 1, LENS)
    return {"query": inputs.query, "key_cache": inputs.key_cache,
            "value_cache": inputs.value_cache, "block_table": inputs.block_table,
            "context_lens": inputs.context_lens, "scale": np.float32(inputs.scale)}


def changed(**updates) -> Callable[[Path], None]:
    """Writes the good arrays with `updates` applied (None drops the key)."""
    def write(path: Path) -> None:
        arrays = {**good_arrays(), **updates}
        np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return write


def table_with(index: tuple[int, int], value: int) -> np.ndarray:
    table = good_arrays()["block_table"].copy()
    table[index] = value
    return table


def write_bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def truncated(path: Path) -> None:
    changed()(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def crc_damaged(path: Path) -> None:
    changed()(path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("query.npy")
    # Flip a byte inside query's data (past its local header and .npy header).
    raw[member.header_offset + 30 + len(member.filename) + 200] ^= 0xFF
    path.write_bytes(bytes(raw))


def npy_file(path: Path) -> None:
    with open(path, "wb") as f:
        np.save(f, good_arrays()["query"])


LENS_ARRAY = np.array(LENS, dtype=np.int32)
CASES = [
    ("empty file", write_bytes(b""), r"in\.npz: the file is empty; expected an \.npz archive"),
    ("text file named .npz", write_bytes(b"query,key_cache\n1,2\n"),
     r"in\.npz: not an \.npz archive \(numpy\.savez writes a zip of \.npy arrays\)"),
    ("truncated npz", truncated, r"in\.npz: not an \.npz archive .* truncated"),
    ("CRC error", crc_damaged, r"in\.npz: damaged \.npz archive \(.*CRC"),
    ("a single .npy", npy_file, r"in\.npz: not an \.npz archive"),
    ("missing keys", changed(value_cache=None, scale=None),
     r"missing value_cache, scale; expected keys query, key_cache, value_cache"),
    ("string scale", changed(scale=np.array("0.125")),
     r"scale: expected a number \(a 0-d float32 array\), got dtype <U5"),
    ("object scale", changed(scale=np.array({"x": 1}, dtype=object)),
     r"in\.npz: scale holds Python objects; expected a numeric array"),
    ("scale not 0-d", changed(scale=np.ones(2, dtype=np.float32)),
     r"scale: expected a 0-d array, got shape \(2,\)"),
    ("query rank", changed(query=good_arrays()["query"][0]),
     r"query: expected rank 3, got shape \(16, 64\)"),
    ("query heads", changed(query=good_arrays()["query"][:, :8]),
     r"query dim 1 \(num_heads\) is 8 but the directory was compiled for 16"),
    ("cache block size", changed(key_cache=good_arrays()["key_cache"][:, :8]),
     r"key_cache dim 1 \(block_size\) is 8 but the directory was compiled for 16"),
    ("query dtype", changed(query=good_arrays()["query"].astype(np.float64)),
     r"query: expected bf16 or float32, got float64"),
    ("float block table", changed(block_table=good_arrays()["block_table"].astype(np.float32)),
     r"block_table: expected an integer array \(int32\), got dtype float32"),
    ("int64 lengths beyond int32", changed(context_lens=np.array([40, 2**32 + 17], dtype=np.int64)),
     r"context_lens\[1\] = 4294967313 does not fit int32"),
    ("uint32 table beyond int32",
     changed(block_table=good_arrays()["block_table"].astype(np.int64).astype(np.uint32)),
     r"block_table\[0, 3\] = 4294967295 does not fit int32"),
    ("block id past the cache", changed(block_table=table_with((0, 2), 8)),
     r"block_table\[0, 2\] = 8 is outside the KV cache \(valid block ids are 0\.\.7\)"),
    ("negative block id of a used block", changed(block_table=table_with((1, 1), -1)),
     r"block_table\[1, 1\] = -1 is outside the KV cache"),
    ("context beyond the table", changed(context_lens=np.array([40, 65], dtype=np.int32)),
     r"context_lens\[1\] = 65 is longer than its block table row holds \(4 blocks x 16 = 64\)"),
    ("negative context", changed(context_lens=np.array([-1, 17], dtype=np.int32)),
     r"context_lens\[0\] = -1 is negative"),
    ("wrong batch", changed(context_lens=LENS_ARRAY[:1]),
     r"context_lens dim 0 \(batch\) is 1 but the directory was compiled for 2"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_inputs_give_one_line(compiled: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                  make: Callable[[Path], None], message: str) -> None:
    path = tmp_path / "in.npz"
    make(path)
    assert main(["run", str(compiled), "--inputs", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith("ptoattn run: error: ")
    import re
    assert re.search(message, lines[0]), lines[0]


def test_good_inputs_run(compiled: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "in.npz"
    changed()(path)
    assert main(["run", str(compiled), "--inputs", str(path)]) == 0
    assert "context lengths: [40, 17]" in capsys.readouterr().out


@pytest.mark.filterwarnings("error")
def test_infinities_and_nan_compare_as_documented() -> None:
    inf, nan = np.inf, np.nan
    reference = np.array([inf, -inf, nan, 1.0, 2.0])
    assert compare(reference.copy(), reference).ok
    for actual in ([-inf, -inf, nan, 1.0, 2.0],   # the opposite infinity
                   [inf, -inf, 0.0, 1.0, 2.0],    # a number where the reference has NaN
                   [inf, -inf, nan, nan, 2.0],    # NaN where the reference has a number
                   [inf, -inf, nan, 1.0, inf]):   # Inf where the reference is finite
        result = compare(np.array(actual), reference)
        assert not result.ok and result.mismatches == 1, actual
