"""One compiled directory serves every batch up to its maximum, with no recompilation.

A serving engine changes its batch at every decode step. `--batch dynamic --max-batch N`
compiles the kernels and orchestration once (rings sized for N); the batch, the block-table
width (up to --max-blocks), the cache size and the context lengths are run-time values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig, runner, sim
from ptoattn.cli import main
from ptoattn.errors import InputError
from ptoattn.reference import make_inputs

FLAGS = ["--num-heads", "16", "--kv-heads", "2", "--head-dim", "64", "--block-size", "32",
         "--max-blocks", "4"]


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
def test_one_directory_serves_batches_1_7_and_64(tmp_path: Path, strategy: str) -> None:
    out = tmp_path / "dyn"
    assert main(["compile", "--batch", "dynamic", "--max-batch", "64", *FLAGS,
                 "--strategy", strategy, "-o", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["dynamic_batch"] and manifest["config"]["batch"] == 64
    compiled = _files(out)

    rng = np.random.default_rng(5)
    first = runner.run(out, context_lens=[97])
    assert first.passed, first.report_text()
    # The kernels, orchestration and runtime are built once: every later build is a hit
    # of the g++ cache (same sources, nothing regenerated).
    assert sim.build(out).cached
    # Batch 7 with a narrower block table (width 3 of at most 4) and its own cache.
    config7 = PagedAttentionConfig(batch=7, num_heads=16, num_kv_heads=2, head_dim=64,
                                   block_size=32, max_blocks_per_seq=3)
    lens7 = [int(n) for n in rng.integers(0, 97, size=7)]
    seven = runner.run(out, make_inputs(config7, 1, lens7))
    assert seven.passed and seven.output.shape == (7, 16, 64), seven.report_text()
    lens64 = [int(n) for n in rng.integers(0, 129, size=64)]
    sixty_four = runner.run(out, context_lens=lens64)
    assert sixty_four.passed and sixty_four.output.shape == (64, 16, 64)
    assert sixty_four.context_lens == lens64
    assert sim.build(out).cached
    assert _files(out) == compiled  # nothing was recompiled or rewritten

    with pytest.raises(InputError, match=r"batch is 65 but the directory was compiled for a "
                                         r"dynamic batch of 1 to 64 \(max_batch\)"):
        runner.run(out, context_lens=[1] * 65)


def test_dynamic_batch_options(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["compile", "--batch", "dynamic", *FLAGS, "-o", str(tmp_path / "a")]) == 1
    assert capsys.readouterr().err.strip() == (
        "ptoattn compile: error: batch 'dynamic' needs max_batch (--max-batch N): the largest "
        "batch a run may use, which sizes the rings")
    assert main(["compile", "--batch", "4", "--max-batch", "8", *FLAGS, "-o", str(tmp_path / "b")]) == 1
    assert "max_batch is only meaningful with batch 'dynamic'" in capsys.readouterr().err
    config = tmp_path / "dyn.toml"
    config.write_text('batch = "dynamic"\nmax_batch = 8\nnum_heads = 16\nnum_kv_heads = 1\n'
                      'head_dim = 64\nblock_size = 16\nmax_blocks_per_seq = 2\n')
    assert main(["compile", str(config), "-o", str(tmp_path / "c")]) == 0
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert manifest["dynamic_batch"] and manifest["config"]["batch"] == 8
    assert "tensor<?x16x64xbf16>" in (tmp_path / "c" / "input.mlir").read_text()
