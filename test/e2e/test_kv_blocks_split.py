"""kv_blocks_per_task N and kv_splits S together, run on the built-in simulator.

Each split part runs its blocks N at a time: the last step of a part (and of the sequence)
has fewer blocks, an empty part contributes nothing. Each case compiles with explicit N, S
and strategy and runs the emitted directory against the reference taking the same steps
(``runner.run`` fails on a mismatch or any simulator finding: races, bounds, reads of
block-table entries past a sequence, whose padding ids are out of the cache). The batches are
ragged: one sequence 50x longer than the others, lengths 0 and 1. The six cases cover every
(N, S) pair of N in {2, 8, 64} and S in {2, 4} once, each N and each S on both strategies,
MQA and GQA: every directory costs a simulator build, so the matrix is covered pairwise.
"""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import CompileError, compile
from ptoattn.options import CompileOptions
from ptoattn.schedule import chain_steps

# (num_heads, num_kv_heads, head_dim, block_size, max_blocks, context_lens, q_tile)
# GQA 32/8 (4-head groups in 16-row tiles), block 16: 950 is 50x the 19 beside it.
RAGGED_GQA = (32, 8, 64, 16, 60, [19, 950, 0, 1], 16)
# MQA 16/1, block 32: 1000 is 50x the 20 beside it.
RAGGED_MQA = (16, 1, 128, 32, 32, [20, 1000, 0, 97], 0)

CASES = [
    (RAGGED_GQA, 2, 2, "spmd"),
    (RAGGED_GQA, 2, 4, "per-tile"),
    (RAGGED_GQA, 8, 2, "per-tile"),
    (RAGGED_MQA, 8, 4, "spmd"),
    (RAGGED_MQA, 64, 2, "spmd"),
    (RAGGED_GQA, 64, 4, "per-tile"),
]


def _config(case: tuple) -> PagedAttentionConfig:
    heads, kv, dim, block, max_blocks, lens, _ = case
    return PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv, head_dim=dim,
                                block_size=block, max_blocks_per_seq=max_blocks)


@pytest.mark.parametrize(("case", "blocks", "splits", "strategy"), CASES,
                         ids=[f"{'gqa' if c is RAGGED_GQA else 'mqa'}-N{n}-S{s}-{st}"
                              for c, n, s, st in CASES])
def test_split_parts_in_multi_block_steps_match_reference(tmp_path: Path, case: tuple,
                                                          blocks: int, splits: int,
                                                          strategy: str) -> None:
    heads, kv, _, block, _, lens, q_tile = case
    options = CompileOptions(q_tile=q_tile, strategy=strategy, kv_splits=splits,
                             kv_blocks_per_task=blocks)
    result = compile(_config(case), tmp_path, options, context_lens=lens)
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.passed, outcome.report_text()
    assert np.isfinite(outcome.output).all()
    assert not outcome.output[[i for i, n in enumerate(lens) if n == 0]].any()
    assert any(k.name.endswith("merge_partials") for k in result.kernels)
    # One update task (both lanes) per step of a chain. spmd: every (tile, part) block in
    # each of the longest part's steps, at least one; per tile: each part's own steps, at
    # least one (an empty part's update writes its initial state).
    group = heads // kv
    tiles_per_seq = kv * -(-group // (q_tile or group))
    steps = chain_steps(lens, block, blocks, splits)  # per (sequence, part)
    if strategy == "spmd":
        expected = len(lens) * splits * max(max(steps), 1)
    else:
        expected = sum(max(s, 1) for s in steps)
    expected *= tiles_per_seq
    assert outcome.report.kernels["paged_attention_online_update"].invocations == 2 * expected


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
