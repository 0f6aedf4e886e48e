"""Calibration of the timing model against simpler's hardware measurements (docs/cost-model.md).

Each case rebuilds the task graph of one of simpler's paged-attention schedules and the work of
each task (bytes per transfer, matmul shapes, vector passes) as synthetic kernels costed with
the model's own per-instruction formulas, then runs the task-level model on it
(``model_graph``). A synthetic kernel overlaps its pipes fully (double-buffered streams), so its
duration is its busiest pipe. ``calibration_table()`` is what ``bench/calibrate.py`` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ptoattn.sim.timing import GraphTask, _cost_constant, model_graph

_C: dict[str, float] = {}


def _k(name: str) -> float:
    if name not in _C:
        _C[name] = _cost_constant(name)
    return _C[name]


def _xfer(nbytes: float, gibs: str) -> float:
    return nbytes / (_k(gibs) * 1024.0**3) * _k("kClockHz")


def _mad(m: int, k: int, n: int) -> float:
    return _k("kMadHeadCycles") + -(-m // 16) * -(-k // 16) * -(-n // 16)


# fp32 rows of the vector table (cost_a2a3.hpp kVecCost) used by the synthetic softmax/update.
_VEC = {
    "max": (0.0625, 48),
    "sum": (0.0625, 61.5),
    "expand": (0.1176, 34.5),
    "exp": (0.0314, 30.1),
    "bin": (0.0325, 16.5),
    "muls": (0.0169, 17.5),
}


def _vec(op: str, elems: int) -> float:
    slope, bias = _VEC[op]
    return slope * elems + bias


class _Kernel:
    """Busy cycles per pipe of one synthetic kernel invocation, and its GM bytes."""

    def __init__(self):
        self.pipes: dict[str, float] = {}
        self.bytes = 0.0

    def add(self, pipe: str, cycles: float, gm_bytes: float = 0.0) -> _Kernel:
        self.pipes[pipe] = self.pipes.get(pipe, 0.0) + cycles
        self.bytes += gm_bytes
        return self

    def work(self):
        return (max(self.pipes.values()), self.bytes, dict(self.pipes))


def _qk(rows: int, hd: int, bs: int, blocks: int) -> _Kernel:
    k = _Kernel()
    kv = bs * hd * 2
    k.add(
        "MTE2",
        _xfer(rows * hd * 2, "kGmToL1GiBs") + blocks * _xfer(kv, "kGmToL1GiBs"),
        rows * hd * 2 + blocks * kv,
    )
    k.add("MTE1", blocks * (_xfer(rows * hd * 2, "kL1ToL0aGiBs") + _xfer(kv, "kL1ToL0bGiBs")))
    k.add("M", blocks * _mad(rows, hd, bs))
    k.add("FIX", blocks * _xfer(rows * bs * 4, "kL0cToGmGiBs"), blocks * rows * bs * 4)
    return k


def _softmax(rows: int, bs: int, blocks: int) -> _Kernel:
    """One AIV lane: half the rows. Scores in (fp32), probabilities out (bf16)."""
    k, r = _Kernel(), max(1, rows // 2)
    e = r * bs
    k.add("MTE2", blocks * _xfer(e * 4, "kGmToUbGiBs"), blocks * e * 4)
    k.add(
        "V",
        blocks
        * (
            _vec("muls", e)
            + _vec("max", e)
            + _vec("expand", e)
            + _vec("exp", e)
            + _vec("sum", e)
            + _vec("muls", e)
        ),
    )
    k.add("MTE3", blocks * _xfer(e * 2, "kUbToGmGiBs"), blocks * e * 2)
    return k


def _pv(rows: int, hd: int, bs: int, blocks: int) -> _Kernel:
    k = _Kernel()
    kv = bs * hd * 2
    k.add(
        "MTE2",
        blocks * (_xfer(rows * bs * 2, "kGmToL1GiBs") + _xfer(kv, "kGmToL1GiBs")),
        blocks * (rows * bs * 2 + kv),
    )
    k.add("MTE1", blocks * (_xfer(rows * bs * 2, "kL1ToL0aGiBs") + _xfer(kv, "kL1ToL0bGiBs")))
    k.add("M", blocks * _mad(rows, bs, hd))
    k.add("FIX", _xfer(rows * hd * 4, "kL0cToGmGiBs"), rows * hd * 4)
    return k


def _update(rows: int, hd: int, steps: int = 1, resident: bool = False) -> _Kernel:
    """One AIV lane's online update. As a task it reads the PV result and its accumulator from
    GM and writes the accumulator back; inside the MIX kernel the accumulator stays in UB
    (``resident``) and only the PV result comes in, the output leaves once."""
    k, r = _Kernel(), max(1, rows // 2)
    e = r * hd
    loads = 1 if resident else 2
    k.add("MTE2", steps * _xfer(loads * e * 4, "kGmToUbGiBs"), steps * loads * e * 4)
    k.add(
        "V", steps * (_vec("exp", r) + 2 * _vec("expand", e) + _vec("bin", e) + 3 * _vec("bin", r))
    )
    stores = 1 if resident else steps
    k.add("MTE3", stores * _xfer(e * 4, "kUbToGmGiBs"), stores * e * 4)
    return k


AIC, AIV2 = (0, None, None), (None, 1, 1)


def unroll_graph(batch=256, heads=16, hd=128, bs=128, ctx=8192, group=64) -> list[GraphTask]:
    """paged_attention_unroll: per sequence and group of `group` KV blocks, QK (AIC), softmax
    (both AIVs), PV (AIC), online update (both AIVs), chained; updates chain across groups."""
    rows, nblk = heads, ctx // bs
    tasks: list[GraphTask] = []
    for _ in range(batch):
        prev_up = None
        for g0 in range(0, nblk, group):
            n = min(group, nblk - g0)
            qk, sf, pv, up = (
                _qk(rows, hd, bs, n),
                _softmax(rows, bs, n),
                _pv(rows, hd, bs, n),
                _update(rows, hd),
            )
            i = len(tasks)
            tasks.append(GraphTask(AIC, 1, [], [qk.work()]))
            tasks.append(GraphTask((None, 2, 2), 1, [i], [sf.work(), sf.work()]))
            tasks.append(GraphTask((3, None, None), 1, [i + 1], [pv.work()]))
            tasks.append(
                GraphTask(
                    (None, 4, 4),
                    1,
                    [i + 1, i + 2] + ([prev_up] if prev_up is not None else []),
                    [up.work(), up.work()],
                )
            )
            prev_up = i + 3
    return tasks


def mix_graph(batch, heads, hd, bs, ctx, blocks=24) -> list[GraphTask]:
    """The SPMD MIX kernel: one task, `blocks` blocks each on a whole cluster; block b streams
    the sequences b, b + blocks, ... through QK/PV on the AIC and softmax/update on both AIVs
    (GM FIFOs between them, modeled as fully overlapped lanes)."""
    rows, nblk = heads, ctx // bs
    work = []
    for b in range(blocks):
        seqs = len(range(b, batch, blocks))
        steps = seqs * nblk
        aic = _qk(rows, hd, bs, steps)
        pv = _pv(rows, hd, bs, steps)
        for p, c in pv.pipes.items():
            aic.add(p, c)
        aic.bytes += pv.bytes
        aiv = _softmax(rows, bs, steps)
        up = _update(rows, hd, steps, resident=True)
        for p, c in up.pipes.items():
            aiv.add(p, c)
        aiv.bytes += up.bytes
        work += [aic.work(), aiv.work(), aiv.work()]
    return [GraphTask((0, 1, 1), blocks, [], work)]


def baseline_graph(batch=256, heads=16, hd=128, bs=128, ctx=8192) -> list[GraphTask]:
    """paged_attention (host_build_graph): 4 single-block tasks per KV block, updates chained."""
    return unroll_graph(batch, heads, hd, bs, ctx, group=1)


@dataclass
class CalibrationRow:
    case: str
    schedule: str
    measured_us: tuple[float, float]
    modeled_us: float
    bound: str
    tasks: int

    @property
    def error(self) -> float:
        lo, hi = self.measured_us
        mid = (lo + hi) / 2
        return (self.modeled_us - mid) / mid


# (configuration, how it ran, measured range in us, its task graph, model overrides)
CASES: tuple[
    tuple[str, str, tuple[float, float], Callable[[], list[GraphTask]], dict[str, float]], ...
] = (
    (
        "C1: batch 256, 16/1 heads, hd 128, block 128, ctx 8192",
        "unroll (64-block groups, 1024 tasks)",
        (1143.0, 1178.0),
        lambda: unroll_graph(),
        {},
    ),
    (
        "C1",
        "SPMD MIX kernel (24 blocks)",
        (1627.6, 1627.6),
        lambda: mix_graph(256, 16, 128, 128, 8192),
        {},
    ),
    (
        "batch 64, 64/1 heads, block 64, ctx 8192",
        "SPMD MIX kernel (24 blocks)",
        (864.4, 864.4),
        lambda: mix_graph(64, 64, 128, 64, 8192),
        {},
    ),
    # host_build_graph builds the graph on the host: no device orchestrator per submit.
    (
        "C1",
        "baseline, 4 single-block tasks per KV block (65,536 tasks)",
        (25400.0, 25400.0),
        lambda: baseline_graph(),
        {"orch_submit_us": 0.0},
    ),
)


def calibration_table() -> list[CalibrationRow]:
    rows = []
    for case, schedule, measured, build, options in CASES:
        tasks = build()
        m = model_graph(tasks, options=options)
        rows.append(CalibrationRow(case, schedule, measured, m.makespan_us, m.bound, len(tasks)))
    return rows


def format_table(rows: list[CalibrationRow]) -> str:
    out = [
        "| case | simpler schedule | tasks | measured (us) | modeled (us) | error | bound |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = r.measured_us
        meas = f"{lo:.1f}" if lo == hi else f"{lo:.0f}-{hi:.0f}"
        out.append(
            f"| {r.case} | {r.schedule} | {r.tasks} | {meas} | {r.modeled_us:.1f} | "
            f"{100 * r.error:+.1f}% | {r.bound} |"
        )
    return "\n".join(out)
