"""The differential fuzzer: random configurations and inputs, compiled and run end to end.

Used by ``test/fuzz/test_fuzz.py`` (a fixed-seed batch in ``make test``) and by
``bench/fuzz.py`` (long campaigns, replay of kept cases).

A case is a configuration (shape, dtype, strategy, q-tile), runtime inputs (context lengths,
block table, scale, values) and what the generator expects: ``expect`` names the parameter a
deliberately invalid configuration must be rejected for, or is None. Each case has exactly
one acceptable outcome:

* ``rejected``: ``ptoattn compile`` exits with 1 and one line on stderr that names a
  parameter (``PARAMETER_WORDS``), without a traceback. A configuration the generator made
  invalid must be rejected naming the parameter it broke; a valid-looking one may still be
  rejected for on-chip memory (the message names the buffer).
* ``accepted``: the emitted directory runs on the simulator with no finding from any check,
  and the output matches ``direct_attention`` (below: fp64, a plain softmax over the gathered
  keys, independent of ``ptoattn.reference``) within ``error_bound``.

Anything else is a failure: a Python exception out of the CLI (a traceback), another exit code,
an unclear message, a simulator error or finding, a mismatch, or an invalid configuration that
compiled.

The bound (per sequence b of n positions, steps = ceil(n / block_size)):

    |out - exact| <= max|v_b| * (2 (u / (1 - u) + n eta)          rounding p to the storage type
                                 + 2 (block_size + 3 steps + 16) 2^-24   fp32 sums and updates
                                 + 4 delta_s)                            fp32 scores
                     + 1e-6

where u is the unit roundoff (2^-8 bf16, 2^-11 f16), eta half the smallest subnormal (2^-134
bf16, 2^-25 f16), max|v_b| the largest |v| among the rows sequence b reads, and
delta_s = (head_dim + 2) 2^-24 |scale| max_{h,j} sum_i |q_hi k_ji| bounds the fp32 error of a
score. The first term is derived in ``ptoattn/reference.py``; the others are the standard
worst-case bounds of fp32 sums of block_size terms, of the per-step online update, and of a
head_dim-long dot product (a score error d moves a weight by a factor exp(+-2d)).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import re
import tempfile
import traceback
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
from hypothesis import strategies as st

VALID_HEAD_DIMS = (16, 32, 64, 128, 256)
VALID_BLOCKS = (16, 32, 64, 128, 256)
VALID_Q_TILES = (0, 16, 32, 64)
GROUPS = (1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 40, 48, 64)
STORAGE = {"bf16": np.dtype(ml_dtypes.bfloat16), "f16": np.dtype(np.float16)}
UNIT_ROUNDOFF = {"bf16": 2.0 ** -8, "f16": 2.0 ** -11}
HALF_SUBNORMAL = {"bf16": 2.0 ** -134, "f16": 2.0 ** -25}
FP32_EPS = 2.0 ** -24

# A rejection message must name one of these: a configuration parameter or option, or the
# on-chip buffer (with the stage and tile sizes) that a supported shape overflows.
PARAMETER_WORDS = ("batch", "num_heads", "num_kv_heads", "head_dim", "block_size",
                   "max_blocks", "dtype", "q-tile", "q_tile", "strategy", "ring-heap",
                   "ring-task-window", "ring-dep-pool")
BUFFER_WORDS = ("L1", "L0A", "L0B", "L0C", "UB")


def names_a_parameter(message: str) -> bool:
    return (any(w in message for w in PARAMETER_WORDS)
            or any(re.search(rf"\b{w}\b", message) for w in BUFFER_WORDS))


@dataclasses.dataclass(frozen=True)
class Shape:
    """What the compiler sees (and the emitted code depends on)."""

    batch: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    block_size: int
    max_blocks: int
    dtype: str = "bf16"
    q_tile: int = 0
    strategy: str = "spmd"
    expect: str | None = None  # the parameter an invalid shape must be rejected for

    def config_json(self) -> dict:
        """The configuration file ``ptoattn compile`` reads (any value, valid or not)."""
        return {"batch": self.batch, "num_heads": self.num_heads, "num_kv_heads": self.num_kv_heads,
                "head_dim": self.head_dim, "block_size": self.block_size,
                "max_blocks_per_seq": self.max_blocks, "dtype": self.dtype}

    def cli_args(self, config_file: Path | str) -> list[str]:
        return [str(config_file), "--q-tile", str(self.q_tile), "--strategy", self.strategy]


@dataclasses.dataclass(frozen=True)
class Case:
    shape: Shape
    context_lens: tuple[int, ...] = ()
    block_table: tuple[tuple[int, ...], ...] = ()
    num_blocks: int = 1
    scale: float = 1.0
    seed: int = 0
    value_scale: float = 1.0

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @staticmethod
    def from_json(d: dict) -> "Case":
        d = dict(d)
        d["shape"] = Shape(**d["shape"])
        d["context_lens"] = tuple(d["context_lens"])
        d["block_table"] = tuple(tuple(r) for r in d["block_table"])
        return Case(**d)


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

@st.composite
def valid_shapes(draw: st.DrawFn, max_heads: int = 128, max_context: int = 4096) -> Shape:
    """A shape every parameter of which is in its supported set (memory may still not fit)."""
    group = draw(st.sampled_from(GROUPS))
    kv = draw(st.integers(1, max(1, min(8, max_heads // group))))
    block = draw(st.sampled_from(VALID_BLOCKS))
    return Shape(
        batch=draw(st.integers(1, 5)),
        num_heads=group * kv,
        num_kv_heads=kv,
        head_dim=draw(st.sampled_from(VALID_HEAD_DIMS)),
        block_size=block,
        max_blocks=draw(st.integers(1, max(1, max_context // block))),
        dtype=draw(st.sampled_from(["bf16", "f16"])),
        q_tile=draw(st.sampled_from(VALID_Q_TILES)),
        strategy=draw(st.sampled_from(["spmd", "per-tile"])),
    )


@st.composite
def invalid_shapes(draw: st.DrawFn) -> Shape:
    """A valid shape with one parameter broken; ``expect`` names it."""
    base = draw(valid_shapes(max_heads=32, max_context=512))
    broken = draw(st.sampled_from(["head_dim", "block_size", "q-tile", "num_kv_heads", "batch",
                                   "max_blocks", "dtype"]))
    if broken == "head_dim":
        return dataclasses.replace(base, head_dim=draw(st.sampled_from([8, 24, 72, 100, 264, 512])),
                                   expect="head_dim")
    if broken == "block_size":
        return dataclasses.replace(base, block_size=draw(st.sampled_from([8, 48, 96, 100, 512])),
                                   expect="block_size")
    if broken == "q-tile":
        return dataclasses.replace(base, q_tile=draw(st.sampled_from([1, 8, 24, 48, 128])),
                                   expect="q_tile")
    if broken == "num_kv_heads":  # does not divide num_heads
        kv = base.num_heads + 1 if base.num_heads > 1 else 2
        return dataclasses.replace(base, num_kv_heads=kv, expect="num_kv_heads")
    if broken == "batch":
        return dataclasses.replace(base, batch=draw(st.sampled_from([0, -1])), expect="batch")
    if broken == "max_blocks":
        return dataclasses.replace(base, max_blocks=0, expect="max_blocks")
    return dataclasses.replace(base, dtype="f32", expect="dtype")


@st.composite
def runtime_inputs(draw: st.DrawFn, shape: Shape) -> Case:
    """Lengths (0, 1, exact multiples, one much longer), a block table with shuffled, repeated
    and padding entries, a scale and a value seed for ``shape``."""
    bs, mb = shape.block_size, shape.max_blocks
    cap = bs * mb
    edge = st.sampled_from(sorted({0, 1, bs, cap, max(0, cap - 1), min(cap, 2 * bs)}))
    lens = draw(st.lists(st.one_of(edge, st.integers(0, cap)), min_size=shape.batch,
                         max_size=shape.batch))
    if shape.batch > 1 and draw(st.booleans()):  # one sequence much longer than the rest
        lens = [min(n, max(1, cap // 8)) for n in lens]
        lens[draw(st.integers(0, shape.batch - 1))] = cap
    used = [-(-n // bs) for n in lens]
    share = draw(st.booleans())  # repeated blocks: a small cache shared by the sequences
    num_blocks = (max(1, max(used, default=1), sum(used) // 2) if share
                  else max(1, sum(used) + draw(st.integers(0, 3))))
    order = draw(st.permutations(range(num_blocks)))
    pad = draw(st.sampled_from([-1, 0, num_blocks + 7, 2**31 - 1]))
    table, cursor = [], 0
    for n in used:
        if share:
            row = [draw(st.integers(0, num_blocks - 1)) for _ in range(n)]
        else:
            row = list(order[cursor:cursor + n])
            cursor += n
        table.append(tuple(row + [pad] * (mb - n)))
    default = 1.0 / math.sqrt(shape.head_dim)
    scale = draw(st.sampled_from([default, default, 1.0, 0.05, 2.0]))
    return Case(shape, tuple(lens), tuple(table), num_blocks, float(np.float32(scale)),
                draw(st.integers(0, 2**31 - 1)), draw(st.sampled_from([1.0, 1.0, 4.0, 0.25])))


def cases(shapes: st.SearchStrategy[Shape]) -> st.SearchStrategy[Case]:
    return shapes.flatmap(lambda s: runtime_inputs(s) if s.expect is None else st.just(Case(s)))


def make_arrays(case: Case) -> dict[str, np.ndarray]:
    """The orchestration's inputs (query, key_cache, value_cache, block_table, context_lens)."""
    s = case.shape
    rng = np.random.default_rng(case.seed)
    storage = STORAGE[s.dtype]

    def values(*dims):
        return (rng.standard_normal(dims, dtype=np.float32) * case.value_scale).astype(storage)

    return {
        "query": values(s.batch, s.num_heads, s.head_dim),
        "key_cache": values(case.num_blocks, s.block_size, s.num_kv_heads, s.head_dim),
        "value_cache": values(case.num_blocks, s.block_size, s.num_kv_heads, s.head_dim),
        "block_table": np.asarray(case.block_table, dtype=np.int32).reshape(s.batch, s.max_blocks),
        "context_lens": np.asarray(case.context_lens, dtype=np.int32),
    }


