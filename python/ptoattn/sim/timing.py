"""Modeled a2a3 time of a run: the timeline, its bounds, the roofline, a trace and a picture.

The simulator models every kernel invocation pipe by pipe and schedules the executed task graph
on the modeled chip (sim/runtime/timeline.cpp; constants in sim/include/pto/sim/cost_a2a3.hpp,
documented with their sources in docs/cost-model.md). ``ModelReport`` holds the result;
``model_graph`` runs the same model on a task graph built without executing any kernel.
"""

from __future__ import annotations

import ctypes
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ptoattn.sim.errors import SimError

__all__ = [
    "ModelReport",
    "GraphTask",
    "model_graph",
    "attention_bytes",
    "HBM_SPEC_TBS",
    "HBM_EFFECTIVE_TBS",
    "PIPES",
    "SPAN_DTYPE",
]

# Pipe ids of types.hpp, in the order of Span::cycles.
PIPES = ("S", "V", "MTE1", "MTE2", "MTE3", "M", "ALL", "FIX")
LANES = ("AIC", "AIV0", "AIV1")
SPAN_DTYPE = np.dtype(
    [
        ("start_us", "f8"),
        ("end_us", "f8"),
        ("cycles", "f8", (8,)),
        ("bytes", "f8"),
        ("task", "u4"),
        ("block", "i4"),
        ("cluster", "i4"),
        ("lane", "i4"),
        ("kernel", "i4"),
        ("flags", "u4"),
    ]
)
LANE_ORCH = 3
LANE_SCHED = 4


@functools.cache
def _cost_constant(name: str) -> float:
    """A constant of the target description (cost_a2a3.hpp), so it is written once."""
    from ptoattn.sim import toolchain

    text = (toolchain.include_dir() / "pto" / "sim" / "cost_a2a3.hpp").read_text()
    for line in text.splitlines():
        if f" {name} = " in line:
            return float(line.split("=")[1].split(";")[0])
    raise SimError(f"cost_a2a3.hpp defines no {name}")


HBM_SPEC_TBS = _cost_constant("kHbmSpecTBs")
HBM_EFFECTIVE_TBS = _cost_constant("kHbmEffectiveTBs")


def attention_bytes(
    batch: int,
    num_heads: int,
    num_kv_heads: int,
    head_dim: int,
    context_lens: Sequence[int],
    elem_bytes: int = 2,
    out_bytes: int = 4,
) -> int:
    """Bytes paged decode attention must move at least: K and V of every context token, Q, out."""
    kv = 2 * int(sum(int(x) for x in context_lens)) * num_kv_heads * head_dim * elem_bytes
    return kv + batch * num_heads * head_dim * (elem_bytes + out_bytes)


