"""Runs every lit (FileCheck) test as one pytest test, so pytest's summary counts them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TEST_ROOT = Path(__file__).resolve().parents[1]
LIT_FILES = sorted(
    p for p in TEST_ROOT.rglob("*.mlir") if "Inputs" not in p.parts and "sim" not in p.parts
)


def test_lit_suite_is_not_empty() -> None:
    assert len(LIT_FILES) >= 3


@pytest.mark.parametrize("path", LIT_FILES, ids=lambda p: str(p.relative_to(TEST_ROOT)))
def test_lit(path: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from lit.main import main; main()", "-v", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PTOATTN_LIT_OUTPUT": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed: 1" in proc.stdout, proc.stdout
