"""Shared helpers of the benchmarks (they print numbers; never assert timings): the case
loop and the compile-then-model run of the modeled-time benchmarks, the command-line flags
of a configuration, and the simulator runs."""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

import ptoattn  # noqa: E402  (the installed package: `make` installs it)
import ptoattn.sim as sim  # noqa: E402
from ptoattn import runner  # noqa: E402
from ptoattn.options import CompileOptions, Strategy  # noqa: E402

SAMPLE = ROOT / "test" / "sim" / "samples" / "paged_attention"


# Both strategies, typed for CompileOptions.
STRATEGIES: tuple[Strategy, ...] = ("spmd", "per-tile")


def case_config(
    batch: int, heads: int, kv_heads: int, head_dim: int, block: int, lens: Sequence[int], **extra
) -> ptoattn.PagedAttentionConfig:
    """A case's configuration, its block table as wide as the longest length needs."""
    return ptoattn.PagedAttentionConfig(
        batch=batch,
        num_heads=heads,
        num_kv_heads=kv_heads,
        head_dim=head_dim,
        block_size=block,
        max_blocks_per_seq=max(1, -(-max(lens) // block)),
        **extra,
    )


def selected_cases(
    rows: Sequence[tuple[Any, ...]], names: Sequence[str]
) -> Iterator[tuple[tuple[Any, ...], ptoattn.PagedAttentionConfig]]:
    """Each row named in ``names`` (every row when none) with its configuration; a row
    starts with name, batch, heads, KV heads, head_dim, block, context lengths."""
    for row in rows:
        if names and row[0] not in names:
            continue
        yield row, case_config(*row[1:7])


@dataclasses.dataclass(frozen=True)
class ModeledRun:
    """One compiled directory and its modeled-only run."""

    outcome: runner.RunOutcome
    manifest: dict
    compile_seconds: float

    @property
    def model(self):
        return self.outcome.model


def modeled_run(
    config: ptoattn.PagedAttentionConfig,
    lens: Sequence[int],
    options: CompileOptions,
    prefix: str,
    **compile_args: Any,
) -> ModeledRun:
    """Compiles ``config`` with ``options`` (and ``compile_args`` of ``ptoattn.compile``,
    such as ``context_lens``) into a fresh temporary directory and runs it on ``lens`` on the
    simulator in modeled-only mode (no arithmetic)."""
    out = tempfile.mkdtemp(prefix=prefix)
    start = time.perf_counter()
    ptoattn.compile(config, out, options, **compile_args)
    seconds = time.perf_counter() - start
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    outcome = runner.run(out, context_lens=list(lens), model_only=True)
    return ModeledRun(outcome, manifest, seconds)


def cli_flags(config: ptoattn.PagedAttentionConfig) -> list[str]:
    """The ``ptoattn compile`` flags of ``config``'s shape."""
    flags = {
        "--batch": config.batch,
        "--num-heads": config.num_heads,
        "--kv-heads": config.num_kv_heads,
        "--head-dim": config.head_dim,
        "--block-size": config.block_size,
        "--max-blocks": config.max_blocks_per_seq,
    }
    return [item for flag, value in flags.items() for item in (flag, str(value))]


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
