"""Simulator benchmark, large configuration: batch 256, 16 heads, 1 KV head, head_dim 128,
block 128, context 8192 (KV caches 1 GiB). Prints warm figures and peak memory; pass --cold
to also time an empty compile cache, --no-checks to time without the access checks."""

import sys

from sim_common import run_bench, sim

if __name__ == "__main__":
    cfg = sim.SimConfig(checks="none") if "--no-checks" in sys.argv else None
    run_bench(
        "large",
        256,
        16,
        1,
        128,
        128,
        [8192] * 256,
        check_batches=[0, 255],
        config=cfg,
        cold="--cold" in sys.argv,
    )
