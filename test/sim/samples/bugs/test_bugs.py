"""Planted-bug kernels and orchestrations for the simulator's check tests."""

CALLABLE = {
    "orchestration": {"source": "kernels/orchestration/bugs_orch.cpp", "function_name": "aicpu_orchestration_entry"},
    "incores": [
        {"func_id": 0, "name": "copy_rows", "source": "kernels/aiv/copy_rows.cpp", "core_type": "aiv"},
    ],
}
