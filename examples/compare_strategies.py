"""Compile one configuration with two pipelines and compare the runs.

GQA 32/8 (groups of 4 heads): once with 16-row query tiles and the spmd strategy, once with
64-row tiles and the per-tile strategy. Both run on the simulator on the same inputs; their
outputs must agree with each other and with the reference, while their task counts differ.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import ptoattn
from ptoattn.reference import make_inputs

CONFIG = ptoattn.PagedAttentionConfig(batch=3, num_heads=32, num_kv_heads=8, head_dim=128,
                                      block_size=64, max_blocks_per_seq=6)
CONTEXT_LENS = [300, 0, 64]


def main() -> int:
    inputs = make_inputs(CONFIG, seed=7, context_lens=CONTEXT_LENS)
    outcomes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, options in {"q-tile 16, spmd": dict(q_tile=16, strategy="spmd"),
                               "q-tile 64, per-tile": dict(q_tile=64, strategy="per-tile")}.items():
            out = Path(tmp) / label.replace(" ", "").replace(",", "_")
            ptoattn.compile(CONFIG, out, context_lens=CONTEXT_LENS, **options)
            outcomes[label] = ptoattn.run(out, inputs=inputs)
    for label, outcome in outcomes.items():
        print(f"{label:22s} {'PASS' if outcome.passed else 'FAIL'}  "
              f"{outcome.report.tasks_executed:4d} tasks  {outcome.comparison}")
    a, b = (o.output for o in outcomes.values())
    print(f"max |difference| between the two runs: {float(np.abs(a - b).max()):.3g}")
    return 0 if all(o.passed for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
