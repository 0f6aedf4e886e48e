"""Compiled output directories, run unchanged on the built-in simulator against the reference.

Each case compiles a configuration with ``ptoattn.compiler.compile`` and runs the emitted
kernels and orchestration through ``ptoattn.runner.run``, which fails on any numerical
mismatch (rtol = atol = 1e-3) and on any finding of the simulator's checks (races, bounds,
shared GM lines, writes to inputs, synchronisation).
"""

from __future__ import annotations

import ast
import filecmp
import json
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions

# (num_heads, num_kv_heads, head_dim, block_size, max_blocks, context_lens, q_tile):
# MQA, GQA 40/8 and 32/8 (groups padded to 16 rows), 64 heads as one 64-row tile or four
# 16-row tiles, uneven 40/1 tiles, head_dim 16/64/128/256, blocks 16/32/64/128/256; lengths
# include 0, 1, exact multiples of the block size and partial blocks.
CASES = [
    (16, 1, 128, 128, 8, [33, 1024, 517, 128], 0),
    (16, 1, 128, 128, 8, [0, 1, 1024, 127], 0),
    (40, 8, 128, 64, 4, [0, 128, 200, 1], 0),
    (32, 8, 64, 16, 6, [16, 95, 0], 0),
    (64, 1, 64, 16, 4, [64, 17, 0], 0),
    (64, 1, 64, 16, 4, [64, 17, 0], 16),
    (40, 1, 128, 32, 3, [96, 5], 16),
    (16, 1, 256, 128, 3, [384, 129], 0),
    (16, 2, 128, 64, 3, [130, 64], 32),
    # Edges the compiler accepts: 256-row blocks, MHA (groups of one head), the smallest
    # head_dim with a single head, and 48 heads split 32 + 16 across 32-row tiles.
    (16, 1, 128, 256, 2, [300, 512, 0], 0),
    (8, 8, 64, 32, 2, [40, 7], 0),
    (1, 1, 16, 16, 2, [17, 1], 0),
    (48, 1, 64, 16, 3, [33, 48], 32),
]


# The whole matrix again in f16, each case with one strategy (alternating, so both are
# covered; bench-style runs of both strategies for every case pass too, see docs/fuzzing.md).
F16_CASES = [(*case, "per-tile" if i % 2 == 0 else "spmd") for i, case in enumerate(CASES)]


def _config(heads: int, kv: int, dim: int, block: int, max_blocks: int, lens: list[int],
            dtype: str = "bf16") -> PagedAttentionConfig:
    return PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv, head_dim=dim,
                                block_size=block, max_blocks_per_seq=max_blocks, dtype=dtype)


# Compiled with the default --schedule auto: q_tile 0, strategy None and kv_splits are chosen
# by the cost model for the case's lengths (docs/schedules.md), given options are kept.
@pytest.mark.parametrize("strategy", ["spmd", "per-tile", None])
@pytest.mark.parametrize(("heads", "kv", "dim", "block", "max_blocks", "lens", "q_tile"), CASES,
                         ids=lambda v: str(v).replace(" ", ""))
def test_emitted_directory_matches_reference(tmp_path: Path, strategy: str | None, heads: int,
                                             kv: int, dim: int, block: int, max_blocks: int,
                                             lens: list[int], q_tile: int) -> None:
    config = _config(heads, kv, dim, block, max_blocks, lens)
    compile(config, tmp_path, CompileOptions(q_tile=q_tile, strategy=strategy), context_lens=lens)
    schedule = json.loads((tmp_path / "manifest.json").read_text())["schedule"]
    chosen = schedule["chosen"]  # kv_splits is always left open here
    assert chosen["strategy"] == (strategy or chosen["strategy"])
    assert chosen["q_tile"] == (q_tile or chosen["q_tile"])
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.comparison.ok, str(outcome.comparison)
    assert not outcome.report.errors, "\n".join(str(f) for f in outcome.report.errors)
    assert outcome.passed


@pytest.mark.parametrize(("heads", "kv", "dim", "block", "max_blocks", "lens", "q_tile", "strategy"),
                         F16_CASES, ids=lambda v: str(v).replace(" ", ""))
def test_f16_directory_matches_reference(tmp_path: Path, heads: int, kv: int, dim: int, block: int,
                                         max_blocks: int, lens: list[int], q_tile: int,
                                         strategy: str) -> None:
    config = _config(heads, kv, dim, block, max_blocks, lens, dtype="f16")
    result = compile(config, tmp_path, CompileOptions(q_tile=q_tile, strategy=strategy),
                     context_lens=lens)
    aic = "".join(k.path.read_text() for k in result.kernels if k.core_type == "aic")
    assert "TileLeft<half," in aic and "bfloat16_t" not in aic
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.passed, outcome.report_text()
    assert not outcome.output[[i for i, n in enumerate(lens) if n == 0]].any()


