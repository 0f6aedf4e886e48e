"""`make demo`: what ptoattn can do today, end to end on this machine.

1. `ptoattn-opt --version`;
2. `ptoattn-opt --attn-check-target` on the reference configuration (examples/reference_mqa.mlir);
3. the same pass by name from Python through `PassManager.parse`, on a module built with
   the generated op classes;
4. the numerical reference on the reference configuration (ragged contexts 33/1024/517/128),
   compared with a plain fp64 softmax(QK^T)V.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from mlir.passmanager import PassManager

from ptoattn import PagedAttentionConfig, reference
from ptoattn.ir import build_module
from ptoattn.tools import ptoattn_opt_path

EXAMPLE = Path(__file__).resolve().parent / "reference_mqa.mlir"
CONFIG = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                              block_size=128, max_blocks_per_seq=8)
CONTEXT_LENS = [33, 1024, 517, 128]


def _step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def main() -> int:
    opt = str(ptoattn_opt_path())
    _step("ptoattn-opt --version")
    subprocess.run([opt, "--version"], check=True)

    _step(f"ptoattn-opt --attn-check-target {EXAMPLE.name}")
    subprocess.run([opt, "--attn-check-target", str(EXAMPLE)], check=True)

    _step("Python: build the op, run attn-check-target through PassManager.parse")
    module = build_module(CONFIG)
    with module.context:
        PassManager.parse("builtin.module(attn-check-target)").run(module.operation)
    print("attn-check-target: reference configuration is supported on a2a3")

    _step(f"reference: batch 4, 16/1 heads, head_dim 128, block 128, contexts {CONTEXT_LENS}")
    inputs = reference.make_inputs(CONFIG, seed=0, context_lens=CONTEXT_LENS)
    args = (inputs.query, inputs.key_cache, inputs.value_cache, inputs.block_table,
            inputs.context_lens, inputs.scale)
    start = time.perf_counter()
    out = reference.paged_attention(*args)
    elapsed = time.perf_counter() - start
    exact = reference.direct_attention_fp64(*args)
    err = np.abs(out - exact)
    b, h, d = np.unravel_index(int(err.argmax()), err.shape)
    bound = 2 * reference.BF16_UNIT_ROUNDOFF * float(np.abs(inputs.value_cache.astype(np.float32)).max())
    print(f"blockwise reference: {elapsed * 1e3:.1f} ms; max |ref - fp64| = {err.max():.2e} "
          f"at (batch {b}, head {h}, dim {d}); bound {bound:.2e}")
    ok = bool(err.max() <= bound)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
