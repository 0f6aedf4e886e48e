"""ptoattn: an MLIR compiler for paged decode attention on Ascend a2a3 NPUs.

The API:

- ``PagedAttentionConfig``: the problem (validated dataclass);
- ``build_module(config)``: an MLIR module holding ``attn.paged_attention``;
- ``Pipeline``: the registered ``ptoattn-pipeline`` as an editable list of passes;
- ``compile(config_or_module, out_dir, **options)``: an output directory (kernels,
  orchestration, scene test, manifest) and a ``CompileResult``;
- ``run(out_dir, inputs=None, platform="sim")``: outputs, comparison with the reference and
  the platform's report.

Importing ``ptoattn`` is cheap; the MLIR parts load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import ConfigError, InputError, PTOAttnError
from ptoattn.options import CompileOptions

if TYPE_CHECKING:  # pragma: no cover
    from ptoattn.compiler import CompileResult, compile
    from ptoattn.ir import build_module
    from ptoattn.pipeline import Pipeline
    from ptoattn.runner import RunOutcome, run

__all__ = [
    "CompileOptions",
    "CompileResult",
    "ConfigError",
    "InputError",
    "PTOAttnError",
    "PagedAttentionConfig",
    "Pipeline",
    "RunOutcome",
    "build_module",
    "compile",
    "run",
]
__version__ = "0.1.0"

_LAZY = {
    "compile": ("ptoattn.compiler", "compile"),
    "CompileResult": ("ptoattn.compiler", "CompileResult"),
    "build_module": ("ptoattn.ir", "build_module"),
    "Pipeline": ("ptoattn.pipeline", "Pipeline"),
    "run": ("ptoattn.runner", "run"),
    "RunOutcome": ("ptoattn.runner", "RunOutcome"),
}


def __getattr__(name: str) -> Any:
    """Loads the MLIR-backed parts of the API on first use."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'ptoattn' has no attribute {name!r}")
