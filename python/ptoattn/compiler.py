"""Compile a paged-attention configuration into an output directory.

``compile`` builds (or takes) the ``attn.paged_attention`` module, runs the registered
``ptoattn-pipeline`` by name, splits the resulting EmitC module into one C++ file per kernel
plus the orchestration, translates each with the upstream EmitC translation, and writes the
scene test and ``manifest.json``. The C++ text is never edited after translation: anything a
file needs (header comment, includes) is put into its IR before translating.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict, Unpack

from mlir import ir
from mlir.passmanager import PassManager

from ptoattn import __version__
from ptoattn.config import PagedAttentionConfig, default_context_lens
from ptoattn.errors import ConfigError, PTOAttnError
from ptoattn.options import RUNTIME_RING_DEFAULTS, CompileOptions
from ptoattn.pipeline import Pipeline
from ptoattn.scene_test import KernelEntry, SceneTest, render_scene_test
from ptoattn.target import TargetInfo

__all__ = [
    "CompileError",
    "CompileResult",
    "Inspection",
    "KernelFile",
    "MlirInputs",
    "compile",
    "compile_mlir",
    "compile_mlir_functions",
    "pipeline_string",
    "run_pipeline",
]

logger = logging.getLogger(__name__)


class CompileError(PTOAttnError):
    """The pipeline rejected the input; carries the diagnostics and a replay command."""

    def __init__(self, diagnostics: str, pipeline: str, repro: Path | None) -> None:
        self.diagnostics = diagnostics
        self.pipeline = pipeline
        self.repro = repro
        message = diagnostics.strip()
        if repro is not None:
            message += f"\nreplay: ptoattn-opt -pass-pipeline='{pipeline}' {repro}"
        super().__init__(message)


@dataclasses.dataclass(frozen=True)
class KernelFile:
    """One emitted kernel."""

    name: str
    func_id: int
    core_type: str
    path: Path
    arguments: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CompileResult:
    """What ``compile`` wrote and measured."""

    out_dir: Path
    kernels: tuple[KernelFile, ...]
    orchestration: Path
    scene_test: Path
    manifest: Path
    ring_requirements: tuple[dict, ...]
    pass_timings: dict[str, float]


def pipeline_string(options: CompileOptions) -> str:
    """The textual pipeline ``compile`` runs; replayable with ``ptoattn-opt -pass-pipeline``."""
    return f"builtin.module(ptoattn-pipeline{{{options.pipeline_options()}}})"


def run_pipeline(
    module: ir.Module, pipeline: str, *, repro_dir: Path | None = None, ir_tree: Path | None = None
) -> None:
    """Runs ``pipeline`` on ``module`` in place; raises CompileError with the diagnostics.

    With ``repro_dir``, the input IR is saved there first so the error can name a replay.
    With ``ir_tree``, MLIR's IR printer writes the module after every pass under that
    directory (``PassManager.enable_ir_printing``, one file per pass and nested op).
    """
    repro = None
    if repro_dir is not None:
        repro_dir.mkdir(parents=True, exist_ok=True)
        repro = repro_dir / "input.mlir"
        repro.write_text(str(module))
    with module.context as ctx:
        try:
            pm = PassManager.parse(pipeline)
            if ir_tree is not None:
                # The printer needs one thread: the dumps then follow the order passes ran in.
                ctx.enable_multithreading(False)
                pm.enable_ir_printing(
                    print_after_all=True,
                    print_module_scope=True,
                    tree_printing_dir_path=str(ir_tree),
                )
            pm.run(module.operation)
        except ir.MLIRError as err:
            raise CompileError(_format_diagnostics(err), pipeline, repro) from None
        except ValueError as err:  # an unknown pass or a malformed option
            raise CompileError(str(err), pipeline, repro) from None
        finally:
            if ir_tree is not None:
                ctx.enable_multithreading(True)


def _format_diagnostics(err: ir.MLIRError) -> str:
    lines = []
    for diag in err.error_diagnostics:
        lines.append(f"{diag.location}: error: {diag.message}")
        for note in diag.notes:
            lines.append(f"{note.location}: note: {note.message}")
    return "\n".join(lines) or str(err)


def _input_hash(module_text: str) -> str:
    return hashlib.sha256(module_text.encode()).hexdigest()


def _runtime_env(ring_requirements: tuple[dict, ...]) -> dict:
    """Ring settings per ring in the runtime's per-case form: at least its defaults, and at
    least what the orchestration needs (the task window a power of two above the need)."""
    windows, heaps, pools = [], [], []
    for ring in ring_requirements:
        window = RUNTIME_RING_DEFAULTS["ring_task_window"]
        while window < ring["task_slots"] + 1:
            window *= 2
        windows.append(window)
        heaps.append(max(RUNTIME_RING_DEFAULTS["ring_heap"], ring["heap_bytes"]))
        pools.append(max(RUNTIME_RING_DEFAULTS["ring_dep_pool"], ring["dep_entries"]))
    return {"ring_task_window": windows, "ring_heap": heaps, "ring_dep_pool": pools}


def _record_target(module: ir.Module, options: CompileOptions) -> TargetInfo:
    """Records ``options.target`` as the module's ``aicore.target`` (the chip every pass
    asks); returns the chip the module is compiled for."""
    from ptoattn._extension import describe_module

    with module.context:
        current = (
            module.operation.attributes["aicore.target"]
            if "aicore.target" in module.operation.attributes
            else None
        )
        if options.target is not None:
            wanted = ir.Attribute.parse(f'#aicore.target<"{options.target}">')
            if current is not None and current != wanted:
                chip = json.loads(describe_module(module.operation))["target"]["chip"]
                raise ConfigError(
                    f"target {options.target} contradicts the module's aicore.target {chip}"
                )
            module.operation.attributes["aicore.target"] = wanted
    described = json.loads(describe_module(module.operation))["target"]
    return TargetInfo(described["chip"], described["clusters"])


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


@dataclasses.dataclass(frozen=True)
class Inspection:
    """Pass-level inspection of a compile (the driver's --print-ir-* / --dump-dir / --timing)."""

    print_after_all: bool = False
    print_after: tuple[str, ...] = ()
    dump_dir: Path | None = None
    timing: bool = False
    # Where the requested IR dumps go (the CLI prints them; the library never does).
    ir_sink: Callable[[str], object] = logger.info

    @property
    def per_pass(self) -> bool:
        return self.print_after_all or bool(self.print_after) or self.dump_dir is not None


class MlirInputs(TypedDict, total=False):
    """The keyword arguments of ``compile_mlir`` and ``compile_mlir_functions`` (and of
    ``compile`` given a module or a file), none required: what the ``.mlir`` input's types do
    not say.

    ``batch`` and ``max_blocks`` fill a dynamic batch or block-table width (the scene test
    and the rings are sized for them); ``context_lens`` are the scene test's lengths;
    ``inspect`` the IR snapshots to take.
    """

    batch: int | None
    max_blocks: int | None
    context_lens: list[int] | None
    inspect: Inspection | None


@dataclasses.dataclass(frozen=True)
class _KernelInfo:
    name: str
    core_type: str
    lanes: int
    arguments: tuple[str, ...]
    # add_input/add_output/add_inout of each tensor argument: "in", "out", "inout".
    directions: tuple[str, ...]
    memory: dict[str, int]


def _kernel_infos(module: ir.Module) -> dict[str, _KernelInfo]:
    """Kernel facts of the lowered (pre-EmitC) module, from each kernel's typed
    ``#aicore.kernel`` contract as C++ reads it (``describe_module``)."""
    from ptoattn._extension import describe_module

    infos = {}
    for kernel in json.loads(describe_module(module.operation))["kernels"]:
        infos[kernel["name"]] = _KernelInfo(
            name=kernel["name"],
            core_type=kernel["core_type"],
            lanes=kernel["lanes"],
            arguments=tuple(arg["text"] for arg in kernel["arguments"]),
            directions=tuple(arg["kind"] for arg in kernel["arguments"] if arg["kind"] != "scalar"),
            memory=kernel["memory"],
        )
    return infos


def _run_stage(
    module: ir.Module,
    pipeline: str,
    inspect: Inspection,
    timings: dict[str, float],
    step: list[int],
) -> None:
    """Runs one named stage (``ptoattn-lower`` or ``ptoattn-emit``); pass by pass when
    inspecting. Errors are raised without a replay; the caller names the saved original
    input and the whole pipeline."""
    if not inspect.per_pass:
        start = time.perf_counter()
        if inspect.timing:
            _run_timed(module, pipeline)
        else:
            run_pipeline(module, pipeline)
        timings[pipeline] = time.perf_counter() - start
        return
    for snap in Pipeline.expand(pipeline).run(module, snapshots=True):
        step[0] += 1
        timings[f"{step[0]:02d} {snap.pass_name}"] = snap.seconds
        if inspect.print_after_all or snap.pass_name in inspect.print_after:
            inspect.ir_sink(f"// -----// IR Dump After {snap.pass_name} //----- //\n{snap.ir}")
        if inspect.dump_dir is not None:
            inspect.dump_dir.mkdir(parents=True, exist_ok=True)
            (inspect.dump_dir / f"{step[0]:02d}-{snap.pass_name}.mlir").write_text(snap.ir)


def _run_timed(module: ir.Module, pipeline: str) -> None:
    """Runs with MLIR's pass timing, which prints its report to stderr."""
    with module.context:
        pm = PassManager.parse(pipeline)
        pm.enable_timing()
        try:
            pm.run(module.operation)
        except ir.MLIRError as err:
            raise CompileError(_format_diagnostics(err), pipeline, None) from None


def _header(config: PagedAttentionConfig, options: CompileOptions, input_hash: str) -> list[str]:
    cfg = " ".join(f"{k}={v}" for k, v in dataclasses.asdict(config).items() if v is not None)
    return [
        f"// Generated by ptoattn {__version__}; do not edit: regenerate instead.",
        f"// Configuration: {cfg}",
        f"// Options: {options.pipeline_options()}",
        f"// Input IR sha256: {input_hash}",
    ]


def _emit_files(
    module: ir.Module, out_dir: Path, name: str, header: list[str], kernels: dict[str, _KernelInfo]
) -> dict[str, Path]:
    """Translates every emitc.file of `module` into its own C++ file; returns id -> path.

    The header comment is added to each file's IR (emitc.verbatim) before translating, so
    the printed C++ is exactly what the upstream translation produces.
    """
    from mlir.dialects import emitc

    from ptoattn._extension import translate_to_cpp

    written = {}
    with module.context, ir.Location.unknown():
        for op in module.body.operations:
            if op.operation.name != "emitc.file":
                continue
            file_id = ir.StringAttr(op.operation.attributes["id"]).value
            if file_id in kernels:
                path = Path("kernels") / kernels[file_id].core_type / f"{file_id}.cpp"
            else:
                path = Path("kernels") / "orchestration" / f"{name}_orch.cpp"
            block = op.operation.regions[0].blocks[0]
            with ir.InsertionPoint.at_block_begin(block):
                for line in header:
                    emitc.VerbatimOp(line, [])
            text = translate_to_cpp(module.operation, file_id)
            if text is None:
                raise CompileError(
                    f"emitc.file {file_id!r} cannot be translated to C++", "mlir-to-cpp", None
                )
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / path).write_text(text)
            written[file_id] = path
    return written


