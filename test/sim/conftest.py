"""Shared fixtures of the simulator tests: programs are built once per session (and cached on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent / "samples"

# The samples' test_<name>.py files are scene-test descriptions read by the harness, not pytest modules.
collect_ignore_glob = ["samples/*"]


@pytest.fixture(scope="session")
def pa_program():
    import ptoattn.sim as sim

    return sim.build(SAMPLES / "paged_attention")


@pytest.fixture(scope="session")
def bugs_program():
    import ptoattn.sim as sim

    return sim.build(SAMPLES / "bugs")
