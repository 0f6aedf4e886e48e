"""`make demo`: compile the reference paged-attention configuration and run it on the simulator.

The reference configuration: batch 4, 16 query heads on 1 KV head (MQA), head_dim 128,
128-row cache blocks, ragged contexts 33 / 1024 / 517 / 128, the spmd strategy. The demo
compiles it into an output directory (kernels, orchestration, scene test, manifest), runs the
emitted C++ unchanged on the built-in CPU simulator, and compares the result with the numpy
reference.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions

CONFIG = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                              block_size=128, max_blocks_per_seq=8)
CONTEXT_LENS = [33, 1024, 517, 128]
OUT_DIR = Path(__file__).resolve().parents[1] / "build" / "demo" / "paged_attention"


def main() -> int:
    print("ptoattn demo: batch 4, 16 heads on 1 KV head, head_dim 128, block 128, "
          f"contexts {CONTEXT_LENS}, spmd\n")
    start = time.perf_counter()
    result = compile(CONFIG, OUT_DIR, CompileOptions(strategy="spmd"), context_lens=CONTEXT_LENS)
    print(f"compiled in {time.perf_counter() - start:.2f} s into {result.out_dir}:")
    for kernel in result.kernels:
        print(f"  {kernel.path.relative_to(result.out_dir)}  ({kernel.core_type}, func_id {kernel.func_id})")
    print(f"  {result.orchestration.relative_to(result.out_dir)}")
    print(f"  {result.scene_test.name}, manifest.json")
    rings = [f"ring {i}: {r['task_slots']} tasks, {r['heap_bytes']} heap bytes"
             for i, r in enumerate(result.ring_requirements) if r["task_slots"]]
    print("  ring needs: " + "; ".join(rings))

    print("\nrunning the emitted C++ on the simulator (first run compiles it with g++) ...")
    start = time.perf_counter()
    outcome = runner.run(OUT_DIR, context_lens=CONTEXT_LENS)
    print(f"done in {time.perf_counter() - start:.2f} s\n")
    print(outcome.report_text())
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())
