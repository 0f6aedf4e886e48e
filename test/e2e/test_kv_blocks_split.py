"""kv_blocks_per_task N and kv_splits S together: determinism and the ring-fit error.

Every (N, S, strategy) runs against the reference in test_schedule_matrix.py.
"""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig
from ptoattn.compiler import CompileError, compile
from ptoattn.options import CompileOptions

# (num_heads, num_kv_heads, head_dim, block_size, max_blocks, context_lens, q_tile)
# GQA 32/8 (4-head groups in 16-row tiles), block 16: 950 is 50x the 19 beside it.
RAGGED_GQA = (32, 8, 64, 16, 60, [19, 950, 0, 1], 16)


def _config(case: tuple) -> PagedAttentionConfig:
    heads, kv, dim, block, max_blocks, lens, _ = case
    return PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv, head_dim=dim,
                                block_size=block, max_blocks_per_seq=max_blocks)


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    options = CompileOptions(kv_blocks_per_task=8, kv_splits=4, strategy="spmd", q_tile=16)
    for out in ("a", "b"):
        compile(_config(RAGGED_GQA), tmp_path / out, options, context_lens=RAGGED_GQA[5])
    files = sorted(str(p.relative_to(tmp_path / "a")) for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    assert any(f.endswith("merge_partials.cpp") for f in files)
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", files, shallow=False)
    assert not mismatch and not errors


def test_combination_that_does_not_fit_the_ring_names_both_options(tmp_path: Path) -> None:
    # Either option alone fits a 4 MiB heap here; together the spmd step holds 4 parts of
    # 60-block steps for every tile. schedule="default": the pipeline's own error, not
    # auto's search over what is left open.
    config = _config(RAGGED_GQA)
    for fits in (CompileOptions(kv_blocks_per_task=64, kv_splits=1, strategy="spmd", q_tile=16,
                                ring_heap=1 << 22, schedule="default"),
                 CompileOptions(kv_blocks_per_task=1, kv_splits=4, strategy="spmd", q_tile=16,
                                ring_heap=1 << 22, schedule="default")):
        compile(config, tmp_path / "fits", fits)
    options = CompileOptions(kv_blocks_per_task=64, kv_splits=4, strategy="spmd", q_tile=16,
                             ring_heap=1 << 22, schedule="default")
    with pytest.raises(CompileError, match=re.escape(
            "lower kv-blocks-per-task (now 64), lower kv-splits (now 4), or reduce the batch")):
        compile(config, tmp_path / "large", options)
