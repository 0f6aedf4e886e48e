"""Every pass declared in Passes.td has its lit test and its documentation page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASS_FILES = sorted((ROOT / "passes" / "include").rglob("*Passes.td"))
FLAGS = [flag for td in PASS_FILES
         for flag in re.findall(r'^def \w+ : Pass<"([\w-]+)"', td.read_text(), re.MULTILINE)]


def test_passes_are_declared() -> None:
    assert {"attn-check-target", "attn-tile", "attn-assign-cores", "attn-orchestrate"} <= set(FLAGS)


@pytest.mark.parametrize("flag", FLAGS)
def test_pass_has_lit_test_with_diagnostics(flag: str) -> None:
    found = sorted((ROOT / "test").rglob(f"{flag}.mlir"))
    assert found, f"missing lit test test/**/{flag}.mlir"
    lit_file = found[0]
    text = lit_file.read_text()
    assert f"-{flag}" in text and "FileCheck" in text, "the RUN line must run the pass under FileCheck"
    assert "-verify-diagnostics" in text, "the pass's errors need --verify-diagnostics cases"


@pytest.mark.parametrize("flag", FLAGS)
def test_pass_has_docs_page(flag: str) -> None:
    page = ROOT / "docs" / "passes" / f"{flag}.md"
    assert page.is_file(), f"missing docs page {page.relative_to(ROOT)}"
    assert page.read_text().startswith(f"# `{flag}`")
