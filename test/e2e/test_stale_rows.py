"""Rows at or past a sequence's context length never contribute, whatever they hold.

In a serving cache the last block of a sequence is usually only partly filled, and its rows
past the context hold stale data from earlier requests: any bit pattern, NaN and Inf
included. The kernels (both strategies) and the reference must give the same outputs as
with a clean cache. The same masking makes every finite scale work, zero and negative
included (the padding used to be multiplied by the scale).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ptoattn import PagedAttentionConfig, runner
from ptoattn import reference as ref
from ptoattn.compiler import compile
from ptoattn.options import CompileOptions

# GQA 8/2 in 16-row tiles; lengths end mid-block (33, 5, 40), on a block boundary (64), or
# are empty (0), and the cache has spare blocks no sequence uses.
LENS = [33, 5, 64, 0, 40]
CONFIG = PagedAttentionConfig(batch=len(LENS), num_heads=8, num_kv_heads=2, head_dim=64,
                              block_size=32, max_blocks_per_seq=3, num_blocks=12)


def stale_rows(inputs: ref.PagedAttentionInputs) -> tuple[np.ndarray, np.ndarray]:
    """(block id, row) of every cache row no sequence reads: the tail of each partly filled
    block and every row of the blocks no table entry uses."""
    block_size = inputs.key_cache.shape[1]
    live = np.zeros(inputs.key_cache.shape[:2], dtype=bool)
    for seq, length in enumerate(inputs.context_lens):
        for pos in range(0, int(length), block_size):
            block = inputs.block_table[seq, pos // block_size]
            live[block, :min(block_size, int(length) - pos)] = True
    return np.nonzero(~live)


def poisoned(inputs: ref.PagedAttentionInputs, cache: str, value: float) -> ref.PagedAttentionInputs:
    blocks, rows = stale_rows(inputs)
    array = getattr(inputs, cache).copy()
    array[blocks, rows] = value
    return inputs._replace(**{cache: array, "out": np.zeros_like(inputs.out)})


def clean_inputs(scale: float | None = None) -> ref.PagedAttentionInputs:
    inputs = ref.make_inputs(CONFIG, seed=3, context_lens=LENS)
    assert len(stale_rows(inputs)[0]) > CONFIG.block_size  # partial tails and spare blocks
    return inputs if scale is None else inputs._replace(scale=scale)


@pytest.mark.parametrize("cache", ["key_cache", "value_cache"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf], ids=["nan", "+inf", "-inf"])
def test_reference_ignores_stale_rows(cache: str, value: float) -> None:
    clean = clean_inputs()
    dirty = poisoned(clean, cache, value)
    args = lambda x: (x.query, x.key_cache, x.value_cache, x.block_table, x.context_lens, x.scale)
    np.testing.assert_array_equal(ref.paged_attention(*args(dirty)), ref.paged_attention(*args(clean)))


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
def test_kernels_ignore_stale_rows(tmp_path: Path, strategy: str) -> None:
    compile(CONFIG, tmp_path, CompileOptions(strategy=strategy), context_lens=LENS)
    clean = runner.run(tmp_path, clean_inputs())
    assert clean.passed, clean.report_text()
    for cache in ("key_cache", "value_cache"):
        for value in (np.nan, np.inf, -np.inf):
            dirty = runner.run(tmp_path, poisoned(clean_inputs(), cache, value))
            # Bit for bit: the stale rows must not enter the arithmetic at all.
            np.testing.assert_array_equal(dirty.output, clean.output, err_msg=f"{cache} = {value}")
            assert dirty.passed, dirty.report_text()


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
def test_any_finite_scale(tmp_path: Path, strategy: str) -> None:
    """Scale 0 gives the mean of V over the context; a negative scale favours the keys least
    like the query. Both must match the fp64 softmax, not be NaN."""
    compile(CONFIG, tmp_path, CompileOptions(strategy=strategy), context_lens=LENS)
    for scale in (0.0, -0.125, -3.0):
        inputs = clean_inputs(scale)
        outcome = runner.run(tmp_path, inputs)
        assert outcome.passed, f"scale {scale}: {outcome.report_text()}"
        exact = ref.direct_attention_fp64(inputs.query, inputs.key_cache, inputs.value_cache,
                                          inputs.block_table, inputs.context_lens, scale)
        v_max = float(np.abs(inputs.value_cache.astype(np.float32)).max())
        np.testing.assert_allclose(outcome.output, exact, rtol=0,
                                   atol=2 * ref.BF16_UNIT_ROUNDOFF * v_max + 1e-3)


@pytest.mark.parametrize("scale", [np.nan, np.inf, -np.inf])
def test_non_finite_scale_is_rejected_at_run_time(tmp_path: Path, scale: float) -> None:
    from ptoattn.errors import InputError

    (tmp_path / "manifest.json").write_text(
        '{"config": {"batch": 5, "num_heads": 8, "num_kv_heads": 2, "head_dim": 64, '
        '"block_size": 32, "max_blocks_per_seq": 3, "num_blocks": 12}}')
    with pytest.raises(InputError, match=r"scale is (nan|inf|-inf): must be a finite number"):
        runner.run(tmp_path, clean_inputs(scale))
