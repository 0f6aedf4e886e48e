"""Modeled a2a3 time of split-KV (kv-splits S) on the reference configuration and L2.

For each case, strategy and S, the directory is compiled (``CompileOptions(kv_splits=S)``) and
run on the simulator in modeled-only mode (no arithmetic). Columns: modeled time, what bounds
the run (from the model's trace), executed tasks, and the ratio to S = 1. The reference is
latency-bound (four sequences, one 16-row tile each: 4 of 24 clusters busy, the 1024-token
sequence alone for most of the run); L2 (batch 8, 32/8 heads, 64 tiles) already fills the
clusters, so splitting it only adds merge work. docs/benchmarks.md records a run."""

from __future__ import annotations

import sys

from ptoattn.options import CompileOptions
from sim_common import STRATEGIES, modeled_run, selected_cases

CASES = [
    # name, batch, heads, kv heads, head_dim, block, context lengths
    ("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128]),
    ("L2", 8, 32, 8, 128, 128, [8192] * 8),
]
SPLITS = (1, 2, 4, 8)


def main() -> None:
    print("| case | strategy | S | modeled (us) | vs S=1 | bound | tasks |")
    print("|---|---|---|---|---|---|---|")
    for (name, *_, lens), cfg in selected_cases(CASES, sys.argv[1:]):
        for strategy in STRATEGIES:
            base = None
            for splits in SPLITS:
                options = CompileOptions(strategy=strategy, kv_splits=splits)
                o = modeled_run(cfg, lens, options, f"ptoattn-split-{name}-").outcome
                m = o.model
                base = base or m.makespan_us
                print(
                    f"| {name} | {strategy} | {splits} | {m.makespan_us:.1f} | "
                    f"{m.makespan_us / base:.2f}x | {m.bound} | {o.report.tasks_executed} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
