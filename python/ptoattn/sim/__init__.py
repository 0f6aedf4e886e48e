"""ptoattn's built-in CPU simulator (``--platform sim``).

Compiles an output directory's kernels and orchestration unchanged against ptoattn's CPU
implementation of the PTO tile API and of the tensormap_and_ringbuffer orchestration API,
runs them with the runtime's scheduling rules, and reports what it checked and found.
Needs only numpy, ml_dtypes and g++.
"""

from __future__ import annotations

from ptoattn.sim.callable import CallableSpec, KernelSpec, load_callable, spec_from_dict
from ptoattn.sim.compare import CompareResult, compare
from ptoattn.sim.config import SimConfig
from ptoattn.sim.errors import SimError
from ptoattn.sim.harness import (
    BuiltProgram,
    SimResult,
    aligned_empty,
    build,
    run,
    run_paged_attention,
    validate_paged_attention_inputs,
)
from ptoattn.sim.report import Finding, KernelStats, RingStats, RunReport
from ptoattn.sim.timing import GraphTask, ModelReport, attention_bytes, model_graph
from ptoattn.sim.toolchain import cache_dir, include_dir

__all__ = [
    "BuiltProgram",
    "CallableSpec",
    "CompareResult",
    "Finding",
    "GraphTask",
    "KernelSpec",
    "KernelStats",
    "ModelReport",
    "RingStats",
    "RunReport",
    "attention_bytes",
    "model_graph",
    "SimConfig",
    "aligned_empty",
    "SimError",
    "SimResult",
    "build",
    "cache_dir",
    "compare",
    "include_dir",
    "load_callable",
    "run",
    "run_paged_attention",
    "spec_from_dict",
    "validate_paged_attention_inputs",
]
