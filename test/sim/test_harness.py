"""Harness behaviour: option validation, directory discovery, compile errors, comparison."""

from __future__ import annotations

import numpy as np
import pytest

import ptoattn.sim as sim


@pytest.mark.parametrize("kwargs,needle", [
    ({"threads": 0}, "threads: must be an integer in 1..64"),
    ({"task_window": 1000}, "task_window: each value must be a power of two"),
    ({"heap_size": [1 << 20] * 5}, "heap_size: give one value or up to 4"),
    ({"checks": "bounds,speed"}, "checks: unknown check 'speed'; allowed: 'all', 'none' or any of bounds"),
    ({"schedule": "fastest"}, "schedule: must be one of fifo, lifo, random"),
])
def test_bad_options_name_parameter_and_allowed_values(kwargs, needle):
    with pytest.raises(sim.SimError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        sim.SimConfig(**kwargs).to_options()


def test_missing_directory_and_callable(tmp_path):
    with pytest.raises(sim.SimError, match="does not exist"):
        sim.load_callable(tmp_path / "nope")
    with pytest.raises(sim.SimError, match="no test_<name>.py"):
        sim.load_callable(tmp_path)
    (tmp_path / "test_x.py").write_text("X = 1\n")
    with pytest.raises(sim.SimError, match="no CALLABLE dict"):
        sim.load_callable(tmp_path)


def test_compile_error_names_the_kernel(tmp_path):
    (tmp_path / "o.cpp").write_text('#include "pto_orchestration_api.h"\n'
                                    'extern "C" void aicpu_orchestration_entry(const ChipTaskArgs &) {}\n')
    (tmp_path / "k.cpp").write_text("#include <pto/pto-inst.hpp>\nextern \"C\" void kernel_entry(long *a) { oops; }\n")
    spec = sim.spec_from_dict(tmp_path, {"orchestration": {"source": "o.cpp"},
                                         "incores": [{"func_id": 0, "name": "broken", "source": "k.cpp",
                                                      "core_type": "aiv"}]})
    with pytest.raises(sim.SimError, match=r"compiling kernel broken \(k.cpp\) for the simulator failed"):
        sim.build(spec)


def test_argument_count_mismatch_is_fatal(pa_program):
    a = sim.aligned_empty((4,), np.float32)
    with pytest.raises(sim.SimError, match="orchestration expects 7 arguments, got 1"):
        sim.run(pa_program, [("a", a)])


def test_compare_diagnostics():
    exp = np.zeros((2, 3, 4), np.float32)
    act = exp.copy()
    act[1, 2, 3] = 0.5
    act[0, 0, 0] = 2e-3
    r = sim.compare(act, exp, rtol=1e-3, atol=1e-3)
    assert not r.ok and r.mismatches == 2 and r.worst_index == (1, 2, 3)
    assert "worst element (batch=1, head=2, dim=3): got 0.5, expected 0" in str(r)
    act[1, 2, 3] = np.nan
    assert sim.compare(act, exp).worst_index == (1, 2, 3)
    assert sim.compare(exp, exp).ok
