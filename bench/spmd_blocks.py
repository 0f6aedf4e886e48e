"""Modeled a2a3 time of spmd launches of one block per tile against min(tiles, clusters)
blocks looping over their tiles (attn-orchestrate spmd-blocks=tiles|clusters), on a 910B1
(24 clusters) and a 910B3 (20), for the cases of bench/modeled.py and ragged variants.

Each row compiles the case twice per chip with the same schedule (``schedule="default"``:
spmd, one KV block per task; or the options ``--schedule auto`` picks with spmd-blocks
fixed) and runs both in modeled-only mode. Prints figures; asserts nothing.
``python bench/spmd_blocks.py [CASE ...]``; docs/benchmarks.md records a run.
"""

import sys

import numpy as np

from modeled import CASES as MODELED_CASES
from ptoattn.options import CompileOptions
from sim_common import modeled_run, selected_cases

RAGGED = [int(n) for n in np.random.default_rng(7).integers(0, 8193, 64)]
CASES = [row[:7] for row in MODELED_CASES] + [
    # name, batch, heads, kv heads, head_dim, block, context lengths
    ("mqa64-ragged", 64, 16, 1, 128, 128, RAGGED),
    ("mqa64-short", 64, 16, 1, 128, 128, [512] * 64),
    ("gqa-ragged", 16, 32, 8, 128, 128, RAGGED[:16]),
]


def main() -> None:
    print("| case | chip | schedule | tiles (us) | clusters (us) | clusters/tiles |")
    print("|---|---|---|---|---|---|")
    for (name, *_, lens), cfg in selected_cases(CASES, sys.argv[1:]):
        for chip in ("910B1", "910B3"):
            for schedule in ("default", "auto"):
                times, label = {}, schedule
                for blocks in ("tiles", "clusters"):
                    options = CompileOptions(
                        target=chip, schedule=schedule, strategy="spmd", spmd_blocks=blocks
                    )
                    run = modeled_run(
                        cfg, lens, options, f"ptoattn-spmd-blocks-{name}-", context_lens=lens
                    )
                    times[blocks] = run.model.makespan_us
                    chosen = (run.manifest.get("schedule") or {}).get("chosen") or {}
                    label = " ".join(
                        [schedule] + [f"{k}={v}" for k, v in chosen.items() if k != "spmd_blocks"]
                    )
                ratio = times["clusters"] / times["tiles"]
                print(
                    f"| {name} | {chip} | {label} | {times['tiles']:.1f} | "
                    f"{times['clusters']:.1f} | {ratio:.3f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
