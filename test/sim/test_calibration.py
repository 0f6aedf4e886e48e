"""The calibration table of docs/cost-model.md is computed, and every row stays within the
issue's +-25 % of simpler's hardware measurement."""

from __future__ import annotations

from ptoattn.sim.calibration import CASES, calibration_table, format_table


def test_calibration_rows_within_25_percent():
    rows = calibration_table()
    assert len(rows) == len(CASES)
    table = format_table(rows)
    for r in rows:
        assert abs(r.error) <= 0.25, table
    assert [r.tasks for r in rows] == [1024, 1, 1, 65536]
    assert rows[-1].bound == "dispatch"  # 65,536 tiny tasks are the scheduler's problem