def test_heap_reuse_is_not_reported_as_a_race(tmp_path: Path) -> None:
    """Regression: a ring heap just big enough for one KV step reuses the previous step's
    addresses on every step. The allocation orders that reuse, so the race analysis must not
    report the new writers against the old readers (it once did, depending on timing)."""
    from ptoattn.sim import SimConfig

    lens = [33, 1024, 0, 128]
    config = _config(16, 1, 128, 128, 8, lens)
    result = compile(config, tmp_path, CompileOptions(strategy="per-tile"), context_lens=lens)
    step_heap = result.ring_requirements[2]["heap_bytes"]
    small = SimConfig(heap_size=[1 << 20, 1 << 20, 2 * step_heap, 1 << 20])
    for _ in range(3):
        outcome = runner.run(tmp_path, context_lens=lens, sim_config=small)
        assert outcome.passed, outcome.report_text()
        # Reuse is guaranteed by arithmetic, whatever the timing: each KV-step scope allocates
        # step_heap bytes (5 tasks) and the ring holds two scopes' worth, so a run of more than
        # two step scopes must hand out addresses an earlier step used.
        step_ring = next(r for r in outcome.report.rings if r.ring == 2)
        assert step_ring.heap_size == 2 * step_heap and step_ring.tasks >= 3 * 5


def test_output_directory_is_byte_identical_across_runs(tmp_path: Path) -> None:
    config = _config(40, 8, 128, 64, 4, [0, 128, 200, 1])
    for out in ("a", "b"):
        compile(config, tmp_path / out, CompileOptions(strategy="spmd"), context_lens=[0, 128, 200, 1])
    compare = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    files = [p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()]
    kernels = json.loads((tmp_path / "a" / "manifest.json").read_text())["kernels"]
    # The kernels, the orchestration, the scene test, the manifest, input.mlir, lowered.mlir.
    assert len(files) == len(kernels) + 5
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert not compare.diff_files
    # input.mlir is the compiled input itself (the replay command runs on it), hashed in the manifest.
    import hashlib

    saved = (tmp_path / "a" / "input.mlir").read_text()
    assert "attn.paged_attention" in saved and "aicore." not in saved
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["input_sha256"] == hashlib.sha256(saved.encode()).hexdigest()


def test_scene_test_stands_alone(tmp_path: Path) -> None:
    """The scene test imports only simpler and torch (simpler's CI has no numpy), and declares
    the kernels the directory holds with the func_ids the orchestration uses."""
    config = _config(16, 1, 128, 128, 8, [33, 1024, 517, 128])
    result = compile(config, tmp_path)
    source = result.scene_test.read_text()
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for a in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported == {"ctypes", "torch", "simpler", "simpler_setup"}
    orchestration = result.orchestration.read_text()
    for kernel in result.kernels:
        assert f"#define FUNC_{kernel.name.upper()} {kernel.func_id}" in orchestration
        assert f'"func_id": {kernel.func_id},' in source and str(kernel.path.relative_to(tmp_path)) in source
    assert "PTO2OrchestrationConfig{7}" in orchestration


_GOLDEN_WITHOUT_NUMPY = """
import json, sys, types
sys.modules["numpy"] = None  # any numpy import inside the scene test now fails
import torch
for name in ("simpler", "simpler.task_interface", "simpler_setup"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["simpler.task_interface"].ArgDirection = types.SimpleNamespace(IN="IN", OUT="OUT", INOUT="INOUT")
stub = sys.modules["simpler_setup"]
stub.Scalar = stub.TaskArgsBuilder = stub.TensorArg = object
stub.SceneTestCase = type("SceneTestCase", (), {})
stub.scene_test = lambda **kw: (lambda cls: cls)
scope = {"__name__": "scene"}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), scope)
params = scope["CASES"][0]["params"]
tensors = dict(scope["_generate_inputs"](params))
scope["_golden"](tensors, params)
print(json.dumps({k: (v.float().flatten().tolist() if isinstance(v, torch.Tensor) else v.value)
                  for k, v in tensors.items()}))
"""


@pytest.mark.parametrize("kv_heads,lens,steps,splits", [(1, [33, 0, 300], 1, 1), (4, [129, 16, 1], 1, 1),
                                                        (1, [33, 0, 300], 2, 1), (4, [300, 16, 1], 2, 2)])
