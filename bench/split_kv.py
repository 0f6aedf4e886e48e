"""Modeled a2a3 time of split-KV (kv-splits S) on the reference configuration and L2.

For each case, strategy and S, the directory is compiled (``CompileOptions(kv_splits=S)``) and
run on the simulator in modeled-only mode (no arithmetic). Columns: modeled time, what bounds
the run (from the model's trace), executed tasks, and the ratio to S = 1. The reference is
latency-bound (four sequences, one 16-row tile each: 4 of 24 clusters busy, the 1024-token
sequence alone for most of the run); L2 (batch 8, 32/8 heads, 64 tiles) already fills the
clusters, so splitting it only adds merge work. docs/benchmarks.md records a run."""

from __future__ import annotations

import sys
import tempfile

import ptoattn
from ptoattn import runner
from ptoattn.options import CompileOptions, Strategy

CASES = [
    # name, batch, heads, kv heads, head_dim, block, context lengths
    ("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128]),
    ("L2", 8, 32, 8, 128, 128, [8192] * 8),
]
SPLITS = (1, 2, 4, 8)
STRATEGIES: tuple[Strategy, ...] = ("spmd", "per-tile")


def main() -> None:
    print("| case | strategy | S | modeled (us) | vs S=1 | bound | tasks |")
    print("|---|---|---|---|---|---|---|")
    for name, b, h, kvh, d, bs, lens in CASES:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        cfg = ptoattn.PagedAttentionConfig(
            batch=b,
            num_heads=h,
            num_kv_heads=kvh,
            head_dim=d,
            block_size=bs,
            max_blocks_per_seq=-(-max(lens) // bs),
        )
        for strategy in STRATEGIES:
            base = None
            for splits in SPLITS:
                out = tempfile.mkdtemp(prefix=f"ptoattn-split-{name}-")
                ptoattn.compile(cfg, out, CompileOptions(strategy=strategy, kv_splits=splits))
                o = runner.run(out, context_lens=lens, model_only=True)
                m = o.model
                base = base or m.makespan_us
                print(
                    f"| {name} | {strategy} | {splits} | {m.makespan_us:.1f} | "
                    f"{m.makespan_us / base:.2f}x | {m.bound} | {o.report.tasks_executed} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
