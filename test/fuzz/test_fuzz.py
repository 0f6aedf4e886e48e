"""The differential fuzzer in the test suite: a fixed-seed batch of random configurations and
inputs (``fuzzlib``), each rejected at compile time with a one-line message naming a parameter,
or run on the simulator with every check clean and matched against an fp64 softmax within the
stated bound. ``bench/fuzz.py`` runs the same generator for long campaigns.

To stay within about a minute, the accepted shapes come from a pool the end-to-end matrix
compiles too (so their kernels are in the build cache); every runtime axis is random:
lengths (0, 1, exact multiples, one much longer), block tables (shuffled, repeated, padding),
scale and values. Invalid shapes are drawn freely: they never reach g++.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzlib
from fuzzlib import Shape

# Configurations of test/e2e/test_end_to_end.py (same kernels, so the same cached builds).
POOL = [
    Shape(4, 16, 1, 128, 128, 8, "bf16", 0, "spmd"),
    Shape(4, 40, 8, 128, 64, 4, "f16", 0, "per-tile"),
    Shape(3, 32, 8, 64, 16, 6, "f16", 0, "spmd"),
    Shape(3, 64, 1, 64, 16, 4, "bf16", 16, "per-tile"),
    Shape(2, 40, 1, 128, 32, 3, "bf16", 16, "spmd"),
    Shape(2, 16, 2, 128, 64, 3, "bf16", 32, "per-tile"),
]
SHAPES = st.one_of(st.sampled_from(POOL), st.sampled_from(POOL), fuzzlib.invalid_shapes())


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fuzzlib.cases(SHAPES))
def test_random_configuration_is_rejected_clearly_or_matches(case: fuzzlib.Case) -> None:
    outcome = fuzzlib.run_case(case)
    assert not outcome.failed, f"{outcome.detail}\ncase: {json.dumps(case.to_json())}"


def test_generator_covers_the_axes() -> None:
    """The generator reaches the edges the fuzzer exists for (checked on a fixed sample)."""
    @settings(max_examples=300, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzzlib.cases(st.one_of(fuzzlib.valid_shapes(), fuzzlib.invalid_shapes())))
    def collect(case: fuzzlib.Case) -> None:
        seen.append(case)

    seen: list[fuzzlib.Case] = []
    collect()
    valid = [c for c in seen if c.shape.expect is None]
    lens = [n for c in valid for n in c.context_lens]
    assert 0 in lens and 1 in lens
    assert any(n and n % c.shape.block_size == 0 for c in valid for n in c.context_lens)
    assert any(c.shape.num_heads // c.shape.num_kv_heads >= 32 for c in valid)
    assert {c.shape.dtype for c in valid} == {"bf16", "f16"}
    assert {c.shape.strategy for c in valid} == {"spmd", "per-tile"}
    assert any(len(set(r[: -(-n // c.shape.block_size)])) < -(-n // c.shape.block_size)
               for c in valid for r, n in zip(c.block_table, c.context_lens))  # repeated blocks
    assert {c.shape.expect for c in seen} - {None} >= {"head_dim", "block_size", "q_tile"}


def test_a_wrong_kernel_is_caught() -> None:
    """The oracle and its bound catch an output off by one V row's worth for one head."""
    case = fuzzlib.Case(POOL[2], (16, 95, 0), ((0,) + (-1,) * 5, (1, 2, 3, 4, 5, 6), (-1,) * 6),
                        num_blocks=7, scale=0.125, seed=5)
    arrays = fuzzlib.make_arrays(case)
    exact = fuzzlib.direct_attention(arrays, case.scale)
    bound = fuzzlib.error_bound(arrays, case.scale, "f16")
    assert (bound[2] == 0).all() and (bound[:2] > 0).all()
    wrong = exact.copy()
    wrong[1, 3] += 0.05 * np.abs(arrays["value_cache"].astype(np.float32)).max()
    assert (np.abs(wrong - exact) > bound).any()


# (description, tensor, index, value, the (sequence, head) rows that read it).
# Sequence lengths 16, 95, 40; 32 heads on 8 KV heads (groups of 4); blocks of 16 rows.
NON_FINITE = [
    ("NaN in a key", "key_cache", (1, 3, 2, 5), np.nan, [(1, h) for h in range(8, 12)]),
    ("-inf key row", "key_cache", (0, 2, 1, slice(None)), -np.inf, [(0, h) for h in range(4, 8)]),
    ("inf in a value", "value_cache", (7, 0, 0, 0), np.inf, [(2, h) for h in range(0, 4)]),
    ("inf in a query", "query", (0, 4, 0), np.inf, [(0, 4)]),
    ("NaN in a query", "query", (2, 0, 3), np.nan, [(2, 0)]),
    ("inf past the context", "key_cache", (9, 10, 0, 0), np.inf, []),
    ("NaN in an unused block", "value_cache", (10, 0, 0, 0), np.nan, []),
]


@pytest.fixture(scope="module")
def non_finite_dir(tmp_path_factory):
    case = fuzzlib.Case(POOL[2], (16, 95, 40),
                        ((0,) + (-1,) * 5, (1, 2, 3, 4, 5, 6), (7, 8, 9, -1, -1, -1)),
                        num_blocks=11, scale=0.125, seed=5)
    out = tmp_path_factory.mktemp("nonfinite") / "out"
    assert fuzzlib.compile_case(case, out) is None
    return case, out


@pytest.mark.parametrize(("what", "tensor", "index", "value", "rows"), NON_FINITE,
                         ids=[c[0] for c in NON_FINITE])
def test_non_finite_inputs_stay_in_the_rows_that_read_them(non_finite_dir, what, tensor, index,
                                                           value, rows) -> None:
    """NaN/Inf in q, k or v never crash and trip no check: the heads that read the value get
    non-finite output rows (docs/simulator.md), every other row still matches."""
    from ptoattn import reference, runner

    case, out_dir = non_finite_dir
    arrays = fuzzlib.make_arrays(case)
    arrays[tensor][index] = value
    inputs = reference.PagedAttentionInputs(
        arrays["query"], arrays["key_cache"], arrays["value_cache"], arrays["block_table"],
        arrays["context_lens"], np.zeros(arrays["query"].shape, dtype=np.float32), case.scale)
    with np.errstate(invalid="ignore", over="ignore"):
        outcome = runner.run(out_dir, inputs=inputs)
        exact = fuzzlib.direct_attention(arrays, case.scale)
        bound = fuzzlib.error_bound(arrays, case.scale, case.shape.dtype)
    assert not outcome.report.findings
    finite_rows = np.isfinite(outcome.output).all(axis=2)
    assert sorted(map(tuple, np.argwhere(~finite_rows).tolist())) == rows
    clean = [b for b in range(3) if b not in {r[0] for r in rows}]
    assert (np.abs(outcome.output[clean] - exact[clean]) <= bound[clean]).all()
    # ptoattn run: an infinite v gives the reference's infinities too; a NaN row is a mismatch.
    assert outcome.passed == (not rows or tensor == "value_cache")
