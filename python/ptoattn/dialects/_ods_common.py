"""Lets the generated ``_*_ops_gen.py`` modules import MLIR's ODS helpers relatively.

mlir-tblgen writes ``from ._ods_common import ...``; ptoattn's generated modules live in
``ptoattn.dialects`` but must use the upstream ``mlir`` package's helpers, so that ptoattn's
ops are registered in the same MLIR as everything else.
"""

from mlir.dialects._ods_common import *  # noqa: F401,F403
from mlir.dialects._ods_common import _cext  # noqa: F401
