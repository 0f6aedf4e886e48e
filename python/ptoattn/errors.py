"""The one exception hierarchy of ptoattn.

Every error a user can cause derives from :class:`PTOAttnError`, so a caller (and the
``ptoattn`` command) can catch the project's errors without also catching its bugs.
"""

from __future__ import annotations

__all__ = ["PTOAttnError", "ConfigError", "InputError"]


class PTOAttnError(Exception):
    """Base class of every error ptoattn raises on purpose."""


class ConfigError(PTOAttnError, ValueError):
    """A configuration parameter is outside what ptoattn accepts."""


class InputError(PTOAttnError, ValueError):
    """Runtime inputs (tensors, lengths, block table) are inconsistent or unsafe."""
