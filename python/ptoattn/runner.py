"""Run an output directory on a platform and compare it with the reference.

``run`` reads the directory's ``manifest.json`` for the compiled configuration, takes
generated or user inputs (rejecting any that do not fit the compiled configuration, naming the
tensor and the dimension), runs the emitted C++ on the built-in simulator, and compares the
output with ``ptoattn.reference``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import ml_dtypes
import numpy as np

from ptoattn import reference
from ptoattn.config import PagedAttentionConfig
from ptoattn.errors import InputError, PTOAttnError

if TYPE_CHECKING:  # the simulator is imported when a run needs it
    from ptoattn.sim import CompareResult, RunReport

__all__ = [
    "RunOutcome",
    "check",
    "index_array",
    "load_manifest",
    "load_inputs",
    "run",
    "save_output",
]

logger = logging.getLogger(__name__)

TENSOR_NAMES = ("query", "key_cache", "value_cache", "block_table", "context_lens")


def load_manifest(out_dir: str | Path) -> dict:
    """The directory's manifest; an InputError if the directory is not a ptoattn output."""
    path = Path(out_dir) / "manifest.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{out_dir}: not a ptoattn output directory (no manifest.json)") from None
    except ValueError as err:
        raise InputError(f"{path}: not valid JSON ({err})") from None


def _config(manifest: dict) -> PagedAttentionConfig:
    return PagedAttentionConfig(**manifest["config"])


def _as_storage(name: str, array: np.ndarray, dtype: str) -> np.ndarray:
    """bf16/f16 tensors may come as float32: rounded, with a warning only if a value changes."""
    storage = np.dtype(ml_dtypes.bfloat16) if dtype == "bf16" else np.dtype(np.float16)
    if array.dtype == storage:
        return array
    # np.save keeps no ml_dtypes types: a saved bfloat16 array comes back as raw 2-byte voids.
    if dtype == "bf16" and array.dtype == np.dtype("V2"):
        return array.view(storage)
    if array.dtype != np.float32:
        raise InputError(f"{name}: expected {dtype} or float32, got {array.dtype}")
    rounded = array.astype(storage)
    if not np.array_equal(rounded.astype(np.float32), array):
        warnings.warn(f"{name}: float32 values were rounded to {dtype}", stacklevel=3)
    return rounded


_INT32 = np.iinfo(np.int32)


def index_array(name: str, array: np.ndarray) -> np.ndarray:
    """``array`` as C-contiguous int32 if it holds integers that all fit int32; else an
    InputError naming the array and its dtype or the first value that does not fit (a
    float, int16 or wide table is never silently cast)."""
    if array.dtype.kind not in "iu":
        raise InputError(f"{name}: expected an integer array (int32), got dtype {array.dtype}")
    if array.size:
        wide = array.astype(np.int64) if array.dtype != np.uint64 else array
        outside = np.flatnonzero((wide.ravel() < _INT32.min) | (wide.ravel() > _INT32.max))
        if outside.size:
            where = np.unravel_index(int(outside[0]), array.shape)
            index = ", ".join(str(int(i)) for i in where)
            raise InputError(
                f"{name}[{index}] = {array[where]} does not fit int32 ({_INT32.min}..{_INT32.max})"
            )
    return np.ascontiguousarray(array, dtype=np.int32)


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of the .npz at ``path``; an InputError naming the file on any defect
    (missing, empty, not a zip, truncated, damaged members, pickled objects)."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty; expected an .npz archive (numpy.savez)")
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{path}: not an .npz archive (numpy.savez writes a zip of .npy "
            "arrays); the file is truncated or of another kind"
        )
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            for key in data.files:
                try:
                    arrays[key] = data[key]
                except ValueError as err:
                    if "allow_pickle" in str(err) or "Object arrays" in str(err):
                        raise InputError(
                            f"{path}: {key} holds Python objects; expected a numeric array"
                        ) from None
                    raise
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as err:
        raise InputError(f"{path}: damaged .npz archive ({err})") from None
    return arrays


