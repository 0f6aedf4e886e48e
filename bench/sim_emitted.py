"""Simulator benchmark on directories emitted by ptoattn (not the hand-written sample).

Compiles the two configurations of the simulator issue with ``ptoattn.compile`` (the
schedule ``--schedule auto`` picks for the case's lengths; ``--spmd`` / ``--per-tile`` fix
the strategy) and
times building and running the emitted C++ on the simulator, cold (empty compile cache) and
warm, with peak memory:

- reference: batch 4, 16 heads, 1 KV head, head_dim 128, block 128, contexts 33/1024/517/128;
- large (``--large``): batch 256, 16 heads, 1 KV head, head_dim 128, block 128, context 8192
  (the KV caches alone are 1 GiB).
Prints figures; asserts nothing.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import ptoattn
from sim_common import case_config, run_bench, sim


def emitted(batch, heads, kv_heads, head_dim, block, lens, out: Path) -> Path:
    num_blocks = sum(-(-n // block) for n in lens) + 1  # every block the lengths need, + 1
    config = case_config(batch, heads, kv_heads, head_dim, block, lens, num_blocks=num_blocks)
    start = time.perf_counter()
    strategy = next((s for s in ("spmd", "per-tile") if f"--{s}" in sys.argv), None)
    ptoattn.compile(config, out, strategy=strategy, context_lens=list(lens))
    chosen = json.loads((out / "manifest.json").read_text())["options"]
    print(
        f"ptoattn compile: {time.perf_counter() - start:.2f} s -> {out} "
        f"(strategy {chosen['strategy']}, q-tile {chosen['q_tile']})"
    )
    return out


if __name__ == "__main__":
    large = "--large" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        if large:
            lens = [8192] * 256
            out = emitted(256, 16, 1, 128, 128, lens, Path(tmp) / "large")
            cfg = sim.SimConfig(checks="none") if "--no-checks" in sys.argv else None
            run_bench(
                "large (emitted)",
                256,
                16,
                1,
                128,
                128,
                lens,
                check_batches=[0, 255],
                config=cfg,
                cold="--cold" in sys.argv,
                source=out,
            )
        else:
            lens = [33, 1024, 517, 128]
            out = emitted(4, 16, 1, 128, 128, lens, Path(tmp) / "reference")
            run_bench(
                "reference (emitted)",
                4,
                16,
                1,
                128,
                128,
                lens,
                check_batches=[0, 1, 2, 3],
                source=out,
            )
