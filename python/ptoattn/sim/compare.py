"""Element-wise comparison with diagnostics a kernel author can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ptoattn.sim.errors import SimError


@dataclass(frozen=True)
class CompareResult:
    ok: bool
    mismatches: int
    total: int
    max_abs_err: float
    max_rel_err: float
    worst_index: tuple[int, ...]
    worst_actual: float
    worst_expected: float
    axis_names: tuple[str, ...]
    rtol: float
    atol: float

    def __str__(self) -> str:
        where = ", ".join(f"{n}={i}" for n, i in zip(self.axis_names, self.worst_index))
        head = "match" if self.ok else f"MISMATCH: {self.mismatches} of {self.total} elements"
        return (
            f"{head} (rtol={self.rtol:g}, atol={self.atol:g}); worst element ({where}): "
            f"got {self.worst_actual:.6g}, expected {self.worst_expected:.6g}, "
            f"|err| {self.max_abs_err:.3g}; max relative error {self.max_rel_err:.3g}"
        )


def compare(
    actual: np.ndarray,
    expected: np.ndarray,
    *,
    rtol: float = 1e-3,
    atol: float = 1e-3,
    axis_names: Sequence[str] = ("batch", "head", "dim"),
) -> CompareResult:
    """|actual - expected| <= atol + rtol * |expected| everywhere.

    Non-finite values match only themselves: an infinity matches the same infinity of the
    reference, a NaN matches only where the reference has NaN; any other NaN or Inf in either
    array is a mismatch. No numpy RuntimeWarning escapes (inf - inf is masked, not reported).
    """
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise SimError(f"compare: actual has shape {a.shape}, expected {e.shape}")
    names = (
        tuple(axis_names) if len(axis_names) == a.ndim else tuple(f"dim{i}" for i in range(a.ndim))
    )
    if a.size == 0:
        return CompareResult(True, 0, 0, 0.0, 0.0, (), 0.0, 0.0, names, rtol, atol)
    same = (np.isnan(a) & np.isnan(e)) | (np.isinf(a) & (a == e))
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.where(same, 0.0, np.abs(a - e))
        err = np.where(np.isnan(err), np.inf, err)  # a NaN on one side only
        tolerance = atol + rtol * np.abs(e)
        # A non-finite value on either side that is not the same special is a mismatch
        # (against an infinite reference the tolerance is infinite too).
        bad = ~same & (~np.isfinite(a) | ~np.isfinite(e) | ~(err <= tolerance))
        # Rank by how close each element is to its tolerance, so the worst element is the
        # one nearest to failing (a raw difference would favour large values or exact zeros).
        score = np.where(same, 0.0, np.where(np.isfinite(err), err / tolerance, np.inf))
        score = np.where(np.isnan(score), np.inf, score)
        rel = np.where(same, 0.0, err / np.maximum(np.abs(e), 1e-30))
    worst = np.unravel_index(int(np.argmax(score)), a.shape)
    max_abs = float(err.max())
    return CompareResult(
        ok=not bool(bad.any()),
        mismatches=int(bad.sum()),
        total=int(a.size),
        max_abs_err=max_abs,
        max_rel_err=float(np.nanmax(np.where(np.isnan(rel), np.inf, rel))),
        worst_index=tuple(int(i) for i in worst),
        worst_actual=float(a[worst]),
        worst_expected=float(e[worst]),
        axis_names=names,
        rtol=rtol,
        atol=atol,
    )
