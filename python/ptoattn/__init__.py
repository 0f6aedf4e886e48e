"""ptoattn: an MLIR compiler for paged decode attention on Ascend a2a3 NPUs."""

from __future__ import annotations

from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import ConfigError, InputError, PTOAttnError

__all__ = ["PagedAttentionConfig", "PTOAttnError", "ConfigError", "InputError"]
__version__ = "0.1.0"
