"""convert-orch-to-emitc on real orchestrations: lower, print as C++, compile.

Each configuration is lowered with ``ptoattn-opt --ptoattn-pipeline=... to-emitc=false --convert-orch-to-emitc``
(the kernels are still ``aicore`` at that point and stay untouched). The pass puts the
orchestration into ``emitc.file "orchestration"``; the test moves that op into a module of its
own, prints it with ``mlir-translate --mlir-to-cpp --file-id=orchestration`` and compiles the
result against the simulator's copy of the runtime API (``g++ -std=c++17 -fsyntax-only``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import json
from pathlib import Path

import pytest
from mlir import ir

from ptoattn import PagedAttentionConfig, tools
from emission_support import CONFIGS, REPO, STAGES, lower, syntax_check, translate
from ptoattn.ir import create_context

def _orchestration_module(text: str) -> tuple[str, dict[str, int]]:
    """The orchestration's emitc.file, alone in a module, and the kernel ids (read, as the
    driver reads them, from the lowered module before conversion)."""
    from mlir.passmanager import PassManager

    from ptoattn._extension import describe_module

    with create_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        (entry,) = json.loads(describe_module(module.operation))["orchestrations"]
        ids = entry["kernel_ids"]
        assert len(entry["ring_requirements"]) == 4
        PassManager.parse("builtin.module(convert-orch-to-emitc)").run(module.operation)
        # Nothing but builtin attributes: upstream mlir-translate reads the module.
        assert not [a.name for a in module.operation.attributes if "." in a.name]
        files = [op for op in module.body.operations if op.operation.name == "emitc.file"]
        assert len(files) == 1
        alone = ir.Module.create()
        ir.InsertionPoint(alone.body).insert(files[0].detach_from_parent())
        return str(alone), ids


def _translate(emitc_text: str, tmp_path: Path) -> str:
    return translate(emitc_text, "orchestration", tmp_path)


def _compile(cpp: str, tmp_path: Path) -> None:
    path = tmp_path / "orch.cpp"
    path.write_text(cpp)
    syntax_check([path])


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
@pytest.mark.parametrize(("name", "batch", "heads", "kv_heads", "head_dim", "block", "dynamic"),
                         CONFIGS, ids=[c[0] for c in CONFIGS])
def test_orchestration_compiles(strategy: str, name: str, batch: int, heads: int, kv_heads: int,
                                head_dim: int, block: int, dynamic: bool, tmp_path: Path) -> None:
    lowered = lower(name, batch, heads, kv_heads, head_dim, block, dynamic, strategy, tmp_path)
    emitc_text, ids = _orchestration_module(lowered)
    cpp = _translate(emitc_text, tmp_path)
    _compile(cpp, tmp_path)

    # Kernels are numbered by first use: the stage order of the sample orchestration.
    assert ids == {f"{name}_{stage}": i for i, stage in enumerate(STAGES)}
    defines = dict(re.findall(r"^#define (FUNC_\w+) (\d+)$", cpp, re.M))
    assert defines == {f"FUNC_{k.upper()}": str(v) for k, v in ids.items()}

    assert '#include "pto_orchestration_api.h"' in cpp
    assert "PTO2OrchestrationConfig{7}" in cpp  # 6 tensors + 1 scalar
    assert "void aicpu_orchestration_entry(const ChipTaskArgs & " in cpp
    assert cpp.count("make_tensor_external(orch_args.tensor(") == 6
    assert "from_u64<float>(orch_args.scalar(0))" in cpp
    assert "PTO2_SCOPE_GUARD();" in cpp and "alloc_tensors(" in cpp
    assert "get_tensor_data<int32_t>(" in cpp
    # Vector stages run on both AIV lanes as MIX tasks without an AIC slot.
    assert f"aiv0_kernel_id = FUNC_{name.upper()}_SOFTMAX_PREPARE;" in cpp
    assert f"aiv1_kernel_id = FUNC_{name.upper()}_SOFTMAX_PREPARE;" in cpp
    assert "aic_kernel_id" not in cpp
    assert f"rt_submit_aic_task(FUNC_{name.upper()}_QK_MATMUL, " in cpp
    if strategy == "spmd":
        assert "launch_spec.set_block_num(" in cpp
        assert ".view(" not in cpp
    else:
        assert "launch_spec.set_block_num(" not in cpp
        assert ".view(" in cpp


def test_scalars_follow_tensors(tmp_path: Path) -> None:
    """Within each task every add_scalar comes after the last add_input/add_output/add_inout."""
    lowered = lower("mqa", 4, 16, 1, 128, 128, False, "spmd", tmp_path)
    cpp = _translate(_orchestration_module(lowered)[0], tmp_path)
    for task in cpp.split("CoreTaskArgs ")[1:]:
        lines = [ln.strip() for ln in task.splitlines()]
        kinds = [("scalar" if ".add_scalar(" in ln else "tensor") for ln in lines
                 if re.search(r"\.add_(input|output|inout|scalar)\(", ln)]
        assert kinds and kinds == sorted(kinds, key=lambda k: k == "scalar")


# The SPMD orchestration of `attn-orchestrate` for MQA 16/1, head_dim 128, block 128, batch 4,
# with the kernel arguments changed to the hand-written sample kernels' ABI
# (test/sim/samples/paged_attention): softmax_prepare takes (scale, kv_step), online_update takes
# `out` as inout plus (kv_step, kv_heads, block_size). ptoattn's own ABI (KernelABI.h) differs
# there, so the sample kernels cannot run ptoattn's unmodified orchestration.
SAMPLE_ABI_ORCHESTRATION = """
module {
func.func private @qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @pv_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @sample_abi_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  %c128 = arith.constant 128 : index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %ext0 = orch.external 0 : !orch.tensor<4x16x128xbf16>
  %dim = orch.arg_dim 1, 0
  %ext1 = orch.external 1(%dim) : !orch.tensor<?x128x1x128xbf16>
  %dim_0 = orch.arg_dim 2, 0
  %ext2 = orch.external 2(%dim_0) : !orch.tensor<?x128x1x128xbf16>
  %dim_1 = orch.arg_dim 3, 1
  %ext3 = orch.external 3(%dim_1) : !orch.tensor<4x?xi32>
  %ext4 = orch.external 4 : !orch.tensor<4xi32>
  %ext5 = orch.external 5 : !orch.tensor<4x16x128xf32>
  %scalar0 = orch.arg_scalar 0 : f32
  %kvh = arith.constant 1 : i64
  %bs = arith.constant 128 : i64
  %0 = scf.for %arg0 = %c0 to %c4 step %c1 iter_args(%arg1 = %c1) -> (index) {
    %elem = orch.read %ext4[%arg0] : !orch.tensor<4xi32>
    %1 = arith.index_cast %elem : i32 to index
    %2 = arith.ceildivui %1, %c128 : index
    %3 = arith.maxsi %arg1, %2 : index
    scf.yield %3 : index
  }
  orch.scope ring <task_slots = 1, heap_bytes = 34816, dep_entries = 0> {
    %buf, %buf_2, %buf_3 = orch.alloc : !orch.tensor<128xf32>, !orch.tensor<128xf32>, !orch.tensor<64x128xf32>
    scf.for %arg0 = %c0 to %0 step %c1 {
      orch.scope ring <task_slots = 5, heap_bytes = 83968, dep_entries = 46> {
        %buf_4, %buf_5, %buf_6, %buf_7, %buf_8 = orch.alloc : !orch.tensor<64x128xf32>, !orch.tensor<64x128xbf16>, !orch.tensor<128xf32>, !orch.tensor<128xf32>, !orch.tensor<64x128xf32>
        %1 = arith.index_cast %arg0 : index to i64
        orch.submit aic(aic = @qk_matmul) blocks(4) args(in %ext0 : !orch.tensor<4x16x128xbf16>, in %ext1 : !orch.tensor<?x128x1x128xbf16>, in %ext3 : !orch.tensor<4x?xi32>, in %ext4 : !orch.tensor<4xi32>, out %buf_4 : !orch.tensor<64x128xf32>) scalars(%1 : i64)
        orch.submit mix(aiv0 = @softmax_prepare, aiv1 = @softmax_prepare) blocks(4) args(in %buf_4 : !orch.tensor<64x128xf32>, in %ext4 : !orch.tensor<4xi32>, out %buf_5 : !orch.tensor<64x128xbf16>, out %buf_6 : !orch.tensor<128xf32>, out %buf_7 : !orch.tensor<128xf32>) scalars(%scalar0, %1 : f32, i64)
        orch.submit aic(aic = @pv_matmul) blocks(4) args(in %buf_5 : !orch.tensor<64x128xbf16>, in %ext2 : !orch.tensor<?x128x1x128xbf16>, in %ext3 : !orch.tensor<4x?xi32>, in %ext4 : !orch.tensor<4xi32>, out %buf_8 : !orch.tensor<64x128xf32>) scalars(%1 : i64)
        orch.submit mix(aiv0 = @online_update, aiv1 = @online_update) blocks(4) args(in %buf_6 : !orch.tensor<128xf32>, in %buf_7 : !orch.tensor<128xf32>, in %buf_8 : !orch.tensor<64x128xf32>, in %ext4 : !orch.tensor<4xi32>, inout %buf : !orch.tensor<128xf32>, inout %buf_2 : !orch.tensor<128xf32>, inout %buf_3 : !orch.tensor<64x128xf32>, inout %ext5 : !orch.tensor<4x16x128xf32>) scalars(%1, %kvh, %bs : i64, i64, i64)
      }
    }
  }
  return
}
}
"""


def test_sample_kernels_run_with_emitted_orchestration(tmp_path: Path) -> None:
    """The emitted orchestration drives the sample's kernels on the simulator to the reference."""
    sim = pytest.importorskip("ptoattn.sim")
    from ptoattn.reference import make_inputs, paged_attention

    emitc_text, ids = _orchestration_module(SAMPLE_ABI_ORCHESTRATION)
    # The sample scene test's func_ids.
    assert ids == {"qk_matmul": 0, "softmax_prepare": 1, "pv_matmul": 2, "online_update": 3}
    cpp = _translate(emitc_text, tmp_path)

    program_dir = tmp_path / "paged_attention"
    shutil.copytree(REPO / "test" / "sim" / "samples" / "paged_attention", program_dir)
    (program_dir / "kernels" / "orchestration" / "paged_attention_orch.cpp").write_text(cpp)
    program = sim.build(program_dir)
    config = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=8)
    inp = make_inputs(config, seed=0, context_lens=[33, 1024, 517, 128])
    res = sim.run_paged_attention(program, inp.query, inp.key_cache, inp.value_cache,
                                  inp.block_table, inp.context_lens, inp.scale)
    ref = paged_attention(inp.query, inp.key_cache, inp.value_cache, inp.block_table,
                          inp.context_lens, inp.scale)
    cmp = sim.compare(res.outputs["out"], ref, rtol=1e-3, atol=1e-3)
    assert cmp.ok, str(cmp)
    assert res.report.ok and not res.report.errors, res.report.summary()


