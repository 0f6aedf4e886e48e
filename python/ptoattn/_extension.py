"""Loads ptoattn's compiled extension after the upstream MLIR it links against.

Importing ``mlir.ir`` first loads the MLIR Python bindings' shared library; the extension
then binds to that same library, so ptoattn's dialects and passes live in the one MLIR that
``mlir.ir`` and ``mlir.passmanager`` use. Importing this module registers ptoattn's passes.
"""

from __future__ import annotations

import mlir.ir  # noqa: F401  (must precede the extension)
from mlir._mlir_libs import _mlir

from ptoattn import _ptoattn

# MLIR maps an operation to its Python class only after importing `<prefix>.<dialect>`;
# this makes `attn.*` operations come back as ptoattn.dialects.attn classes.
if "ptoattn.dialects" not in _mlir.globals.dialect_search_modules:
    _mlir.globals.append_dialect_search_prefix("ptoattn.dialects")

__all__ = [
    "describe_module",
    "describe_target",
    "register_dialects",
    "translate_to_cpp",
    "model_schedule",
    "extension_version",
]

register_dialects = _ptoattn.register_dialects
translate_to_cpp = _ptoattn.translate_to_cpp
# Typed facts read by C++ (JSON): the target description and a module's kernels and chip.
describe_target = _ptoattn.describe_target
describe_module = _ptoattn.describe_module
# The modeled time of a lowered module, nothing compiled (ptoattn-c/ScheduleModel.h).
model_schedule = _ptoattn.model_schedule
extension_version: str = _ptoattn.__version__
