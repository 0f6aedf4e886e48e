"""``--schedule auto``: pick the schedule the cost model says is fastest (docs/schedules.md).

Each candidate (a value for every schedule option the user left open) is lowered to the
aicore/orch IR by the real pipeline, and its task graph is modeled for the expected context
lengths without compiling or running any C++: C++ interprets the orchestration and charges
every kernel invocation with the simulator's own per-instruction costs
(``ptoattn._extension.model_task_graph``), and the simulator's task-level model schedules the
graph (``ptoattn.sim.timing.model_arrays``). The fastest candidate wins; ties go to the first
in the fixed candidate order. Lowering errors rule a candidate out, with the reason recorded.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import math
import time

from mlir import ir

from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import ConfigError
from ptoattn.options import QUERY_TILES, STRATEGIES, CompileOptions

__all__ = [
    "Candidate",
    "ScheduleChoice",
    "choose",
    "model_lowered",
    "schedule_axes",
    "MAX_MODELED_BLOCKS",
]

logger = logging.getLogger(__name__)


def schedule_axes() -> list[tuple[str, tuple, object]]:
    """The schedule options auto chooses: (CompileOptions field, candidate values in the
    fixed tie-break order, the field's "not given" value). A new schedule option joins by
    adding one row here."""
    return [
        ("strategy", tuple(STRATEGIES), None),
        ("q_tile", tuple(t for t in QUERY_TILES if t), 0),
        ("kv_splits", (1, 2, 4), 0),
        ("kv_blocks_per_task", (1, 4, 16, 64), 0),
    ]


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One schedule considered: its option values and modeled time (or why it was ruled out)."""

    values: dict
    modeled_us: float = math.inf  # ruled out: no modeled time
    bound: str | None = None
    tasks: int | None = None
    error: str | None = None

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.values.items())

    def record(self) -> dict:
        out = dict(self.values)
        if self.error is not None:
            out["error"] = self.error
        else:
            out.update(modeled_us=round(self.modeled_us, 3), bound=self.bound, tasks=self.tasks)
        return out


@dataclasses.dataclass(frozen=True)
class ScheduleChoice:
    """What auto chose, the lengths it modeled, and every candidate it considered."""

    chosen: Candidate
    candidates: tuple[Candidate, ...]
    context_lens_source: str
    seconds: float

    def record(self) -> dict:
        """The manifest's ``schedule`` entry (no wall time: manifests are byte-identical)."""
        return {
            "mode": "auto",
            "context_lens": self.context_lens_source,
            "chosen": dict(self.chosen.values),
            "modeled_us": round(self.chosen.modeled_us, 3),
            "candidates": [c.record() for c in self.candidates],
        }

    def summary(self) -> str:
        others = ", ".join(
            f"{c.label()}: " + (f"{c.modeled_us:.1f} us" if c.error is None else c.error)
            for c in self.candidates
        )
        return (
            f"schedule auto: {self.chosen.label()} (modeled {self.chosen.modeled_us:.1f} us, "
            f"{self.context_lens_source}); candidates: {others}; chosen in "
            f"{self.seconds:.2f} s"
        )


# Larger graphs are not modeled (about 240 bytes of modeled work per block): a candidate
# with more blocks is recorded as too large, and if none is small enough the open options
# take the pipeline's defaults.
MAX_MODELED_BLOCKS = 1 << 18


def model_lowered(
    module: ir.Module,
    context_lens: list[int],
    max_blocks: int,
    clusters: int = 0,
    max_modeled_blocks: int = MAX_MODELED_BLOCKS,
    prune_above_us: float = 0.0,
) -> dict:
    """The modeled a2a3 time of a lowered module run on these lengths, nothing compiled:
    ``tasks``, ``blocks`` and (unless there are more than ``max_modeled_blocks`` blocks;
    negative: count only) ``makespan_us``, ``bound``, ``lower_bounds_us``, ``hbm_bytes``; or
    ``pruned_us`` when HBM, cube or vector work alone needs at least ``prune_above_us``."""
    from ptoattn._extension import model_schedule

    result = json.loads(
        model_schedule(
            module.operation,
            [int(x) for x in context_lens],
            int(max_blocks),
            int(clusters),
            int(max_modeled_blocks),
            float(prune_above_us),
        )
    )
    if "error" in result:
        raise ConfigError(f"the schedule model cannot follow this module: {result['error']}")
    return result


def dispatch_bound_us(tasks: int, blocks: int) -> float:
    """A lower bound of the modeled time from the task and block counts alone: the
    orchestrator's submits or the schedulers' dispatch work, whichever is larger (the
    constants of cost_a2a3.hpp)."""
    from ptoattn.sim.timing import _cost_constant as k

    sched = (tasks * k("kSchedTaskUs") + blocks * k("kSchedBlockUs")) / k("kSchedThreads")
    return k("kPreambleUs") + max(tasks * k("kOrchSubmitUs"), sched)