def load_inputs(path: str | Path, config: PagedAttentionConfig) -> reference.PagedAttentionInputs:
    """Inputs from an .npz whose keys are the argument names (``scale`` as a 0-d array).

    Every defect is an InputError naming the file or the array: a damaged or non-npz file,
    a missing key, a tensor of another dtype, an index array that is not integer or does not
    fit int32, a scale that is not one number.
    """
    path = Path(path)
    data = _read_npz(path)
    missing = [k for k in (*TENSOR_NAMES, "scale") if k not in data]
    if missing:
        raise InputError(
            f"{path}: missing {', '.join(missing)}; expected keys "
            f"{', '.join((*TENSOR_NAMES, 'scale'))}"
        )
    query = _as_storage("query", data["query"], config.dtype)
    key_cache = _as_storage("key_cache", data["key_cache"], config.dtype)
    value_cache = _as_storage("value_cache", data["value_cache"], config.dtype)
    table = index_array("block_table", data["block_table"])
    lens = index_array("context_lens", data["context_lens"])
    scale = data["scale"]
    if scale.shape != ():
        raise InputError(f"scale: expected a 0-d array, got shape {scale.shape}")
    if scale.dtype.kind not in "fiu":
        raise InputError(f"scale: expected a number (a 0-d float32 array), got dtype {scale.dtype}")
    out = np.zeros(query.shape, dtype=np.float32)
    return reference.PagedAttentionInputs(
        query, key_cache, value_cache, table, lens, out, float(scale)
    )


def check_inputs_fit(
    inputs: reference.PagedAttentionInputs,
    config: PagedAttentionConfig,
    *,
    dynamic_batch: bool = False,
) -> None:
    """Rejects inputs the compiled configuration cannot run, naming tensor and dimension.

    With ``dynamic_batch`` any batch from 1 to ``config.batch`` (the compiled maximum) fits.
    """
    if dynamic_batch:
        batch = inputs.query.shape[0] if inputs.query.ndim else 0
        if not 1 <= batch <= config.batch:
            raise InputError(
                f"batch is {batch} but the directory was compiled for a dynamic "
                f"batch of 1 to {config.batch} (max_batch); recompile with a "
                "larger --max-batch"
            )
        config = dataclasses.replace(config, batch=batch)
    expect = {
        "query": {
            1: ("num_heads", config.num_heads),
            2: ("head_dim", config.head_dim),
            0: ("batch", config.batch),
        },
        "key_cache": {
            1: ("block_size", config.block_size),
            2: ("num_kv_heads", config.num_kv_heads),
            3: ("head_dim", config.head_dim),
        },
        "value_cache": {
            1: ("block_size", config.block_size),
            2: ("num_kv_heads", config.num_kv_heads),
            3: ("head_dim", config.head_dim),
        },
        "block_table": {0: ("batch", config.batch)},
        "context_lens": {0: ("batch", config.batch)},
    }
    ranks = {"query": 3, "key_cache": 4, "value_cache": 4, "block_table": 2, "context_lens": 1}
    for name in TENSOR_NAMES:
        array = getattr(inputs, name)
        if array.ndim != ranks[name]:
            raise InputError(f"{name}: expected rank {ranks[name]}, got shape {array.shape}")
        for dim, (what, value) in expect[name].items():
            if array.shape[dim] != value:
                raise InputError(
                    f"{name} dim {dim} ({what}) is {array.shape[dim]} but the "
                    f"directory was compiled for {value}"
                )
    if not math.isfinite(inputs.scale):
        raise InputError(
            f"scale is {inputs.scale}: must be a finite number (any finite scale, "
            "zero and negative included, is computed exactly)"
        )
    width = inputs.block_table.shape[1]
    if width > config.max_blocks_per_seq:
        raise InputError(
            f"block_table dim 1 (max_blocks_per_seq) is {width}, more than the "
            f"{config.max_blocks_per_seq} the directory was compiled for"
        )
    reference.validate_inputs(
        inputs.query, inputs.key_cache, inputs.value_cache, inputs.block_table, inputs.context_lens
    )


@dataclasses.dataclass
class RunOutcome:
    """The output, its comparison with the reference, and the platform's run report."""

    output: np.ndarray
    expected: np.ndarray
    comparison: CompareResult | _NotCompared
    report: RunReport
    context_lens: list[int]

    config: PagedAttentionConfig | None = None

    @property
    def passed(self) -> bool:
        return bool(self.comparison.ok) and not self.report.errors

    # ---- modeled a2a3 time (ptoattn.sim.timing; docs/cost-model.md) ----
    @property
    def model(self):
        """The modeled timeline (ptoattn.sim.ModelReport)."""
        return self.report.model

    @property
    def modeled_us(self) -> float:
        return self.model.makespan_us

    @property
    def needed_bytes(self) -> int:
        """Bytes of Q, K, V and out the attention must move (the roofline's numerator)."""
        from ptoattn.sim.timing import attention_bytes

        c = self.config
        if c is None:
            raise PTOAttnError("needed_bytes: the run carries no configuration")
        return attention_bytes(
            c.batch, c.num_heads, c.num_kv_heads, c.head_dim, self.context_lens, 2, 4
        )

    def roofline_us(self, tbs: float | None = None) -> float:
        """The roofline time at ``tbs`` TB/s (default: the 1.6 TB/s HBM specification)."""
        from ptoattn.sim.timing import HBM_SPEC_TBS

        return self.needed_bytes / ((tbs or HBM_SPEC_TBS) * 1e6)

    def write_trace(self, path: str | Path) -> Path:
        """A Chrome trace-event JSON of the modeled timeline (opens in Perfetto)."""
        return self.model.write_trace(path)

    def write_swimlane(self, path: str | Path) -> Path:
        """A PNG of the modeled timeline: cores by time, by kernel, critical path outlined."""
        return self.model.write_swimlane(path)

    def report_text(self) -> str:
        lines = [
            f"{'PASS' if self.passed else 'FAIL'}: {self.comparison}",
            f"context lengths: {_short(self.context_lens)}",
        ]
        lines.append(self.report.summary())
        if self.model is not None and self.config is not None:
            lines.append(self.model.summary(self.needed_bytes))
        return "\n".join(lines)


