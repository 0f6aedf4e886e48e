"""``--schedule auto``: pick the schedule the cost model says is fastest (docs/schedules.md).

Each candidate (a value for every schedule option the user left open) is lowered to the
aicore/orch IR by the real pipeline, and its task graph is modeled for the expected context
lengths without compiling or running any C++: C++ interprets the orchestration and charges
every kernel invocation with the simulator's own per-instruction costs
(``ptoattn._extension.model_task_graph``), and the simulator's task-level model schedules the
graph (``ptoattn.sim.timing.model_arrays``). The fastest candidate wins; ties go to the first
in the fixed candidate order. Lowering errors rule a candidate out, with the reason recorded.
Every candidate is lowered with the user's ring options (ring-task-window, ring-heap,
ring-dep-pool): one whose scopes need more is ruled out with what it needs, and the ring
heap's bounded run-ahead is part of what is modeled.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import math
import re
import time
from typing import Any

from mlir import ir

from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import ConfigError
from ptoattn.options import QUERY_TILES, RING_OPTIONS, STRATEGIES, CompileOptions

__all__ = [
    "Candidate",
    "ScheduleChoice",
    "chain_steps",
    "choose",
    "dominating",
    "lower",
    "floor_terms_us",
    "floor_us",
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
        ("kv_blocks_per_task", (1, 8, 16, 64), 0),
        ("spmd_blocks", ("clusters", "tiles"), None),
    ]


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One schedule considered: its option values and modeled time (or why it was ruled out).

    ``ring_needs``: for a candidate whose scopes do not fit the user's rings, the smallest
    value of each ring option it exceeds."""

    values: dict
    modeled_us: float = math.inf  # ruled out: no modeled time
    bound: str | None = None
    tasks: int | None = None
    error: str | None = None
    ring_needs: dict[str, int] | None = None

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.values.items())

    def record(self) -> dict:
        out = dict(self.values)
        if self.error is not None:
            out["error"] = self.error
            if self.ring_needs is not None:
                out["ring_needs"] = dict(self.ring_needs)
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
        """The ``-v`` line: the choice, the modeled candidates fastest first (named by the
        options auto chose), then the reasons the others were ruled out, each with how many
        it ruled out (the manifest lists every candidate)."""
        open_fields = [
            f for f in self.chosen.values if len({c.values[f] for c in self.candidates}) > 1
        ]

        def short(c: Candidate) -> str:
            return " ".join(f"{f}={c.values[f]}" for f in open_fields) or c.label()

        # sorted() is stable: equal times keep the candidate order, as the choice does.
        modeled = sorted(
            (c for c in self.candidates if c.error is None), key=lambda c: round(c.modeled_us, 6)
        )
        ranked = ", ".join(f"{c.modeled_us:.1f} us {short(c)}" for c in modeled)
        reasons = _merge_reasons([c.error for c in self.candidates if c.error is not None])
        ruled_out = "; ".join(f"{count} x {reason}" for count, reason in reasons)
        return (
            f"schedule auto: {self.chosen.label()} (modeled {self.chosen.modeled_us:.1f} us, "
            f"{self.context_lens_source}); {len(modeled)} modeled, fastest first: {ranked}"
            + (f"; {len(self.candidates) - len(modeled)} ruled out: {ruled_out}" if reasons else "")
            + f"; chosen in {self.seconds:.2f} s"
        )


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _merge_reasons(reasons: list[str]) -> list[tuple[int, str]]:
    """Reasons that differ only in their numbers merged into one, with how many there were,
    in the order of their first appearance: a number that differs shows its values (a|b|c,
    or lowest..highest when more than four)."""
    groups: dict[str, list[list[str]]] = {}
    for reason in reasons:
        groups.setdefault(_NUMBER.sub("\0", reason), []).append(_NUMBER.findall(reason))
    merged = []
    for template, numbers in groups.items():
        slots = []
        for values in zip(*numbers):
            distinct = sorted(set(values), key=float)
            slots.append(
                "|".join(distinct) if len(distinct) <= 4 else f"{distinct[0]}..{distinct[-1]}"
            )
        first, *rest = template.split("\0")
        merged.append((len(numbers), first + "".join(v + p for v, p in zip(slots, rest))))
    return merged


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
    memoize: bool = True,
) -> dict:
    """The modeled a2a3 time of a lowered module run on these lengths, nothing compiled:
    ``tasks``, ``blocks`` and (unless there are more than ``max_modeled_blocks`` blocks;
    negative: count only) ``makespan_us``, ``bound``, ``lower_bounds_us``, ``hbm_bytes``; or
    ``pruned_us`` when HBM, cube or vector work alone needs at least ``prune_above_us``.
    ``memoize=False`` interprets every kernel invocation and tile-loop iteration: the same
    result, slower (what the memoised model is tested against)."""
    from ptoattn._extension import model_schedule

    result = json.loads(
        model_schedule(
            module.operation,
            [int(x) for x in context_lens],
            int(max_blocks),
            int(clusters),
            int(max_modeled_blocks),
            float(prune_above_us),
            bool(memoize),
        )
    )
    if "error" in result:
        raise ConfigError(f"the schedule model cannot follow this module: {result['error']}")
    return result


