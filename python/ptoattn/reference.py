"""The numerical reference for paged decode attention (DESIGN.md section 5).

The reference follows the blockwise form the generated kernels use, so that the two agree to
about 1e-3 rather than to the looser bound a plain softmax would need:

* per KV block, ``S = scale * (Q . K^T)`` in fp32 (bf16 products are exact in fp32);
* rows of the cache at or past the context length are not read (a partly filled block's
  tail may hold stale data, NaN and Inf included), and their score columns are masked;
* ``softmax_prepare``: block-local row max ``m_i``, ``P = exp(S - m_i)`` rounded to the
  storage type (bf16 or f16, round-to-nearest-even, as the kernels' ``TCVT`` does),
  ``l_i = rowsum(P)`` summed over the rounded values, so the weights used by the PV matmul
  and the normaliser are the same numbers;
* ``pv_matmul``: ``O_i = P . V`` in fp32;
* ``online_update``: ``m = max(m, m_i)``, ``l = a l + b l_i``, ``O = a O + b O_i`` with
  ``a = exp(m_old - m)``, ``b = exp(m_i - m)``; after the last block ``out = O / l``.

A sequence with ``context_lens[b] == 0`` produces zeros.

Error bound against exact attention (``direct_attention_fp64``), per output element of a
sequence with ``n`` positions: rounding p to the storage type perturbs each weight by at most
``u p + eta`` (``u`` the unit roundoff, ``eta`` half the smallest subnormal: p < 2^-14 is
subnormal in f16). Every block holds one p that is exactly 1 and the block with the global
maximum keeps its scale 1, so the rounded normaliser is at least 1, and the normalised weights
move by at most ``2 (u / (1 - u) + n eta)`` in total (1-norm). The output is a convex
combination of V rows, hence ``|out - exact| <= 2 (u / (1 - u) + n eta) max|v|`` plus fp32
rounding (``error_bound``): u = 2^-8, eta = 2^-134 for bf16; u = 2^-11, eta = 2^-25 for f16.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import ml_dtypes
import numpy as np

from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import InputError

__all__ = [
    "PagedAttentionInputs",
    "make_inputs",
    "SPARE_BLOCKS",
    "validate_inputs",
    "paged_attention",
    "round_to_bf16",
    "round_to_storage",
    "direct_attention_fp64",
    "error_bound",
    "BF16_UNIT_ROUNDOFF",
    "F16_UNIT_ROUNDOFF",
]

bfloat16 = ml_dtypes.bfloat16

_STORAGE_DTYPES = {"bf16": np.dtype(bfloat16), "f16": np.dtype(np.float16)}


class PagedAttentionInputs(NamedTuple):
    """The orchestration arguments, in the target's order (DESIGN.md section 4)."""

    query: np.ndarray  # [batch, num_heads, head_dim] bf16/f16
    key_cache: np.ndarray  # [num_blocks, block_size, num_kv_heads, head_dim]
    value_cache: np.ndarray  # same as key_cache
    block_table: np.ndarray  # [batch, max_blocks_per_seq] int32
    context_lens: np.ndarray  # [batch] int32
    out: np.ndarray  # [batch, num_heads, head_dim] float32, zero-filled
    scale: float


# Cache blocks make_inputs adds beyond what the lengths need when num_blocks is not given.
SPARE_BLOCKS = 4


def round_to_bf16(x: np.ndarray) -> np.ndarray:
    """Round fp32 values to bf16 (round-to-nearest-even) and return them as fp32."""
    return round_to_storage(x, np.dtype(bfloat16))


def round_to_storage(x: np.ndarray, storage: np.dtype) -> np.ndarray:
    """Round fp32 values to the 16-bit storage type (round-to-nearest-even, subnormals kept)
    and return them as fp32."""
    return np.asarray(x, dtype=np.float32).astype(storage).astype(np.float32)