def test_scene_test_golden_is_torch_only_and_matches_the_reference(tmp_path: Path, kv_heads: int,
                                                                     lens: list[int], steps: int,
                                                                     splits: int) -> None:
    """The emitted golden runs with numpy unavailable and agrees with ptoattn's reference,
    stepping through the KV blocks as the compiled kernels do."""
    import json
    import subprocess
    import sys

    import numpy as np

    from ptoattn.reference import paged_attention

    pytest.importorskip("torch", reason="torch is not installed (simpler's environment has it; ptoattn's does not)")
    config = _config(16, kv_heads, 32, 64, 5, lens)
    result = compile(config, tmp_path, context_lens=lens, kv_blocks_per_task=steps, kv_splits=splits)
    proc = subprocess.run([sys.executable, "-c", _GOLDEN_WITHOUT_NUMPY, str(result.scene_test)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    t = json.loads(proc.stdout)
    q = np.array(t["query"], np.float32).reshape(len(lens), 16, 32)
    k = np.array(t["key_cache"], np.float32).reshape(-1, 64, kv_heads, 32)
    v = np.array(t["value_cache"], np.float32).reshape(k.shape)
    table = np.array(t["block_table"], np.int32).reshape(len(lens), 5)
    expected = paged_attention(q, k, v, table, np.array(lens, np.int32), t["scale"],
                               blocks_per_step=steps, kv_splits=splits)
    np.testing.assert_allclose(np.array(t["out"], np.float32).reshape(expected.shape), expected,
                               rtol=1e-5, atol=1e-5)
    assert not np.any(np.array(t["out"]).reshape(expected.shape)[1]) or lens[1] != 0


def test_inputs_that_do_not_fit_are_rejected(tmp_path: Path) -> None:
    from ptoattn.errors import InputError
    from ptoattn.reference import make_inputs

    config = _config(16, 1, 128, 128, 4, [33, 100])
    compile(config, tmp_path)
    other = make_inputs(_config(8, 1, 128, 128, 4, [33, 100]), 0)
    with pytest.raises(InputError, match=r"query dim 1 \(num_heads\) is 8 but the directory was compiled for 16"):
        runner.run(tmp_path, inputs=other)
    wide = make_inputs(_config(16, 1, 128, 128, 6, [33, 100]), 0)
    with pytest.raises(InputError, match=r"block_table dim 1 \(max_blocks_per_seq\) is 6, more than the 4"):
        runner.run(tmp_path, inputs=wide)
    bad = make_inputs(config, 0, [33, 100])
    bad.block_table[1, 0] = 10_000
    with pytest.raises(InputError, match=r"block_table\[1, 0\] = 10000 is outside the KV cache"):
        runner.run(tmp_path, inputs=bad)


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
def test_long_context(tmp_path: Path, strategy: str) -> None:
    lens = [8192, 4097, 0]
    config = _config(16, 1, 128, 128, 64, lens)
    compile(config, tmp_path, CompileOptions(strategy=strategy), context_lens=lens)
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.passed, outcome.report_text()


@pytest.mark.parametrize(("config_kwargs", "options", "message"), [
    (dict(head_dim=72), {}, "head_dim 72 is not supported: must be a multiple of 16 between 16 and 256"),
    (dict(head_dim=512), {}, "head_dim 512 is not supported: must be a multiple of 16 between 16 and 256"),
    (dict(block_size=48), {}, "block_size 48 is not supported: must be 16, 32, 64, 128 or 256"),
    (dict(dtype="f16", head_dim=256, block_size=256), {},
     "qk_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xf16: 131072) "
     "but L0B holds 65536"),
    (dict(head_dim=256, block_size=256), {},
     "qk_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xbf16: 131072) "
     "but L0B holds 65536"),
    # the pipeline's own check (auto's error when no schedule fits: test_schedule.py)
    ({}, dict(ring_heap=4096, schedule="default"),
     "scope 0 needs 34816 heap bytes but a ring holds 4096; raise ring-heap (PTO2_RING_HEAP)"),
    ({}, dict(ring_task_window=4, schedule="default"),
     "scope 1 needs 6 task-window slots but a ring holds 4; raise ring-task-window"),
])
def test_rejected_configurations_name_the_parameter(tmp_path: Path, config_kwargs: dict,
                                                     options: dict, message: str) -> None:
    from ptoattn.compiler import CompileError

    base = dict(batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128,
                max_blocks_per_seq=8)
    config = PagedAttentionConfig(**{**base, **config_kwargs})
    with pytest.raises(CompileError) as info:
        compile(config, tmp_path, CompileOptions(**options))
    assert message in str(info.value)
    assert "replay: ptoattn-opt -pass-pipeline='builtin.module(ptoattn-pipeline{" in str(info.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(num_heads=10, num_kv_heads=4), "num_heads (10) must be a multiple of num_kv_heads (4)"),
    (dict(dtype="f32"), "dtype must be one of bf16, f16, got 'f32'"),
    (dict(batch=0), "batch must be a positive integer, got 0"),
])
def test_malformed_configurations_are_rejected_before_compiling(kwargs: dict, message: str) -> None:
    from ptoattn import ConfigError

    base = dict(batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128,
                max_blocks_per_seq=8)
    with pytest.raises(ConfigError) as info:
        PagedAttentionConfig(**{**base, **kwargs})
    assert message in str(info.value)
