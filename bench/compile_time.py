"""Compile-time benchmark: prints figures, asserts nothing (targets are in docs/benchmarks.md).

1. One configuration, whole process: `ptoattn compile ...` as a subprocess (Python start-up,
   imports, pipeline, translation, writing the directory), median of 5.
2. The same configuration, pipeline only: ptoattn-pipeline run by name on a fresh module, in
   process, median of 20 (and the translation of the five files).
3. 50 different configurations compiled into output directories in one process.
4. ``--schedule auto`` (the default) on the five cases of bench/modeled.py, whole process with
   the case's lengths (the reference's as the scene test's ``--context-lens``, the others as
   ``--expected-context-lens``), median of 3; the target is under 1.5 s each. The machine's
   load average is printed with it (the host is shared).

``python bench/compile_time.py auto`` runs part 4 only.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ptoattn
from modeled import CASES
from ptoattn.compiler import pipeline_string, run_pipeline
from ptoattn.options import CompileOptions
from sim_common import case_config, cli_flags

REFERENCE = ptoattn.PagedAttentionConfig(
    batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128, max_blocks_per_seq=8
)
FLAGS = cli_flags(REFERENCE)


def whole_process(tmp: Path) -> float:
    times = []
    for i in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ptoattn.cli", "compile", *FLAGS, "-o", str(tmp / f"whole{i}")],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def auto_cases(tmp: Path) -> list[tuple[str, float]]:
    """Whole-process ``ptoattn compile`` with ``--schedule auto`` on each modeled case."""
    medians = []
    for name, batch, heads, kv_heads, head_dim, block, lens, _ in CASES:
        config = case_config(batch, heads, kv_heads, head_dim, block, lens)
        flag = "--context-lens" if name == "reference" else "--expected-context-lens"
        lens_text = ",".join(str(n) for n in lens)
        times = []
        for i in range(3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "ptoattn.cli", "compile", *cli_flags(config)]
                + [flag, lens_text, "-o", str(tmp / f"auto-{name}-{i}")],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
        medians.append((name, statistics.median(times)))
    return medians


def print_auto(tmp: Path) -> None:
    load = os.getloadavg()[0]
    print(f"--schedule auto, whole process, median of 3 (load average {load:.2f}, target < 1.5 s)")
    for name, seconds in auto_cases(tmp):
        print(f"  {name:<10} {seconds:.2f} s")


def pipeline_only() -> tuple[float, float]:
    from ptoattn._extension import translate_to_cpp

    options = CompileOptions()
    lowering, translating = [], []
    for _ in range(20):
        module = ptoattn.build_module(REFERENCE)
        start = time.perf_counter()
        run_pipeline(module, pipeline_string(options))
        lowering.append(time.perf_counter() - start)
        start = time.perf_counter()
        for op in module.body.operations:
            translate_to_cpp(module.operation, str(op.operation.attributes["id"]).strip('"'))
        translating.append(time.perf_counter() - start)
    return statistics.median(lowering), statistics.median(translating)


def many(tmp: Path) -> tuple[int, float]:
    shapes = [(16, 1), (40, 8), (32, 8), (64, 1), (8, 8), (32, 4)]
    dims, blocks = [64, 128], [16, 32, 64, 128]
    configs = [
        ptoattn.PagedAttentionConfig(
            batch=b, num_heads=h, num_kv_heads=kv, head_dim=d, block_size=bs, max_blocks_per_seq=4
        )
        for (h, kv), d, bs, b in itertools.product(shapes, dims, blocks, (2, 5))
    ][:50]
    start = time.perf_counter()
    for i, config in enumerate(configs):
        strategy = "spmd" if i % 2 == 0 else "per-tile"
        ptoattn.compile(config, tmp / f"many{i}", strategy=strategy)
    return len(configs), time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if sys.argv[1:] == ["auto"]:
            print_auto(tmp)
            return
        ptoattn.compile(REFERENCE, tmp / "warm")  # load MLIR once before timing in-process work
        lowering, translating = pipeline_only()
        count, total = many(tmp)
        whole = whole_process(tmp)
    print(
        "ptoattn compile time (reference configuration: batch 4, 16/1 heads, head_dim 128, block 128)"
    )
    print(f"  whole process (ptoattn compile, incl. Python start-up), median of 5: {whole:.3f} s")
    print(
        f"  pipeline only (ptoattn-pipeline to EmitC), median of 20:          {lowering * 1e3:.1f} ms"
    )
    print(
        f"  translation of the 5 files to C++, median of 20:                 {translating * 1e3:.1f} ms"
    )
    print(
        f"  {count} different configurations in one process:                   {total:.2f} s "
        f"({total / count * 1e3:.0f} ms each)"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        print_auto(Path(tmp_name))


if __name__ == "__main__":
    main()
