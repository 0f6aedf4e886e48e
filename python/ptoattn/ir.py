"""MLIR contexts and modules with ptoattn's dialects, built through the Python bindings."""

from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from ptoattn._extension import register_dialects
from ptoattn.config import PagedAttentionConfig
from ptoattn.dialects import attn

__all__ = ["create_context", "build_module", "tensor_types"]

_ELEMENT_TYPES = {"bf16": ir.BF16Type.get, "f16": ir.F16Type.get}


def create_context() -> ir.Context:
    """A context in which ptoattn's dialects (and the upstream ones it uses) are loaded."""
    context = ir.Context()
    register_dialects(context)
    return context


def tensor_types(config: PagedAttentionConfig, *, dynamic_batch: bool = False) -> list[ir.Type]:
    """The operand types of ``attn.paged_attention`` for ``config``, in operand order.

    ``num_blocks`` and ``max_blocks_per_seq`` are dynamic (they vary per run); ``batch`` is
    static unless ``dynamic_batch``. Must be called inside a context.
    """
    dyn = ir.ShapedType.get_dynamic_size()
    batch = dyn if dynamic_batch else config.batch
    elem = _ELEMENT_TYPES[config.dtype]()
    i32 = ir.IntegerType.get_signless(32)
    cache = ir.RankedTensorType.get(
        [dyn, config.block_size, config.num_kv_heads, config.head_dim], elem
    )
    return [
        ir.RankedTensorType.get([batch, config.num_heads, config.head_dim], elem),
        cache,
        cache,
        ir.RankedTensorType.get([batch, dyn], i32),
        ir.RankedTensorType.get([batch], i32),
        ir.F32Type.get(),
    ]


def build_module(
    config: PagedAttentionConfig,
    *,
    context: ir.Context | None = None,
    func_name: str = "paged_attention",
    dynamic_batch: bool = False,
) -> ir.Module:
    """A module with one function computing ``attn.paged_attention`` for ``config``."""
    context = context or create_context()
    # A named location, so diagnostics say which function they are about.
    with context, ir.Location.name(func_name):
        module = ir.Module.create()
        arg_types = tensor_types(config, dynamic_batch=dynamic_batch)
        with ir.InsertionPoint(module.body):

            @func.FuncOp.from_py_func(*arg_types, name=func_name)
            def _body(query, key_cache, value_cache, block_table, context_lens, scale):
                return attn.paged_attention(
                    query, key_cache, value_cache, block_table, context_lens, scale
                )

        return module
