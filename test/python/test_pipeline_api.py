"""ptoattn.Pipeline: the registered pipeline, expanded by MLIR and edited from Python."""

from __future__ import annotations

import pytest

from ptoattn import ConfigError, PagedAttentionConfig
from ptoattn.compiler import CompileError
from ptoattn.ir import build_module
from ptoattn.options import CompileOptions
from ptoattn.pipeline import PassEntry, Pipeline, PipelineError

CONFIG = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=128,
                              block_size=64, max_blocks_per_seq=4)


def test_default_is_the_registered_pipeline_expanded() -> None:
    p = Pipeline.default(CompileOptions(q_tile=16, strategy="per-tile"))
    assert p.pass_names == ["attn-check-target", "attn-tile", "attn-assign-cores",
                            "attn-orchestrate", "canonicalize", "cse", "aicore-plan-memory",
                            "aicore-insert-sync", "convert-orch-to-emitc", "convert-aicore-to-emitc",
                            "form-expressions"]
    tile = p.entries[1]
    assert tile.anchor == "func.func" and ("q-tile", "16") in tile.options
    assert ("strategy", "per-tile") in p.entries[2].options
    # The printed pipeline parses back to the same passes.
    assert Pipeline.parse(str(p)).entries == p.entries


def test_edits_change_what_runs() -> None:
    p = Pipeline.default()
    p.drop("form-expressions").drop("convert-aicore-to-emitc").drop("convert-orch-to-emitc")
    p.set_option("attn-tile", "q-tile", 64).set_option("attn-check-target", "q-tile", 64)
    p.insert("aicore-verify-sync", after="aicore-insert-sync")
    p.entries[-1] = PassEntry("aicore-verify-sync", anchor="func.func")
    p.insert(PassEntry("symbol-dce"), before="canonicalize")
    module = build_module(CONFIG)
    snapshots = p.run(module, snapshots=True)
    assert [s.pass_name for s in snapshots] == p.pass_names
    tiled = next(s.ir for s in snapshots if s.pass_name == "attn-tile")
    assert "tensor<64x128xbf16>" in tiled  # the edited q-tile reached the pass
    assert "emitc.file" not in snapshots[-1].ir and "aicore.set_flag" in snapshots[-1].ir


def test_errors_name_the_pass() -> None:
    p = Pipeline.default()
    with pytest.raises(PipelineError, match="no pass 'attn-nothing' in the pipeline"):
        p.drop("attn-nothing")
    with pytest.raises(PipelineError, match="expected 'builtin.module"):
        Pipeline.parse("func.func(cse)")
    p.set_option("attn-tile", "q-tile", 24)
    # q-tile is an enum option: its parser rejects 24 (and says why on stderr).
    with pytest.raises(CompileError, match="failed to add `attn-tile` with options `[^`]*q-tile=24`") as info:
        p.run(build_module(CONFIG))
    assert "replay: ptoattn-opt -pass-pipeline=" not in str(info.value)  # no repro dir given


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"q_tile": 24}, "q_tile must be one of 0 \\(automatic\\), 16, 32, 64, got 24"),
    ({"strategy": "round-robin"}, "strategy must be one of spmd, per-tile, got 'round-robin'"),
    ({"kv_splits": -1}, "kv_splits must be 0 \\(chosen by the schedule\\) or an integer in "
                        "\\[1, 16\\], got -1"),
    ({"kv_splits": 17}, "kv_splits must be 0 \\(chosen by the schedule\\) or an integer in "
                        "\\[1, 16\\], got 17"),
    ({"ring_heap": 0}, "ring_heap must be an integer >= 4, got 0"),
    ({"max_batch": -1}, "max_batch must be >= 0, got -1"),
    ({"target": "910C"}, "target '910C' is not supported: must be 910B1, 910B2, 910B3 or 910B4"),
])
def test_compile_options_are_validated(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CompileOptions(**kwargs)


def test_option_lists_come_from_the_target_description() -> None:
    # Python keeps no copy: the lists are ptoattn/Target/A2A3.h's, through the extension.
    from ptoattn import options, target

    described = target.describe()
    assert options.QUERY_TILES == (0, *described["query_tiles"])
    assert options.STRATEGIES == tuple(described["strategies"])
    assert options.MAX_KV_SPLITS == described["max_kv_splits"]
    assert options.RUNTIME_RING_DEFAULTS == described["ring_defaults"]
    assert {t.chip: t.clusters for t in map(target.lookup, target.target_names())} == {
        "910B1": 24, "910B2": 24, "910B3": 20, "910B4": 20}


def test_mlir_inputs_reach_every_entry_point(tmp_path) -> None:
    # compile_mlir, compile_mlir_functions and compile (given a file) take MlirInputs.
    import json
    from pathlib import Path

    from ptoattn import compiler

    example = Path(__file__).resolve().parents[2] / "examples" / "reference_mqa.mlir"
    options = CompileOptions(schedule="default")
    lens = [5, 300, 7, 512]
    results = [
        compiler.compile_mlir(example, tmp_path / "a", options, max_blocks=6, context_lens=lens),
        *compiler.compile_mlir_functions(example, tmp_path / "b", options, max_blocks=6,
                                         context_lens=lens),
        compiler.compile(example, tmp_path / "c", options, max_blocks=6, context_lens=lens),
    ]
    for result in results:
        manifest = json.loads(result.manifest.read_text())
        assert manifest["config"]["max_blocks_per_seq"] == 6
        assert f"'context_lens_list': {lens}" in result.scene_test.read_text()
    # **inputs would take any keyword: a misspelt one is refused, naming the allowed ones.
    with pytest.raises(TypeError, match=r"'max_block' \(allowed: batch, context_lens, inspect, "
                                        r"max_blocks\)"):
        compiler.compile_mlir(example, tmp_path / "d", options, max_block=6)  # type: ignore[call-arg]


def test_runtime_env_is_never_below_the_runtime_defaults(tmp_path) -> None:
    import json

    from ptoattn import compiler
    from ptoattn.options import RUNTIME_RING_DEFAULTS

    window, heap, pool = (RUNTIME_RING_DEFAULTS[k] for k in
                          ("ring_task_window", "ring_heap", "ring_dep_pool"))
    # Below the defaults: the defaults; above: the need (the window a power of two above it).
    small = {"task_slots": 3, "heap_bytes": 1024, "dep_entries": 5}
    large = {"task_slots": window, "heap_bytes": heap + 1, "dep_entries": 3 * pool}
    assert compiler._runtime_env((small, large)) == {
        "ring_task_window": [window, 2 * window], "ring_heap": [heap, heap + 1],
        "ring_dep_pool": [pool, 3 * pool]}
    # What a compile writes, in the manifest and the scene test: one entry per runtime ring.
    result = compiler.compile(CONFIG, tmp_path / "out", schedule="default", ring_task_window=64)
    manifest = json.loads(result.manifest.read_text())
    env, needs = manifest["runtime_env"], manifest["ring_requirements"]
    assert [len(v) for v in env.values()] == [4, 4, 4] and len(needs) == 4
    for ring, need in enumerate(needs):
        assert env["ring_task_window"][ring] >= max(window, need["task_slots"] + 1)
        assert env["ring_heap"][ring] >= max(heap, need["heap_bytes"])
        assert env["ring_dep_pool"][ring] >= max(pool, need["dep_entries"])
    assert f"'ring_task_window': {env['ring_task_window']}" in result.scene_test.read_text()
