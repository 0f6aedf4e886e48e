"""The end-to-end schedule matrix: every N x S x strategy, and auto, run on the simulator.

Every case compiles with ``kv_blocks_per_task`` N in {1, 2, 8, 64}, ``kv_splits`` S in
{1, 2, 4} and both strategies (24 cases), or with every schedule option left to
``--schedule auto``, and runs the emitted directory against the reference taking the same
steps (``runner.run`` fails on a mismatch or any simulator finding: races, bounds, reads of
block-table entries past a sequence, whose padding ids are out of the cache, synchronisation).

The batches are ragged: one sequence 50x longer than another, lengths 0 and 1. The long one
has 69 blocks, so N = 64 leaves a partial last step unsplit and one step per part split, N = 8
several steps per part with a partial last one; the 2-block sequence leaves parts empty for
S = 4. GQA and MQA alternate over the (N, S) grid so that each strategy, each N and each S
runs both. head_dim 16 and 16-token blocks keep each directory's simulator build and run short.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions
from ptoattn.schedule import chain_steps

# (num_heads, num_kv_heads, context_lens): 1100 is 50x the 22 beside it.
GQA = (8, 2, [22, 1100, 0, 1])  # 4-head groups, padded to 16-row tiles
MQA = (16, 1, [1, 0, 1100, 22])
HEAD_DIM = 16
BLOCK = 16
MAX_BLOCKS = -(-1100 // BLOCK)
Q_TILE = 16  # one tile per (sequence, KV head) for both shapes

BLOCKS = (1, 2, 8, 64)
SPLITS = (1, 2, 4)
STRATEGIES = ("spmd", "per-tile")


def _shape(blocks: int, splits: int, strategy: str) -> tuple:
    flip = (BLOCKS.index(blocks) + SPLITS.index(splits)) % 2
    return (GQA, MQA)[flip ^ (strategy == "per-tile")]


MATRIX = [(n, s, st) for n, s, st in itertools.product(BLOCKS, SPLITS, STRATEGIES)]


def _name(shape: tuple) -> str:
    return "gqa" if shape is GQA else "mqa"


def _run(tmp_path: Path, shape: tuple, options: CompileOptions) -> dict:
    """Compiles and runs the case; checks the output and the update-task count of the
    schedule the directory records, and returns that schedule."""
    heads, kv, lens = shape
    config = PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv,
                                  head_dim=HEAD_DIM, block_size=BLOCK,
                                  max_blocks_per_seq=MAX_BLOCKS)
    result = compile(config, tmp_path, options, context_lens=lens)
    chosen = json.loads((tmp_path / "manifest.json").read_text())["schedule"]["chosen"]
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.passed, outcome.report_text()
    assert np.isfinite(outcome.output).all()
    assert not outcome.output[[i for i, n in enumerate(lens) if n == 0]].any()
    blocks, splits = chosen["kv_blocks_per_task"], chosen["kv_splits"]
    assert any(k.name.endswith("merge_partials") for k in result.kernels) == (splits > 1)
    # One update task (both lanes) per step of a chain. spmd: every (tile, part) block in
    # each of the longest part's steps, at least one; per tile: each part's own steps, at
    # least one (an empty part's update writes its initial state).
    tiles_per_seq = kv * -(-(heads // kv) // chosen["q_tile"])
    steps = chain_steps(lens, BLOCK, blocks, splits)  # per (sequence, part)
    if chosen["strategy"] == "spmd":
        expected = len(lens) * splits * max(max(steps), 1)
    else:
        expected = sum(max(s, 1) for s in steps)
    expected *= tiles_per_seq
    assert outcome.report.kernels["paged_attention_online_update"].invocations == 2 * expected
    return chosen


@pytest.mark.parametrize(("blocks", "splits", "strategy"), MATRIX,
                         ids=[f"N{n}-S{s}-{st}-{_name(_shape(n, s, st))}" for n, s, st in MATRIX])
def test_explicit_schedule_matches_reference(tmp_path: Path, blocks: int, splits: int,
                                             strategy: str) -> None:
    options = CompileOptions(q_tile=Q_TILE, strategy=strategy, kv_splits=splits,
                             kv_blocks_per_task=blocks)
    chosen = _run(tmp_path, _shape(blocks, splits, strategy), options)
    assert (chosen["kv_blocks_per_task"], chosen["kv_splits"], chosen["strategy"],
            chosen["q_tile"]) == (blocks, splits, strategy, Q_TILE)


@pytest.mark.parametrize("shape", [GQA, MQA], ids=_name)
def test_auto_schedule_matches_reference(tmp_path: Path, shape: tuple) -> None:
    _run(tmp_path, shape, CompileOptions())
