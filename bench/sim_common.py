"""Shared helpers of the simulator benchmarks (prints numbers; never asserts timings)."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import ml_dtypes
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

import ptoattn.sim as sim  # noqa: E402  (the installed package: `make` installs it)

SAMPLE = ROOT / "test" / "sim" / "samples" / "paged_attention"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def make_inputs(batch, heads, kv_heads, head_dim, block, lens, seed=0):
    """Random bf16 inputs generated chunk-wise (no fp32 copy of the caches)."""
    rng = np.random.default_rng(seed)
    lens = np.asarray(lens, dtype=np.int32)
    per_seq = -(-lens // block)
    max_blocks = int(max(1, per_seq.max()))
    num_blocks = int(per_seq.sum()) + 1
    bf16 = ml_dtypes.bfloat16
    caches = []
    for _ in range(2):
        c = sim.aligned_empty((num_blocks, block, kv_heads, head_dim), bf16)
        flat = c.reshape(num_blocks, -1)
        for i in range(0, num_blocks, 1024):
            flat[i : i + 1024] = rng.standard_normal(
                flat[i : i + 1024].shape, dtype=np.float32
            ).astype(bf16)
        caches.append(c)
    perm = rng.permutation(num_blocks).astype(np.int32)
    table = np.full((batch, max_blocks), -1, dtype=np.int32)
    cur = 0
    for b in range(batch):
        table[b, : per_seq[b]] = perm[cur : cur + per_seq[b]]
        cur += per_seq[b]
    query = sim.aligned_empty((batch, heads, head_dim), bf16)
    query[:] = rng.standard_normal(query.shape, dtype=np.float32).astype(bf16)
    return query, caches[0], caches[1], table, lens, float(1.0 / np.sqrt(head_dim))


def run_bench(
    name,
    batch,
    heads,
    kv_heads,
    head_dim,
    block,
    lens,
    check_batches,
    config=None,
    cold=True,
    source=SAMPLE,
):
    """Times building and running `source` (the hand-written sample, or an emitted directory)."""
    if cold:
        os.environ["PTOATTN_CACHE_DIR"] = tempfile.mkdtemp(prefix="ptoattn-bench-")
    t0 = time.perf_counter()
    q, k, v, bt, cl, scale = make_inputs(batch, heads, kv_heads, head_dim, block, lens)
    t_inputs = time.perf_counter() - t0
    rows = []
    for label in ["cold", "warm"] if cold else ["warm"]:
        t0 = time.perf_counter()
        prog = sim.build(source)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = sim.run_paged_attention(prog, q, k, v, bt, cl, scale, config=config)
        t_run = time.perf_counter() - t0
        rows.append((label, t_build, t_run, res.report))
    from ptoattn.reference import paged_attention  # the lead's reference, on a subset of sequences

    sel = np.asarray(check_batches)
    ref = paged_attention(q[sel], k, v, bt[sel], cl[sel], scale)
    cmp = sim.compare(res.outputs["out"][sel], ref)
    print(f"== {name}: batch {batch}, heads {heads}/{kv_heads}, head_dim {head_dim}, block {block}")
    print(f"inputs generated in {t_inputs:.2f} s (not counted)")
    for label, tb, tr, rep in rows:
        print(
            f"{label:5s}: compile {tb:6.2f} s  run {tr:6.2f} s  total {tb + tr:6.2f} s  "
            f"(device run {rep.run_seconds:.2f} s, checks {rep.analysis_seconds:.2f} s, "
            f"{rep.invocations} kernel invocations)"
        )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    print(f"check vs reference on batches {list(sel)}: {cmp}")
    print(res.report.summary())
