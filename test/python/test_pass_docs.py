"""Every pass declared in Passes.td has its lit test and its documentation page, whose option
table lists every option the pass registers, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASS_FILES = sorted((ROOT / "passes" / "include").rglob("*Passes.td"))
# flag -> the op it runs on (func::FuncOp, ModuleOp, or "" for any).
ANCHORS = {flag: anchor for td in PASS_FILES
           for flag, anchor in re.findall(r'^def \w+ : Pass<"([\w-]+)"(?:, "([\w:]+)")?>',
                                          td.read_text(), re.MULTILINE)}
FLAGS = list(ANCHORS)


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


def registered_options(flag: str) -> dict[str, str]:
    """The options the registered pass takes, with their defaults, as MLIR prints the pass."""
    from mlir.passmanager import PassManager

    from ptoattn.ir import create_context

    nested = f"func.func({flag})" if ANCHORS[flag] == "func::FuncOp" else flag
    text = str(PassManager.parse(f"builtin.module({nested})", create_context()))
    options = re.search(re.escape(flag) + r"\{(.*?)\}", text)
    return dict(item.split("=", 1) for item in options.group(1).split()) if options else {}


def documented_options(page: Path) -> dict[str, str]:
    """The rows of the page's `| option | default | meaning |` table, backticks dropped."""
    lines = page.read_text().splitlines()
    if "| option | default | meaning |" not in lines:
        return {}
    rows = {}
    for line in lines[lines.index("| option | default | meaning |") + 2:]:
        if not line.startswith("|"):
            break
        name, default = (cell.strip().strip("`") for cell in line.split("|")[1:3])
        rows[name] = default
    return rows


@pytest.mark.parametrize("flag", FLAGS)
def test_docs_page_lists_every_option(flag: str) -> None:
    registered = registered_options(flag)
    documented = documented_options(ROOT / "docs" / "passes" / f"{flag}.md")
    assert sorted(documented) == sorted(registered), "the option table's rows are not the options"
    assert documented == registered, "a documented default is not the registered one"


def test_option_tables_are_read() -> None:
    # The check above compares something: attn-orchestrate registers and documents options.
    assert "ring-heap" in registered_options("attn-orchestrate")
    assert "ring-heap" in documented_options(ROOT / "docs" / "passes" / "attn-orchestrate.md")


def test_pipeline_page_lists_every_option() -> None:
    # ptoattn-pipeline's options as ptoattn-opt registers them (its --help), against the rows
    # of docs/pipeline.md's option table (a row may name several options).
    import subprocess

    from ptoattn.tools import ptoattn_opt_path

    help_text = subprocess.run([ptoattn_opt_path(), "--help"], capture_output=True, text=True,
                               check=True).stdout
    section = help_text.split("      --ptoattn-pipeline ", 1)[1]
    registered = set()
    for line in section.splitlines()[1:]:
        if option := re.match(r" {8}--([\w-]+)", line):
            registered.add(option.group(1))
        elif re.match(r" {6}--", line):
            break
    lines = (ROOT / "docs" / "pipeline.md").read_text().splitlines()
    table = lines[lines.index("| option | default | forwarded to |") + 2:]
    documented = set()
    for line in table:
        if not line.startswith("|"):
            break
        documented.update(re.findall(r"`([\w-]+)`", line.split("|")[1]))
    assert "max-kv-blocks" in registered
    assert sorted(documented) == sorted(registered)
