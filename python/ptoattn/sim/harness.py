"""Build and run an output directory on the simulator."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ml_dtypes
import numpy as np

from ptoattn.sim import toolchain
from ptoattn.sim.callable import CallableSpec, load_callable
from ptoattn.sim.config import SimConfig
from ptoattn.sim.errors import SimError
from ptoattn.sim.native import NativeRuntime
from ptoattn.sim.report import RunReport


@dataclass
class BuiltProgram:
    spec: CallableSpec
    runtime_lib: Path
    orchestration_lib: Path
    kernel_libs: dict[int, Path]
    compile_seconds: float
    cached: bool


def build(
    spec: CallableSpec | Path | str,
    *,
    jobs: int = toolchain.MAX_JOBS,
    warnings_as_errors: bool | None = None,
) -> BuiltProgram:
    """Compiles the runtime, the orchestration and every kernel (content-hash cached); with
    ``warnings_as_errors`` (default: ``$PTOATTN_SIM_WERROR=1``) the orchestration and kernels
    get ``-Wall -Wextra -Werror``."""
    if not isinstance(spec, CallableSpec):
        spec = load_callable(spec)
    t0 = time.perf_counter()
    if warnings_as_errors is None:
        warnings_as_errors = toolchain.werror_requested()
    strict = toolchain.WARNINGS_AS_ERRORS if warnings_as_errors else ()
    jobs_list = [
        toolchain.runtime_job(),
        toolchain.BuildJob(
            f"orchestration {spec.orchestration.name}",
            (spec.orchestration,),
            include_dirs=(spec.orchestration.parent,),
            extra_flags=strict,
            pch=True,
        ),
    ]
    for k in spec.kernels:
        jobs_list.append(
            toolchain.BuildJob(
                f"kernel {k.name} ({k.source.name})",
                (k.source,),
                defines=("__DAV_CUBE__",) if k.core_type == "aic" else ("__DAV_VEC__",),
                include_dirs=(k.source.parent,),
                extra_flags=strict,
                pch=True,
            )
        )
    results = toolchain.build_all(jobs_list, max_jobs=jobs)
    return BuiltProgram(
        spec=spec,
        runtime_lib=results[0].path,
        orchestration_lib=results[1].path,
        kernel_libs={k.func_id: r.path for k, r in zip(spec.kernels, results[2:])},
        compile_seconds=time.perf_counter() - t0,
        cached=all(r.cached for r in results),
    )


@dataclass
class SimResult:
    outputs: dict[str, np.ndarray]
    report: RunReport


def run(
    program: BuiltProgram | CallableSpec | Path | str,
    tensors: Sequence[tuple[str, np.ndarray]],
    scalars: Sequence = (),
    config: SimConfig | None = None,
) -> SimResult:
    """Runs the orchestration on ``tensors`` (name, array) and ``scalars``, in the target order.

    Arrays are used in place (no copies): outputs are written into the arrays given. A fatal
    error (deadlock, kernel abort, bad orchestration call) raises SimError with the report.
    """
    config = config or SimConfig()
    options = config.to_options()
    if not isinstance(program, BuiltProgram):
        program = build(program)
    rt = NativeRuntime(program.runtime_lib, options)
    try:
        rt.load_orchestration(program.orchestration_lib)
        for k in program.spec.kernels:
            rt.load_kernel(k.func_id, k.name, k.core_type, program.kernel_libs[k.func_id])
        arrays = [(n, _device_view(n, a)) for n, a in tensors]
        report = rt.run(arrays, list(scalars))
        for (_, a), (_, d) in zip(tensors, arrays):
            if d is not a:
                np.copyto(a, d)  # results land in the caller's arrays
    finally:
        rt.close()
    report.compile_seconds = program.compile_seconds
    if report.fatal or not report.ok:
        msg = report.fatal or "; ".join(str(f) for f in report.findings if f.severity == "fatal")
        raise SimError(f"simulator run failed: {msg}", report=report)
    return SimResult({n: a for n, a in tensors}, report)


GM_ALIGN = 512  # device allocations are at least this aligned
_COPY_LIMIT = 64 << 20  # larger misaligned arrays are used in place (no copy of the caches)


def aligned_empty(shape, dtype, align: int = GM_ALIGN) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an ``align``-byte boundary."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(n + align, dtype=np.uint8)
    off = (-raw.ctypes.data) % align
    return raw[off : off + n].view(dtype).reshape(shape)


def _device_view(name: str, a: np.ndarray) -> np.ndarray:
    """The array as the device would see it: GM buffers are aligned; copy small misaligned ones."""
    if not isinstance(a, np.ndarray):
        raise SimError(f"{name}: expected a numpy array, got {type(a).__name__}")
    if not a.flags.c_contiguous:
        raise SimError(f"{name}: pass a C-contiguous array (outputs are written in place)")
    if a.ctypes.data % 64 == 0 or a.nbytes > _COPY_LIMIT:
        return a
    d = aligned_empty(a.shape, a.dtype)
    np.copyto(d, a)
    return d


PA_ARGS = ("query", "key_cache", "value_cache", "block_table", "context_lens", "out")


def validate_paged_attention_inputs(
    query, key_cache, value_cache, block_table, context_lens
) -> None:
    """Rejects inputs that would make a kernel read outside the cache or another sequence."""
    storage = (np.dtype(ml_dtypes.bfloat16), np.dtype(np.float16))
    for name, a, nd in (
        ("query", query, 3),
        ("key_cache", key_cache, 4),
        ("value_cache", value_cache, 4),
    ):
        if not isinstance(a, np.ndarray) or a.ndim != nd:
            raise SimError(
                f"{name}: expected a rank-{nd} numpy array, got {getattr(a, 'shape', type(a))}"
            )
        if a.dtype not in storage or a.dtype != query.dtype:
            raise SimError(
                f"{name}: expected dtype bfloat16 or float16, the same as query's "
                f"({query.dtype}), got {a.dtype}"
            )
    b, h, d = query.shape
    nb, bs, kvh, kd = key_cache.shape
    if value_cache.shape != key_cache.shape:
        raise SimError(
            f"value_cache: shape {value_cache.shape} differs from key_cache {key_cache.shape}"
        )
    if kd != d:
        raise SimError(f"key_cache: head_dim {kd} differs from the query's {d}")
    if kvh < 1 or h % kvh:
        raise SimError(f"key_cache: {kvh} KV heads do not divide the query's {h} heads")
    if block_table.dtype != np.int32 or block_table.ndim != 2 or block_table.shape[0] != b:
        raise SimError(
            f"block_table: expected int32 [{b}, max_blocks], got {block_table.dtype} {block_table.shape}"
        )
    if context_lens.dtype != np.int32 or context_lens.shape != (b,):
        raise SimError(
            f"context_lens: expected int32 [{b}], got {context_lens.dtype} {context_lens.shape}"
        )
    mb = block_table.shape[1]
    for i in range(b):
        n = int(context_lens[i])
        if n < 0 or n > mb * bs:
            raise SimError(
                f"context_lens[{i}] = {n}: must be in 0..{mb * bs} (max_blocks {mb} x block_size {bs})"
            )
        used = block_table[i, : -(-n // bs)]
        bad = np.flatnonzero((used < 0) | (used >= nb))
        if bad.size:
            j = int(bad[0])
            raise SimError(
                f"block_table[{i}, {j}] = {int(used[j])} is outside the KV cache "
                f"(valid block ids 0..{nb - 1}); sequence {i} reads {len(used)} blocks"
            )


def run_paged_attention(
    program,
    query,
    key_cache,
    value_cache,
    block_table,
    context_lens,
    scale: float,
    config: SimConfig | None = None,
    out: np.ndarray | None = None,
) -> SimResult:
    """Runs a paged-attention directory with the target argument order; returns out in outputs['out']."""
    validate_paged_attention_inputs(query, key_cache, value_cache, block_table, context_lens)
    if out is None:
        out = np.zeros(query.shape, dtype=np.float32)
    elif out.dtype != np.float32 or out.shape != query.shape or not out.flags.c_contiguous:
        raise SimError(f"out: expected a C-contiguous float32 array of shape {query.shape}")
    tensors = list(zip(PA_ARGS, (query, key_cache, value_cache, block_table, context_lens, out)))
    return run(program, tensors, [np.float32(scale)], config)
