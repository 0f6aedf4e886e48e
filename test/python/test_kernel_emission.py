"""convert-aicore-to-emitc on real kernels: lower, print each kernel as C++, compile.

Each configuration is lowered with ``ptoattn-opt --ptoattn-pipeline=... to-emitc=false --aicore-plan-memory
--aicore-insert-sync --convert-aicore-to-emitc``. Every kernel becomes an ``emitc.file`` named
after it; the test moves each file into a module of its own, prints it with
``mlir-translate --mlir-to-cpp --file-id=<kernel>`` and compiles the result against the
simulator's tile and runtime headers (``g++ -std=c++17 -fsyntax-only``, with ``__DAV_CUBE__``
or ``__DAV_VEC__`` as simpler's toolchain defines them for AIC and AIV kernels).
"""

from __future__ import annotations

import json

import shutil
import subprocess
from pathlib import Path

import pytest
from mlir import ir

from ptoattn import PagedAttentionConfig, tools
from ptoattn.ir import build_module, create_context

from emission_support import CONFIGS, REPO, STAGES, lower, syntax_check, translate

ENTRY = 'extern "C" __aicore__ void kernel_entry(__gm__ int64_t* v1)'


def _kernel_files(text: str) -> dict[str, tuple[str, str]]:
    """Each kernel's emitc.file alone in a module, with its core type, by file id."""
    from ptoattn._extension import describe_module

    files: dict[str, tuple[str, str]] = {}
    with create_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        # The kernels stay as declarations (with their #aicore.kernel) while the
        # orchestration still submits them; each names its emitc.file.
        cores = {k["name"]: k["core_type"]
                 for k in json.loads(describe_module(module.operation))["kernels"]}
        stubs = list(cores)
        for op in list(module.body.operations):
            if op.operation.name != "emitc.file":
                continue
            file_id = ir.StringAttr(op.operation.attributes["id"]).value
            core = cores[file_id]
            alone = ir.Module.create()
            ir.InsertionPoint(alone.body).insert(op.detach_from_parent())
            files[file_id] = (str(alone), core)
        assert len(stubs) == len(files)
    return files


def _emit(config: tuple, strategy: str, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """C++ and core type of every kernel of `config`, by kernel name."""
    files = _kernel_files(lower(*config, strategy, tmp_path, "--aicore-plan-memory",
                                "--aicore-insert-sync", "--convert-aicore-to-emitc"))
    return {fid: (translate(text, fid, tmp_path), core) for fid, (text, core) in files.items()}


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
@pytest.mark.parametrize("config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_kernels_print_and_compile(config: tuple, strategy: str, tmp_path: Path) -> None:
    name = config[0]
    kernels = _emit(config, strategy, tmp_path)
    assert sorted(kernels) == sorted(f"{name}_{stage}" for stage in STAGES)
    by_core: dict[str, list[Path]] = {"aic": [], "aiv": []}
    for fid, (cpp, core) in kernels.items():
        # One complete file per kernel: includes, the runtime's entry, no other function.
        assert cpp.index("#include <pto/pto-inst.hpp>") < cpp.index("using namespace pto;")
        assert cpp.count(ENTRY) == 1, cpp
        assert "void " + fid not in cpp
        assert "TASSIGN(" in cpp and "pipe_sync();" in cpp
        assert "get_subblockid" not in cpp and "get_block_idx()" not in cpp
        assert ("TMATMUL(" in cpp) == (core == "aic")
        if core == "aiv":
            # Both lanes run the same kernel; each takes its rows from the runtime's lane id.
            assert "get_sub_block_id(args)" in cpp
            assert "set_flag(PIPE_MTE2, PIPE_V, EVENT_ID" in cpp
        else:
            assert "TileLeft<" in cpp and "TileRight<" in cpp and "TileAcc<" in cpp
            assert "set_flag(PIPE_M, PIPE_FIX, EVENT_ID" in cpp
        if strategy == "spmd":
            assert "get_block_idx(args)" in cpp
        path = tmp_path / f"{fid}.cpp"
        path.write_text(cpp)
        by_core[core].append(path)
    for core, sources in by_core.items():
        assert len(sources) == 2
        syntax_check(sources, "-D__DAV_CUBE__" if core == "aic" else "-D__DAV_VEC__")


def test_emission_is_deterministic(tmp_path: Path) -> None:
    runs = []
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        runs.append(_emit(CONFIGS[1], "spmd", tmp_path / run))
    assert runs[0] == runs[1]


def test_composes_with_orchestration_lowering(tmp_path: Path) -> None:
    """Lowering the orchestration first leaves nothing but files: no kernel declarations."""
    config = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=4)
    source = tmp_path / "mqa.mlir"
    source.write_text(str(build_module(config, func_name="mqa")))
    proc = subprocess.run(
        [str(tools.ptoattn_opt_path()), str(source), "--ptoattn-pipeline=max-batch=8 to-emitc=false",
         "--aicore-plan-memory", "--aicore-insert-sync", "--convert-orch-to-emitc",
         "--convert-aicore-to-emitc"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "func.func" not in proc.stdout
    assert proc.stdout.count("emitc.file") == 5


def test_emitted_kernels_run_in_the_simulator(tmp_path: Path) -> None:
    """The emitted MQA kernels replace the hand-written ones of the simulator sample.

    qk_matmul, pv_matmul and online_update take the same arguments, in the same order, as the
    sample's kernels, so the sample's orchestration drives them unchanged; the output must match
    the numpy reference and the simulator must report no error or warning (its checks include
    wait_flag without a matching set_flag, races, shared 64-byte lines and reads out of bounds).
    The emitted softmax_prepare takes its two scalars in the other order (kv_step, scale) and is
    not swapped in here.
    """
    sim = pytest.importorskip("ptoattn.sim")
    from ptoattn.reference import make_inputs, paged_attention

    kernels = _emit(("mqa", 4, 16, 1, 128, 128, False), "spmd", tmp_path)
    sample = tmp_path / "paged_attention"
    shutil.copytree(REPO / "test" / "sim" / "samples" / "paged_attention", sample)
    for stage, core in (("qk_matmul", "aic"), ("pv_matmul", "aic"), ("online_update", "aiv")):
        (sample / "kernels" / core / f"{stage}.cpp").write_text(kernels[f"mqa_{stage}"][0])
    program = sim.build(sample)
    config = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128,
                                  max_blocks_per_seq=8)
    inp = make_inputs(config, seed=0, context_lens=[33, 1024, 517, 128])
    res = sim.run_paged_attention(program, inp.query, inp.key_cache, inp.value_cache, inp.block_table,
                                  inp.context_lens, inp.scale)
    ref = paged_attention(inp.query, inp.key_cache, inp.value_cache, inp.block_table, inp.context_lens,
                          inp.scale)
    cmp = sim.compare(res.outputs["out"], ref, rtol=1e-3, atol=1e-3)
    assert cmp.ok, str(cmp)
    assert res.report.ok and not res.report.errors and not res.report.warnings, res.report.summary()
