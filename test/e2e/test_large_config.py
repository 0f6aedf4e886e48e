"""The large configuration of issue 11, compiled and run with arithmetic on the simulator.

Batch 256, 16 query heads on one KV head, head_dim 128, 128-token blocks, every context 8192
tokens (the KV caches are 1 GiB): compiled with ``--schedule auto`` for those lengths, run
unchanged on the built-in simulator with every check on, and compared with the reference on
all 256 sequences. It takes about 25 s and 2.3 GiB; the timings are in
``bench/sim_emitted.py --large``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ptoattn import PagedAttentionConfig, runner
from ptoattn.compiler import compile

LARGE = PagedAttentionConfig(batch=256, num_heads=16, num_kv_heads=1, head_dim=128,
                             block_size=128, max_blocks_per_seq=64)
LENS = [8192] * 256


def test_large_configuration_matches_the_reference(tmp_path: Path) -> None:
    compile(LARGE, tmp_path, context_lens=LENS)
    outcome = runner.run(tmp_path, context_lens=LENS)
    # runner.run compares every element of every sequence (a tile left unrun would differ)
    # and fails on any simulator finding.
    assert outcome.passed, outcome.report_text()
    assert outcome.output.shape == (256, 16, 128)
    assert np.isfinite(outcome.output).all()
