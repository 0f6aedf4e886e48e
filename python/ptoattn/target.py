"""The a2a3 target description, as the C++ passes see it.

Everything here comes from ``ptoattn/Target/A2A3.h`` through the compiled extension
(``describe_target``): the chips and their cluster counts, the query tiles, strategies and
block sizes the pipeline supports, and the runtime's ring defaults. Python keeps no copy of
these lists, so the driver's validation and the passes cannot disagree.
"""

from __future__ import annotations

import dataclasses
import functools
import json

__all__ = ["TargetInfo", "describe", "lookup", "target_names"]


@dataclasses.dataclass(frozen=True)
class TargetInfo:
    """One chip: its name and how many clusters (1 AIC + 2 AIV) run blocks at once."""

    chip: str
    clusters: int


@functools.cache
def describe() -> dict:
    """The whole description (chips, query tiles, strategies, block sizes, ring defaults)."""
    from ptoattn._extension import describe_target

    return json.loads(describe_target())


def target_names() -> tuple[str, ...]:
    return tuple(t["chip"] for t in describe()["targets"])


def lookup(chip: str | None) -> TargetInfo:
    """The chip named ``chip`` (None: the default chip); ConfigError naming the choices."""
    from ptoattn.errors import ConfigError

    chip = describe()["default_target"] if chip is None else chip
    for entry in describe()["targets"]:
        if entry["chip"] == chip:
            return TargetInfo(entry["chip"], entry["clusters"])
    names = target_names()
    raise ConfigError(
        f"target {chip!r} is not supported: must be {', '.join(names[:-1])} or {names[-1]}"
    )