def _orchestration_facts(module: ir.Module) -> tuple[dict[str, int], tuple[dict, ...]]:
    """The kernel ids (by first use) and per-ring requirements of the lowered module's one
    orchestration, as C++ computes them for the emitter (``describe_module``)."""
    from ptoattn._extension import describe_module

    (entry,) = json.loads(describe_module(module.operation))["orchestrations"]
    return dict(entry["kernel_ids"]), tuple(entry["ring_requirements"])


def compile(  # noqa: A001  (the API the issue names)
    config_or_module: PagedAttentionConfig | ir.Module | str | Path,
    out_dir: str | Path,
    options: CompileOptions | None = None,
    *,
    name: str = "paged_attention",
    context_lens: list[int] | None = None,
    inspect: Inspection | None = None,
    batch: int | None = None,
    max_blocks: int | None = None,
    dynamic_batch: bool = False,
    **option_fields: Any,
) -> CompileResult:
    """Compiles a configuration, a module or an .mlir file into ``out_dir``.

    Options come as a ``CompileOptions`` or as its fields (``q_tile=16, strategy="per-tile"``).
    A module or file must hold one ``attn.paged_attention`` (see ``compile_mlir``); its
    dynamic batch or block-table width is given with ``batch`` / ``max_blocks``.

    With ``dynamic_batch`` a configuration is compiled for every batch from 1 to
    ``config.batch`` (the maximum: rings are sized for it); the batch is then a run-time
    value, like the block-table width (at most ``max_blocks_per_seq``) and the cache size.
    """
    from ptoattn.ir import build_module

    if option_fields:
        options = dataclasses.replace(options or CompileOptions(), **option_fields)
    options = options or CompileOptions()
    inspect = inspect or Inspection()
    if isinstance(config_or_module, PagedAttentionConfig):
        module = build_module(config_or_module, func_name=name, dynamic_batch=dynamic_batch)
        if dynamic_batch and options.max_batch == 0:
            options = dataclasses.replace(options, max_batch=config_or_module.batch)
        return _compile_module(
            module,
            config_or_module,
            Path(out_dir),
            options,
            name,
            context_lens,
            inspect,
            dynamic_batch=dynamic_batch,
        )
    inputs = MlirInputs(
        batch=batch, max_blocks=max_blocks, context_lens=context_lens, inspect=inspect
    )
    if isinstance(config_or_module, ir.Module):
        return _compile_parsed(config_or_module, "<module>", out_dir, options, **inputs)
    return compile_mlir(config_or_module, out_dir, options, **inputs)


