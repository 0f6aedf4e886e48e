"""Shared by the emission tests: lower configurations with ptoattn-opt, print one emitc.file
as C++ with the pinned mlir-translate, and syntax-check C++ against the simulator headers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig, tools
from ptoattn.ir import build_module
from ptoattn.sim.toolchain import BuildLock

REPO = Path(__file__).resolve().parents[2]
SIM_INCLUDE = REPO / "sim" / "include"

# (name, batch, heads, kv_heads, head_dim, block_size, dynamic batch)
CONFIGS = [
    ("mqa", 4, 16, 1, 128, 128, False),
    ("gqa", 3, 40, 8, 128, 64, False),
    ("gqa32", 2, 32, 8, 64, 16, False),
    ("mqa64", 2, 64, 1, 256, 64, False),
    ("dyn", 3, 40, 8, 128, 64, True),
]
STAGES = ("qk_matmul", "softmax_prepare", "pv_matmul", "online_update")


def lower(name: str, batch: int, heads: int, kv_heads: int, head_dim: int, block: int,
          dynamic: bool, strategy: str, tmp_path: Path, *passes: str) -> str:
    """The configuration through `ptoattn-pipeline{to-emitc=false}` and then `passes`."""
    config = PagedAttentionConfig(batch=batch, num_heads=heads, num_kv_heads=kv_heads,
                                  head_dim=head_dim, block_size=block, max_blocks_per_seq=4)
    source = tmp_path / f"{name}.mlir"
    source.write_text(str(build_module(config, func_name=name, dynamic_batch=dynamic)))
    proc = subprocess.run(
        [str(tools.ptoattn_opt_path()), str(source),
         f"--ptoattn-pipeline=strategy={strategy} max-batch=8 to-emitc=false", *passes],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def translate(emitc_text: str, file_id: str, tmp_path: Path) -> str:
    """`mlir-translate --mlir-to-cpp --file-id=<file_id>` of a module holding that file."""
    path = tmp_path / f"{file_id}.emitc.mlir"
    path.write_text(emitc_text)
    proc = subprocess.run(
        [str(tools.mlir_tool_path("mlir-translate")), "--mlir-to-cpp", f"--file-id={file_id}",
         str(path)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# Emitted C++ is compiled warning-free, so a warning in it fails the tests instead of creeping in.
WARNINGS = ("-Wall", "-Wextra", "-Werror")


def syntax_check(sources: list[Path], *flags: str) -> None:
    """`g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror` against the simulator's tile and
    runtime headers."""
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("g++ is not installed")
    cmd = [gxx, "-std=c++17", "-fsyntax-only", *WARNINGS, *flags, "-I", str(SIM_INCLUDE), *map(str, sources)]
    with BuildLock():  # the simulator's builds take the same lock
        proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
