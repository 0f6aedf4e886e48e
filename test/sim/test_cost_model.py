"""The a2a3 cost model: instruction costs, pipe overlap, the task-level model, determinism and
the trace / swimlane outputs (docs/cost-model.md). Modeled time only; nothing here is timed."""

from __future__ import annotations

import ctypes
import json
import math

import numpy as np
import pytest

import ptoattn.sim as sim
from ptoattn.sim import toolchain
from ptoattn.sim.timing import GraphTask, _cost_constant, model_graph

from conftest import SAMPLES

CLOCK = _cost_constant("kClockHz")
GIB = 1024.0 ** 3


def cycles(nbytes: int, gibs_name: str) -> float:
    return nbytes / (_cost_constant(gibs_name) * GIB) * CLOCK


@pytest.fixture(scope="module")
def probe():
    job = toolchain.BuildJob("cost probe", (SAMPLES / "timing" / "cost_probe.cpp",), defines=("__DAV_VEC__",))
    lib = ctypes.CDLL(str(toolchain.build_all([job])[0].path))
    for name in ("probe_tmatmul", "probe_tload_ub", "probe_tload_l1", "probe_tstore_ub", "probe_tmov_l0a",
                 "probe_tadd", "probe_texp", "probe_trowmax", "probe_stream"):
        getattr(lib, name).restype = ctypes.c_double
    return lib


# ---- one instruction class each ----
def test_tmatmul_costs_the_cube_formula(probe):
    # 6 + ceil(16/16) * ceil(128/16) * ceil(128/16) for bf16 operands.
    assert probe.probe_tmatmul() == _cost_constant("kMadHeadCycles") + 1 * 8 * 8


def test_tload_costs_bytes_over_the_pipe_bandwidth(probe):
    assert probe.probe_tload_ub() == pytest.approx(cycles(64 * 128 * 2, "kGmToUbGiBs"))
    assert probe.probe_tload_l1() == pytest.approx(cycles(64 * 128 * 2, "kGmToL1GiBs"))
    assert probe.probe_tstore_ub() == pytest.approx(cycles(64 * 128 * 4, "kUbToGmGiBs"))
    assert probe.probe_tmov_l0a() == pytest.approx(cycles(16 * 128 * 2, "kL1ToL0aGiBs"))


def test_vector_costs_slope_times_elements_plus_bias(probe):
    n = 64 * 128
    # fp32 rows of formula_params.csv at 128 columns: TSUB (used for TADD), TEXP, TROWMAX.
    assert probe.probe_tadd(0) == pytest.approx(0.0325 * n + 16.5)
    assert probe.probe_texp() == pytest.approx(0.0314 * n + 30.1)
    assert probe.probe_trowmax() == pytest.approx(0.0625 * n + 48)
    assert probe.probe_tadd(1) == probe.probe_tadd(0)  # modeled-only charges the same


def test_flags_overlap_pipes_a_full_barrier_serialises_them(probe):
    overlapped, serial = probe.probe_stream(0), probe.probe_stream(1)
    load, exp = cycles(64 * 128 * 4, "kGmToUbGiBs"), 0.0314 * 64 * 128 + 30.1
    store = cycles(64 * 128 * 4, "kUbToGmGiBs")
    assert serial >= 4 * (load + exp + store)
    assert overlapped < serial
    assert overlapped < 4 * (load + exp + store) - exp  # at least one exp hidden under a load


# ---- the task-level model, fed graphs directly ----
def _lane(us: float, nbytes: float = 0.0):
    return (us * 1e-6 * CLOCK, nbytes)


def _chain(n: int, us: float) -> list[GraphTask]:
    return [GraphTask(kernels=(0, None, None), fanin=[i - 1] if i else [], work=[_lane(us)]) for i in range(n)]


def test_a_chain_adds_the_completion_latency():
    one, two = model_graph(_chain(1, 5.0)), model_graph(_chain(2, 5.0))
    step = two.makespan_us - one.makespan_us
    assert step >= 5.0 + _cost_constant("kCompletionUs") + _cost_constant("kAicoreStartUs")
    assert two.bound == "critical path"


def test_independent_tasks_run_in_parallel_on_the_clusters():
    clusters = int(_cost_constant("kClusters910B12"))
    tasks = [GraphTask(kernels=(0, None, None), work=[_lane(100.0)]) for _ in range(clusters)]
    m = model_graph(tasks)
    assert m.makespan_us < 2 * 100.0
    assert len({int(c) for c in m.spans["cluster"][m.spans["lane"] == 0]}) == clusters
    twice = model_graph(tasks + tasks)
    assert twice.makespan_us >= 2 * 100.0


