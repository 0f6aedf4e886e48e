"""The reference against a plain fp64 softmax(QK^T)V, and its input validation.

Tolerance: the reference rounds each probability p to the storage type (relative error at
most u: 2^-8 for bf16, 2^-11 for f16; below f16's normal range an absolute 2^-25) and
normalises with the sum of the rounded values, so each output is a convex combination of V
rows whose weights move by at most 2 (u / (1 - u) + n eta) in total: |ref - exact| <=
``reference.error_bound(dtype, n, max|v|)`` (derived in ``ptoattn/reference.py``); fp32
accumulation adds orders of magnitude less at these sizes. The test asserts that bound (plus
1e-5 for fp32 rounding), which is tight enough to catch any masking, paging or GQA indexing
error (those move outputs by O(|v|)), and shows that the f16 bound is not met by a reference
that rounds f16 inputs' p to bf16.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptoattn import InputError, PagedAttentionConfig
from ptoattn import reference as ref

GROUPS = [(1, 1), (4, 1), (16, 1), (8, 2), (40, 8), (32, 8), (6, 3)]


@st.composite
def problems(draw: st.DrawFn) -> tuple[PagedAttentionConfig, ref.PagedAttentionInputs]:
    num_heads, num_kv_heads = draw(st.sampled_from(GROUPS))
    block_size = draw(st.sampled_from([1, 2, 4, 16, 32]))
    max_blocks = draw(st.integers(1, 5))
    batch = draw(st.integers(1, 4))
    config = PagedAttentionConfig(
        batch=batch, num_heads=num_heads, num_kv_heads=num_kv_heads,
        head_dim=draw(st.sampled_from([8, 16, 32])), block_size=block_size,
        max_blocks_per_seq=max_blocks,
        num_blocks=draw(st.integers(1, batch * max_blocks + 2)),
        dtype=draw(st.sampled_from(["bf16", "f16"])),
    )
    # Lengths include 0, exact multiples of block_size and the table's full capacity.
    edge = [0, block_size, max_blocks * block_size, 1]
    lens = draw(st.lists(st.one_of(st.sampled_from(edge), st.integers(0, max_blocks * block_size)),
                         min_size=batch, max_size=batch))
    duplicate = draw(st.booleans()) or sum(-(-n // block_size) for n in lens) > config.cache_blocks
    inputs = ref.make_inputs(config, seed=draw(st.integers(0, 2**31)), context_lens=lens,
                             duplicate_blocks=duplicate)
    return config, inputs


def _bounds(config: PagedAttentionConfig, inputs: ref.PagedAttentionInputs) -> np.ndarray:
    """Per-sequence bound, broadcast over [batch, heads, dim]."""
    v_max = float(np.abs(inputs.value_cache.astype(np.float32)).max())
    per_seq = [ref.error_bound(config.dtype, int(n), v_max) + 1e-5 for n in inputs.context_lens]
    return np.asarray(per_seq)[:, None, None]


@settings(max_examples=300, deadline=None)
@given(problems(), st.sampled_from([1, 2, 4]), st.sampled_from([1, 2, 4]))
def test_reference_matches_fp64_softmax(problem: tuple[PagedAttentionConfig, ref.PagedAttentionInputs],
                                        blocks_per_step: int, kv_splits: int) -> None:
    """Whatever steps the kernels take (several blocks per step, split parts stepped that
    way), each p is rounded once against its step's max: the same bound holds."""
    config, inputs = problem
    args = (inputs.query, inputs.key_cache, inputs.value_cache, inputs.block_table,
            inputs.context_lens, inputs.scale)
    got = ref.paged_attention(*args, blocks_per_step=blocks_per_step, kv_splits=kv_splits)
    exact = ref.direct_attention_fp64(*args)
    assert got.dtype == np.float32
    assert (np.abs(got - exact) <= _bounds(config, inputs)).all(), np.abs(got - exact).max()
    empty = inputs.context_lens == 0
    assert not got[empty].any(), "a zero-length context must produce zeros"


def test_steps_follow_the_split_parts() -> None:
    """With S parts of N-block steps the reference rounds p per step of each part, as the
    kernels do: 5 blocks in 2 parts of 3 and 2 blocks, N = 2, give steps of 2, 1 | 2 blocks."""
    starts, counts = ref._step_blocks(np.array([5 * 16, 0, 16]), 16, 2, 2)
    assert starts.tolist() == [[0, 2, 3], [0, 0, 0], [0, 0, 0]]
    assert counts.tolist() == [[2, 1, 2], [0, 0, 0], [1, 0, 0]]


