"""Modeled a2a3 time of several KV blocks per task (``kv_blocks_per_task`` N) on the cases
of bench/modeled.py, N in {1, 8, 16, 64} under both strategies, the rest of the schedule as
``schedule="default"`` (the pass's query tile, no split).

Columns: modeled time, the roofline at the calibrated effective HBM rate, the ratio, the bound
the model reports, tasks executed, GM bytes moved. A schedule whose step no longer fits the
rings is reported as the compile error. Prints figures; asserts nothing.
``python bench/kv_blocks.py [CASE ...] [--strategy=spmd|--strategy=per-tile]``.
"""

import sys

from modeled import CASES
from ptoattn.compiler import CompileError
from ptoattn.options import CompileOptions
from ptoattn.sim.timing import HBM_EFFECTIVE_TBS
from sim_common import STRATEGIES, modeled_run, selected_cases

BLOCKS = (1, 8, 16, 64)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strategies = [s for s in STRATEGIES if f"--strategy={s}" in sys.argv[1:]] or STRATEGIES
    print(
        f"| case | strategy | N | modeled (us) | roofline @{HBM_EFFECTIVE_TBS:g} TB/s (us) | ratio | bound "
        f"| tasks | GM bytes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for (name, *_, lens, _target), cfg in selected_cases(CASES, args):
        for strategy in strategies:
            for n in BLOCKS:
                options = CompileOptions(
                    schedule="default", strategy=strategy, kv_blocks_per_task=n
                )
                try:
                    run = modeled_run(
                        cfg, lens, options, f"ptoattn-kvb-{name}-{n}-", context_lens=lens
                    )
                except CompileError as err:
                    print(
                        f"| {name} | {strategy} | {n} | does not fit: {str(err).splitlines()[0]} |||||"
                    )
                    continue
                o, m = run.outcome, run.model
                eff = o.roofline_us(HBM_EFFECTIVE_TBS)
                gm = o.report.gm_bytes_read + o.report.gm_bytes_written
                print(
                    f"| {name} | {strategy} | {n} | {m.makespan_us:.1f} | {eff:.1f} | {m.makespan_us / eff:.2f}x "
                    f"| {m.bound} | {o.report.tasks_executed} | {gm / 1e9:.2f} GB |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