def test_hbm_saturation_caps_the_bandwidth():
    eff = _cost_constant("kHbmEffectiveTBs") * 1e6  # bytes per microsecond
    # 24 blocks each asking for twice the effective bandwidth / 24 over 10 us.
    nbytes = 2 * eff * 10.0 / 24
    task = GraphTask(kernels=(0, None, None), block_num=24, work=[_lane(10.0, nbytes)])
    m = model_graph([task])
    lanes = m.spans[m.spans["lane"] == 0]
    busy = lanes["end_us"].max() - lanes["start_us"].min()
    assert 2 * 10.0 <= busy < 2 * 10.0 + 1.0  # stretched to the HBM rate (blocks start staggered)
    assert lanes["bytes"].sum() / busy <= eff * (1 + 1e-9)
    assert m.lower_bounds_us["hbm"] >= 20.0


def _assert_bounds_below(m):
    for name, us in m.lower_bounds_us.items():
        assert us <= m.makespan_us + 1e-9, (name, us, m.makespan_us)


def test_lower_bounds_never_exceed_the_modeled_time():
    # Block 1 is the long one: another scheduler thread dispatches it while block 0 pays the
    # per-task cost, so the critical path must not charge that cost to it.
    late = [_lane(1.0), _lane(20.0), _lane(1.0), _lane(1.0)]
    chain = [GraphTask(kernels=(0, None, None), block_num=4, fanin=[i - 1] if i else [], work=late)
             for i in range(2)]
    m = model_graph(chain)
    _assert_bounds_below(m)
    assert m.bound == "critical path"
    assert m.lower_bounds_us["critical_path"] >= _cost_constant("kPreambleUs") + 2 * 20.0
    # One block more than clusters, one of them long: the second wave is short.
    clusters = int(_cost_constant("kClusters910B12"))
    uneven = [_lane(20.0)] + [_lane(1.0)] * clusters
    m = model_graph([GraphTask(kernels=(0, None, None), block_num=clusters + 1, work=uneven)])
    _assert_bounds_below(m)
    # Equal blocks in two waves: the critical path sees both.
    m = model_graph([GraphTask(kernels=(0, None, None), block_num=clusters + 1, work=[_lane(20.0)])])
    _assert_bounds_below(m)
    assert m.lower_bounds_us["critical_path"] >= _cost_constant("kPreambleUs") + 2 * 20.0


def test_model_options_are_validated():
    with pytest.raises(sim.SimError, match="model: unknown key"):
        model_graph(_chain(1, 1.0), options={"hbm": 1})
    slow = model_graph(_chain(3, 1.0), options={"completion_us": 10.0})
    assert slow.makespan_us == pytest.approx(model_graph(_chain(3, 1.0)).makespan_us + 2 * (10.0 - _cost_constant("kCompletionUs")))


# ---- a whole run ----
def _sample_run(pa_program, config):
    from test_paged_attention_sample import _run
    return _run(pa_program, "gqa_40_8_block64", config=config)[0].report


def test_modeled_time_is_deterministic_across_threads_and_schedules(pa_program):
    reports = [_sample_run(pa_program, cfg) for cfg in (
        sim.SimConfig(threads=1), sim.SimConfig(threads=2, schedule="lifo"),
        sim.SimConfig(threads=2, schedule="random", seed=3))]
    first = reports[0].model
    assert first.makespan_us > 0
    for r in reports[1:]:
        assert r.model.makespan_us == first.makespan_us
        assert r.model.spans.tobytes() == first.spans.tobytes()


