"""Paged attention, SPMD strategy: hand-written sample for ptoattn's simulator tests.

Written in simpler's SceneTestCase layout so that the simulator harness reads the same
CALLABLE description it will read from emitted directories.
"""

from simpler.task_interface import ArgDirection as D  # noqa: F401  (only on a simpler checkout)

CALLABLE = {
    "orchestration": {
        "source": "kernels/orchestration/paged_attention_orch.cpp",
        "function_name": "aicpu_orchestration_entry",
        "signature": [D.IN, D.IN, D.IN, D.IN, D.IN, D.OUT],
    },
    "incores": [
        {"func_id": 0, "name": "qk_matmul", "source": "kernels/aic/qk_matmul.cpp", "core_type": "aic",
         "signature": [D.IN, D.IN, D.IN, D.IN, D.OUT]},
        {"func_id": 1, "name": "softmax_prepare", "source": "kernels/aiv/softmax_prepare.cpp", "core_type": "aiv",
         "signature": [D.IN, D.IN, D.OUT, D.OUT, D.OUT]},
        {"func_id": 2, "name": "pv_matmul", "source": "kernels/aic/pv_matmul.cpp", "core_type": "aic",
         "signature": [D.IN, D.IN, D.IN, D.IN, D.OUT]},
        {"func_id": 3, "name": "online_update", "source": "kernels/aiv/online_update.cpp", "core_type": "aiv",
         "signature": [D.IN, D.IN, D.IN, D.IN, D.INOUT, D.INOUT, D.INOUT, D.INOUT]},
    ],
}

RTOL = 1e-3
ATOL = 1e-3