def expected_lens(
    config: PagedAttentionConfig, options: CompileOptions, context_lens: list[int] | None
) -> tuple[list[int], str]:
    """The lengths auto models, and where they came from."""
    if options.expected_context_lens is not None:
        lens, source = list(options.expected_context_lens), "expected_context_lens"
    elif context_lens is not None:
        lens, source = list(context_lens), "the scene test's context_lens"
    else:
        return [
            config.max_context_len
        ] * config.batch, f"every sequence at max_blocks * block_size = {config.max_context_len}"
    if len(lens) != config.batch or any(x < 0 or x > config.max_context_len for x in lens):
        raise ConfigError(
            f"expected_context_lens must hold {config.batch} lengths in "
            f"[0, {config.max_context_len}], got {lens}"
        )
    return lens, source


def choose(
    module_text: str,
    context: ir.Context,
    config: PagedAttentionConfig,
    options: CompileOptions,
    context_lens: list[int] | None,
    clusters: int,
) -> tuple[CompileOptions, ScheduleChoice | None]:
    """Options with every open schedule option set to the modeled-fastest value.

    Returns ``options`` unchanged (and no choice) when every schedule option is given.
    """
    from ptoattn.compiler import CompileError, run_pipeline
    from ptoattn.pipeline import Pipeline

    start = time.perf_counter()
    axes = schedule_axes()
    open_axes = [(f, values) for f, values, unset in axes if getattr(options, f) == unset]
    if not open_axes:
        return options, None
    lens, source = expected_lens(config, options, context_lens)
    fixed = {f: getattr(options, f) for f, _, unset in axes if getattr(options, f) != unset}
    # Phase 1, in the fixed order: lower every candidate and count its tasks and blocks.
    results: list[Candidate | None] = []
    lowered: list[tuple[int, dict, ir.Module, dict]] = []
    for combo in itertools.product(*(values for _, values in open_axes)):
        values = {**fixed, **dict(zip((f for f, _ in open_axes), combo))}
        values = {f: values[f] for f, _, _ in axes}  # one key order for every record
        results.append(None)
        try:  # an impossible combination with a given option is one more ruled-out candidate
            trial = dataclasses.replace(options, **values)
        except ConfigError as err:
            results[-1] = Candidate(values, error=str(err))
            continue
        full = Pipeline.default(trial)
        first = next(i for i, e in enumerate(full.entries) if e.name.startswith("convert-"))
        module = ir.Module.parse(module_text, context)
        try:
            run_pipeline(module, str(Pipeline(full.entries[:first])))
            counted = model_lowered(module, lens, config.max_blocks_per_seq, clusters, -1)
        except CompileError as err:
            reason = (
                err.diagnostics.strip().splitlines()[0] if err.diagnostics.strip() else "rejected"
            )
            results[-1] = Candidate(values, error=reason.split(": error: ")[-1])
            continue
        except ConfigError as err:  # an op the model does not know: choose among the rest
            results[-1] = Candidate(values, error=f"not modeled: {err}")
            continue
        lowered.append((len(results) - 1, values, module, counted))
    # Phase 2: model the fewest blocks first (usually the fastest, so the bounds prune the
    # rest early); a candidate is pruned only when a bound is strictly above the best.
    best: Candidate | None = None
    for index, values, module, counted in sorted(lowered, key=lambda e: (e[3]["blocks"], e[0])):
        limit = best.modeled_us + 1e-6 if best is not None else 0.0
        bound = dispatch_bound_us(counted["tasks"], counted["blocks"])
        if best is not None and bound >= limit:
            results[index] = Candidate(
                values, error=f"pruned: dispatch alone takes at least {bound:.1f} us"
            )
            continue
        if counted["blocks"] > MAX_MODELED_BLOCKS:
            results[index] = Candidate(
                values,
                error=f"not modeled: {counted['blocks']} blocks, more than {MAX_MODELED_BLOCKS}",
            )
            continue
        report = model_lowered(
            module, lens, config.max_blocks_per_seq, clusters, prune_above_us=limit
        )
        if "pruned_us" in report:
            results[index] = Candidate(
                values,
                error=f"pruned: HBM, cube or vector work alone "
                f"takes at least {report['pruned_us']:.1f} us",
            )
            continue
        results[index] = Candidate(values, report["makespan_us"], report["bound"], report["tasks"])
        if best is None or report["makespan_us"] < best.modeled_us:
            best = results[index]
    candidates = [c for c in results if c is not None]
    modeled = [(round(c.modeled_us, 6), i, c) for i, c in enumerate(candidates) if c.error is None]
    # The fastest; a tie keeps the earlier candidate in the fixed order.
    best = min(modeled, key=lambda m: m[:2])[2] if modeled else None
    if best is None:
        # Nothing modeled (every candidate rejected or too large): the open options take
        # the pipeline's defaults, and a rejection surfaces as that compile's own error.
        logger.info("schedule auto: no candidate modeled; the pipeline's defaults")
        return options, None
    choice = ScheduleChoice(best, tuple(candidates), source, time.perf_counter() - start)
    logger.info("%s", choice.summary())
    return dataclasses.replace(options, **best.values), choice
