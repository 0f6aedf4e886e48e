"""Modeled a2a3 time of spmd launches of one block per tile against min(tiles, clusters)
blocks looping over their tiles (attn-orchestrate spmd-blocks=tiles|clusters), on a 910B1
(24 clusters) and a 910B3 (20), for the cases of bench/modeled.py and ragged variants.

Each row compiles the case twice per chip with the same schedule (``schedule="default"``:
spmd, one KV block per task; or the options ``--schedule auto`` picks with spmd-blocks
fixed) and runs both in modeled-only mode. Prints figures; asserts nothing.
``python bench/spmd_blocks.py [CASE ...]``.
"""

import json
import sys
import tempfile

import numpy as np

import ptoattn
from ptoattn import runner
from ptoattn.options import CompileOptions

RAGGED = [int(n) for n in np.random.default_rng(7).integers(0, 8193, 64)]
CASES = [
    # name, batch, heads, kv heads, head_dim, block, context lengths
    ("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128]),
    ("L1", 64, 64, 1, 128, 128, [8192] * 64),
    ("L2", 8, 32, 8, 128, 128, [8192] * 8),
    ("C1", 256, 16, 1, 128, 128, [8192] * 256),
    ("Case2", 64, 64, 1, 128, 64, [8192] * 64),
    ("mqa64-ragged", 64, 16, 1, 128, 128, RAGGED),
    ("mqa64-short", 64, 16, 1, 128, 128, [512] * 64),
    ("gqa-ragged", 16, 32, 8, 128, 128, RAGGED[:16]),
]


def modeled(cfg, lens, options) -> tuple[float, str]:
    out = tempfile.mkdtemp(prefix="ptoattn-spmd-blocks-")
    ptoattn.compile(cfg, out, options, context_lens=lens)
    manifest = json.loads(open(f"{out}/manifest.json").read())
    chosen = manifest.get("schedule", {}).get("chosen") or {}
    run = runner.run(out, context_lens=lens, model_only=True)
    text = " ".join(f"{k}={v}" for k, v in chosen.items() if k != "spmd_blocks")
    return run.modeled_us, text


def main() -> None:
    print("| case | chip | schedule | tiles (us) | clusters (us) | clusters/tiles |")
    print("|---|---|---|---|---|---|")
    for name, b, h, kvh, d, bs, lens in CASES:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        cfg = ptoattn.PagedAttentionConfig(
            batch=b,
            num_heads=h,
            num_kv_heads=kvh,
            head_dim=d,
            block_size=bs,
            max_blocks_per_seq=-(-max(lens) // bs),
        )
        for chip in ("910B1", "910B3"):
            for schedule in ("default", "auto"):
                times, label = {}, schedule
                for blocks in ("tiles", "clusters"):
                    options = CompileOptions(
                        target=chip, schedule=schedule, strategy="spmd", spmd_blocks=blocks
                    )
                    times[blocks], chosen = modeled(cfg, lens, options)
                    label = f"{schedule} {chosen}".strip()
                ratio = times["clusters"] / times["tiles"]
                print(
                    f"| {name} | {chip} | {label} | {times['tiles']:.1f} | "
                    f"{times['clusters']:.1f} | {ratio:.3f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
