"""Compiling and default inputs cost what the contexts need, not what the cache could hold.

`compile` once chose its default lengths by generating the whole random problem (batch 256 x
256 blocks: 79 s and 8.5 GB; larger shapes: "Unable to allocate 256 GiB"), and `run` sized its
default cache by batch x max_blocks_per_seq. Lengths now come from a formula and generated
caches from the blocks the lengths need plus a few spare (bench/compile_large.py measures it).
"""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import numpy as np

from ptoattn import PagedAttentionConfig
from ptoattn.compiler import compile
from ptoattn.config import default_context_lens
from ptoattn.reference import SPARE_BLOCKS, make_inputs, validate_inputs


def test_compile_does_not_build_the_cache(tmp_path: Path) -> None:
    # 64 sequences x 65536 blocks of 128 x 128 bf16: 128 GiB per cache if it were generated.
    config = PagedAttentionConfig(batch=64, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=65536)
    tracemalloc.start()
    result = compile(config, tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 << 20, f"compile allocated {peak >> 20} MiB in Python"
    lens = default_context_lens(config)
    scene = result.scene_test.read_text()
    listed = re.search(r"'context_lens_list': \[([^\]]*)\]", scene)
    assert listed and [int(x) for x in listed.group(1).split(",")] == lens
    assert json.loads(result.manifest.read_text())["config"]["max_blocks_per_seq"] == 65536


def test_default_lengths_are_ragged_and_fit_the_table() -> None:
    config = PagedAttentionConfig(batch=256, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=256)
    lens = default_context_lens(config)
    assert lens == default_context_lens(config) and len(lens) == 256
    assert lens[0] == config.max_context_len and min(lens) >= 0
    assert max(lens) <= config.max_context_len
    partial = sum(1 for n in lens if n % config.block_size)
    assert partial > 200  # most sequences end inside a block


def test_generated_cache_is_sized_by_the_lengths() -> None:
    # The seed head's Case1 shape, scaled down: 64 sequences of 256 tokens, a 64-block table.
    config = PagedAttentionConfig(batch=64, num_heads=16, num_kv_heads=1, head_dim=128,
                                  block_size=128, max_blocks_per_seq=64)
    inputs = make_inputs(config, 0, [256] * 64)
    assert inputs.key_cache.shape[0] == 64 * 2 + SPARE_BLOCKS
    assert inputs.value_cache.shape == inputs.key_cache.shape
    validate_inputs(inputs.query, inputs.key_cache, inputs.value_cache, inputs.block_table,
                    inputs.context_lens)
    used = inputs.block_table[:, :2]
    assert len(np.unique(used)) == used.size  # private blocks, all inside the cache
    assert (inputs.block_table[:, 2:] == -1).all()
    # A given num_blocks is kept.
    sized = PagedAttentionConfig(**{**config.__dict__, "num_blocks": 500})
    assert make_inputs(sized, 0, [256] * 64).key_cache.shape[0] == 500
