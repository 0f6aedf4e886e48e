"""Compilation options: the knobs of the pipeline, validated in one place."""

from __future__ import annotations

import dataclasses
from typing import Literal

from ptoattn import target
from ptoattn.errors import ConfigError

__all__ = [
    "CompileOptions",
    "STRATEGIES",
    "QUERY_TILES",
    "MAX_KV_SPLITS",
    "RUNTIME_RING_DEFAULTS",
    "RING_OPTIONS",
    "SCHEDULES",
    "SPMD_BLOCKS",
]

Strategy = Literal["spmd", "per-tile"]
# All three from ptoattn/Target/A2A3.h (ptoattn.target): the passes' own lists.
STRATEGIES: tuple[str, ...] = tuple(target.describe()["strategies"])
QUERY_TILES: tuple[int, ...] = (0, *target.describe()["query_tiles"])
MAX_KV_SPLITS: int = target.describe()["max_kv_splits"]
# simpler's tensormap_and_ringbuffer defaults per ring (docs/target-contracts.md section 4.1).
RUNTIME_RING_DEFAULTS: dict[str, int] = dict(target.describe()["ring_defaults"])
# The CompileOptions fields of the rings' limits (attn-orchestrate's ring-* options).
RING_OPTIONS: tuple[str, ...] = ("ring_task_window", "ring_heap", "ring_dep_pool")
# auto: the cost model picks every schedule option left open (docs/schedules.md);
# default: open options take the pipeline's defaults (spmd, the pass's query tile).
SCHEDULES: tuple[str, ...] = ("auto", "default")
# attn-orchestrate spmd-blocks: min(tiles, clusters) blocks looping over their tiles, or
# one block per tile (docs/passes/attn-orchestrate.md).
SPMD_BLOCKS: tuple[str, ...] = ("clusters", "tiles")


@dataclasses.dataclass(frozen=True)
class CompileOptions:
    """Options of ``ptoattn-pipeline``; each field maps to one pipeline option.

    ``schedule`` "auto" (the default) lets the cost model choose every schedule option left
    open (``q_tile`` 0, ``strategy`` None) for ``expected_context_lens`` (None: the scene
    test's lengths if given, else every sequence at its maximum); "default" gives them the
    pipeline's defaults (spmd; the pass picks the query tile). ``max_batch`` sizes the SPMD rings when the batch
    is dynamic; ``max_kv_blocks`` (default: the config's ``max_blocks_per_seq``) bounds the
    dependency-pool need. Ring limits default to the runtime's defaults. ``target`` names the
    chip (recorded as the module's ``aicore.target``); None compiles for the module's own
    target or the default chip, 910B1. ``kv_splits`` > 1 splits each sequence's KV blocks
    into that many parts run as independent chains and merged (split-KV, flash-decoding);
    0 leaves it to the schedule (auto: the cost model; default: 1, no split).
    ``kv_blocks_per_task`` is how many consecutive cache blocks of a sequence one task of
    each stage covers (0: chosen by ``--schedule auto``, 1 with ``schedule="default"``).
    ``spmd_blocks`` is how many blocks an spmd launch runs: "clusters" (min(tiles, the
    chip's clusters), each block looping over its tiles) or "tiles" (one block per tile);
    None leaves it to the schedule (default: clusters).
    """

    q_tile: int = 0
    strategy: Strategy | None = None
    kv_blocks_per_task: int = 0
    kv_splits: int = 0
    ring_task_window: int = RUNTIME_RING_DEFAULTS["ring_task_window"]
    ring_heap: int = RUNTIME_RING_DEFAULTS["ring_heap"]
    ring_dep_pool: int = RUNTIME_RING_DEFAULTS["ring_dep_pool"]
    max_batch: int = 0
    max_kv_blocks: int = 0
    spmd_blocks: str | None = None
    target: str | None = None
    schedule: str = "auto"
    expected_context_lens: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.q_tile not in QUERY_TILES:
            tiles = ", ".join(str(t) for t in QUERY_TILES[1:])
            raise ConfigError(f"q_tile must be one of 0 (automatic), {tiles}, got {self.q_tile!r}")
        if self.schedule not in SCHEDULES:
            raise ConfigError(
                f"schedule must be one of {', '.join(SCHEDULES)}, got {self.schedule!r}"
            )
        if self.expected_context_lens is not None:
            lens = self.expected_context_lens
            if isinstance(lens, (str, bytes)) or not all(
                isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in lens
            ):
                raise ConfigError(
                    f"expected_context_lens must be non-negative integers, got {lens!r}"
                )
            object.__setattr__(self, "expected_context_lens", tuple(lens))
        if (
            not isinstance(self.kv_blocks_per_task, int)
            or isinstance(self.kv_blocks_per_task, bool)
            or self.kv_blocks_per_task < 0
        ):
            raise ConfigError(
                f"kv_blocks_per_task must be 0 (chosen by the schedule) or an "
                f"integer >= 1, got {self.kv_blocks_per_task!r}"
            )
        if self.strategy is not None and self.strategy not in STRATEGIES:
            raise ConfigError(
                f"strategy must be one of {', '.join(STRATEGIES)}, got {self.strategy!r}"
            )
        if (
            not isinstance(self.kv_splits, int)
            or isinstance(self.kv_splits, bool)
            or not 0 <= self.kv_splits <= MAX_KV_SPLITS
        ):
            raise ConfigError(
                f"kv_splits must be 0 (chosen by the schedule) or an integer in "
                f"[1, {MAX_KV_SPLITS}], got {self.kv_splits!r}"
            )
        for name in RING_OPTIONS:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 4:
                raise ConfigError(f"{name} must be an integer >= 4, got {value!r}")
        if self.spmd_blocks is not None and self.spmd_blocks not in SPMD_BLOCKS:
            raise ConfigError(
                f"spmd_blocks must be one of {', '.join(SPMD_BLOCKS)}, got {self.spmd_blocks!r}"
            )
        if self.spmd_blocks == "tiles" and self.strategy == "per-tile":
            raise ConfigError(
                "spmd_blocks 'tiles' applies to strategy spmd only (per-tile launches one "
                "block per task)"
            )
        if self.max_batch < 0:
            raise ConfigError(f"max_batch must be >= 0, got {self.max_batch!r}")
        if self.max_kv_blocks < 0:
            raise ConfigError(f"max_kv_blocks must be >= 0, got {self.max_kv_blocks!r}")
        if self.target is not None:
            target.lookup(self.target)

    def pipeline_options(self) -> str:
        """The option string of ``ptoattn-pipeline`` (the target is in the IR, not here).

        ``kv-splits`` and ``kv-blocks-per-task`` appear only when not 1, ``spmd-blocks``
        only when not the default: the string heads every emitted file, and output without
        them stays what it was before they existed.
        """
        splits = f" kv-splits={self.kv_splits}" if self.kv_splits > 1 else ""
        blocks = (
            f" kv-blocks-per-task={self.kv_blocks_per_task}" if self.kv_blocks_per_task > 1 else ""
        )
        return (
            f"q-tile={self.q_tile}{blocks} strategy={self.strategy or STRATEGIES[0]}{splits} "
            f"ring-task-window={self.ring_task_window} ring-heap={self.ring_heap} "
            f"ring-dep-pool={self.ring_dep_pool} max-batch={self.max_batch} "
            f"max-kv-blocks={self.max_kv_blocks}"
            + (f" spmd-blocks={self.spmd_blocks}" if self.spmd_blocks == "tiles" else "")
        )