def make_inputs(
    config: PagedAttentionConfig,
    seed: int = 0,
    context_lens: list[int] | np.ndarray | None = None,
    *,
    shuffle_blocks: bool = True,
    duplicate_blocks: bool = False,
) -> PagedAttentionInputs:
    """Reproducible random inputs for ``config``.

    Without ``context_lens`` the lengths are ragged, drawn from 0..max_context_len with the
    edge cases (0, a multiple of block_size, the maximum) mixed in. Block-table entries past a
    sequence's last used block are -1, which the kernels never read. With ``duplicate_blocks``
    some table entries point at the same cache block (prefix sharing).

    The cache has ``config.num_blocks`` blocks when that is given, else the blocks the
    lengths need plus ``SPARE_BLOCKS`` that no sequence uses: sized by the contexts, not by
    batch x max_blocks_per_seq (which for batch 256 x 256 blocks would be 16 GiB).
    """
    rng = np.random.default_rng(seed)
    storage = _STORAGE_DTYPES[config.dtype]
    b, h, d = config.batch, config.num_heads, config.head_dim
    bs, kvh, mb = config.block_size, config.num_kv_heads, config.max_blocks_per_seq

    if context_lens is None:
        choices = [0, bs, config.max_context_len, max(1, config.max_context_len // 2 + 1)]
        lens = rng.integers(0, config.max_context_len + 1, size=b)
        for i in range(min(b, len(choices))):
            if rng.random() < 0.5:
                lens[i] = choices[int(rng.integers(len(choices)))]
    else:
        lens = np.asarray(context_lens, dtype=np.int64)
        if lens.shape != (b,):
            raise InputError(f"context_lens: expected {b} lengths (batch), got shape {lens.shape}")
    lens = lens.astype(np.int32)

    used = -(-lens.astype(np.int64) // bs)  # blocks each sequence reads
    nb = config.num_blocks if config.num_blocks is not None else int(used.sum()) + SPARE_BLOCKS
    if int(used.sum()) > nb and not duplicate_blocks:
        raise InputError(
            f"num_blocks: the contexts need {int(used.sum())} distinct cache blocks but the cache "
            f"has {nb}; raise num_blocks or pass duplicate_blocks=True"
        )
    order = rng.permutation(nb) if shuffle_blocks else np.arange(nb)
    table = np.full((b, mb), -1, dtype=np.int32)
    cursor = 0
    for i in range(b):
        n = int(used[i])
        if duplicate_blocks:
            table[i, :n] = rng.integers(0, nb, size=n)
        else:
            table[i, :n] = order[cursor : cursor + n]
            cursor += n

    query = rng.standard_normal((b, h, d), dtype=np.float32).astype(storage)
    key_cache = rng.standard_normal((nb, bs, kvh, d), dtype=np.float32).astype(storage)
    value_cache = rng.standard_normal((nb, bs, kvh, d), dtype=np.float32).astype(storage)
    out = np.zeros((b, h, d), dtype=np.float32)
    return PagedAttentionInputs(
        query, key_cache, value_cache, table, lens, out, float(np.float32(config.softmax_scale))
    )


def validate_inputs(
    query: np.ndarray,
    key_cache: np.ndarray,
    value_cache: np.ndarray,
    block_table: np.ndarray,
    context_lens: np.ndarray,
) -> None:
    """Reject inputs that would make a kernel read outside its sequence's memory.

    Only the table entries a sequence actually reads (the first ceil(len / block_size)) must
    name a cache block; the rest of a row is padding and may hold anything (commonly -1).
    """
    if query.ndim != 3:
        raise InputError(
            f"query: expected rank 3 [batch, num_heads, head_dim], got shape {query.shape}"
        )
    if key_cache.ndim != 4:
        raise InputError(
            "key_cache: expected rank 4 [num_blocks, block_size, num_kv_heads, head_dim], "
            f"got shape {key_cache.shape}"
        )
    if value_cache.shape != key_cache.shape:
        raise InputError(
            f"value_cache: shape {value_cache.shape} differs from key_cache {key_cache.shape}"
        )
    batch, num_heads, head_dim = query.shape
    num_blocks, block_size, num_kv_heads, kv_dim = key_cache.shape
    if kv_dim != head_dim:
        raise InputError(f"key_cache: head_dim (dim 3) is {kv_dim}, query has {head_dim}")
    if num_kv_heads == 0 or num_heads % num_kv_heads != 0:
        raise InputError(
            f"key_cache: num_kv_heads (dim 2) is {num_kv_heads}, which does not divide "
            f"num_heads {num_heads}"
        )
    if block_table.ndim != 2 or block_table.shape[0] != batch:
        raise InputError(
            f"block_table: expected shape [{batch}, max_blocks_per_seq], got {block_table.shape}"
        )
    if not np.issubdtype(block_table.dtype, np.integer):
        raise InputError(f"block_table: expected int32, got {block_table.dtype}")
    if context_lens.shape != (batch,):
        raise InputError(f"context_lens: expected shape [{batch}], got {context_lens.shape}")
    if not np.issubdtype(context_lens.dtype, np.integer):
        raise InputError(f"context_lens: expected int32, got {context_lens.dtype}")

    max_blocks = block_table.shape[1]
    for b in range(batch):
        length = int(context_lens[b])
        if length < 0:
            raise InputError(f"context_lens[{b}] = {length} is negative")
        if length > max_blocks * block_size:
            raise InputError(
                f"context_lens[{b}] = {length} is longer than its block table row holds "
                f"({max_blocks} blocks x {block_size} = {max_blocks * block_size})"
            )
        used = -(-length // block_size)
        row = block_table[b, :used]
        bad = np.flatnonzero((row < 0) | (row >= num_blocks))
        if bad.size:
            j = int(bad[0])
            raise InputError(
                f"block_table[{b}, {j}] = {int(row[j])} is outside the KV cache "
                f"(valid block ids are 0..{num_blocks - 1})"
            )


def paged_attention(
    query: np.ndarray,
    key_cache: np.ndarray,
    value_cache: np.ndarray,
    block_table: np.ndarray,
    context_lens: np.ndarray,
    scale: float,
    blocks_per_step: int = 1,
    kv_splits: int = 1,
) -> np.ndarray:
    """Blockwise online-softmax paged attention; returns ``out`` as fp32 [batch, num_heads, head_dim].

    Each step covers ``blocks_per_step`` consecutive cache blocks of a sequence (the
    compiled ``kv_blocks_per_task``): its row max, and so the rounding of p, is over the
    whole step, as the kernels compute it. With ``kv_splits`` S > 1 (split-KV) the steps
    are those of the kernels' parts: part p holds blocks [p * per, min((p + 1) * per, n))
    of the sequence's n, per = ceil(n / S), and its last step stops at the part's end; the
    parts' states, merged by the kernels, are continued here in order (the same result up
    to fp32 rounding). Vectorised over sequences: step ``i`` processes the i-th step of
    every sequence that still has one, so the Python loop runs once per step, not batch x
    steps times.
    """
    validate_inputs(query, key_cache, value_cache, block_table, context_lens)
    batch, num_heads, head_dim = query.shape
    _, block_size, num_kv_heads, _ = key_cache.shape
    group = num_heads // num_kv_heads
    lens = context_lens.astype(np.int64)
    width = block_size * blocks_per_step
    starts, counts = _step_blocks(lens, block_size, blocks_per_step, kv_splits)
    steps = starts.shape[1]
    scale32 = np.float32(scale)
    # The kernels round p to the element type of the inputs (bf16 for anything else, as before).
    storage = query.dtype if query.dtype in _STORAGE_DTYPES.values() else _STORAGE_DTYPES["bf16"]

    # [batch, kv_heads, group, head_dim]: heads h = g * group + r share KV head g.
    q = query.astype(np.float32).reshape(batch, num_kv_heads, group, head_dim)
    m = np.full((batch, num_kv_heads, group), -np.inf, dtype=np.float32)
    l = np.zeros((batch, num_kv_heads, group), dtype=np.float32)
    o = np.zeros((batch, num_kv_heads, group, head_dim), dtype=np.float32)
    cols = np.arange(width)

    for i in range(steps):
        active = np.flatnonzero(counts[:, i] > 0)
        # The step's blocks; a block past the step (the sequence's or the part's end) is
        # never looked up: block 0 stands in and every one of its rows is masked.
        first = starts[active, i]
        blocks = first[:, None] + np.arange(blocks_per_step)[None, :]
        used = np.arange(blocks_per_step)[None, :] < counts[active, i][:, None]
        ids = np.where(
            used,
            block_table[active[:, None], np.minimum(blocks, block_table.shape[1] - 1)],
            0,
        )
        valid = np.minimum(lens[active] - first * block_size, counts[active, i] * block_size)
        mask = cols[None, :] >= valid[:, None]  # [n, width]
        # Rows at or past the context are never read: they may hold stale NaN or Inf.
        live = ~mask[:, :, None, None]
        shape = (len(active), width, num_kv_heads, head_dim)
        k = np.where(live, key_cache[ids].astype(np.float32).reshape(shape), np.float32(0))
        v = np.where(live, value_cache[ids].astype(np.float32).reshape(shape), np.float32(0))

        s = np.einsum("nkgd,nskd->nkgs", q[active], k, dtype=np.float32) * scale32
        s = np.where(mask[:, None, None, :], np.float32(-np.inf), s)
        m_i = s.max(axis=-1)
        p = round_to_storage(np.exp(s - m_i[..., None]), storage)
        l_i = p.sum(axis=-1, dtype=np.float32)
        o_i = np.einsum("nkgs,nskd->nkgd", p, v, dtype=np.float32)

        m_old = m[active]
        m_new = np.maximum(m_old, m_i)
        alpha = np.exp(m_old - m_new)  # exp(-inf) = 0 on a sequence's first block
        beta = np.exp(m_i - m_new)
        l[active] = alpha * l[active] + beta * l_i
        o[active] = alpha[..., None] * o[active] + beta[..., None] * o_i
        m[active] = m_new

    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(l[..., None] > 0, o / l[..., None], np.float32(0))
    return out.reshape(batch, num_heads, head_dim).astype(np.float32)


def _step_blocks(
    lens: np.ndarray, block_size: int, blocks_per_step: int, kv_splits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each sequence's KV steps in the kernels' order: [batch, steps] first block and block
    count (0 past a sequence's last step), parts one after another."""
    blocks = -(-lens // block_size)
    per = -(-blocks // kv_splits)
    starts: list[list[int]] = []
    counts: list[list[int]] = []
    for n, p in zip(blocks.tolist(), per.tolist()):
        s: list[int] = []
        c: list[int] = []
        for part in range(kv_splits):
            first = part * p
            left = max(min(n - first, p), 0)
            for j in range(0, left, blocks_per_step):
                s.append(first + j)
                c.append(min(blocks_per_step, left - j))
        starts.append(s)
        counts.append(c)
    steps = max((len(c) for c in counts), default=0)
    start_array = np.zeros((len(starts), steps), dtype=np.int64)
    count_array = np.zeros((len(counts), steps), dtype=np.int64)
    for b, (s, c) in enumerate(zip(starts, counts)):
        start_array[b, : len(s)] = s
        count_array[b, : len(c)] = c
    return start_array, count_array


def direct_attention_fp64(
    query: np.ndarray,
    key_cache: np.ndarray,
    value_cache: np.ndarray,
    block_table: np.ndarray,
    context_lens: np.ndarray,
    scale: float,
) -> np.ndarray:
    """Plain ``softmax(scale * q k^T) v`` in fp64 per sequence and head; the oracle for tests."""
    batch, num_heads, head_dim = query.shape
    _, block_size, num_kv_heads, _ = key_cache.shape
    group = num_heads // num_kv_heads
    out = np.zeros((batch, num_heads, head_dim), dtype=np.float64)
    for b in range(batch):
        length = int(context_lens[b])
        if length == 0:
            continue
        pos = np.arange(length)
        ids = block_table[b, pos // block_size]
        k = key_cache[ids, pos % block_size].astype(np.float64)  # [length, kv_heads, head_dim]
        v = value_cache[ids, pos % block_size].astype(np.float64)
        for h in range(num_heads):
            g = h // group
            s = float(scale) * (k[:, g, :] @ query[b, h].astype(np.float64))
            w = np.exp(s - s.max())
            out[b, h] = (w / w.sum()) @ v[:, g, :]
    return out


# Largest relative error of one round-to-nearest-even step to bf16 (8 significant bits).
BF16_UNIT_ROUNDOFF = math.ldexp(1.0, -8)
# The same for f16 (11 significant bits).
F16_UNIT_ROUNDOFF = math.ldexp(1.0, -11)
# Half the smallest subnormal: the absolute rounding error of values below the normal range.
_HALF_SMALLEST_SUBNORMAL = {"bf16": math.ldexp(1.0, -134), "f16": math.ldexp(1.0, -25)}
_UNIT_ROUNDOFF = {"bf16": BF16_UNIT_ROUNDOFF, "f16": F16_UNIT_ROUNDOFF}


def error_bound(dtype: str, context_len: int, v_max: float) -> float:
    """The bound on ``|paged_attention - direct_attention_fp64|`` for one sequence from the
    rounding of p to ``dtype`` (module docstring); fp32 rounding comes on top."""
    u = _UNIT_ROUNDOFF[dtype]
    return 2 * (u / (1 - u) + context_len * _HALF_SMALLEST_SUBNORMAL[dtype]) * v_max
