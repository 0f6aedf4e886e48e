"""Grid-stride SPMD launches: more tiles than the chip has clusters.

Under spmd an orchestration launches min(tiles, clusters) blocks (attn-orchestrate
spmd-blocks=clusters, the default) and every spmd kernel loops over its tiles, tile =
get_block_idx, + get_block_num, ... So on a 910B3 (20 clusters) a launch of 26 or 30 tiles
runs 20 blocks, some of them two tiles. Each case runs on the simulator against the
reference with every simulator check clean (races, shared GM lines, bounds). The batches are
ragged (lengths 0 and 1 among them) and include GQA groups padded to 16 rows, split-KV
(whose tiles are the parts) and several KV blocks per task.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions

# 30 MQA sequences (one tile each) and 13 GQA 16/2 sequences (two 8-head groups in 16-row
# tiles: 26 tiles): more tiles than a 910B3 (20) and a 910B1 (24) has clusters.
MQA30 = (16, 1, 64, 16, 4, [int(n) for n in np.random.default_rng(3).integers(0, 65, 30)])
GQA26 = (16, 2, 64, 16, 4, [0, 1, 64, 17, 33, 0, 48, 2, 63, 16, 5, 0, 40])


def _compile(tmp_path: Path, case: tuple, chip: str = "910B3", **options) -> list[int]:
    heads, kv, dim, block, max_blocks, lens = case
    config = PagedAttentionConfig(batch=len(lens), num_heads=heads, num_kv_heads=kv,
                                  head_dim=dim, block_size=block, max_blocks_per_seq=max_blocks)
    compile(config, tmp_path, CompileOptions(target=chip, schedule="default", **options),
            context_lens=lens)
    return lens


def _run(tmp_path: Path, lens: list[int]) -> np.ndarray:
    outcome = runner.run(tmp_path, context_lens=lens)
    assert outcome.comparison.ok, str(outcome.comparison)
    assert not outcome.report.errors, "\n".join(str(f) for f in outcome.report.errors)
    assert outcome.passed
    return outcome.output


def _block_counts(out: Path) -> list[str]:
    source = next((out / "kernels" / "orchestration").glob("*.cpp")).read_text()
    return re.findall(r"set_block_num\((.*?)\);", source)


@pytest.mark.parametrize("case", [MQA30, GQA26], ids=["mqa30", "gqa26"])
@pytest.mark.parametrize("chip", ["910B3", "910B1"])
def test_more_tiles_than_clusters(tmp_path: Path, case: tuple, chip: str) -> None:
    lens = _compile(tmp_path, case, chip, strategy="spmd")
    clusters = {"910B3": 20, "910B1": 24}[chip]
    assert _block_counts(tmp_path) == [str(clusters)] * 4
    _run(tmp_path, lens)


@pytest.mark.parametrize("case", [MQA30, GQA26], ids=["mqa30", "gqa26"])
def test_one_block_per_tile_and_per_tile_strategy_agree(tmp_path: Path, case: tuple) -> None:
    grid = _run(tmp_path / "grid", _compile(tmp_path / "grid", case, strategy="spmd"))
    lens = _compile(tmp_path / "tiles", case, strategy="spmd", spmd_blocks="tiles")
    tiles = len(lens) * (2 if case is GQA26 else 1)
    assert _block_counts(tmp_path / "tiles") == [str(tiles)] * 4
    per_tile = _run(tmp_path / "pt", _compile(tmp_path / "pt", case, strategy="per-tile"))
    # The same arithmetic per tile, whichever block runs it.
    assert grid.tobytes() == _run(tmp_path / "tiles", lens).tobytes()
    assert not _block_counts(tmp_path / "pt")
    assert np.allclose(grid, per_tile, rtol=1e-3, atol=1e-3)


def test_split_kv_and_multi_block_steps(tmp_path: Path) -> None:
    # 7 sequences x 2 KV heads x 4 parts = 56 chain tiles on 20 blocks, the merge's 14 tiles
    # on 14.
    lens = _compile(tmp_path / "split", GQA26[:5] + ([0, 64, 1, 33, 17, 64, 2],), kv_splits=4)
    assert _block_counts(tmp_path / "split") == ["20"] * 4 + ["14"]
    _run(tmp_path / "split", lens)
    lens = _compile(tmp_path / "multi", MQA30, kv_blocks_per_task=4)
    assert _block_counts(tmp_path / "multi") == ["20"] * 4
    _run(tmp_path / "multi", lens)


@pytest.mark.parametrize("blocks", [1, 7])
def test_any_block_count_covers_every_tile(tmp_path: Path, blocks: int) -> None:
    """The kernels take their stride from get_block_num: the orchestration's launches edited
    to 1 or 7 blocks (fewer than the clusters, 7 not dividing the 26 tiles) still compute
    every tile once."""
    lens = _compile(tmp_path, GQA26)
    orchestration = next((tmp_path / "kernels" / "orchestration").glob("*.cpp"))
    source = orchestration.read_text()
    orchestration.write_text(source.replace("set_block_num(20)", f"set_block_num({blocks})"))
    assert _block_counts(tmp_path) == [str(blocks)] * 4
    _run(tmp_path, lens)


def test_dynamic_batch_launches_at_most_the_clusters(tmp_path: Path) -> None:
    config = PagedAttentionConfig(batch=40, num_heads=16, num_kv_heads=2, head_dim=64,
                                  block_size=16, max_blocks_per_seq=4)
    compile(config, tmp_path, CompileOptions(target="910B3", schedule="default"),
            dynamic_batch=True)
    # min(batch x 2 tiles, 20), computed by the orchestration at run time.
    counts = _block_counts(tmp_path)
    assert len(counts) == 4 and len(set(counts)) == 1, counts
    source = next((tmp_path / "kernels" / "orchestration").glob("*.cpp")).read_text()
    assert "query_dim0 * 2 < 20 ? query_dim0 * 2 : 20" in source
    for lens in (GQA26[5], [3, 0, 64]):  # 26 tiles on 20 blocks; 6 tiles on 6
        _run(tmp_path, lens)


def test_grid_stride_output_is_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        lens = _compile(tmp_path / name, GQA26)
        outputs.append(_run(tmp_path / name, lens).tobytes())
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert outputs[0] == outputs[1]