def dominating(values: dict, config: PagedAttentionConfig) -> tuple[dict, str] | None:
    """An earlier candidate that runs the same tasks as ``values`` with no more work, and
    why; auto skips ``values`` when that one was lowered. Two rules, for any lengths:

    - kv_blocks_per_task N: once a smaller N' covers the most blocks a chain can have
      (``ceil(max_blocks / kv_splits)``), every chain is one step under both; N only makes
      the step's buffers larger;
    - q_tile: a smaller tile that gives as many tiles per KV-head group has the same tasks
      and blocks with fewer padding rows.
    """
    axes = dict((f, candidates) for f, candidates, _ in schedule_axes())
    blocks, splits = values["kv_blocks_per_task"], values["kv_splits"]
    chain = -(-config.max_blocks_per_seq // splits)
    covering = [n for n in axes["kv_blocks_per_task"] if chain <= n < blocks]
    if covering:
        return (
            {**values, "kv_blocks_per_task": covering[0]},
            f"every chain is one step at kv_blocks_per_task={covering[0]} already",
        )
    group = config.num_heads // config.num_kv_heads
    tile = values["q_tile"]
    same = [t for t in axes["q_tile"] if t < tile and -(-group // t) == -(-group // tile)]
    if same:
        return (
            {**values, "q_tile": same[0]},
            f"q_tile={same[0]} has the same tiles with fewer padding rows",
        )
    return None


def chain_steps(lens: list[int], block_size: int, blocks_per_step: int, splits: int) -> list[int]:
    """The KV steps of every chain (one per sequence and split part): part p of a sequence's
    n blocks holds [p * per, min((p + 1) * per, n)), per = ceil(n / splits), in steps of
    ``blocks_per_step`` blocks (attn-tile)."""
    steps = []
    for length in lens:
        n = -(-length // block_size)
        per = -(-n // splits)
        steps += [-(-max(min(n - p * per, per), 0) // blocks_per_step) for p in range(splits)]
    return steps


def floor_terms_us(
    values: dict, config: PagedAttentionConfig, lens: list[int]
) -> tuple[float, float]:
    """Two lower bounds of a candidate's modeled time from its options alone, before
    lowering (the constants of cost_a2a3.hpp; ``floor_us`` is the larger):

    - submits: the orchestrator submits tasks one after another after the run preamble; a
      KV step is the four stage tasks: spmd, the host runs the longest chain's steps (at
      least one); per tile, every chain of every tile runs its own (an empty chain still
      submits its update, which writes its state);
    - HBM: every query tile loads the keys and values of its sequence's positions for its KV
      head (a group split over several tiles loads them once per tile), at the effective
      rate after the preamble.
    """
    from ptoattn.sim.timing import _cost_constant as k

    group = config.num_heads // config.num_kv_heads
    tiles = -(-group // values["q_tile"])  # per KV head
    steps = chain_steps(lens, config.block_size, values["kv_blocks_per_task"], values["kv_splits"])
    if values["strategy"] == "spmd":
        tasks = 4 * max([1, *steps])
    elif values["strategy"] == "per-tile":
        tasks = config.num_kv_heads * tiles * sum(max(1, s) + 3 * s for s in steps)
    else:
        tasks = 0
    # K and V rows of 2-byte elements (bf16, f16), per KV head and query tile.
    kv_bytes = 2 * sum(lens) * config.head_dim * 2 * config.num_kv_heads * tiles
    preamble = k("kPreambleUs")
    return (
        preamble + tasks * k("kOrchSubmitUs"),
        preamble + kv_bytes / (k("kHbmEffectiveTBs") * 1e6),
    )


def floor_us(values: dict, config: PagedAttentionConfig, lens: list[int]) -> float:
    """A lower bound of a candidate's modeled time from its options alone (floor_terms_us)."""
    return max(floor_terms_us(values, config, lens))


def dispatch_bound_us(tasks: int, blocks: int) -> float:
    """A lower bound of the modeled time from the task and block counts alone: the
    orchestrator's submits or the schedulers' dispatch work, whichever is larger (the
    constants of cost_a2a3.hpp)."""
    from ptoattn.sim.timing import _cost_constant as k

    sched = (tasks * k("kSchedTaskUs") + blocks * k("kSchedBlockUs")) / k("kSchedThreads")
    return k("kPreambleUs") + max(tasks * k("kOrchSubmitUs"), sched)


def ring_needs(requirements: tuple[dict, ...] | list[dict]) -> dict[str, int]:
    """The smallest value of each ring option under which every scope of these per-ring
    requirements fits: attn-orchestrate's ring check, where a task window of W holds W - 1
    tasks of a scope."""
    return {
        "ring_task_window": max((r["task_slots"] + 1 for r in requirements), default=0),
        "ring_heap": max((r["heap_bytes"] for r in requirements), default=0),
        "ring_dep_pool": max((r["dep_entries"] for r in requirements), default=0),
    }


def _option_name(field: str) -> str:
    """A CompileOptions field as the pipeline (and the command line) spells it."""
    return field.replace("_", "-")


# Ring limits no scope reaches: a candidate lowered with them shows what it needs.
_UNBOUNDED_RING = 1 << 62


def lower(module_text: str, context: ir.Context, options: CompileOptions) -> ir.Module:
    """The module lowered by ``options``' pipeline up to (not including) the conversions to
    EmitC: what the schedule model reads. Raises CompileError with the pipeline's error."""
    from ptoattn.compiler import run_pipeline
    from ptoattn.pipeline import Pipeline

    full = Pipeline.default(options)
    first = next(i for i, e in enumerate(full.entries) if e.name.startswith("convert-"))
    module = ir.Module.parse(module_text, context)
    run_pipeline(module, str(Pipeline(full.entries[:first])))
    return module


def _exceeded_rings(
    module_text: str, context: ir.Context, options: CompileOptions
) -> dict[str, int] | None:
    """For a candidate the pipeline rejected: the ring options whose values it exceeds and
    the smallest values that fit, when its rings are all that stops it (None otherwise)."""
    from ptoattn.compiler import CompileError, _orchestration_facts

    rings: dict[str, Any] = {f: _UNBOUNDED_RING for f in RING_OPTIONS}
    unbounded = dataclasses.replace(options, **rings)
    try:
        _, requirements = _orchestration_facts(lower(module_text, context, unbounded))
    except CompileError:
        return None
    needs = ring_needs(requirements)
    exceeded = {f: needs[f] for f in RING_OPTIONS if needs[f] > getattr(options, f)}
    return exceeded or None


def _no_fit_error(candidates: list[Candidate], options: CompileOptions, fixed: dict) -> ConfigError:
    """The error when every candidate that lowers at all misses the user's rings: the
    smallest raise that lets one fit (fewest options, then the smallest factor, then the
    candidate order), and the schedule options the user gave, which bound the search."""
    misfits = [c for c in candidates if c.ring_needs]

    def raise_cost(c: Candidate) -> tuple[int, float]:
        assert c.ring_needs is not None
        return len(c.ring_needs), max(v / getattr(options, f) for f, v in c.ring_needs.items())

    easiest = min(misfits, key=raise_cost)
    assert easiest.ring_needs is not None
    raises = " and ".join(
        f"{_option_name(f)} from {getattr(options, f)} to at least {v}"
        for f, v in easiest.ring_needs.items()
    )
    given = " with " + " ".join(f"{k}={v}" for k, v in fixed.items()) if fixed else ""
    return ConfigError(
        f"no schedule candidate{given} fits the rings: raise {raises} "
        f"({easiest.label()} then fits; {len(misfits)} of {len(candidates)} candidates "
        f"need larger rings)"
    )


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
    from ptoattn.compiler import CompileError

    start = time.perf_counter()
    axes = schedule_axes()
    open_axes = [(f, values) for f, values, unset in axes if getattr(options, f) == unset]
    if not open_axes:
        return options, None
    lens, source = expected_lens(config, options, context_lens)
    fixed = {f: getattr(options, f) for f, _, unset in axes if getattr(options, f) != unset}
    results: list[Candidate | None] = []
    trials: list[tuple[int, dict, CompileOptions, float, float]] = []
    for combo in itertools.product(*(values for _, values in open_axes)):
        values = {**fixed, **dict(zip((f for f, _ in open_axes), combo))}
        values = {f: values[f] for f, _, _ in axes}  # one key order for every record
        results.append(None)
        try:  # an impossible combination with a given option is one more ruled-out candidate
            trial = dataclasses.replace(options, **values)
        except ConfigError as err:
            results[-1] = Candidate(values, error=str(err))
            continue
        submits, hbm = floor_terms_us(values, config, lens)
        trials.append((len(results) - 1, values, trial, max(submits, hbm), submits))
    # Lowest floor first, then fewest submits: usually the fastest, so the bounds rule
    # most of the rest out early, before they are lowered. The order decides nothing but
    # what is recorded: a candidate is ruled out only by a bound strictly above the best so
    # far, and the best is taken in the fixed order below.
    best: Candidate | None = None
    lowered: set[tuple] = set()  # and the candidates skipped for them
    for index, values, trial, floor, _ in sorted(trials, key=lambda t: (t[3], t[4], t[0])):
        limit = best.modeled_us + 1e-6 if best is not None else 0.0
        # Dominated by a candidate that was lowered, or skipped for one (the same floors,
        # so it came before): skipped.
        other = dominating(values, config)
        if other is not None and tuple(other[0].items()) in lowered:
            results[index] = Candidate(values, error=f"skipped: {other[1]}")
            lowered.add(tuple(values.items()))
            continue
        if best is not None and floor >= limit:
            results[index] = Candidate(
                values,
                error=f"pruned: its submits or K/V loads alone take at least {floor:.1f} us",
            )
            continue
        try:
            module = lower(module_text, context, trial)
            counted = model_lowered(module, lens, config.max_blocks_per_seq, clusters, -1)
        except CompileError as err:
            exceeded = _exceeded_rings(module_text, context, trial)
            if exceeded is not None:
                needs = ", ".join(
                    f"{_option_name(f)} >= {v} (given {getattr(trial, f)})"
                    for f, v in exceeded.items()
                )
                results[index] = Candidate(
                    values, error=f"rings: needs {needs}", ring_needs=exceeded
                )
                continue
            reason = (
                err.diagnostics.strip().splitlines()[0] if err.diagnostics.strip() else "rejected"
            )
            results[index] = Candidate(values, error=reason.split(": error: ")[-1])
            continue
        except ConfigError as err:  # an op the model does not know: choose among the rest
            results[index] = Candidate(values, error=f"not modeled: {err}")
            continue
        lowered.add(tuple(values.items()))
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
    if not lowered and any(c.ring_needs for c in candidates):
        # Larger rings would let a candidate lower: say which, rather than failing on the
        # pipeline defaults' own ring error.
        raise _no_fit_error(candidates, options, fixed)
    if best is None:
        # Nothing modeled (every candidate rejected or too large): the open options take
        # the pipeline's defaults, and a rejection surfaces as that compile's own error.
        logger.info("schedule auto: no candidate modeled; the pipeline's defaults")
        return options, None
    choice = ScheduleChoice(best, tuple(candidates), source, time.perf_counter() - start)
    logger.info("%s", choice.summary())
    return dataclasses.replace(options, **best.values), choice
