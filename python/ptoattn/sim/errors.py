"""Errors raised by the simulator harness.

Everything the simulator raises on purpose derives from :class:`SimError` (itself a
``ptoattn`` error when the main package provides one), so callers can catch user errors
without catching bugs.
"""

from __future__ import annotations

try:  # the simulator must also work in a checkout without the lead's package pieces
    from ptoattn.errors import PTOAttnError as _Base
except Exception:  # pragma: no cover - fallback for a stripped-down install
    _Base = Exception  # type: ignore[misc,assignment]

__all__ = ["SimError"]


class SimError(_Base):
    """A simulator error: bad option, compile failure, invalid inputs, failed run.

    ``report`` holds the :class:`~ptoattn.sim.report.RunReport` when a run produced one.
    """

    def __init__(self, message: str, *, report=None):
        super().__init__(message)
        self.report = report
