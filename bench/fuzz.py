"""Long fuzzing campaigns: random configurations end to end, and malformed IR.

    python bench/fuzz.py --count 1000 --seed 1 --ir-count 1000     # a campaign
    python bench/fuzz.py --replay fuzz-cases/case-00042.json         # rerun one kept case

Configurations come from ``test/fuzz/fuzzlib.py`` (hypothesis, seeded): valid shapes drawn
from a pool of ``--shapes`` random ones (each pool shape costs one set of g++ builds, then
every case on it only compiles and runs), freely drawn valid shapes, and invalid ones. Each
case runs in a worker process, so a crash or a hang is recorded instead of ending the
campaign. IR mutants come from ``test/fuzz/irmut.py``.

Prints a count per outcome and keeps every failing case in ``--keep`` as ``<name>.json``
(case, outcome, the ``ptoattn`` commands and the replay command) with ``<name>.npz`` (inputs)
and ``<name>.config.json``, or ``<name>.mlir`` for an IR mutant.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "fuzz"))

import fuzzlib  # noqa: E402
import irmut  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CASE_TIMEOUT_SECONDS = 900


def _draw(strategy, count: int, at_seed: int) -> list:
    """``count`` values of a hypothesis strategy, reproducibly from ``at_seed``."""
    out: list = []

    @seed(at_seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value) -> None:
        out.append(value)

    collect()
    return out[:count]


def _worker_case(case_json: dict) -> tuple[str, str]:
    outcome = fuzzlib.run_case(fuzzlib.Case.from_json(case_json))
    return outcome.kind, outcome.detail


class Worker:
    """One worker process; replaced when a case kills it or hangs."""

    def __init__(self) -> None:
        self.pool = cf.ProcessPoolExecutor(max_workers=1)

    def run(self, case: fuzzlib.Case) -> fuzzlib.Outcome:
        future = self.pool.submit(_worker_case, case.to_json())
        try:
            kind, detail = future.result(timeout=CASE_TIMEOUT_SECONDS)
            return fuzzlib.Outcome(kind, detail)
        except cf.TimeoutError:
            self._restart()
            return fuzzlib.Outcome("failure", f"hang: no outcome after {CASE_TIMEOUT_SECONDS} s")
        except cf.process.BrokenProcessPool:
            self._restart()
            return fuzzlib.Outcome("failure", "crash: the worker process died")

    def _restart(self) -> None:
        for p in list(getattr(self.pool, "_processes", {}).values()):
            p.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = cf.ProcessPoolExecutor(max_workers=1)


def config_campaign(count: int, at_seed: int, shapes: int, keep: Path) -> collections.Counter:
    pool = _draw(fuzzlib.valid_shapes(max_context=2048), shapes, at_seed)
    strategy = fuzzlib.cases(
        st.one_of(
            st.sampled_from(pool),
            st.sampled_from(pool),
            st.sampled_from(pool),
            fuzzlib.valid_shapes(max_context=1024),
            fuzzlib.invalid_shapes(),
        )
    )
    cases = _draw(strategy, count, at_seed + 1)
    counts: collections.Counter = collections.Counter()
    ratios: list[float] = []
    worker = Worker()
    start = time.time()
    for i, case in enumerate(cases):
        outcome = worker.run(case)
        counts[outcome.kind] += 1
        if outcome.kind == "accepted":
            counts[f"accepted: {case.shape.dtype} {case.shape.strategy}"] += 1
            ratios.append(float(outcome.detail.rsplit(" ", 1)[-1]))
        if outcome.kind == "rejected":
            counts["rejected: " + _rejection_kind(outcome.detail)] += 1
        if outcome.failed:
            path = fuzzlib.save_case(case, outcome, keep, f"case-{at_seed}-{i:05d}")
            print(f"FAIL case {i}: {outcome.detail.splitlines()[0]} (kept: {path})", flush=True)
        if (i + 1) % 25 == 0:
            print(f"[{time.time() - start:7.0f} s] {i + 1} cases: {dict(counts)}", flush=True)
    worker.pool.shutdown()
    if ratios:
        print(
            f"accepted cases: largest |error| / bound per case: median {sorted(ratios)[len(ratios) // 2]:.3g}, "
            f"max {max(ratios):.3g}; distinct shapes {len({c.shape for c in cases})}"
        )
    return counts


def _rejection_kind(message: str) -> str:
    for word in (
        "head_dim",
        "block_size",
        "q_tile",
        "q-tile",
        "num_kv_heads",
        "num_heads",
        "batch",
        "max_blocks",
        "dtype",
        "L0A",
        "L0B",
        "L0C",
        "L1",
        "UB",
    ):
        if word in message:
            return word.replace("-", "_")
    return "other"


def ir_campaign(count: int, at_seed: int, keep: Path) -> collections.Counter:
    files = irmut.corpus()
    counts: collections.Counter = collections.Counter()
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="ptoattn-irfuzz-") as tmp:
        for i in range(count):
            mutant_seed = at_seed * 1_000_003 + i
            path = files[random.Random(mutant_seed).randrange(len(files))]
            mutant, edits, results = irmut.check_mutant(path, mutant_seed, Path(tmp))
            crashed = [r for r in results if r.kind == "crash"]
            counts["mutants"] += 1
            counts["crashing mutants" if crashed else "clean mutants"] += 1
            for r in results:
                counts[f"{r.mode}: {r.kind}"] += 1
            if crashed:
                keep.mkdir(parents=True, exist_ok=True)
                name = f"ir-{at_seed}-{i:05d}"
                (keep / f"{name}.mlir").write_text(mutant)
                record = {
                    "ir": True,
                    "source": str(path.relative_to(irmut.REPO)),
                    "seed": mutant_seed,
                    "edits": edits,
                    "crashes": [vars(r) for r in crashed],
                    "commands": [
                        f"ptoattn-opt -split-input-file {' '.join(flags)} {name}.mlir"
                        for mode, flags in irmut.modes_for(path.read_text())
                        if mode in {r.mode for r in crashed}
                    ],
                    "replay": f"python bench/fuzz.py --replay {keep / (name + '.json')}",
                }
                (keep / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
                print(
                    f"CRASH mutant {i} of {path.name} ({edits}): "
                    f"{crashed[0].detail.splitlines()[0]} (kept: {keep / name}.json)",
                    flush=True,
                )
            if (i + 1) % 100 == 0:
                print(f"[{time.time() - start:7.0f} s] {i + 1} mutants: {dict(counts)}", flush=True)
    return counts


def replay(path: Path) -> int:
    record = json.loads(path.read_text())
    if record.get("ir"):
        source = irmut.REPO / record["source"]
        with tempfile.TemporaryDirectory() as tmp:
            mutant, edits, results = irmut.check_mutant(source, record["seed"], Path(tmp))
        for r in results:
            print(f"{r.mode}: {r.kind} {r.detail}")
        return 1 if any(r.kind == "crash" for r in results) else 0
    case = fuzzlib.Case.from_json(record["case"])
    with tempfile.TemporaryDirectory(prefix="ptoattn-replay-") as tmp:
        outcome = fuzzlib.run_case(case, Path(tmp))
    print(f"{outcome.kind}: {outcome.detail}" if outcome.detail else outcome.kind)
    return 1 if outcome.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="configurations to run")
    parser.add_argument("--ir-count", type=int, default=0, help="IR mutants to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--shapes",
        type=int,
        default=40,
        help="size of the pool of valid shapes most cases are drawn from",
    )
    parser.add_argument(
        "--keep", type=Path, default=Path("fuzz-cases"), help="directory for failing cases"
    )
    parser.add_argument("--replay", type=Path, help="rerun one kept case (.json)")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.replay)
    failed = 0
    if args.count:
        counts = config_campaign(args.count, args.seed, args.shapes, args.keep)
        print(f"configurations ({args.count}, seed {args.seed}):")
        for key, n in sorted(counts.items()):
            print(f"  {key:32s} {n}")
        failed += counts["failure"]
    if args.ir_count:
        counts = ir_campaign(args.ir_count, args.seed, args.keep)
        print(f"IR mutants ({args.ir_count}, seed {args.seed}):")
        for key, n in sorted(counts.items()):
            print(f"  {key:32s} {n}")
        failed += counts["crashing mutants"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
