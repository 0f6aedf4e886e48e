"""Several KV blocks per task (``kv_blocks_per_task``), run on the built-in simulator.

Each case compiles with N blocks per KV step and runs the emitted directory against the
reference taking the same steps (``runner.run`` fails on a mismatch or any simulator
finding: races, bounds, reads of block-table entries, synchronisation). The lengths make
the last step of a sequence partial (fewer blocks, a partial last block) and include 0 and
a sequence shorter than one block; the tables' padding entries past each sequence are
out-of-range ids, so a kernel dereferencing one is caught by the simulator's bounds checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.compiler import CompileError
from ptoattn.options import CompileOptions

# (num_heads, num_kv_heads, head_dim, block_size, max_blocks, context_lens, q_tile, dtype, N)
SHAPES = {
    # MQA, the reference shape with small blocks: 2 and 8 blocks per step cut the 19 blocks
    # of the longest sequence into partial last steps; 64 covers every sequence in one step.
    "mqa": (16, 1, 128, 32, 20, [33, 600, 0, 97], 0, "bf16"),
    # GQA 32/8 (groups padded to 16 rows), ragged.
    "gqa": (32, 8, 64, 16, 9, [130, 1, 0, 16], 0, "bf16"),
    # 64 heads in four 16-row tiles, f16.
    "f16": (64, 1, 64, 16, 5, [80, 17, 0], 16, "f16"),
    # One 64-row tile, block 128: 16 blocks of a lane's 32 x 2048 scores (256 KiB) do not fit
    # UB, so softmax_prepare streams them (two passes); 4 blocks (64 KiB) stay resident.
    "wide": (64, 1, 64, 128, 6, [700, 0, 130], 64, "bf16"),
}
# Every N x S x strategy runs in test_schedule_matrix.py (head_dim 16, small tiles); these
# two run the larger tiles: f16, and softmax_prepare streaming a step's scores that do not fit
# UB ("wide", N = 16). softmax_prepare keeps the scores in UB for N = 2 and 8 (any shape here)
# and 4 of "wide", and streams them for N = 64 (more blocks than it unrolls) and 16 of "wide":
# test_softmax_scores_stay_in_ub_when_they_fit checks which.
CASES = [(*SHAPES["f16"], 8), (*SHAPES["wide"], 16)]


def _config(heads: int, kv: int, dim: int, block: int, max_blocks: int, lens: list[int],
            dtype: str) -> PagedAttentionConfig:
    return PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv, head_dim=dim,
                                block_size=block, max_blocks_per_seq=max_blocks, dtype=dtype)


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
@pytest.mark.parametrize(("heads", "kv", "dim", "block", "max_blocks", "lens", "q_tile", "dtype",
                          "blocks"), CASES, ids=lambda v: str(v).replace(" ", ""))
def test_multi_block_steps_match_reference(tmp_path: Path, strategy: str, heads: int, kv: int,
                                           dim: int, block: int, max_blocks: int,
                                           lens: list[int], q_tile: int, dtype: str,
                                           blocks: int) -> None:
    config = _config(heads, kv, dim, block, max_blocks, lens, dtype)
    options = CompileOptions(q_tile=q_tile, strategy=strategy, kv_splits=1,
                             kv_blocks_per_task=blocks)
    result = compile(config, tmp_path, options, context_lens=lens)
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.passed, outcome.report_text()
    assert not outcome.output[[i for i, n in enumerate(lens) if n == 0]].any()
    aic = "".join(k.path.read_text() for k in result.kernels if k.core_type == "aic")
    # The four-operand form (out, in, left, right): the only one pto-isa's CPU backend has.
    assert re.search(r"TMATMUL_ACC\((\w+), \1, \w+, \w+\)", aic)
    # One update task (both lanes) per step: ceil(len / (N * block)) steps, at least one.
    group = heads // kv
    tiles_per_seq = kv * (-(-group // q_tile) if q_tile else 1)
    steps = [max(-(-n // (blocks * block)), 1) for n in lens]
    expected = (len(lens) * max(steps) if strategy == "spmd" else sum(steps)) * tiles_per_seq
    assert outcome.report.kernels["paged_attention_online_update"].invocations == 2 * expected


@pytest.mark.parametrize(("shape", "blocks", "resident"),
                         [("mqa", 8, True), ("mqa", 64, False), ("gqa", 2, True),
                          ("wide", 4, True), ("wide", 16, False)])
def test_softmax_scores_stay_in_ub_when_they_fit(tmp_path: Path, shape: str, blocks: int,
                                                 resident: bool) -> None:
    """Resident: one TLOAD per block of the step into a tile of its own, nothing reloaded;
    streamed: one TLOAD in each of the two passes over the blocks."""
    heads, kv, dim, block, max_blocks, lens, q_tile, dtype = SHAPES[shape]
    config = _config(heads, kv, dim, block, max_blocks, lens, dtype)
    options = CompileOptions(q_tile=q_tile, strategy="spmd", kv_blocks_per_task=blocks)
    result = compile(config, tmp_path, options, context_lens=lens)
    (softmax,) = [k.path.read_text() for k in result.kernels if "softmax" in k.path.name]
    assert softmax.count("TLOAD(") == (blocks if resident else 2)


def test_multi_block_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    config = _config(32, 8, 64, 16, 9, [130, 1, 0, 16], "bf16")
    for out in ("a", "b"):
        compile(config, tmp_path / out, CompileOptions(kv_blocks_per_task=8, strategy="per-tile"),
                context_lens=[130, 1, 0, 16])
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_step_that_does_not_fit_the_ring_names_the_option(tmp_path: Path) -> None:
    config = _config(16, 1, 128, 128, 64, [8192], "bf16")
    options = CompileOptions(kv_blocks_per_task=64, ring_heap=1 << 19, schedule="default")
    with pytest.raises(CompileError, match=re.escape("lower kv-blocks-per-task (now 64)")):
        compile(config, tmp_path, options)
