"""Modeled a2a3 time of today's emitted schedule for the reference configuration and four large
ones (docs/benchmarks.md). Each directory is compiled by ptoattn.compile (spmd) and run on the
simulator in modeled-only mode (no arithmetic; full contexts except the reference's).

Columns: modeled time, roofline time of the bytes the attention must move (Q, K, V, out) at the
1.6 TB/s HBM specification and at the calibrated effective rate, modeled/roofline, what bounds
the run, executed tasks, HBM bytes the kernels moved; and the host time of the modeled run."""

import sys
import tempfile
import time

import ptoattn
from ptoattn import runner
from ptoattn.sim.timing import HBM_EFFECTIVE_TBS, HBM_SPEC_TBS

CASES = [
    # name, batch, heads, kv heads, head_dim, block, context lengths
    ("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128]),
    ("L1", 64, 64, 1, 128, 128, [8192] * 64),
    ("L2", 8, 32, 8, 128, 128, [8192] * 8),
    ("C1", 256, 16, 1, 128, 128, [8192] * 256),
    ("Case2", 64, 64, 1, 128, 64, [8192] * 64),
]


def main() -> None:
    print(f"| case | modeled (us) | roofline @{HBM_SPEC_TBS:g} TB/s (us) | roofline @{HBM_EFFECTIVE_TBS:g} TB/s (us) "
          f"| ratio (spec / eff) | bound | tasks | HBM bytes | host run (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, b, h, kvh, d, bs, lens in CASES:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        cfg = ptoattn.PagedAttentionConfig(batch=b, num_heads=h, num_kv_heads=kvh, head_dim=d, block_size=bs,
                                           max_blocks_per_seq=-(-max(lens) // bs))
        out = tempfile.mkdtemp(prefix=f"ptoattn-modeled-{name}-")
        ptoattn.compile(cfg, out, strategy="spmd")
        runner.run(out, context_lens=lens, model_only=True)  # warm the build cache
        t0 = time.perf_counter()
        o = runner.run(out, context_lens=lens, model_only=True)
        host = time.perf_counter() - t0
        m = o.model
        spec, eff = o.roofline_us(HBM_SPEC_TBS), o.roofline_us(HBM_EFFECTIVE_TBS)
        print(f"| {name} | {m.makespan_us:.1f} | {spec:.1f} | {eff:.1f} | {m.makespan_us / spec:.2f}x / "
              f"{m.makespan_us / eff:.2f}x | {m.bound} | {o.report.tasks_executed} | {m.hbm_bytes / 1e6:.1f} MB "
              f"| {host:.2f} |", flush=True)


if __name__ == "__main__":
    main()
