"""The paged-attention problem description shared by the reference, the compiler and the simulator."""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

from ptoattn.errors import ConfigError

__all__ = ["PagedAttentionConfig", "ELEMENT_TYPES", "default_context_lens"]

ElementType = Literal["bf16", "f16"]
ELEMENT_TYPES: tuple[str, ...] = ("bf16", "f16")


@dataclasses.dataclass(frozen=True)
class PagedAttentionConfig:
    """Shapes of one paged decode-attention problem.

    ``max_blocks_per_seq`` is the width of the block table; ``num_blocks`` the number of
    blocks in the KV cache (``cache_blocks`` defaults to ``batch * max_blocks_per_seq``, one
    private block per table entry; generated inputs are instead sized by the blocks their
    lengths need, see ``reference.make_inputs``). This class only checks that the problem is well formed; whether the a2a3
    target and the pipeline support it is decided by the ``attn-check-target`` pass.
    """

    batch: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    block_size: int
    max_blocks_per_seq: int
    num_blocks: int | None = None
    dtype: ElementType = "bf16"
    scale: float | None = None

    def __post_init__(self) -> None:
        for name in (
            "batch",
            "num_heads",
            "num_kv_heads",
            "head_dim",
            "block_size",
            "max_blocks_per_seq",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if self.num_blocks is not None and (
            not isinstance(self.num_blocks, int) or self.num_blocks < 1
        ):
            raise ConfigError(f"num_blocks must be a positive integer, got {self.num_blocks!r}")
        if self.num_heads % self.num_kv_heads != 0:
            raise ConfigError(
                f"num_heads ({self.num_heads}) must be a multiple of num_kv_heads "
                f"({self.num_kv_heads})"
            )
        if self.dtype not in ELEMENT_TYPES:
            raise ConfigError(
                f"dtype must be one of {', '.join(ELEMENT_TYPES)}, got {self.dtype!r}"
            )
        # Any finite scale is computed correctly, zero and negative included (docs/inputs.md).
        if self.scale is not None and not (
            isinstance(self.scale, (int, float))
            and not isinstance(self.scale, bool)
            and math.isfinite(self.scale)
        ):
            raise ConfigError(f"scale must be a finite number, got {self.scale!r}")

    @property
    def cache_blocks(self) -> int:
        """Blocks in the KV cache."""
        return (
            self.num_blocks if self.num_blocks is not None else self.batch * self.max_blocks_per_seq
        )

    @property
    def group_size(self) -> int:
        """Query heads that share one KV head (1 for MHA, num_heads for MQA)."""
        return self.num_heads // self.num_kv_heads

    @property
    def max_context_len(self) -> int:
        """Longest context the block table can describe."""
        return self.max_blocks_per_seq * self.block_size

    @property
    def softmax_scale(self) -> float:
        """The scale applied to Q.K^T: the given one, else 1/sqrt(head_dim)."""
        return self.scale if self.scale is not None else 1.0 / math.sqrt(self.head_dim)


def default_context_lens(config: PagedAttentionConfig) -> list[int]:
    """Ragged lengths for a compiled directory's scene test when none are given.

    A formula, not a draw from generated inputs, so that compiling costs nothing that grows
    with the cache: sequence ``b`` gets ``L - (b * s) mod (L + 1)`` with ``L`` the longest
    context the table holds and stride ``s = L // 3 + block_size // 2 + 1``. Sequence 0 fills
    its table, and the others mostly end inside a block (a partly filled last block).
    """
    longest = config.max_context_len
    stride = longest // 3 + config.block_size // 2 + 1
    return [longest - (b * stride) % (longest + 1) for b in range(config.batch)]
