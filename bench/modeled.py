"""Modeled a2a3 time of today's schedule and of ``--schedule auto``'s choice, against the
roofline and the targets of the schedules issue (docs/benchmarks.md, docs/schedules.md).

For each case, two directories are compiled and run on the simulator in modeled-only mode
(no arithmetic): "today" is ``schedule="default"`` (spmd, one KV block per task, no split;
the pass's query tile), "auto" is the cost model's choice for the case's lengths. The auto
row also prints auto's own estimate (computed at compile time without any C++) and its error
against the simulated run.

Columns: modeled time, the roofline of the bytes the attention must move (Q, K, V, out) at the
calibrated effective HBM rate, modeled/roofline, what bounds the run, tasks, the target and
whether it is met. Prints figures; asserts nothing. ``python bench/modeled.py [CASE ...]``.
"""

import sys

from ptoattn.options import CompileOptions
from ptoattn.sim.timing import HBM_EFFECTIVE_TBS
from sim_common import modeled_run, selected_cases

CASES = [
    # name, batch, heads, kv heads, head_dim, block, context lengths, (max roofline ratio, max us)
    ("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128], (None, 20.0)),
    ("L1", 64, 64, 1, 128, 128, [8192] * 64, (1.5, None)),
    ("L2", 8, 32, 8, 128, 128, [8192] * 8, (1.5, None)),
    ("C1", 256, 16, 1, 128, 128, [8192] * 256, (1.3, 1148.0)),
    ("Case2", 64, 64, 1, 128, 64, [8192] * 64, (None, 864.4)),
]


def target_text(target) -> str:
    ratio, us = target
    parts = ([f"<= {ratio}x roofline"] if ratio else []) + ([f"< {us:g} us"] if us else [])
    return " and ".join(parts)


def met(target, modeled: float, roofline: float) -> bool:
    ratio, us = target
    return (ratio is None or modeled <= ratio * roofline) and (us is None or modeled < us)


def schedule_text(manifest: dict) -> str:
    opts = manifest["options"]
    text = f"{opts['strategy'] or 'spmd'} " + (
        f"q{opts['q_tile']}" if opts["q_tile"] else "q by the pass"
    )
    for field, short in (("kv_blocks_per_task", "N"), ("kv_splits", "S")):
        if field in opts:
            text += f" {short}={opts[field]}"
    return text


def main() -> None:
    print(
        f"| case | schedule | modeled (us) | auto's estimate (us, error) | roofline @{HBM_EFFECTIVE_TBS:g} TB/s (us) "
        f"| ratio | bound | tasks | target | met | compile (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (name, *_, lens, target), cfg in selected_cases(CASES, sys.argv[1:]):
        for label, options in (
            ("today", CompileOptions(schedule="default")),
            ("auto", CompileOptions()),
        ):
            run = modeled_run(
                cfg, lens, options, f"ptoattn-modeled-{name}-{label}-", context_lens=lens
            )
            o, m, manifest, compile_s = run.outcome, run.model, run.manifest, run.compile_seconds
            eff = o.roofline_us(HBM_EFFECTIVE_TBS)
            estimate = ""
            if manifest["schedule"].get("modeled_us") is not None:
                est = manifest["schedule"]["modeled_us"]
                estimate = f"{est:.1f} ({100 * (est - m.makespan_us) / m.makespan_us:+.2f}%)"
            print(
                f"| {name} | {label}: {schedule_text(manifest)} | {m.makespan_us:.1f} | {estimate} | {eff:.1f} "
                f"| {m.makespan_us / eff:.2f}x | {m.bound} | {o.report.tasks_executed} | {target_text(target)} "
                f"| {'yes' if met(target, m.makespan_us, eff) else 'no'} | {compile_s:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
