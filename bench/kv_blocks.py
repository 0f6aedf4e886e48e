"""Modeled a2a3 time of several KV blocks per task (``kv_blocks_per_task`` N) on the cases
of bench/modeled.py, N in {1, 8, 16, 64} under both strategies, the rest of the schedule as
``schedule="default"`` (the pass's query tile, no split).

Columns: modeled time, the roofline at the calibrated effective HBM rate, the ratio, the bound
the model reports, tasks executed, GM bytes moved. A schedule whose step no longer fits the
rings is reported as the compile error. Prints figures; asserts nothing.
``python bench/kv_blocks.py [CASE ...] [--strategy spmd|per-tile]``.
"""

import sys
import tempfile

import ptoattn
from ptoattn import runner
from ptoattn.compiler import CompileError
from ptoattn.sim.timing import HBM_EFFECTIVE_TBS

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from modeled import CASES  # noqa: E402

BLOCKS = (1, 8, 16, 64)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strategies = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--strategy=")] or [
        "spmd",
        "per-tile",
    ]
    print(
        f"| case | strategy | N | modeled (us) | roofline @{HBM_EFFECTIVE_TBS:g} TB/s (us) | ratio | bound "
        f"| tasks | GM bytes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, b, h, kvh, d, bs, lens, _ in CASES:
        if args and name not in args:
            continue
        cfg = ptoattn.PagedAttentionConfig(
            batch=b,
            num_heads=h,
            num_kv_heads=kvh,
            head_dim=d,
            block_size=bs,
            max_blocks_per_seq=-(-max(lens) // bs),
        )
        for strategy in strategies:
            for n in BLOCKS:
                out = tempfile.mkdtemp(prefix=f"ptoattn-kvb-{name}-{n}-")
                try:
                    ptoattn.compile(
                        cfg,
                        out,
                        context_lens=lens,
                        schedule="default",
                        strategy=strategy,
                        kv_blocks_per_task=n,
                    )
                except CompileError as err:
                    print(
                        f"| {name} | {strategy} | {n} | does not fit: {str(err).splitlines()[0]} |||||"
                    )
                    continue
                o = runner.run(out, context_lens=lens, model_only=True)
                m = o.model
                eff = o.roofline_us(HBM_EFFECTIVE_TBS)
                gm = o.report.gm_bytes_read + o.report.gm_bytes_written
                print(
                    f"| {name} | {strategy} | {n} | {m.makespan_us:.1f} | {eff:.1f} | {m.makespan_us / eff:.2f}x "
                    f"| {m.bound} | {o.report.tasks_executed} | {gm / 1e9:.2f} GB |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