def test_rounding_of_p_is_part_of_the_reference() -> None:
    """The reference differs measurably from exact attention, by the storage type's rounding
    and within its bound: a reference without the rounding errs by ~1e-7, and one that rounded
    f16 inputs' p to bf16 would err about as much as the bf16 reference (8x the f16 error)."""
    errors = {}
    for dtype in ("bf16", "f16"):
        config = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=128,
                                      block_size=128, max_blocks_per_seq=4, dtype=dtype)
        inputs = ref.make_inputs(config, seed=3, context_lens=[512, 300])
        args = (inputs.query, inputs.key_cache, inputs.value_cache, inputs.block_table,
                inputs.context_lens, inputs.scale)
        err = np.abs(ref.paged_attention(*args) - ref.direct_attention_fp64(*args))
        assert (err <= _bounds(config, inputs)).all()
        errors[dtype] = float(err.max())
    assert errors["f16"] > ref.F16_UNIT_ROUNDOFF / 64
    assert errors["bf16"] > 4 * errors["f16"]


def test_single_position_returns_its_value_row() -> None:
    config = PagedAttentionConfig(batch=1, num_heads=4, num_kv_heads=2, head_dim=16,
                                  block_size=16, max_blocks_per_seq=2)
    inputs = ref.make_inputs(config, seed=1, context_lens=[17])
    # Position 16 is row 0 of the sequence's second block.
    block = int(inputs.block_table[0, 1])
    inputs.context_lens[0] = 17
    out = ref.paged_attention(*inputs[:5], inputs.scale)
    assert out.shape == (1, 4, 16)
    # With one position per... no: 17 positions. Check GQA head mapping instead:
    exact = ref.direct_attention_fp64(*inputs[:5], inputs.scale)
    np.testing.assert_allclose(out, exact, atol=2 * ref.BF16_UNIT_ROUNDOFF * 4 + 1e-5)
    assert block >= 0


def test_make_inputs_is_reproducible_and_in_target_order() -> None:
    config = PagedAttentionConfig(batch=3, num_heads=8, num_kv_heads=2, head_dim=32,
                                  block_size=16, max_blocks_per_seq=4)
    a = ref.make_inputs(config, seed=7)
    b = ref.make_inputs(config, seed=7)
    assert a._fields == ("query", "key_cache", "value_cache", "block_table", "context_lens",
                         "out", "scale")
    for x, y in zip(a[:6], b[:6]):
        assert x.dtype == y.dtype and np.array_equal(x.view(np.uint8), y.view(np.uint8))
    assert a.query.dtype == ref.bfloat16 and a.query.shape == (3, 8, 32)
    # Sized by the blocks the lengths need, plus the spare ones.
    needed = int(sum(-(-int(n) // 16) for n in a.context_lens))
    assert a.key_cache.shape == (needed + ref.SPARE_BLOCKS, 16, 2, 32)
    assert a.block_table.dtype == np.int32 and a.context_lens.dtype == np.int32
    assert a.out.dtype == np.float32 and not a.out.any()
    assert a.scale == pytest.approx(32 ** -0.5)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda i: i.block_table.__setitem__((1, 0), 99), r"block_table\[1, 0\] = 99 is outside the KV cache \(valid block ids are 0..7\)"),
        (lambda i: i.block_table.__setitem__((0, 0), -1), r"block_table\[0, 0\] = -1 is outside the KV cache"),
        (lambda i: i.context_lens.__setitem__(0, 65), r"context_lens\[0\] = 65 is longer than its block table row holds \(4 blocks x 16 = 64\)"),
        (lambda i: i.context_lens.__setitem__(1, -3), r"context_lens\[1\] = -3 is negative"),
    ],
)
def test_unsafe_inputs_are_rejected(mutate, message: str) -> None:
    config = PagedAttentionConfig(batch=2, num_heads=4, num_kv_heads=1, head_dim=16,
                                  block_size=16, max_blocks_per_seq=4, num_blocks=8)
    inputs = ref.make_inputs(config, seed=0, context_lens=[64, 20])
    mutate(inputs)
    with pytest.raises(InputError, match=message):
        ref.paged_attention(*inputs[:5], inputs.scale)


def test_unused_table_entries_may_be_padding() -> None:
    config = PagedAttentionConfig(batch=1, num_heads=4, num_kv_heads=1, head_dim=16,
                                  block_size=16, max_blocks_per_seq=4)
    inputs = ref.make_inputs(config, seed=0, context_lens=[20])
    inputs.block_table[0, 2:] = 12345  # never read: only 2 blocks hold the 20 positions
    ref.paged_attention(*inputs[:5], inputs.scale)


def test_config_errors_name_the_parameter() -> None:
    from ptoattn import ConfigError

    with pytest.raises(ConfigError, match=r"num_heads \(10\) must be a multiple of num_kv_heads \(4\)"):
        PagedAttentionConfig(batch=1, num_heads=10, num_kv_heads=4, head_dim=16, block_size=16,
                             max_blocks_per_seq=1)
    with pytest.raises(ConfigError, match="dtype must be one of bf16, f16, got 'f32'"):
        PagedAttentionConfig(batch=1, num_heads=1, num_kv_heads=1, head_dim=16, block_size=16,
                             max_blocks_per_seq=1, dtype="f32")
    with pytest.raises(ConfigError, match="batch must be a positive integer, got 0"):
        PagedAttentionConfig(batch=0, num_heads=1, num_kv_heads=1, head_dim=16, block_size=16,
                             max_blocks_per_seq=1)