def test_ring_requirements_per_ring_and_kernel_ids_by_first_use() -> None:
    # What the driver reads before conversion (describe_module): per ring the largest needs
    # of its scopes (depth d -> ring min(d, 3); the entry's orch.ring is ring 0).
    from ptoattn._extension import describe_module

    chunks = (REPO / "test" / "Conversion" / "convert-orch-to-emitc.mlir").read_text().split(
        "// -----")
    expected = [
        ({"qk": 0, "sf": 1}, [(0, 0, 0), (1, 1024, 0), (3, 2048, 4), (0, 0, 0)]),
        ({"qk": 0, "up": 1}, [(0, 0, 0)] * 4),
        ({"cube": 0, "lane0": 1, "lane1": 2}, [(2, 1024, 1), (0, 0, 0), (0, 0, 0), (0, 0, 0)]),
        ({}, [(0, 0, 0), (1, 0, 0), (1, 0, 0), (7, 3072, 2)]),
    ]
    with create_context(), ir.Location.unknown():
        for chunk, (ids, rings) in zip(chunks, expected):
            (entry,) = json.loads(describe_module(ir.Module.parse(chunk).operation))[
                "orchestrations"]
            assert entry["kernel_ids"] == ids
            assert [(r["task_slots"], r["heap_bytes"], r["dep_entries"])
                    for r in entry["ring_requirements"]] == rings
