"""The ``attn`` dialect: generated op classes plus a typed builder for paged attention."""

from __future__ import annotations

from mlir import ir

from ptoattn import _extension  # noqa: F401  (registers the dialect's C++ side first)
from ptoattn.dialects._attn_ops_gen import *  # noqa: F401,F403
from ptoattn.dialects._attn_ops_gen import PagedAttentionOp

__all__ = ["PagedAttentionOp", "paged_attention"]


def paged_attention(
    query: ir.Value,
    key_cache: ir.Value,
    value_cache: ir.Value,
    block_table: ir.Value,
    context_lens: ir.Value,
    scale: ir.Value,
    *,
    loc: ir.Location | None = None,
    ip: ir.InsertionPoint | None = None,
) -> ir.Value:
    """Builds ``attn.paged_attention``; the f32 result shape follows ``query``."""
    query_type = ir.RankedTensorType(query.type)
    result_type = ir.RankedTensorType.get(query_type.shape, ir.F32Type.get())
    return PagedAttentionOp(
        result_type, query, key_cache, value_cache, block_table, context_lens, scale, loc=loc, ip=ip
    ).result
