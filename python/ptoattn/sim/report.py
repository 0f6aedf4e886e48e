"""Typed run report of a simulator run (parsed from the runtime's JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One problem a check found. ``task`` is the submission index (-1: not task-specific)."""

    severity: str  # "warning", "error" or "fatal"
    check: str
    task: int
    kernel: str
    block: int
    lane: int  # 0 AIC, 1 AIV0, 2 AIV1, -1 n/a
    message: str

    def __str__(self) -> str:
        where = f"task {self.task} ({self.kernel}" if self.task >= 0 else "("
        if self.block >= 0:
            where += f", block {self.block}, {('AIC', 'AIV0', 'AIV1')[self.lane] if 0 <= self.lane <= 2 else '?'}"
        return f"[{self.severity}] {self.check}: {where}) {self.message}"


@dataclass(frozen=True)
class RingStats:
    ring: int
    task_window: int
    task_high_water: int
    heap_size: int
    heap_high_water: int
    heap_wraps: int
    dep_pool: int
    dep_high_water: int
    blocked_waits: int
    tasks: int


@dataclass(frozen=True)
class KernelStats:
    name: str
    func_id: int
    core: str
    invocations: int
    seconds: float


@dataclass
class RunReport:
    ok: bool
    fatal: str | None
    tasks_submitted: int
    tasks_executed: int
    invocations: int
    run_seconds: float
    analysis_seconds: float
    gm_bytes_read: int
    gm_bytes_written: int
    sync: dict[str, int]
    kernels: dict[str, KernelStats]
    rings: list[RingStats]
    tensormap_high_water: int
    checks: list[str]
    finding_counts: dict[str, int]
    findings: list[Finding]
    compile_seconds: float = 0.0
    model: Any = None  # ptoattn.sim.ModelReport: the modeled a2a3 timeline
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunReport:
        return cls(
            ok=bool(d["ok"]),
            fatal=d.get("fatal"),
            tasks_submitted=d["tasks_submitted"],
            tasks_executed=d["tasks_executed"],
            invocations=d["invocations"],
            run_seconds=d["run_seconds"],
            analysis_seconds=d["analysis_seconds"],
            gm_bytes_read=d["gm_bytes_read"],
            gm_bytes_written=d["gm_bytes_written"],
            sync=dict(d["sync"]),
            kernels={
                k: KernelStats(k, v["func_id"], v["core"], v["invocations"], v["seconds"])
                for k, v in d["kernels"].items()
            },
            rings=[RingStats(**r) for r in d["rings"]],
            tensormap_high_water=d["tensormap"]["high_water"],
            checks=list(d["checks"]),
            finding_counts=dict(d["finding_counts"]),
            findings=[Finding(**f) for f in d["findings"]],
        )

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity in ("error", "fatal")]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def by_check(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    @property
    def per_kernel_counts(self) -> dict[str, int]:
        return {k: v.invocations for k, v in self.kernels.items()}

    def summary(self) -> str:
        lines = [
            f"simulator run: {'ok' if self.ok and not self.errors else 'FAILED'}; "
            f"{self.tasks_executed}/{self.tasks_submitted} tasks, {self.invocations} kernel invocations, "
            f"run {self.run_seconds:.3f} s (+{self.analysis_seconds:.3f} s checks, "
            f"{self.compile_seconds:.2f} s compile)",
        ]
        if self.fatal:
            lines.append(f"fatal: {self.fatal}")
        for k in self.kernels.values():
            lines.append(
                f"  kernel {k.name} ({k.core}, id {k.func_id}): {k.invocations} invocations, {k.seconds:.3f} s"
            )
        for r in self.rings:
            if r.tasks:
                lines.append(
                    f"  ring {r.ring}: {r.tasks} tasks, window high-water {r.task_high_water}/{r.task_window}, "
                    f"heap high-water {r.heap_high_water}/{r.heap_size} B ({r.heap_wraps} wraps), "
                    f"deps {r.dep_high_water}/{r.dep_pool}, blocked {r.blocked_waits}x"
                )
        lines.append(f"  checks: {', '.join(self.checks)}")
        for f in self.findings:
            lines.append(f"  {f}")
        hidden = sum(self.finding_counts.values()) - len(self.findings)
        if hidden > 0:
            lines.append(f"  ... {hidden} more findings not listed (see finding_counts)")
        return "\n".join(lines)
