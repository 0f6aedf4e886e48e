"""Every check the simulator offers reports a planted bug with the task, kernel, tensor and bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ptoattn.sim as sim
from ptoattn.config import PagedAttentionConfig
from ptoattn.reference import make_inputs


def _run(program, orch_mode, kernel_mode=0, config=None):
    src = sim.aligned_empty((64, 16), np.float32)
    src[:] = np.arange(64 * 16, dtype=np.float32).reshape(64, 16)
    dst = sim.aligned_empty((64, 16), np.float32)
    dst[:] = 0
    res = sim.run(program, [("src", src), ("dst", dst)], [orch_mode, kernel_mode], config)
    return res, src, dst


def _only(report, check):
    found = report.by_check(check)
    assert found, f"no {check} finding:\n{report.summary()}"
    return found


def test_clean_program_has_no_findings(bugs_program):
    res, src, dst = _run(bugs_program, 0)
    assert res.report.ok and not res.report.findings, res.report.summary()
    np.testing.assert_array_equal(dst, 2 * src)


def test_kernel_writing_its_input(bugs_program):
    res, _, _ = _run(bugs_program, 0, kernel_mode=1)
    f = _only(res.report, "write_to_input")[0]
    assert f.severity == "error" and f.kernel == "copy_rows" and f.task >= 0
    assert "tensor argument 0 (input, src FLOAT32 [16, 16]" in f.message
    assert "bytes [0, 1024)" in f.message and "TSTORE" in f.message


def test_out_of_bounds_write(bugs_program):
    res, _, _ = _run(bugs_program, 0, kernel_mode=2)
    f = _only(res.report, "out_of_bounds")[0]
    assert "writes outside the view" in f.message and "dst FLOAT32 [16, 16]" in f.message
    assert "bytes [1024, 2048)" in f.message  # the first task's view is rows 0..15: bytes [0, 1024)


def test_out_of_bounds_read_is_suppressed(bugs_program):
    res, _, _ = _run(bugs_program, 0, kernel_mode=3)
    f = _only(res.report, "out_of_bounds")[0]
    assert "reads 1024 bytes" in f.message and "outside every tensor" in f.message and "suppressed" in f.message
    assert "nearest: bytes" in f.message and "FLOAT32 [16, 16]" in f.message  # the nearest tensor is named


def test_two_unordered_writers(bugs_program):
    res, _, _ = _run(bugs_program, 1)
    f = _only(res.report, "race_waw")[0]
    assert f.task == 1 and "task 0 (copy_rows)" in f.message
    assert "bytes [0, 1024) of dst FLOAT32 [16, 16]" in f.message and "no dependency path" in f.message


def test_forgotten_dependency(bugs_program):
    res, _, _ = _run(bugs_program, 2)
    f = _only(res.report, "race_raw")[0]
    assert f.task == 1 and "last written by task 0" in f.message and "forgot a dependency" in f.message
    assert "dst FLOAT32 [16, 16]" in f.message


def test_write_after_read_is_reported(bugs_program):
    res, _, _ = _run(bugs_program, 3)
    f = _only(res.report, "race_war")[0]
    assert f.task == 2 and "task 1 (copy_rows) reads" in f.message


@pytest.mark.parametrize("kernel_mode,overlap", [(4, "different bytes of one line"), (0, "the bytes overlap")])
def test_spmd_blocks_sharing_a_line(bugs_program, kernel_mode, overlap):
    res, _, _ = _run(bugs_program, 5, kernel_mode=kernel_mode)
    f = _only(res.report, "shared_line")[0]
    assert "of task 0 (copy_rows) write the same 64-byte GM line" in f.message and overlap in f.message
    assert "dst FLOAT32 [64, 16]" in f.message


def test_lanes_sharing_a_line(tmp_path):
    # A MIX task whose two AIV lanes each store 8 floats next to each other.
    orch = tmp_path / "kernels" / "orchestration"
    orch.mkdir(parents=True)
    (orch / "o.cpp").write_text(
        '#include "pto_orchestration_api.h"\n'
        'extern "C" void aicpu_orchestration_entry(const ChipTaskArgs &a) {\n'
        '  CoreTaskArgs t; t.add_input(a.tensor(0).ref()); t.add_output(a.tensor(1).ref()); t.add_scalar(uint64_t(6));\n'
        '  MixedKernels mk; mk.aiv0_kernel_id = 0; mk.aiv1_kernel_id = 0; rt_submit_task(mk, t); }\n')
    kernel = Path(__file__).resolve().parent / "samples" / "bugs" / "kernels" / "aiv" / "copy_rows.cpp"
    lane_src = kernel.read_text().replace("const int blk = get_block_idx(args);",
                                          "const int blk = get_sub_block_id(args); (void)get_block_idx(args);")
    lane_src = lane_src.replace("} else if (mode == 4) {", "} else if (mode == 4 || mode == 6) {")
    (tmp_path / "lanes.cpp").write_text(lane_src)
    spec = sim.spec_from_dict(tmp_path, {"orchestration": {"source": "kernels/orchestration/o.cpp"},
                                         "incores": [{"func_id": 0, "name": "lanes", "source": "lanes.cpp",
                                                      "core_type": "aiv"}]})
    src = sim.aligned_empty((16, 16), np.float32)
    src[:] = 1
    dst = sim.aligned_empty((16, 16), np.float32)
    res = sim.run(spec, [("src", src), ("dst", dst)])
    f = _only(res.report, "shared_line")[0]
    assert "block 0 (AIV0) and block 0 (AIV1)" in f.message


def test_sync_pairing_and_store_drain(bugs_program):
    res, _, _ = _run(bugs_program, 0, kernel_mode=5)
    hang = _only(res.report, "sync")
    assert any("no matching set_flag" in f.message for f in hang)
    assert any("never waited" in f.message for f in hang)
    assert _only(res.report, "store_drain")[0].severity == "warning"


def test_deadlock_report(bugs_program):
    cfg = sim.SimConfig(task_window=[16384, 8])
    with pytest.raises(sim.SimError) as e:
        _run(bugs_program, 4, config=cfg)
    msg = str(e.value)
    assert "deadlock" in msg and "ring 1's task window" in msg and "8 slots" in msg
    assert "bugs_orch.cpp" in msg and "raise task_window for ring 1" in msg
    assert e.value.report is not None and not e.value.report.ok


def test_block_table_entry_outside_the_cache_is_rejected(pa_program):
    cfg = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128,
                               max_blocks_per_seq=2)
    inp = make_inputs(cfg, seed=0, context_lens=[200, 100])
    bad = inp.block_table.copy()
    bad[1, 0] = 1 << 24  # far outside every tensor (a near miss could land in another argument)
    with pytest.raises(sim.SimError, match=r"block_table\[1, 0\] = 16777216 is outside the KV cache"):
        sim.run_paged_attention(pa_program, inp.query, inp.key_cache, inp.value_cache, bad, inp.context_lens,
                                inp.scale)
    # Bypassing the validation, the kernels' own reads are caught and suppressed.
    out = sim.aligned_empty(inp.query.shape, np.float32)
    res = sim.run(pa_program, [("query", inp.query), ("key_cache", inp.key_cache), ("value_cache", inp.value_cache),
                               ("block_table", bad), ("context_lens", inp.context_lens), ("out", out)],
                  [np.float32(inp.scale)])
    # Which tensor is "nearest" to the wild address depends on the heap layout; the stable
    # facts are the kernel, the block (sequence 1), the instruction and the suppression.
    assert any(f.kernel == "qk_matmul" and f.block == 1 and "TLOAD reads" in f.message
               and "suppressed" in f.message
               for f in res.report.by_check("out_of_bounds")), res.report.summary()
