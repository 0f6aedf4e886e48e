"""Compile cost of a large batch: prints figures, asserts nothing (docs/benchmarks.md).

`ptoattn compile` without `--context-lens` for batch 256 x 256 blocks per sequence (16/1
heads, head_dim 128, block 128: a 16 GiB cache if it were built), as a subprocess: wall time
and the child's peak RSS. Compiling must not depend on the cache size (issue 14, item 3).
Then `ptoattn run` on the seed head's Case1 (batch 256, max-blocks 256, context 256): wall
time and peak RSS of the default inputs, which are sized by the blocks the lengths need.

usage: python bench/compile_large.py [PTOATTN]   (default: the ptoattn next to this python)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import ptoattn
from sim_common import cli_flags

FLAGS = cli_flags(
    ptoattn.PagedAttentionConfig(
        batch=256,
        num_heads=16,
        num_kv_heads=1,
        head_dim=128,
        block_size=128,
        max_blocks_per_seq=256,
    )
)


def child_peak(command: list[str]) -> tuple[float, float]:
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "w = time.perf_counter() - t; "
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.returncode); "
        "sys.stderr.write(r.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True)
    wall, rss, rc = done.stdout.split()
    if int(rc) not in (0, 1):
        sys.exit(f"{' '.join(command)} failed (exit {rc}):\n{done.stderr}")
    return float(wall), float(rss)


def main() -> None:
    ptoattn = sys.argv[1] if len(sys.argv) > 1 else str(Path(sys.executable).parent / "ptoattn")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "large"
        wall, rss = child_peak([ptoattn, "compile", *FLAGS, "-o", str(out)])
        print(
            f"compile batch 256 x 256 blocks (no --context-lens): {wall:.2f} s, "
            f"peak RSS {rss:.0f} MiB"
        )
        case1 = Path(tmp) / "case1"
        child_peak(
            [
                ptoattn,
                "compile",
                *FLAGS,
                "--context-lens",
                ",".join(["256"] * 256),
                "-o",
                str(case1),
            ]
        )
        child_peak([ptoattn, "run", str(case1), "--context-lens", ",".join(["256"] * 256)])
        wall, rss = child_peak(
            [ptoattn, "run", str(case1), "--context-lens", ",".join(["256"] * 256)]
        )
        print(
            f"run Case1 (batch 256, max-blocks 256, context 256), warm g++ cache: {wall:.2f} s, "
            f"peak RSS {rss:.0f} MiB"
        )


if __name__ == "__main__":
    main()