# ---------------------------------------------------------------------------------------------
# The oracle: fp64, plain softmax over the gathered keys, and its bound
# ---------------------------------------------------------------------------------------------

def direct_attention(arrays: dict[str, np.ndarray], scale: float) -> np.ndarray:
    """softmax(scale * q . k^T) v per (sequence, head) in fp64 over the keys gathered through
    the block table, position by position."""
    q = arrays["query"].astype(np.float64)
    k_cache = arrays["key_cache"].astype(np.float64)
    v_cache = arrays["value_cache"].astype(np.float64)
    batch, heads, dim = q.shape
    block, kv_heads = k_cache.shape[1], k_cache.shape[2]
    group = heads // kv_heads
    out = np.zeros((batch, heads, dim))
    for b in range(batch):
        n = int(arrays["context_lens"][b])
        if n == 0:
            continue
        positions = np.arange(n)
        blocks = arrays["block_table"][b, positions // block]
        keys = k_cache[blocks, positions % block]    # [n, kv_heads, dim]
        values = v_cache[blocks, positions % block]
        for h in range(heads):
            scores = scale * (keys[:, h // group] @ q[b, h])
            weights = np.exp(scores - scores.max())
            out[b, h] = (weights / weights.sum()) @ values[:, h // group]
    return out


def error_bound(arrays: dict[str, np.ndarray], scale: float, dtype: str) -> np.ndarray:
    """Per-sequence bound of the module docstring, shaped [batch, 1, 1]."""
    q = np.abs(arrays["query"].astype(np.float64))
    k_cache = np.abs(arrays["key_cache"].astype(np.float64))
    v_cache = np.abs(arrays["value_cache"].astype(np.float64))
    batch, heads, dim = q.shape
    block, kv_heads = k_cache.shape[1], k_cache.shape[2]
    group = heads // kv_heads
    u, eta = UNIT_ROUNDOFF[dtype], HALF_SUBNORMAL[dtype]
    bounds = np.zeros(batch)
    for b in range(batch):
        n = int(arrays["context_lens"][b])
        if n == 0:
            continue
        ids = arrays["block_table"][b, np.arange(n) // block]
        k = k_cache[ids, np.arange(n) % block]        # [n, kv_heads, dim]
        v_max = float(v_cache[ids, np.arange(n) % block].max())
        qg = q[b].reshape(kv_heads, group, dim)
        dots = np.einsum("kgd,nkd->kgn", qg, k)       # sum_i |q_i k_i|
        delta_s = (dim + 2) * FP32_EPS * abs(scale) * float(dots.max())
        steps = -(-n // block)
        rel = (2 * (u / (1 - u) + n * eta) + 2 * (block + 3 * steps + 16) * FP32_EPS
               + 4 * math.expm1(2 * delta_s) / 2)
        bounds[b] = v_max * rel + 1e-6
    return bounds[:, None, None]


# ---------------------------------------------------------------------------------------------
# Running one case
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    kind: str          # "accepted", "rejected" or "failure"
    detail: str = ""   # the failure, or the rejection message

    @property
    def failed(self) -> bool:
        return self.kind == "failure"


def _cli(argv: list[str]) -> tuple[int | None, str, str]:
    """``ptoattn`` in-process: (exit code or None for an exception, stdout, stderr + traceback)."""
    from ptoattn import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # noqa: BLE001  (a traceback is the finding)
            return None, out.getvalue(), err.getvalue() + traceback.format_exc()
    return code, out.getvalue(), err.getvalue()


def compile_case(case: Case, out_dir: Path) -> Outcome | None:
    """Compiles with the CLI; None when it compiled, else the outcome of the rejection."""
    config_file = out_dir.parent / "config.json"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(json.dumps(case.shape.config_json()))
    code, _, err = _cli(["compile", *case.shape.cli_args(config_file), "-o", str(out_dir)])
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 0:
        if case.shape.expect is not None:
            return Outcome("failure", f"accepted a configuration with an invalid {case.shape.expect}")
        return None
    if code is None:
        return Outcome("failure", f"compile raised instead of reporting:\n{err}")
    if code != 1:
        return Outcome("failure", f"compile exited with {code}:\n{err}")
    if "Traceback" in err or not lines:
        return Outcome("failure", f"compile failed without a one-line message:\n{err}")
    message = lines[0]
    if not names_a_parameter(message):
        return Outcome("failure", f"rejection names no parameter: {message}")
    expect = case.shape.expect
    if expect is not None and expect.replace("-", "_") not in message.replace("-", "_"):
        return Outcome("failure", f"invalid {expect} rejected with a message that does not "
                                  f"name it: {message}")
    return Outcome("rejected", message)


def run_case(case: Case, work: Path | None = None) -> Outcome:
    """Compiles and runs ``case``; the outcome as the module docstring defines it."""
    from ptoattn import reference, runner

    with contextlib.ExitStack() as stack:
        if work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ptoattn-fuzz-")))
        out_dir = work / "out"
        rejected = compile_case(case, out_dir)
        if rejected is not None:
            return rejected
        arrays = make_arrays(case)
        inputs = reference.PagedAttentionInputs(
            arrays["query"], arrays["key_cache"], arrays["value_cache"], arrays["block_table"],
            arrays["context_lens"], np.zeros(arrays["query"].shape, dtype=np.float32), case.scale)
        try:
            outcome = runner.run(out_dir, inputs=inputs)
        except Exception as exc:  # noqa: BLE001  (any error of an accepted case is a failure)
            return Outcome("failure", f"run failed: {type(exc).__name__}: {exc}")
        findings = outcome.report.findings
        if findings or sum(outcome.report.finding_counts.values()):
            return Outcome("failure", "simulator findings:\n" + "\n".join(map(str, findings[:10])))
        exact = direct_attention(arrays, case.scale)
        bound = error_bound(arrays, case.scale, case.shape.dtype)
        err = np.abs(outcome.output.astype(np.float64) - exact)
        bad = ~(err <= bound)  # NaN is bad
        if bad.any():
            b, h, d = (int(i) for i in np.argwhere(bad)[0])
            return Outcome("failure", f"mismatch in {int(bad.sum())} elements; first at batch={b} "
                                      f"head={h} dim={d}: got {outcome.output[b, h, d]:.6g}, "
                                      f"exact {exact[b, h, d]:.6g}, bound {bound[b, 0, 0]:.3g}")
        ratio = float((err / np.maximum(bound, 1e-300)).max())  # 0 for empty sequences (bound 0)
        return Outcome("accepted", f"max error / bound {ratio:.3g}")


# ---------------------------------------------------------------------------------------------
# Keeping and replaying cases
# ---------------------------------------------------------------------------------------------

def save_case(case: Case, outcome: Outcome, directory: Path, name: str) -> Path:
    """Writes ``name.json`` (case, outcome, commands) and ``name.npz`` (the inputs)."""
    directory.mkdir(parents=True, exist_ok=True)
    npz = directory / f"{name}.npz"
    config = directory / f"{name}.config.json"
    config.write_text(json.dumps(case.shape.config_json()) + "\n")
    if case.shape.expect is None:
        arrays = make_arrays(case)
        np.savez(npz, **arrays, scale=np.float32(case.scale))
    record: dict[str, Any] = {
        "case": case.to_json(),
        "outcome": dataclasses.asdict(outcome),
        "commands": [
            "ptoattn compile " + " ".join(case.shape.cli_args(config.name)) + f" -o {name}.out",
            *([f"ptoattn run {name}.out --inputs {npz.name}"] if case.shape.expect is None else []),
        ],
        "replay": f"python bench/fuzz.py --replay {directory / (name + '.json')}",
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def load_case(path: Path) -> Case:
    return Case.from_json(json.loads(Path(path).read_text())["case"])
