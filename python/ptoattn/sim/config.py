"""Simulator options (validated; errors name the parameter and its allowed values)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ptoattn.sim.errors import SimError

NUM_RINGS = 4
DEFAULT_HEAP_SIZE = 256 * 1024 * 1024  # per ring, as PTO2_HEAP_SIZE in the pinned runtime
DEFAULT_TASK_WINDOW = 16384  # per ring, PTO2_TASK_WINDOW_SIZE
DEFAULT_DEP_POOL = 16384  # per ring, PTO2_DEP_LIST_POOL_SIZE
DEFAULT_TENSORMAP_POOL = 65536  # PTO2_TENSORMAP_POOL_SIZE
CHECK_GROUPS = ("bounds", "races", "lines", "sync")
SCHEDULES = ("fifo", "lifo", "random")

PerRing = int | Sequence[int]

# Constants of the task-level timing model a run may override (timeline.cpp ModelParams::set);
# the defaults live in sim/include/pto/sim/cost_a2a3.hpp.
MODEL_KEYS = (
    "clusters",
    "sched_threads",
    "orch_submit_us",
    "sched_task_us",
    "sched_block_us",
    "aicore_start_us",
    "completion_us",
    "preamble_us",
    "hbm_effective_tbs",
)


def model_options(overrides: dict) -> str:
    """The runtime's option lines for timing-model overrides, validated."""
    lines = []
    for key, value in sorted(overrides.items()):
        if key not in MODEL_KEYS:
            raise SimError(f"model: unknown key {key!r}; allowed: {', '.join(MODEL_KEYS)}")
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or value < 0
            or (key in ("clusters", "sched_threads") and (int(value) != value or value < 1))
            or (key == "hbm_effective_tbs" and value <= 0)
        ):
            raise SimError(
                f"model: {key} must be a non-negative number (clusters, sched_threads: "
                f"integers >= 1; hbm_effective_tbs > 0), got {value!r}"
            )
        lines.append(f"model_{key}={value!r}")
    return "\n".join(lines)


def _per_ring(name: str, v: PerRing, minimum: int, pow2: bool = False) -> list[int]:
    vals = [v] * NUM_RINGS if isinstance(v, int) else list(v)
    if not 1 <= len(vals) <= NUM_RINGS:
        raise SimError(
            f"{name}: give one value or up to {NUM_RINGS} (one per ring), got {len(vals)}"
        )
    vals += [vals[-1]] * (NUM_RINGS - len(vals))
    for x in vals:
        if not isinstance(x, int) or isinstance(x, bool) or x < minimum:
            raise SimError(f"{name}: each value must be an integer >= {minimum}, got {x!r}")
        if pow2 and x & (x - 1):
            raise SimError(
                f"{name}: each value must be a power of two (the runtime masks slot indices), got {x}"
            )
    return vals


@dataclass
class SimConfig:
    """Knobs of a simulator run. Ring sizes default to the real runtime's defaults.

    model_only: model the time without the per-element arithmetic (outputs are not computed;
    implies checks="none"). model: overrides of the timing model's constants (MODEL_KEYS).

    checks: "all", "none", or any of "bounds" (out-of-bounds, writes to inputs), "races"
    (happens-before analysis of all GM accesses: forgotten dependencies, unordered writers,
    write-after-read), "lines" (blocks/lanes sharing a 64-byte GM line), "sync" (flag pairing,
    final store drain). "races" and "lines" need "bounds" (it records the accesses).

    run_ahead: kernels run only while the orchestration waits (on a ring, a pool or a read)
    and after it returns, so it runs as far ahead of the device as the rings let it: the
    worst case for ring use, which the compiler's ring needs bound. Deterministic with
    threads=1.
    """

    threads: int = 2
    heap_size: PerRing = DEFAULT_HEAP_SIZE
    task_window: PerRing = DEFAULT_TASK_WINDOW
    dep_pool: PerRing = DEFAULT_DEP_POOL
    tensormap_pool: int = DEFAULT_TENSORMAP_POOL
    clusters: int = 24
    checks: str | Iterable[str] = "all"
    poison: bool = False
    schedule: str = "fifo"
    seed: int = 0
    max_findings_per_check: int = 20
    model_only: bool = False
    model: dict = field(default_factory=dict)
    run_ahead: bool = False

    def check_set(self) -> set[str]:
        if isinstance(self.checks, str):
            if self.checks == "all":
                return set(CHECK_GROUPS)
            if self.checks == "none":
                return set()
            items = [c.strip() for c in self.checks.split(",") if c.strip()]
        else:
            items = list(self.checks)
        bad = [c for c in items if c not in CHECK_GROUPS]
        if bad:
            raise SimError(
                f"checks: unknown check {bad[0]!r}; allowed: 'all', 'none' or any of {', '.join(CHECK_GROUPS)}"
            )
        s = set(items)
        if s & {"races", "lines"}:
            s.add("bounds")
        return s

    def to_options(self) -> str:
        if not isinstance(self.threads, int) or not 1 <= self.threads <= 64:
            raise SimError(f"threads: must be an integer in 1..64, got {self.threads!r}")
        if not isinstance(self.clusters, int) or not 1 <= self.clusters <= 1024:
            raise SimError(f"clusters: must be an integer in 1..1024, got {self.clusters!r}")
        if not isinstance(self.tensormap_pool, int) or self.tensormap_pool < 1:
            raise SimError(
                f"tensormap_pool: must be a positive integer, got {self.tensormap_pool!r}"
            )
        if self.schedule not in SCHEDULES:
            raise SimError(
                f"schedule: must be one of {', '.join(SCHEDULES)}, got {self.schedule!r}"
            )
        if not isinstance(self.max_findings_per_check, int) or self.max_findings_per_check < 1:
            raise SimError(
                f"max_findings_per_check: must be a positive integer, got {self.max_findings_per_check!r}"
            )
        heap = _per_ring("heap_size", self.heap_size, 1024)
        window = _per_ring("task_window", self.task_window, 4, pow2=True)
        dep = _per_ring("dep_pool", self.dep_pool, 1)
        checks = set() if self.model_only else self.check_set()
        opts = {
            "threads": self.threads,
            "clusters": self.clusters,
            "heap_size": ",".join(map(str, heap)),
            "task_window": ",".join(map(str, window)),
            "dep_pool": ",".join(map(str, dep)),
            "tensormap_pool": self.tensormap_pool,
            "check_gm": int("bounds" in checks),
            "check_races": int("races" in checks),
            "check_lines": int("lines" in checks),
            "check_sync": int("sync" in checks),
            "poison": int(bool(self.poison)),
            "schedule": SCHEDULES.index(self.schedule),
            "seed": int(self.seed) & 0xFFFFFFFFFFFFFFFF,
            "max_findings_per_check": self.max_findings_per_check,
            "model_only": int(bool(self.model_only)),
            "run_ahead": int(bool(self.run_ahead)),
        }
        model = model_options(self.model)
        return "\n".join(f"{k}={v}" for k, v in opts.items()) + ("\n" + model if model else "")