def _compile_module(
    module: ir.Module,
    config: PagedAttentionConfig,
    out_dir: Path,
    options: CompileOptions,
    name: str,
    context_lens: list[int] | None,
    inspect: Inspection,
    *,
    dynamic_batch: bool = False,
) -> CompileResult:
    if options.max_kv_blocks == 0:  # the table's width bounds the steps, hence the pool's need
        options = dataclasses.replace(options, max_kv_blocks=config.max_blocks_per_seq)
    if not name.isidentifier():
        raise ConfigError(f"name must be a C/Python identifier, got {name!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    chip = _record_target(module, options)
    input_text = str(module)
    input_hash = _input_hash(input_text)
    (out_dir / "input.mlir").write_text(input_text)
    choice = None
    if options.schedule == "auto":
        from ptoattn import schedule

        options, choice = schedule.choose(
            input_text, module.context, config, options, context_lens, chip.clusters
        )
    # What was left open and not chosen takes the pipeline's default, recorded as such.
    options = dataclasses.replace(
        options,
        kv_splits=options.kv_splits or 1,
        kv_blocks_per_task=options.kv_blocks_per_task or 1,
    )

    # The two named halves of ptoattn-pipeline: the lowering (kept as lowered.mlir for
    # `ptoattn check`) and the emission to EmitC.
    lowering = f"builtin.module(ptoattn-lower{{{options.pipeline_options()}}})"
    emission = "builtin.module(ptoattn-emit)"
    timings: dict[str, float] = {}
    step = [0]
    logger.info("lowering %s: %s", name, lowering)
    try:
        _run_stage(module, lowering, inspect, timings, step)
        (out_dir / "lowered.mlir").write_text(str(module))
        kernels = _kernel_infos(module)
        ids, rings = _orchestration_facts(module)
        _run_stage(module, emission, inspect, timings, step)
    except CompileError as err:
        # The named pipeline on the saved input reproduces the error in one command.
        raise CompileError(
            err.diagnostics, pipeline_string(options), out_dir / "input.mlir"
        ) from None

    header = _header(config, options, input_hash)
    start = time.perf_counter()
    paths = _emit_files(module, out_dir, name, header, kernels)
    timings["translate to C++"] = time.perf_counter() - start

    files = tuple(
        KernelFile(
            kname,
            ids[kname],
            kernels[kname].core_type,
            out_dir / paths[kname],
            kernels[kname].arguments,
        )
        for kname in sorted(kernels, key=lambda k: ids[k])
    )
    lens = context_lens if context_lens is not None else default_context_lens(config)
    runtime_env = _runtime_env(rings)
    scene = SceneTest(
        class_name="Test" + "".join(part.capitalize() for part in name.split("_")),
        orchestration_source=str(paths["orchestration"]),
        kernels=tuple(
            KernelEntry(
                k.func_id,
                k.name,
                str(k.path.relative_to(out_dir)),
                k.core_type,
                tuple(d.upper() for d in kernels[k.name].directions),
            )
            for k in files
        ),
        params={
            "batch": config.batch,
            "num_heads": config.num_heads,
            "kv_head_num": config.num_kv_heads,
            "head_dim": config.head_dim,
            "block_size": config.block_size,
            "max_blocks": config.max_blocks_per_seq,
            "context_lens_list": list(lens),
            "scale": config.softmax_scale,
            "seed": 0,
            "dtype": {"bf16": "bfloat16", "f16": "float16"}[config.dtype],
            # The golden steps through each sequence as the kernels do: the rounding of p
            # follows the step's row max.
            "kv_blocks_per_task": options.kv_blocks_per_task,
            "kv_splits": options.kv_splits,
        },
        runtime_env=runtime_env,
        header="\n".join(line[3:] for line in header),
    )
    scene_path = out_dir / f"test_{name}.py"
    scene_path.write_text(render_scene_test(scene))

    manifest = {
        "tool": {"name": "ptoattn", "version": __version__},
        "name": name,
        "input_sha256": input_hash,
        "config": {k: v for k, v in dataclasses.asdict(config).items() if v is not None},
        # With a dynamic batch, config.batch is the largest batch a run may use.
        "dynamic_batch": dynamic_batch,
        "options": dataclasses.asdict(options),
        # What --schedule auto chose and the modeled time of every candidate it considered.
        "schedule": choice.record() if choice is not None else {"mode": options.schedule},
        "pipeline": pipeline_string(options),
        "target": {"chip": chip.chip, "clusters": chip.clusters},
        "kernels": [
            {
                "name": k.name,
                "func_id": k.func_id,
                "core_type": k.core_type,
                "lanes": kernels[k.name].lanes,
                "source": str(k.path.relative_to(out_dir)),
                "arguments": list(k.arguments),
                "memory": kernels[k.name].memory,
            }
            for k in files
        ],
        "orchestration": str(paths["orchestration"]),
        "scene_test": scene_path.name,
        "ring_requirements": list(rings),
        "runtime_env": runtime_env,
    }
    manifest_path = out_dir / "manifest.json"
    _write_json(manifest_path, manifest)
    return CompileResult(
        out_dir, files, out_dir / paths["orchestration"], scene_path, manifest_path, rings, timings
    )


def compile_mlir(
    path: str | Path,
    out_dir: str | Path,
    options: CompileOptions | None = None,
    **inputs: Unpack[MlirInputs],
) -> CompileResult:
    """Compiles the one ``attn.paged_attention`` of an .mlir file.

    The configuration is read from the op's types; a dynamic batch or block-table width must
    be given (``batch``, ``max_blocks``: ``MlirInputs``) so the scene test and the rings can
    be sized.
    """
    path = Path(path)
    return _compile_parsed(_parse_file(path), str(path), out_dir, options, **inputs)


def _parse_file(path: Path) -> ir.Module:
    """The module of an .mlir file; CompileError with the parser's diagnostics."""
    from ptoattn.ir import create_context

    try:
        return ir.Module.parse(path.read_text(), create_context())
    except ir.MLIRError as err:
        raise CompileError(_format_diagnostics(err), "parse", None) from None


def compile_mlir_functions(
    path: str | Path,
    out_dir: str | Path,
    options: CompileOptions | None = None,
    **inputs: Unpack[MlirInputs],
) -> list[CompileResult]:
    """Compiles every function of an .mlir file that holds an ``attn.paged_attention``.

    One such function compiles into ``out_dir`` itself (as ``compile_mlir``); several (say an
    MQA and a GQA layer) compile independently, each into ``out_dir/<function>/`` with its own
    kernels, orchestration, scene test and manifest. ``batch``/``max_blocks`` fill the dynamic
    dimensions of every function.
    """
    path = Path(path)
    module = _parse_file(path)
    names = _attention_functions(module)
    if len(names) <= 1:
        return [_compile_parsed(module, str(path), out_dir, options, **inputs)]
    results = []
    for name in names:
        # The function alone in a module of its own: its lowering cannot see the others.
        single = ir.Module.parse(str(module), module.context)
        for op in list(single.body.operations):
            if (
                op.operation.name == "func.func"
                and ir.StringAttr(op.operation.attributes["sym_name"]).value != name
            ):
                op.operation.erase()
        results.append(
            _compile_parsed(single, f"{path}:@{name}", Path(out_dir) / name, options, **inputs)
        )
    return results


def _attention_functions(module: ir.Module) -> list[str]:
    """Names of the top-level functions holding an attn.paged_attention, in order."""
    names = []
    for op in module.body.operations:
        if op.operation.name != "func.func":
            continue
        found = []

        def visit(inner: ir.Operation) -> ir.WalkResult:
            if inner.name == "attn.paged_attention":
                found.append(inner)  # noqa: B023 (walk() calls visit within this iteration)
                return ir.WalkResult.INTERRUPT
            return ir.WalkResult.ADVANCE

        op.operation.walk(visit)
        if found:
            names.append(ir.StringAttr(op.operation.attributes["sym_name"]).value)
    return names


def _compile_parsed(
    module: ir.Module,
    path: str,
    out_dir: str | Path,
    options: CompileOptions | None,
    **inputs: Unpack[MlirInputs],
) -> CompileResult:
    """Compiles a parsed module holding one attn.paged_attention."""
    # **inputs takes any keyword at run time: a misspelt one must not pass silently.
    if unknown := sorted(inputs.keys() - MlirInputs.__optional_keys__):
        allowed = ", ".join(sorted(MlirInputs.__optional_keys__))
        raise TypeError(f"unexpected keyword argument {unknown[0]!r} (allowed: {allowed})")
    batch, max_blocks = inputs.get("batch"), inputs.get("max_blocks")
    ops = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name == "attn.paged_attention":
            ops.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    if len(ops) != 1:
        raise ConfigError(f"{path}: expected one attn.paged_attention, found {len(ops)}")
    op = ops[0]
    query = ir.RankedTensorType(op.operands[0].type)
    cache = ir.RankedTensorType(op.operands[1].type)
    table = ir.RankedTensorType(op.operands[3].type)
    dynamic = ir.ShapedType.get_dynamic_size()

    def static_or(value: int, given: int | None, what: str, flag: str) -> int:
        if value != dynamic:
            if given is not None and given != value:
                raise ConfigError(f"{flag} {given} contradicts {what} = {value} in {path}")
            return value
        if given is None:
            raise ConfigError(f"{what} is dynamic in {path}: pass {flag}")
        return given

    element = str(query.element_type)
    config = PagedAttentionConfig(
        batch=static_or(query.shape[0], batch, "query dim 0 (batch)", "--batch (batch=)"),
        num_heads=query.shape[1],
        num_kv_heads=cache.shape[2],
        head_dim=query.shape[2],
        block_size=cache.shape[1],
        max_blocks_per_seq=static_or(
            table.shape[1],
            max_blocks,
            "block_table dim 1 (max_blocks_per_seq)",
            "--max-blocks (max_blocks=)",
        ),
        dtype="bf16" if element == "bf16" else "f16",
    )
    func = op.parent
    while func.name != "func.func":
        func = func.parent
    name = ir.StringAttr(func.attributes["sym_name"]).value
    if options is None:
        options = CompileOptions()
    if query.shape[0] == dynamic and options.strategy != "per-tile" and options.max_batch == 0:
        options = dataclasses.replace(options, max_batch=config.batch)
    return _compile_module(
        module,
        config,
        Path(out_dir),
        options,
        name,
        inputs.get("context_lens"),
        inputs.get("inspect") or Inspection(),
        dynamic_batch=query.shape[0] == dynamic,
    )
