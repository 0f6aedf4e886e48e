"""Calibration of the modeled a2a3 time against simpler's hardware measurements.

Rebuilds each measured schedule's task graph with synthetic kernels costed by the model's
per-instruction formulas and prints modeled against measured (docs/cost-model.md)."""

import time

from ptoattn.sim.calibration import calibration_table, format_table

if __name__ == "__main__":
    t0 = time.perf_counter()
    rows = calibration_table()
    print(format_table(rows))
    print(f"\n(modeled in {time.perf_counter() - t0:.2f} s)")