@dataclass
class ModelReport:
    """The modeled timeline of one run (all times in microseconds of modeled a2a3 time)."""

    makespan_us: float
    hbm_bytes: float
    bound: str
    lower_bounds_us: dict[str, float]
    spans: np.ndarray = field(repr=False)
    kernel_names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_native(
        cls, summary: dict, spans: np.ndarray, kernel_names: dict[int, str]
    ) -> ModelReport:
        return cls(
            float(summary["makespan_us"]),
            float(summary["hbm_bytes"]),
            summary["bound"],
            {k: float(v) for k, v in summary["lower_bounds_us"].items()},
            spans,
            kernel_names,
        )

    @property
    def tasks(self) -> int:
        lanes = self.spans[self.spans["lane"] < LANE_ORCH]
        return int(np.unique(lanes["task"]).size)

    def kernel_name(self, kid: int) -> str:
        return self.kernel_names.get(int(kid), f"kernel{int(kid)}")

    def per_kernel(self) -> dict[str, dict]:
        """Invocations, busy time, GM bytes and busy cycles per pipe of every kernel."""
        lanes = self.spans[self.spans["lane"] < LANE_ORCH]
        out = {}
        for kid in np.unique(lanes["kernel"]):
            s = lanes[lanes["kernel"] == kid]
            cycles = s["cycles"].sum(axis=0)
            out[self.kernel_name(kid)] = {
                "invocations": int(s.size),
                "busy_us": float((s["end_us"] - s["start_us"]).sum()),
                "bytes": float(s["bytes"].sum()),
                "cycles": {p: float(c) for p, c in zip(PIPES, cycles) if p != "ALL" and c > 0},
            }
        return out

    def roofline_us(self, needed_bytes: float, tbs: float) -> float:
        return needed_bytes / (tbs * 1e6)

    def summary(self, needed_bytes: float | None = None) -> str:
        lines = [
            f"modeled a2a3 time: {self.makespan_us:.1f} us, bound: {self.bound}; "
            f"HBM bytes moved {self.hbm_bytes / 1e6:.2f} MB"
        ]
        if needed_bytes:
            spec = self.roofline_us(needed_bytes, HBM_SPEC_TBS)
            eff = self.roofline_us(needed_bytes, HBM_EFFECTIVE_TBS)
            lines.append(
                f"  roofline ({needed_bytes / 1e6:.2f} MB of Q, K, V, out): {spec:.1f} us at "
                f"{HBM_SPEC_TBS:g} TB/s, {eff:.1f} us at {HBM_EFFECTIVE_TBS:g} TB/s effective; "
                f"modeled/roofline {self.makespan_us / spec:.2f}x / {self.makespan_us / eff:.2f}x"
            )
        lines.append(
            "  lower bounds: "
            + ", ".join(
                f"{k.replace('_', ' ')} {v:.1f} us" for k, v in self.lower_bounds_us.items()
            )
        )
        for name, k in self.per_kernel().items():
            pipes = ", ".join(f"{p} {c / 1e3:.1f}k" for p, c in k["cycles"].items())
            lines.append(
                f"  kernel {name}: {k['invocations']} invocations, {k['busy_us']:.1f} us busy, "
                f"{k['bytes'] / 1e6:.2f} MB, cycles {pipes}"
            )
        return "\n".join(lines)

    # ---- trace and picture ----
    def trace_events(self) -> dict:
        """Chrome trace-event JSON (opens in Perfetto): one track per core, the orchestrator and
        each scheduler thread; one slice per task block and lane."""
        clusters = int(self.spans["cluster"].max()) + 1 if self.spans.size else 0
        threads = int(self.spans["lane"].max()) - LANE_SCHED + 1 if self.spans.size else 0
        events: list[dict] = [
            {"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "a2a3 (modeled)"}}
        ]

        def track(tid: int, name: str) -> None:
            events.append(
                {"ph": "M", "pid": 1, "tid": tid, "name": "thread_name", "args": {"name": name}}
            )
            events.append(
                {
                    "ph": "M",
                    "pid": 1,
                    "tid": tid,
                    "name": "thread_sort_index",
                    "args": {"sort_index": tid},
                }
            )

        track(1, "orchestrator")
        for k in range(max(threads, 0)):
            track(2 + k, f"scheduler {k}")
        for c in range(clusters):
            for lane, label in enumerate((f"AIC {c}", f"AIV {c}.0", f"AIV {c}.1")):
                track(100 + 3 * c + lane, label)
        for s in self.spans:
            lane, task = int(s["lane"]), int(s["task"])
            ev = {
                "ph": "X",
                "pid": 1,
                "ts": round(float(s["start_us"]), 6),
                "dur": round(float(s["end_us"] - s["start_us"]), 6),
            }
            if lane == LANE_ORCH:
                ev.update(tid=1, name=f"submit #{task}", args={"task": task})
            elif lane >= LANE_SCHED:
                ev.update(
                    tid=2 + lane - LANE_SCHED,
                    name=f"dispatch #{task}.{int(s['block'])}",
                    args={"task": task, "block": int(s["block"]), "cluster": int(s["cluster"])},
                )
            else:
                ev.update(
                    tid=100 + 3 * int(s["cluster"]) + lane,
                    name=f"{self.kernel_name(s['kernel'])} #{task}",
                    args={
                        "task": task,
                        "block": int(s["block"]),
                        "lane": LANES[lane],
                        "bytes": int(s["bytes"]),
                        "critical": bool(s["flags"] & 1),
                        "cycles": {
                            p: round(float(c), 3)
                            for p, c in zip(PIPES, s["cycles"])
                            if p != "ALL" and c > 0
                        },
                    },
                )
            events.append(ev)
        return {
            "traceEvents": events,
            "displayTimeUnit": "ns",
            "otherData": {"makespan_us": self.makespan_us, "bound": self.bound},
        }

    def write_trace(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.trace_events(), separators=(",", ":")))
        return path

    def write_swimlane(self, path: str | Path, title: str = "") -> Path:
        """A PNG: cores by modeled time, coloured by kernel, the critical path outlined."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import PolyCollection
        from matplotlib.patches import Patch

        path = Path(path)
        s = self.spans
        clusters = int(s["cluster"].max()) + 1 if s.size else 0
        threads = int(s["lane"].max()) - LANE_SCHED + 1 if s.size else 0
        row = np.where(
            s["lane"] == LANE_ORCH,
            0,
            np.where(
                s["lane"] >= LANE_SCHED,
                1 + s["lane"] - LANE_SCHED,
                1 + max(threads, 0) + 3 * s["cluster"] + s["lane"],
            ),
        )
        nrows = 1 + max(threads, 0) + 3 * clusters
        labels = ["orchestrator"] + [f"sched {k}" for k in range(max(threads, 0))]
        for c in range(clusters):
            labels += [f"AIC {c}", f"AIV {c}.0", f"AIV {c}.1"]
        kernels = sorted({int(k) for k in s["kernel"][s["lane"] < LANE_ORCH]})
        cmap = plt.get_cmap("tab10")
        colour = {k: cmap(i % 10) for i, k in enumerate(kernels)}
        fig, ax = plt.subplots(figsize=(14, max(4.0, 0.12 * nrows + 1.5)), dpi=100)

        def boxes(mask):
            x0, x1, y = s["start_us"][mask], s["end_us"][mask], row[mask]
            return [
                ((a, r - 0.4), (b, r - 0.4), (b, r + 0.4), (a, r + 0.4))
                for a, b, r in zip(x0, x1, y)
            ]

        runtime = s["lane"] >= LANE_ORCH
        ax.add_collection(PolyCollection(boxes(runtime), facecolors="0.6", edgecolors="none"))
        for k in kernels:
            ax.add_collection(
                PolyCollection(
                    boxes((s["lane"] < LANE_ORCH) & (s["kernel"] == k)),
                    facecolors=[colour[k]],
                    edgecolors="none",
                )
            )
        crit = (s["lane"] < LANE_ORCH) & ((s["flags"] & 1) == 1)
        ax.add_collection(
            PolyCollection(boxes(crit), facecolors="none", edgecolors="red", linewidths=1.2)
        )
        ax.set_xlim(0, max(self.makespan_us, 1e-3) * 1.01)
        ax.set_ylim(nrows - 0.5, -0.5)
        step = max(1, nrows // 40)
        ax.set_yticks(range(0, nrows, step))
        ax.set_yticklabels(labels[::step], fontsize=7)
        ax.set_xlabel("modeled time (us)")
        ax.set_title(
            title or f"modeled a2a3 timeline: {self.makespan_us:.1f} us, bound: {self.bound}"
        )
        handles = [Patch(color=colour[k], label=self.kernel_name(k)) for k in kernels]
        handles += [
            Patch(color="0.6", label="submit / dispatch"),
            Patch(facecolor="none", edgecolor="red", label="critical path"),
        ]
        ax.legend(handles=handles, loc="upper right", fontsize=7)
        fig.tight_layout()
        fig.savefig(path, format="png", metadata={"Software": None})
        plt.close(fig)
        return path


def spans_from_pointer(ptr: int, n: int) -> np.ndarray:
    if n == 0 or not ptr:
        return np.zeros(0, dtype=SPAN_DTYPE)
    return np.frombuffer(ctypes.string_at(ptr, n * SPAN_DTYPE.itemsize), dtype=SPAN_DTYPE).copy()


@dataclass
class GraphTask:
    """One task of a graph for ``model_graph``: kernel ids per lane (AIC, AIV0, AIV1; None
    unused), blocks, producers (indices of earlier tasks) and per-(block, lane) work as
    ``(cycles, bytes)`` or ``(cycles, bytes, {pipe: busy cycles})``; one entry per lane used,
    the same for every block when ``work`` holds a single block."""

    kernels: tuple = (None, None, None)
    block_num: int = 1
    fanin: Sequence[int] = ()
    work: Sequence = ()
    alloc_only: bool = False


def model_graph(
    tasks: Sequence[GraphTask],
    kernel_names: dict[int, str] | None = None,
    options: dict | None = None,
) -> ModelReport:
    """Runs the task-level timing model on ``tasks`` (in submission order) without executing
    any kernel; ``options`` overrides model constants (keys as in SimConfig.model)."""
    from ptoattn.sim import native, toolchain
    from ptoattn.sim.config import model_options

    n = len(tasks)
    kernels = np.full((max(n, 1), 3), -1, dtype=np.int32)
    blocks = np.ones(max(n, 1), dtype=np.int32)
    alloc = np.zeros(max(n, 1), dtype=np.uint8)
    off = np.zeros(n + 1, dtype=np.uint32)
    fanin: list[int] = []
    rows: list[list[float]] = []
    for i, t in enumerate(tasks):
        for lane, k in enumerate(t.kernels):
            if k is not None:
                kernels[i, lane] = int(k)
        blocks[i] = max(1, int(t.block_num))
        alloc[i] = int(t.alloc_only)
        bad = [f for f in t.fanin if not 0 <= int(f) < i]
        if bad:
            raise SimError(f"task {i}: fanin {bad[0]} is not an earlier task")
        fanin.extend(int(f) for f in t.fanin)
        off[i + 1] = len(fanin)
        per_block = list(t.work)
        lanes = [lane for lane, k in enumerate(t.kernels) if k is not None]
        for b in range(blocks[i]):
            items = (
                per_block
                if len(per_block) == len(lanes)
                else per_block[b * len(lanes) : (b + 1) * len(lanes)]
            )
            cells: dict[int, tuple[Any, ...]] = {
                lane: items[j] if j < len(items) else (0.0, 0.0) for j, lane in enumerate(lanes)
            }
            for lane in range(3):
                w = cells.get(lane, (0.0, 0.0))
                busy = dict(w[2]) if len(w) > 2 else {}
                rows.append(
                    [float(w[0])] + [float(busy.get(p, 0.0)) for p in PIPES] + [float(w[1])]
                )
    work = np.asarray(rows if rows else [[0.0] * 10], dtype=np.float64)
    fan = np.asarray(fanin if fanin else [0], dtype=np.uint32)
    lib = native._lib(toolchain.build_all([toolchain.runtime_job()])[0].path)
    opts = model_options(options or {})
    u32p, i32p = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_int32)
    h = lib.ptosim_model_graph(
        opts.encode(),
        n,
        kernels.ctypes.data_as(i32p),
        blocks.ctypes.data_as(i32p),
        alloc.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)),
        off.ctypes.data_as(u32p),
        fan.ctypes.data_as(u32p),
        work.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
    )
    if not h:
        raise SimError(lib.ptosim_last_error().decode())
    try:
        raw = lib.ptosim_model_summary(h)
        try:
            summary = json.loads(ctypes.string_at(raw).decode())
        finally:
            lib.ptosim_free(raw)
        count = ctypes.c_int64()
        spans = spans_from_pointer(lib.ptosim_model_spans(h, ctypes.byref(count)), count.value)
    finally:
        lib.ptosim_model_free(h)
    return ModelReport.from_native(summary, spans, dict(kernel_names or {}))