def _short(values: list[int]) -> str:
    if len(values) <= 16 or len(set(values)) > 1:
        return str(values) if len(values) <= 16 else f"{values[:8]} ... ({len(values)} sequences)"
    return f"{len(values)} x {values[0]}"


@dataclasses.dataclass
class _NotCompared:
    """The comparison of a modeled-only run, which computes no output."""

    ok: bool = True

    def __str__(self) -> str:
        return "modeled only: the output was not computed nor compared"


def _model_only_inputs(
    config: PagedAttentionConfig, context_lens: list[int] | None
) -> reference.PagedAttentionInputs:
    """Inputs for a modeled-only run: real block table and lengths, caches left unwritten
    (the kernels read no cache byte when they skip their arithmetic)."""
    bs = config.block_size
    lens = np.asarray(
        context_lens if context_lens is not None else [config.max_context_len] * config.batch,
        dtype=np.int32,
    )
    if lens.shape != (config.batch,):
        raise InputError(
            f"context_lens: expected {config.batch} lengths (batch), got shape {lens.shape}"
        )
    used = -(-lens.astype(np.int64) // bs)
    blocks = max(1, int(used.sum()))
    table = np.full((config.batch, config.max_blocks_per_seq), -1, dtype=np.int32)
    start = np.concatenate([[0], np.cumsum(used)[:-1]])
    for i in range(config.batch):
        table[i, : used[i]] = np.arange(start[i], start[i] + used[i], dtype=np.int32)
    storage = np.dtype(ml_dtypes.bfloat16) if config.dtype == "bf16" else np.dtype(np.float16)
    shape = (blocks, bs, config.num_kv_heads, config.head_dim)
    query = np.zeros((config.batch, config.num_heads, config.head_dim), dtype=storage)
    return reference.PagedAttentionInputs(
        query,
        np.zeros(shape, storage),
        np.zeros(shape, storage),
        table,
        lens,
        np.zeros(query.shape, np.float32),
        float(np.float32(config.softmax_scale)),
    )


def run(
    out_dir: str | Path,
    inputs: str | Path | reference.PagedAttentionInputs | None = None,
    *,
    seed: int = 0,
    context_lens: list[int] | None = None,
    platform: str = "sim",
    sim_config=None,
    model_only: bool = False,
) -> RunOutcome:
    """Runs ``out_dir`` on ``platform`` and compares with the reference.

    ``sim_config`` (a ``ptoattn.sim.SimConfig``) sets the simulator's rings, threads and
    checks; by default the runtime's defaults on the compiled target's cluster count.
    ``model_only`` models the a2a3 time without
    computing the output (fast for large shapes; lengths default to the maximum context).
    Every run carries the modeled time (``RunOutcome.model``).
    """
    if platform != "sim":
        raise PTOAttnError(f"platform must be 'sim' (the only one built in), got {platform!r}")
    from ptoattn import sim

    manifest = load_manifest(out_dir)
    config = _config(manifest)
    dynamic_batch = bool(manifest.get("dynamic_batch", False))
    # With a dynamic batch, generated inputs take the batch of the lengths given.
    sized = config
    if dynamic_batch and context_lens is not None:
        sized = dataclasses.replace(config, batch=max(1, len(context_lens)))
    if sim_config is None and "target" in manifest:
        # As many clusters as the chip the directory was compiled for, in the runtime and
        # in the timing model (whose own default is 24).
        clusters = manifest["target"]["clusters"]
        sim_config = sim.SimConfig(clusters=clusters, model={"clusters": clusters})
    if model_only:
        sim_config = dataclasses.replace(sim_config or sim.SimConfig(), model_only=True)
    if model_only and inputs is None:
        inputs = _model_only_inputs(sized, context_lens)
    elif inputs is None:
        inputs = reference.make_inputs(sized, seed, context_lens)
    elif not isinstance(inputs, reference.PagedAttentionInputs):
        inputs = load_inputs(inputs, config)
    inputs = inputs._replace(
        block_table=index_array("block_table", np.asarray(inputs.block_table)),
        context_lens=index_array("context_lens", np.asarray(inputs.context_lens)),
    )
    check_inputs_fit(inputs, config, dynamic_batch=dynamic_batch)
    program = sim.build(out_dir)
    result = sim.run_paged_attention(
        program,
        inputs.query,
        inputs.key_cache,
        inputs.value_cache,
        inputs.block_table,
        inputs.context_lens,
        inputs.scale,
        config=sim_config,
    )
    output = result.outputs["out"]
    lens = [int(x) for x in inputs.context_lens]
    if model_only:
        return RunOutcome(output, output, _NotCompared(), result.report, lens, config)
    # The reference takes the same steps as the kernels (its p is rounded per step).
    compiled = manifest.get("options", {})
    blocks_per_step = int(compiled.get("kv_blocks_per_task", 1))
    expected = reference.paged_attention(
        inputs.query,
        inputs.key_cache,
        inputs.value_cache,
        inputs.block_table,
        inputs.context_lens,
        inputs.scale,
        blocks_per_step=blocks_per_step,
        kv_splits=int(compiled.get("kv_splits", 1)),
    )
    comparison = sim.compare(output, expected)
    return RunOutcome(output, expected, comparison, result.report, lens, config)


def save_output(path: str | Path, output: np.ndarray) -> None:
    np.savez(path, out=np.asarray(output, dtype=np.float32))


def check(out_dir: str | Path) -> list[str]:
    """Static checks of a directory; returns the findings (empty when all pass).

    - every file the manifest names exists;
    - the compiled input (``input.mlir``) still passes ``attn-check-target`` with the
      directory's q-tile: the same limits compile enforces, so check and compile agree on
      what the emitted code can hold (extents the runtime's uint32 descriptors cannot
      hold, tiles that do not fit their buffers);
    - the ring needs fit the runtime settings the scene test requests;
    - the lowered IR (``lowered.mlir``) still verifies, its memory plan holds
      (``aicore-plan-memory`` re-checks every tile against its buffer) and its pipe
      synchronisation passes the independent checker (``aicore-verify-sync``).
    """
    from mlir import ir

    from ptoattn.compiler import CompileError, run_pipeline
    from ptoattn.ir import create_context

    manifest = load_manifest(out_dir)
    root = Path(out_dir)
    findings = []
    for source in [k["source"] for k in manifest["kernels"]] + [manifest["orchestration"]]:
        if not (root / source).is_file():
            findings.append(f"missing {source}")
    env = manifest["runtime_env"]
    for ring, need in enumerate(manifest["ring_requirements"]):
        for key, limit_key, slack in (
            ("task_slots", "ring_task_window", 1),
            ("heap_bytes", "ring_heap", 0),
            ("dep_entries", "ring_dep_pool", 0),
        ):
            if need[key] > env[limit_key][ring] - slack:
                findings.append(
                    f"ring {ring}: needs {need[key]} {key.replace('_', ' ')} but "
                    f"{limit_key} is {env[limit_key][ring]}"
                )
    source = root / "input.mlir"
    if not source.is_file():
        findings.append("missing input.mlir")
    else:
        q_tile = int(manifest.get("options", {}).get("q_tile", 0))
        try:
            module = ir.Module.parse(source.read_text(), create_context())
            run_pipeline(module, f"builtin.module(attn-check-target{{q-tile={q_tile}}})")
        except ir.MLIRError as err:
            findings.append(f"input.mlir does not verify: {err}")
        except CompileError as err:
            findings.extend(line for line in err.diagnostics.splitlines() if line.strip())
    lowered = root / "lowered.mlir"
    if not lowered.is_file():
        return findings + ["missing lowered.mlir"]
    try:
        module = ir.Module.parse(lowered.read_text(), create_context())
        run_pipeline(module, "builtin.module(func.func(aicore-plan-memory,aicore-verify-sync))")
    except ir.MLIRError as err:
        findings.append(f"lowered.mlir does not verify: {err}")
    except CompileError as err:
        findings.extend(line for line in err.diagnostics.splitlines() if line.strip())
    return findings
