"""The ``ptoattn`` command: compile, run and check paged-attention output directories.

A thin layer over the Python API: every flag maps to one field of PagedAttentionConfig,
CompileOptions or the run options. Exit codes: 0 success, 1 a user error (one line on stderr)
or a mismatch against the reference, 2 a usage error (argparse), 141 (128 + SIGPIPE, quietly)
when the reader of stdout went away.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["main"]

logger = logging.getLogger("ptoattn")


def _progress(message: str) -> None:
    """Progress for people watching a terminal; silent when stderr is piped."""
    if sys.stderr.isatty():
        print(f"ptoattn: {message}", file=sys.stderr, flush=True)


def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None


def _batch(text: str) -> int | str:
    if text == "dynamic":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer or 'dynamic', got {text!r}"
        ) from None


def _build_parser() -> argparse.ArgumentParser:
    from ptoattn.options import RING_OPTIONS

    parser = argparse.ArgumentParser(prog="ptoattn", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log pipeline steps")
    sub = parser.add_subparsers(dest="command", required=True)

    comp = sub.add_parser("compile", help="compile a configuration into an output directory")
    comp.add_argument(
        "input",
        nargs="?",
        type=Path,
        help="a .mlir file holding attn.paged_attention, or a .json/.toml config",
    )
    comp.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    comp.add_argument(
        "--batch", type=_batch, help="sequences per run, or 'dynamic' (any batch up to --max-batch)"
    )
    comp.add_argument(
        "--max-batch",
        type=int,
        help="with --batch dynamic: the largest batch a run may use (rings are sized for it)",
    )
    comp.add_argument("--num-heads", type=int)
    comp.add_argument("--kv-heads", type=int)
    comp.add_argument("--head-dim", type=int)
    comp.add_argument("--block-size", type=int)
    comp.add_argument(
        "--max-blocks",
        type=int,
        help="largest block-table width (blocks per sequence) a run may use",
    )
    comp.add_argument(
        "--dtype",
        choices=["bf16", "f16"],
        help="element type of query and the KV cache (default bf16)",
    )
    comp.add_argument(
        "--q-tile",
        type=int,
        default=0,
        help="16, 32, 64 or 0 (chosen: by the cost model with --schedule auto)",
    )
    comp.add_argument(
        "--strategy",
        choices=["spmd", "per-tile"],
        help="default: chosen by the cost model (--schedule auto), else spmd",
    )
    comp.add_argument(
        "--schedule",
        choices=["auto", "default"],
        default="auto",
        help="auto: the cost model picks the options not given "
        "(docs/schedules.md); default: the pipeline's defaults",
    )
    comp.add_argument(
        "--expected-context-lens",
        type=_int_list,
        metavar="LENS",
        help="lengths --schedule auto models (default: the --context-lens, "
        "else every sequence full)",
    )
    comp.add_argument(
        "--kv-blocks-per-task",
        type=int,
        default=0,
        help="consecutive cache blocks one task of each stage covers (default 0: "
        "chosen by --schedule auto, 1 with --schedule default)",
    )
    comp.add_argument(
        "--kv-splits",
        type=int,
        default=0,
        help="split-KV: parts per sequence, 1 to 16 (1: no split; default 0: "
        "chosen by --schedule auto, 1 with --schedule default)",
    )
    for ring in RING_OPTIONS:
        comp.add_argument(
            "--" + ring.replace("_", "-"),
            type=int,
            help=f"the runtime's PTO2_{ring.upper()} every scope must fit (default: the "
            f"runtime's default); --schedule auto chooses among the schedules that fit",
        )
    comp.add_argument(
        "--spmd-blocks",
        choices=["clusters", "tiles"],
        help="blocks of an spmd launch: clusters (min(tiles, the chip's clusters), each "
        "block looping over its tiles) or tiles (one per tile); default: chosen by "
        "--schedule auto, clusters with --schedule default",
    )
    comp.add_argument(
        "--target",
        help="chip: 910B1 or 910B2 (24 clusters), 910B3 or 910B4 "
        "(20); default: the .mlir module's or 910B1",
    )
    comp.add_argument(
        "--context-lens", type=_int_list, help="lengths for the scene test's case (default: ragged)"
    )
    comp.add_argument("--print-ir-after-all", action="store_true")
    comp.add_argument("--print-ir-after", metavar="PASS", action="append", default=[])
    comp.add_argument("--dump-dir", type=Path, help="write the IR after every pass here")
    comp.add_argument("--timing", action="store_true", help="print per-pass times")

    run = sub.add_parser("run", help="run an output directory and compare with the reference")
    run.add_argument("dir", type=Path)
    run.add_argument(
        "--platform",
        choices=["sim", "a2a3sim"],
        default="sim",
        help="sim: the built-in simulator; a2a3sim: simpler's own simulator "
        "(needs --simpler or SIMPLER_ROOT; docs/real-runtime.md)",
    )
    run.add_argument(
        "--simpler", type=Path, help="a2a3sim: the simpler checkout (default: $SIMPLER_ROOT)"
    )
    run.add_argument(
        "--simpler-prefix",
        metavar="CMD",
        help="a2a3sim: the command that runs simpler's Python, e.g. a chroot wrapper "
        "(default: $SIMPLER_PREFIX, else python3)",
    )
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--context-lens", type=_int_list)
    run.add_argument(
        "--inputs",
        type=Path,
        help="an .npz with query, key_cache, value_cache, block_table, context_lens and scale",
    )
    run.add_argument("--save", type=Path, help="write the output as an .npz (key 'out')")
    run.add_argument(
        "--trace",
        type=Path,
        metavar="FILE.json",
        help="write the modeled a2a3 timeline as a Chrome trace (open in Perfetto)",
    )
    run.add_argument(
        "--swimlane",
        type=Path,
        metavar="FILE.png",
        help="draw the modeled timeline (cores by time, critical path outlined)",
    )
    run.add_argument(
        "--model-only",
        action="store_true",
        help="model the a2a3 time without computing the output (large shapes)",
    )

    check = sub.add_parser("check", help="static checks of an output directory")
    check.add_argument("dir", type=Path)
    return parser


_CONFIG_FLAGS = {
    "batch": "batch",
    "num_heads": "num_heads",
    "kv_heads": "num_kv_heads",
    "head_dim": "head_dim",
    "block_size": "block_size",
    "max_blocks": "max_blocks_per_seq",
    "dtype": "dtype",
}


def _config_from_args(args: argparse.Namespace):
    """The configuration and whether its batch is dynamic (then ``batch`` is the maximum)."""
    from ptoattn.config import PagedAttentionConfig
    from ptoattn.errors import ConfigError

    values: dict = {}
    if args.input is not None and args.input.suffix in (".json", ".toml"):
        try:
            raw = (
                json.loads(args.input.read_text())
                if args.input.suffix == ".json"
                else tomllib.loads(args.input.read_text())
            )
        except (OSError, ValueError) as err:
            raise ConfigError(f"{args.input}: {err}") from None
        known = set(PagedAttentionConfig.__dataclass_fields__) | {"max_batch"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(
                f"{args.input}: unknown keys {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(known))}"
            )
        values.update(raw)
    for flag, field in _CONFIG_FLAGS.items():
        if getattr(args, flag) is not None:
            values[field] = getattr(args, flag)
    if args.max_batch is not None:
        values["max_batch"] = args.max_batch
    missing = [
        f"--{flag.replace('_', '-')}"
        for flag, field in _CONFIG_FLAGS.items()
        if field not in values and field != "dtype"
    ]
    if missing:
        raise ConfigError(
            f"missing {', '.join(missing)} (or give a .json/.toml config or an .mlir file)"
        )
    dynamic, values["batch"] = _resolve_batch(values.get("batch"), values.pop("max_batch", None))
    return PagedAttentionConfig(**values), dynamic


def _resolve_batch(batch: Any, max_batch: Any) -> tuple[bool, int | None]:
    """(dynamic?, the batch the configuration is sized for) from batch / max_batch."""
    from ptoattn.errors import ConfigError

    if batch != "dynamic":
        if max_batch is not None:
            raise ConfigError("max_batch is only meaningful with batch 'dynamic'")
        return False, batch
    if max_batch is None:
        raise ConfigError(
            "batch 'dynamic' needs max_batch (--max-batch N): the largest batch "
            "a run may use, which sizes the rings"
        )
    return True, max_batch


def _cmd_compile(args: argparse.Namespace) -> int:
    from ptoattn import compiler
    from ptoattn.options import RING_OPTIONS, CompileOptions

    options = CompileOptions(
        q_tile=args.q_tile,
        kv_blocks_per_task=args.kv_blocks_per_task,
        strategy=args.strategy,
        kv_splits=args.kv_splits,
        spmd_blocks=args.spmd_blocks,
        target=args.target,
        schedule=args.schedule,
        expected_context_lens=args.expected_context_lens,
        **{ring: getattr(args, ring) for ring in RING_OPTIONS if getattr(args, ring) is not None},
    )
    start = time.perf_counter()
    _progress("compiling")
    if args.input is not None and args.input.suffix == ".mlir":
        # A dynamic batch is the op's own; --batch dynamic --max-batch N gives its maximum.
        _, batch = _resolve_batch(args.batch, args.max_batch)
        # One output directory per function holding an attention (out/ itself for one).
        results = compiler.compile_mlir_functions(
            args.input,
            args.output,
            options,
            batch=batch,
            max_blocks=args.max_blocks,
            context_lens=args.context_lens,
            inspect=_inspection(args),
        )
    else:
        config, dynamic = _config_from_args(args)
        results = [
            compiler.compile(
                config,
                args.output,
                options,
                context_lens=args.context_lens,
                inspect=_inspection(args),
                dynamic_batch=dynamic,
            )
        ]
    for result in results:
        if args.timing:
            for name, seconds in result.pass_timings.items():
                print(f"{seconds * 1e3:9.2f} ms  {name}")
        print(
            f"wrote {result.out_dir} ({len(result.kernels)} kernels, orchestration, scene "
            f"test, manifest) in {time.perf_counter() - start:.2f} s"
        )
    return 0


def _inspection(args: argparse.Namespace):
    from ptoattn.compiler import Inspection

    return Inspection(
        print_after_all=args.print_ir_after_all,
        print_after=tuple(args.print_ir_after),
        dump_dir=args.dump_dir,
        timing=args.timing,
        ir_sink=print,
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from ptoattn import runner

    _progress(f"running {args.dir} on {args.platform}")
    if args.platform == "a2a3sim":
        return _run_a2a3sim(args)
    outcome = runner.run(
        args.dir,
        inputs=args.inputs,
        seed=args.seed,
        context_lens=args.context_lens,
        platform=args.platform,
        model_only=args.model_only,
    )
    if args.save is not None:
        runner.save_output(args.save, outcome.output)
    print(outcome.report_text())
    if args.trace is not None:
        print(f"wrote {outcome.write_trace(args.trace)}")
    if args.swimlane is not None:
        print(f"wrote {outcome.write_swimlane(args.swimlane)}")
    return 0 if outcome.passed else 1


def _run_a2a3sim(args: argparse.Namespace) -> int:
    from ptoattn import a2a3sim
    from ptoattn.errors import PTOAttnError

    for flag, value in (
        ("--inputs", args.inputs),
        ("--context-lens", args.context_lens),
        ("--save", args.save),
        ("--trace", args.trace),
        ("--swimlane", args.swimlane),
    ):
        if value:
            raise PTOAttnError(
                f"{flag} is not supported with --platform a2a3sim: the scene test's case "
                "defines the inputs and simpler's runner compares the output"
            )
    if args.seed or args.model_only:
        raise PTOAttnError("--seed and --model-only are not supported with --platform a2a3sim")
    outcome = a2a3sim.run(args.dir, simpler=args.simpler, prefix=args.simpler_prefix)
    print(outcome.report_text())
    return 0 if outcome.passed else 1


def _cmd_check(args: argparse.Namespace) -> int:
    from ptoattn import runner

    findings = runner.check(args.dir)
    for line in findings:
        print(line)
    print("check: ok" if not findings else f"check: {len(findings)} finding(s)")
    return 0 if not findings else 1


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s"
    )
    from ptoattn.errors import PTOAttnError

    commands = {"compile": _cmd_compile, "run": _cmd_run, "check": _cmd_check}
    try:
        status = commands[args.command](args)
        sys.stdout.flush()  # a reader gone early (`| head`) shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        # End quietly with the status of a tool killed by SIGPIPE; stdout goes to devnull so
        # the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except PTOAttnError as err:
        # One line per error (a compile may violate several limits); the notes and the
        # replay command with --verbose.
        lines = str(err).splitlines() or [type(err).__name__]
        errors = [line for line in lines if ": error: " in line] or lines[:1]
        for line in errors:
            print(f"ptoattn {args.command}: error: {line}", file=sys.stderr)
        rest = [line for line in lines if line not in errors]
        if args.verbose:
            for line in rest:
                print(f"  {line}", file=sys.stderr)
        elif rest:
            print("  (run with -v for the notes and the replay command)", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"ptoattn {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
