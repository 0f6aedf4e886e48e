"""Split-KV (``kv_splits`` S > 1): every part's chain and the merge, run on the simulator.

Each case compiles with ``CompileOptions(kv_splits=S)`` and runs the emitted directory
against the reference (rtol = atol = 1e-3) with every simulator check clean. The batches are
ragged: one sequence 50x longer than the others, length-0 and length-1 sequences (parts left
empty must contribute nothing and produce no NaN), GQA groups padded to 16 rows, both
strategies, bf16 and f16. S = 1 is the unsplit pipeline the other end-to-end tests cover;
every S in {1, 2, 4} with every N and strategy on ragged batches runs in
test_schedule_matrix.py, so here: the reference shape (head_dim 128, block 128), S = 8, f16.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions

# (num_heads, num_kv_heads, head_dim, block_size, max_blocks, context_lens)
REFERENCE = (16, 1, 128, 128, 8, [33, 1024, 517, 128])
# GQA 32/8 (4-head groups in 16-row tiles), block 16: 950 is 50x the 19 beside it.
RAGGED_GQA = (32, 8, 64, 16, 60, [19, 950, 0, 1])


def _run(tmp_path: Path, case: tuple, splits: int, strategy: str, dtype: str = "bf16") -> None:
    heads, kv, dim, block, max_blocks, lens = case
    config = PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv,
                                  head_dim=dim, block_size=block, max_blocks_per_seq=max_blocks,
                                  dtype=dtype)
    compile(config, tmp_path, CompileOptions(strategy=strategy, kv_splits=splits),
            context_lens=lens)
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.comparison.ok, str(outcome.comparison)
    assert not outcome.report.errors, "\n".join(str(f) for f in outcome.report.errors)
    assert outcome.passed


@pytest.mark.parametrize(("splits", "strategy"), [(2, "per-tile"), (4, "spmd")])
def test_reference_config_split(tmp_path: Path, splits: int, strategy: str) -> None:
    _run(tmp_path, REFERENCE, splits, strategy)


@pytest.mark.parametrize(("splits", "strategy"), [(8, "spmd")])
def test_ragged_gqa_with_empty_parts(tmp_path: Path, splits: int, strategy: str) -> None:
    _run(tmp_path, RAGGED_GQA, splits, strategy)


def test_f16_split(tmp_path: Path) -> None:
    _run(tmp_path, RAGGED_GQA, 4, "per-tile", dtype="f16")


def test_split_output_is_deterministic(tmp_path: Path) -> None:
    config = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=8)
    for name in ("a", "b"):
        compile(config, tmp_path / name, CompileOptions(kv_splits=4))
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    assert any(p.name.endswith("merge_partials.cpp") for p in files)
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b",
                                           [str(p) for p in files], shallow=False)
    assert not mismatch and not errors
