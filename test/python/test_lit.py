"""Runs the lit (FileCheck) tests: lit runs once over test/ with one worker per core, and each
test file is reported as one pytest test, so pytest's summary still counts them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TEST_ROOT = Path(__file__).resolve().parents[1]
LIT_FILES = sorted(
    p for p in TEST_ROOT.rglob("*.mlir") if "Inputs" not in p.parts and "sim" not in p.parts
)


@pytest.fixture(scope="module")
def lit_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One parallel lit run over test/; its JSON report keyed by the file's path under test/."""
    out = tmp_path_factory.mktemp("lit")
    report = out / "report.json"
    proc = subprocess.run(
        [sys.executable, "-c", "from lit.main import main; main()", "-q",
         f"-j{os.cpu_count() or 1}", f"--output={report}", str(TEST_ROOT)],
        capture_output=True,
        text=True,
        env={**os.environ, "PTOATTN_LIT_OUTPUT": str(out / "exec")},
    )
    if not report.is_file():
        pytest.fail(f"lit wrote no report (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    tests = json.loads(report.read_text())["tests"]
    # Names are "ptoattn :: Dialect/Attn/ops.mlir".
    return {t["name"].split(" :: ", 1)[1]: t for t in tests}


def test_lit_suite_is_not_empty() -> None:
    assert len(LIT_FILES) >= 3


@pytest.mark.parametrize("path", LIT_FILES, ids=lambda p: str(p.relative_to(TEST_ROOT)))
def test_lit(path: Path, lit_results: dict[str, dict]) -> None:
    name = path.relative_to(TEST_ROOT).as_posix()
    assert name in lit_results, f"lit did not run {name}"
    result = lit_results[name]
    assert result["code"] == "PASS", result["output"]
