"""Simulator build time: prints figures, asserts nothing.

Compiles the reference configuration (batch 4, 16 heads on 1 KV head, head_dim 128, block 128,
spmd) and builds the emitted directory for the simulator from an empty cache:

1. per translation unit, one at a time (the runtime, the orchestration, each kernel), with and
   without the precompiled header of the simulator's headers (the PCH build is listed apart);
2. the whole directory as ``ptoattn run`` builds it (``MAX_JOBS`` at a time), with and without;
3. the same directory again with the runtime cached, as every further directory of a session
   is built.

Usage: ``python bench/sim_build.py`` (from the repository, after ``make install``).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import ptoattn
from ptoattn.options import CompileOptions
from ptoattn.sim import harness, toolchain
from ptoattn.sim.callable import load_callable

REFERENCE = ptoattn.PagedAttentionConfig(
    batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128, max_blocks_per_seq=8
)


def fresh_cache() -> None:
    os.environ["PTOATTN_CACHE_DIR"] = tempfile.mkdtemp(prefix="ptoattn-bench-build-")
    toolchain._pch_cache.clear()


def per_unit(out: Path, pch: bool) -> None:
    fresh_cache()
    os.environ["PTOATTN_SIM_PCH"] = "1" if pch else "0"
    built: list[tuple[str, float]] = []
    real_build_pch = toolchain._build_pch

    def timed_build_pch(*args, **kwargs):
        start = time.perf_counter()
        real_build_pch(*args, **kwargs)
        built.append(("precompiled header", time.perf_counter() - start))

    toolchain._build_pch = timed_build_pch
    real_build_all = toolchain.build_all

    def one_at_a_time(jobs, max_jobs=toolchain.MAX_JOBS):
        results = []
        for job in jobs:
            before = len(built)
            result = real_build_all([job], max_jobs=1)[0]
            pch_seconds = sum(s for _, s in built[before:])
            built.append((job.name, result.seconds - pch_seconds))
            results.append(result)
        return results

    toolchain.build_all = one_at_a_time
    try:
        harness.build(load_callable(out), warnings_as_errors=True)
    finally:
        toolchain.build_all = real_build_all
        toolchain._build_pch = real_build_pch
    print(f"-- one translation unit at a time, precompiled header {'on' if pch else 'off'}")
    for name, seconds in built:
        print(f"  {seconds:6.2f} s  {name}")
    print(f"  {sum(s for _, s in built):6.2f} s  total")


def whole(out: Path, pch: bool) -> None:
    fresh_cache()
    os.environ["PTOATTN_SIM_PCH"] = "1" if pch else "0"
    spec = load_callable(out)
    start = time.perf_counter()
    harness.build(spec, warnings_as_errors=True)
    cold = time.perf_counter() - start
    runtime = toolchain.cache_dir() / f"{toolchain.runtime_job().key(toolchain.compiler())}.so"
    for p in toolchain.cache_dir().glob("*.so"):
        if p != runtime:
            p.unlink()  # keep the runtime (and the PCHs): a later directory of the same session
    toolchain._pch_cache.clear()
    start = time.perf_counter()
    harness.build(spec, warnings_as_errors=True)
    again = time.perf_counter() - start
    print(
        f"-- whole directory ({toolchain.MAX_JOBS} at a time), precompiled header "
        f"{'on' if pch else 'off'}: empty cache {cold:.2f} s; runtime cached {again:.2f} s"
    )


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="ptoattn-bench-build-out-"))
    ptoattn.compile(REFERENCE, out, CompileOptions(strategy="spmd"))
    print(f"== simulator build of the reference directory ({toolchain._compiler_version('g++')})")
    for pch in (False, True):
        per_unit(out, pch)
    for pch in (False, True):
        whole(out, pch)


if __name__ == "__main__":
    main()
