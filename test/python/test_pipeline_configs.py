"""The lowering's configuration list, through the registered pipeline from Python.

Each configuration is built with the generated op classes, lowered by name with
``PassManager.parse`` for both strategies, verified, and lowered twice to check that the
output text is identical.
"""

from __future__ import annotations

import pytest
from mlir.passmanager import PassManager

from ptoattn import PagedAttentionConfig
from ptoattn.ir import build_module

# (num_heads, num_kv_heads, head_dim, block_size, q_tile): MQA, GQA 40/8 and 32/8, 64 heads on
# one KV head as one 64-row tile or four 16-row tiles, head_dim 64/128/256, blocks 16/64/128.
CONFIGS = [
    (16, 1, 128, 128, 0),
    (40, 8, 128, 64, 0),
    (32, 8, 64, 16, 0),
    (64, 1, 64, 16, 0),
    (64, 1, 64, 16, 16),
    (16, 1, 256, 128, 0),
    (40, 1, 128, 32, 16),
]


def _lower(config: PagedAttentionConfig, options: str) -> str:
    module = build_module(config)
    with module.context:
        PassManager.parse(f"builtin.module(ptoattn-pipeline{{{options}}})").run(module.operation)
    assert module.operation.verify()
    return str(module)


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
@pytest.mark.parametrize(("heads", "kv_heads", "head_dim", "block", "q_tile"), CONFIGS)
def test_configuration_lowers_deterministically(strategy: str, heads: int, kv_heads: int,
                                                head_dim: int, block: int, q_tile: int) -> None:
    config = PagedAttentionConfig(batch=3, num_heads=heads, num_kv_heads=kv_heads,
                                  head_dim=head_dim, block_size=block, max_blocks_per_seq=4)
    options = f"q-tile={q_tile} strategy={strategy} to-emitc=false"
    first = _lower(config, options)
    assert first == _lower(config, options)
    assert " attn." not in first  # no attn op survives
    assert first.count('aicore.kernel = #aicore.kernel<core = aic,') == 2
    assert first.count('aicore.kernel = #aicore.kernel<core = aiv, lanes = 2,') == 2
    assert first.count("orch.submit") == 4
    assert "#orch.entry<tensors = 6, scalars = 1>" in first
    if strategy == "spmd":
        rows = q_tile or next(t for t in (16, 32, 64) if t >= heads // kv_heads or t == 64)
        tiles = kv_heads * -(-(heads // kv_heads) // rows)
        assert f"blocks({3 * tiles})" in first