# Two scopes, each a fresh 16x16 buffer written then read by a copy task. With `drain`, the
# orchestration first waits for the first scope's reader, so ring 1 retires everything: a host
# interleaving that a loaded machine produces by chance, forced here by run_ahead on one thread.
# Ring 1's heap holds one buffer, so the second buffer starts where the first one did (the heap
# recycles it) either way.
_REUSE_ORCH = """#include "pto_orchestration_api.h"
extern "C" {
__attribute__((visibility("default"))) PTO2OrchestrationConfig aicpu_orchestration_config(const ChipTaskArgs &) {
  return PTO2OrchestrationConfig{3};
}
static void copy(const ChipTensor &s, const ChipTensor &d) {
  CoreTaskArgs a; a.add_input(s); a.add_inout(d); a.add_scalar(uint64_t(0)); rt_submit_aiv_task(0, a);
}
__attribute__((visibility("default"))) void aicpu_orchestration_entry(const ChipTaskArgs &args) {
  const ChipTensor &src = args.tensor(0).ref(), &dst = args.tensor(1).ref();
  const uint32_t rows16[2] = {16, 16};
  auto slice = [&](const ChipTensor &t, uint32_t row) { const uint32_t off[2] = {row, 0}; return t.view(rows16, off); };
  for (uint32_t k = 0; k < 2; k++) {
    if (k == 1) {
      const uint32_t idx[2] = {0, 0};
      (void)get_tensor_data<float>(args.scalar(0) ? dst : src, 2, idx);
    }
    PTO2_SCOPE() {
      TaskOutputTensors o = alloc_tensors(TensorCreateInfo(rows16, 2, DataType::FLOAT32, false));
      ChipTensor buf = o.get_ref(0);
      copy(slice(src, 16 * k), buf);
      copy(buf, slice(dst, 16 * k));
    }
  }
}
}
"""


def _reuse_program(tmp_path):
    orch = tmp_path / "kernels" / "orchestration"
    orch.mkdir(parents=True)
    (orch / "o.cpp").write_text(_REUSE_ORCH)
    spec = sim.spec_from_dict(tmp_path, {
        "orchestration": {"source": "kernels/orchestration/o.cpp"},
        "incores": [{"func_id": 0, "name": "copy_rows", "core_type": "aiv",
                     "source": str(SAMPLES / "bugs" / "kernels" / "aiv" / "copy_rows.cpp")}]})
    return sim.build(spec)


def test_recycled_heap_address_adds_no_fanin_edge(tmp_path):
    # The second scope's writer must not inherit the first scope's writer as a producer because
    # its buffer reuses the address: the critical path (fanin edges only, barriers ignored) is two
    # copies whether or not the orchestration drained the ring in between.
    program = _reuse_program(tmp_path)
    paths = {}
    for drain in (0, 1):
        src = sim.aligned_empty((64, 16), np.float32)
        src[:] = 1
        dst = sim.aligned_empty((64, 16), np.float32)
        dst[:] = 0
        res = sim.run(program, [("src", src), ("dst", dst)], [drain],
                      sim.SimConfig(threads=1, run_ahead=True, heap_size=[1 << 20, 1024]))
        assert res.report.ok, res.report.summary()
        assert res.report.rings[1].heap_wraps == 1  # the second buffer went back to offset 0
        paths[drain] = res.report.model.lower_bounds_us["critical_path"]
    assert paths[1] == paths[0]


def test_an_empty_ring_keeps_allocating_at_its_top(tmp_path):
    # simpler's ring allocator restarts an empty ring's heap at offset 0 only when the request
    # does not fit at its top: with room for both buffers nothing wraps, drained or not.
    program = _reuse_program(tmp_path)
    for heap, wraps in ((2048, 0), (1536, 1)):
        src = sim.aligned_empty((64, 16), np.float32)
        src[:] = 1
        dst = sim.aligned_empty((64, 16), np.float32)
        res = sim.run(program, [("src", src), ("dst", dst)], [1],
                      sim.SimConfig(threads=1, run_ahead=True, heap_size=[1 << 20, heap]))
        assert res.report.ok, res.report.summary()
        assert res.report.rings[1].heap_wraps == wraps, heap


def test_modeled_only_gives_the_same_time(pa_program):
    full = _sample_run(pa_program, sim.SimConfig()).model
    only = _sample_run(pa_program, sim.SimConfig(model_only=True)).model
    assert only.makespan_us == full.makespan_us
    _assert_bounds_below(full)


def test_trace_and_swimlane(pa_program, tmp_path):
    report = _sample_run(pa_program, sim.SimConfig())
    m = report.model
    trace = json.loads(m.write_trace(tmp_path / "t.json").read_text())
    slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    core = [e for e in slices if e["tid"] >= 100]
    assert len(core) == report.invocations  # one slice per block and lane that ran
    assert all({"task", "block", "lane", "bytes", "cycles"} <= set(e["args"]) for e in core)
    names = {e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"}
    assert {"orchestrator", "scheduler 0", "AIC 0", "AIV 0.0", "AIV 0.1"} <= names
    assert all(math.isfinite(e["ts"]) and e["dur"] >= 0 for e in slices)
    png = m.write_swimlane(tmp_path / "s.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
