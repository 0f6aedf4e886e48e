"""Ring behaviour the built-in simulator shares with simpler's runtime (a2a3sim findings).

- The dependency pool frees entries only as ring tasks retire (simpler's ensure_space and
  reclaim), and the compiler's stated need (manifest ``ring_requirements``) is enough: with the
  orchestration running as far ahead as the rings allow (``run_ahead``), one entry less
  deadlocks and the stated need passes.
- A full heap that the orchestration waits on is reported (simpler aborts such a wait when the
  ring's head does not retire within 500 ms); the spmd schedule bounds its run-ahead when the
  steps' intermediates exceed the heap, so it never waits there.
- A failed allocation stops the emitted orchestration with its own message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ptoattn.sim as sim
from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions
from ptoattn.sim.errors import SimError

REF = dict(batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128, max_blocks_per_seq=8)
REF_LENS = [33, 1024, 517, 128]


def _compile(tmp_path: Path, strategy: str, **options) -> int:
    # The figures below are of one KV block per task, unsplit: pinned, not chosen by auto.
    options = {"kv_splits": 1, "kv_blocks_per_task": 1, **options}
    compile(PagedAttentionConfig(**REF), tmp_path, CompileOptions(strategy=strategy, **options),
            context_lens=REF_LENS)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return manifest["ring_requirements"][2]["dep_entries"]


def _run(tmp_path: Path, **config):
    return runner.run(tmp_path, context_lens=REF_LENS,
                      sim_config=sim.SimConfig(run_ahead=True, threads=1, **config))


def test_dependency_pool_need_is_tight_for_spmd(tmp_path: Path) -> None:
    # 8 KV steps x 5 tasks on ring 2: fewer than the 64 retirements a reclaim needs, so the
    # pool holds every entry of the run: 36 when the last update asks for its 5 edges.
    need = _compile(tmp_path, "spmd")
    assert need == 41
    outcome = _run(tmp_path, dep_pool=need)
    assert outcome.passed, outcome.report_text()
    with pytest.raises(SimError, match=r"blocked on ring 2's dependency pool .* 40 entries, 36 in use, 5 requested"):
        _run(tmp_path, dep_pool=need - 1)


def test_dependency_pool_need_bounds_per_tile(tmp_path: Path) -> None:
    need = _compile(tmp_path, "per-tile")
    outcome = _run(tmp_path, dep_pool=need)
    assert outcome.passed, outcome.report_text()
    # The stated need covers every length the table allows; these lengths need 64: the pool
    # only reclaims after 64 ring-2 tasks retired, and the scope open then started at 60.
    assert need >= 64
    assert _run(tmp_path, dep_pool=64).passed
    with pytest.raises(SimError, match="dependency pool"):
        _run(tmp_path, dep_pool=63)


def test_full_heap_is_reported_and_bounded_run_ahead_avoids_it(tmp_path: Path) -> None:
    # 8 steps x 83968 bytes do not fit a 200000-byte heap.
    _compile(tmp_path / "unbounded", "spmd")
    outcome = _run(tmp_path / "unbounded", heap_size=200_000)
    stalls = outcome.report.by_check("heap_stall")
    assert stalls and stalls[0].severity == "warning", outcome.report_text()
    assert "ring 2's heap full" in stalls[0].message and "Heap Exhausted" in stalls[0].message
    # Located at the submission that found the heap full, as the other orchestration findings are.
    stall = stalls[0]
    assert 0 <= stall.task < outcome.report.tasks_submitted
    assert stall.kernel == "<alloc>" or all(k in outcome.report.kernels for k in stall.kernel.split("+"))
    assert str(stall).startswith(f"[warning] heap_stall: task {stall.task} ({stall.kernel}) the orchestration")
    _compile(tmp_path / "bounded", "spmd", ring_heap=200_000)
    outcome = _run(tmp_path / "bounded", heap_size=200_000)
    assert outcome.passed and not outcome.report.by_check("heap_stall"), outcome.report_text()


def test_failed_allocation_stops_the_orchestration(tmp_path: Path) -> None:
    _compile(tmp_path, "spmd")
    with pytest.raises(SimError) as info:
        _run(tmp_path, heap_size=[1 << 28, 1 << 28, 65536, 1 << 28])
    message = str(info.value)
    assert "ring 2's heap holds 65536" in message
    assert "ptoattn orchestration: alloc_tensors of 5 buffer(s) failed; stopping" in message
