"""Compilation options: the knobs of the pipeline, validated in one place."""

from __future__ import annotations

import dataclasses
from typing import Literal

from ptoattn.errors import ConfigError

__all__ = ["CompileOptions", "STRATEGIES", "QUERY_TILES", "RUNTIME_RING_DEFAULTS"]

Strategy = Literal["spmd", "per-tile"]
STRATEGIES: tuple[str, ...] = ("spmd", "per-tile")
QUERY_TILES: tuple[int, ...] = (0, 16, 32, 64)

# simpler's tensormap_and_ringbuffer defaults per ring (docs/target-contracts.md section 4.1).
RUNTIME_RING_DEFAULTS = {"ring_task_window": 16384, "ring_heap": 256 * 1024 * 1024,
                         "ring_dep_pool": 16384}


@dataclasses.dataclass(frozen=True)
class CompileOptions:
    """Options of ``ptoattn-pipeline``; each field maps to one pipeline option.

    ``q_tile`` 0 lets the compiler choose; ``max_batch`` sizes the SPMD rings when the batch
    is dynamic; ``max_kv_blocks`` (default: the config's ``max_blocks_per_seq``) bounds the
    dependency-pool need. Ring limits default to the runtime's defaults.
    """

    q_tile: int = 0
    strategy: Strategy = "spmd"
    ring_task_window: int = RUNTIME_RING_DEFAULTS["ring_task_window"]
    ring_heap: int = RUNTIME_RING_DEFAULTS["ring_heap"]
    ring_dep_pool: int = RUNTIME_RING_DEFAULTS["ring_dep_pool"]
    max_batch: int = 0
    max_kv_blocks: int = 0

    def __post_init__(self) -> None:
        if self.q_tile not in QUERY_TILES:
            raise ConfigError(f"q_tile must be one of 0 (automatic), 16, 32, 64, got {self.q_tile!r}")
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}, got {self.strategy!r}")
        for name in ("ring_task_window", "ring_heap", "ring_dep_pool"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 4:
                raise ConfigError(f"{name} must be an integer >= 4, got {value!r}")
        if self.max_batch < 0:
            raise ConfigError(f"max_batch must be >= 0, got {self.max_batch!r}")
        if self.max_kv_blocks < 0:
            raise ConfigError(f"max_kv_blocks must be >= 0, got {self.max_kv_blocks!r}")

    def pipeline_options(self) -> str:
        """The option string of ``ptoattn-pipeline``."""
        return (f"q-tile={self.q_tile} strategy={self.strategy} "
                f"ring-task-window={self.ring_task_window} ring-heap={self.ring_heap} "
                f"ring-dep-pool={self.ring_dep_pool} max-batch={self.max_batch} "
                f"max-kv-blocks={self.max_kv_blocks}")
