"""The hand-written SPMD paged-attention sample runs on the simulator and matches the reference."""

from __future__ import annotations

import numpy as np
import pytest

import ptoattn.sim as sim
from ptoattn.config import PagedAttentionConfig
from ptoattn.reference import make_inputs, paged_attention

CASES = {
    # name: (batch, heads, kv_heads, head_dim, block, max_blocks, context lengths)
    "reference_mqa": (4, 16, 1, 128, 128, 8, [33, 1024, 517, 128]),
    "gqa_40_8_block64": (3, 40, 8, 128, 64, 6, [0, 128, 300]),
    "mqa_block32_ragged": (5, 16, 1, 128, 32, 5, [0, 32, 95, 64, 160]),
    "gqa_32_2_two_qtiles": (2, 32, 2, 128, 64, 3, [192, 1]),
}


def _run(program, case, config=None, seed=0):
    b, h, kvh, d, bs, mb, lens = CASES[case]
    cfg = PagedAttentionConfig(batch=b, num_heads=h, num_kv_heads=kvh, head_dim=d, block_size=bs,
                               max_blocks_per_seq=mb)
    inp = make_inputs(cfg, seed=seed, context_lens=lens)
    res = sim.run_paged_attention(program, inp.query, inp.key_cache, inp.value_cache, inp.block_table,
                                  inp.context_lens, inp.scale, config=config)
    ref = paged_attention(inp.query, inp.key_cache, inp.value_cache, inp.block_table, inp.context_lens, inp.scale)
    return res, ref, inp


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_reference(pa_program, case):
    res, ref, inp = _run(pa_program, case)
    cmp = sim.compare(res.outputs["out"], ref, rtol=1e-3, atol=1e-3)
    assert cmp.ok, str(cmp)
    assert res.report.ok and not res.report.errors, res.report.summary()
    assert not res.report.warnings, res.report.summary()
    empty = np.flatnonzero(inp.context_lens == 0)
    assert np.all(res.outputs["out"][empty] == 0.0)


def test_report_contents(pa_program):
    res, _, _ = _run(pa_program, "reference_mqa")
    r = res.report
    iters = 8  # the longest context, 1024, has 8 blocks of 128
    assert r.tasks_executed == 4 * iters
    nblk = 4  # batch 4 x 1 kv head x 1 q-tile
    assert r.per_kernel_counts == {"qk_matmul": iters * nblk, "pv_matmul": iters * nblk,
                                   "softmax_prepare": 2 * iters * nblk, "online_update": 2 * iters * nblk}
    assert r.rings[1].task_high_water >= 4 and r.rings[1].heap_high_water > 0
    assert r.rings[0].heap_size == 256 * 1024 * 1024 and r.rings[0].task_window == 16384
    assert {"race_raw", "race_waw", "race_war", "shared_line", "out_of_bounds", "write_to_input"} <= set(r.checks)
    assert r.sync["set_flag"] > 0 and r.sync["set_flag"] == r.sync["wait_flag"]


def test_same_bits_whatever_the_schedule(pa_program):
    outs = []
    for cfg in (sim.SimConfig(threads=1), sim.SimConfig(threads=2), sim.SimConfig(threads=2, schedule="lifo"),
                sim.SimConfig(threads=2, schedule="random", seed=7)):
        res, _, _ = _run(pa_program, "gqa_40_8_block64", config=cfg)
        outs.append(res.outputs["out"].copy())
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])


def test_small_rings_back_pressure(pa_program):
    # Four tasks per iteration scope (about 82 KB of outputs): an 8-slot window and a 200 KB heap
    # hold about two iterations, so the orchestrator must wait for retirement (how often
    # depends on thread timing, the bound does not).
    cfg = sim.SimConfig(task_window=[16384, 8], heap_size=[256 << 20, 200 * 1024], threads=1)
    res, ref, _ = _run(pa_program, "reference_mqa", config=cfg)
    assert sim.compare(res.outputs["out"], ref).ok
    ring1 = res.report.rings[1]
    assert ring1.task_high_water <= 7 and ring1.heap_high_water <= 200 * 1024 and ring1.tasks == 32
