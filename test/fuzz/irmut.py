"""The IR mutation fuzzer: malformed variants of the ``.mlir`` files in ``test/`` fed to
``ptoattn-opt``, which must never crash.

A mutant is a test file, or one of its ``// -----`` chunks, with one to three edits: a line deleted or duplicated, two lines
swapped, a number changed (to 0, -1, a neighbour, a power of two or a value past 32 or 64
bits), an element type replaced, or the text truncated. Each mutant runs through
``ptoattn-opt -split-input-file`` three ways: parse and verify only, ``--ptoattn-pipeline``,
and the passes of the file's own first RUN line. Each run must end with exit code 0 or 1;
a signal, another exit code, "LLVM ERROR", a stack dump or a timeout is a crash.

Used by ``test/fuzz/test_ir_mutation.py`` (a fixed-seed batch) and ``bench/fuzz.py --ir``.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import resource
import shlex
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "PLEASE submit a bug report", "Assertion `",
                 "UNREACHABLE executed", "Segmentation fault")
TYPES = ("bf16", "f16", "f32", "f64", "i1", "i8", "i16", "i32", "i64", "index")
NUMBERS = (0, 1, -1, 2, 3, 7, 15, 16, 17, 31, 48, 64, 100, 128, 255, 256, 4096, 65536,
           2**31 - 1, 2**31, -2**31, 2**32 + 16, 2**63 - 1, 2**64)
TIMEOUT_SECONDS = 60
MEMORY_LIMIT_BYTES = 4 << 30  # a runaway allocation must fail, not take the machine


def corpus(root: Path = REPO / "test") -> list[Path]:
    return sorted(p for p in root.rglob("*.mlir") if p.is_file())


def run_line_flags(text: str) -> list[str]:
    """The pass flags of the first ``ptoattn-opt %s ...`` RUN line (without FileCheck or
    -verify-diagnostics), or [] when there is none."""
    for line in text.splitlines():
        m = re.match(r"\s*//\s*RUN:.*?ptoattn-opt\s+(.*)", line)
        if not m:
            continue
        command = m.group(1).split("|")[0].replace("2>&1", "")
        return [a for a in shlex.split(command)
                if a not in ("%s", "-split-input-file", "--split-input-file",
                             "-verify-diagnostics", "--verify-diagnostics")
                and not a.startswith("-o")]
    return []


def mutate(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """One to three random edits of ``text``; returns the mutant and what was done."""
    done = []
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        op = rng.choice(["delete", "delete", "duplicate", "swap", "number", "number", "number",
                         "type", "type", "truncate"])
        code = [i for i, l in enumerate(lines) if l.strip() and not l.lstrip().startswith("//")]
        if op in ("delete", "duplicate", "swap") and code:
            i = rng.choice(code)
            if op == "delete":
                del lines[i]
            elif op == "duplicate":
                lines.insert(i, lines[i])
            else:
                j = rng.choice(code)
                lines[i], lines[j] = lines[j], lines[i]
            done.append(f"{op} line {i + 1}")
            text = "\n".join(lines)
        elif op == "number":
            hits = [m for m in re.finditer(r"(?<![\w%#@.])-?\d+(?![\w.])", text)
                    if not text[:m.start()].rsplit("\n", 1)[-1].lstrip().startswith("//")]
            if hits:
                m = rng.choice(hits)
                old = int(m.group())
                new = rng.choice(NUMBERS + (old + 1, old - 1, old * 2, old // 2))
                text = text[:m.start()] + str(new) + text[m.end():]
                done.append(f"number {old} -> {new} at {m.start()}")
        elif op == "type":
            hits = list(re.finditer(r"\b(bf16|f16|f32|f64|i1|i8|i16|i32|i64|index)\b", text))
            if hits:
                m = rng.choice(hits)
                new = rng.choice(TYPES)
                text = text[:m.start()] + new + text[m.end():]
                done.append(f"type {m.group()} -> {new} at {m.start()}")
        elif op == "truncate" and text:
            cut = rng.randrange(len(text))
            text = text[:cut]
            done.append(f"truncate at {cut}")
    return text, done


@dataclasses.dataclass
class OptResult:
    mode: str
    kind: str      # "ok", "error" (diagnostics, exit 1) or "crash"
    detail: str = ""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_opt(text: str, flags: list[str], mode: str, work: Path) -> OptResult:
    from ptoattn.tools import ptoattn_opt_path

    src = work / "mutant.mlir"
    src.write_text(text)
    cmd = [str(ptoattn_opt_path()), "-split-input-file", *flags, str(src), "-o", "/dev/null"]
    # Under `make test-sanitize` LD_PRELOAD carries libasan, which cannot reserve its shadow
    # memory within the limit; ptoattn-opt is not instrumented, so it runs without it.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env,
                              timeout=TIMEOUT_SECONDS, preexec_fn=_limit_memory, check=False)
    except subprocess.TimeoutExpired:
        return OptResult(mode, "crash", f"timeout after {TIMEOUT_SECONDS} s")
    crash = classify(proc.returncode, proc.stderr)
    if crash is not None:
        return OptResult(mode, "crash", crash)
    return OptResult(mode, "ok" if proc.returncode == 0 else "error")


def classify(returncode: int, stderr: str) -> str | None:
    """None for a clean run (exit 0, or 1 with diagnostics); else what makes it a crash."""
    marker = next((m for m in CRASH_MARKERS if m in stderr), None)
    if returncode in (0, 1) and marker is None:
        return None
    tail = "\n".join(stderr.strip().splitlines()[-15:])
    return f"exit {returncode}{f' ({marker})' if marker else ''}:\n{tail}"


def modes_for(original: str) -> list[tuple[str, list[str]]]:
    own = run_line_flags(original)
    modes = [("verify", []), ("pipeline", ["--ptoattn-pipeline"])]
    if own:
        modes.append(("own passes", own))
    return modes


def pick_chunk(text: str, rng: random.Random) -> tuple[str, str]:
    """One ``// -----`` chunk of a split test file (with the file's RUN lines kept), so that
    the edits reach the passes instead of hiding behind the other chunks' diagnostics; or the
    whole text (one time in four, and for unsplit files)."""
    chunks = re.split(r"^// -----\s*$", text, flags=re.M)
    if len(chunks) == 1 or rng.random() < 0.25:
        return text, "whole file"
    i = rng.randrange(len(chunks))
    return chunks[i], f"chunk {i + 1} of {len(chunks)}"


def check_mutant(path: Path, seed: int, work: Path) -> tuple[str, list[str], list[OptResult]]:
    """Mutates ``path`` with ``seed`` and runs every mode; returns (mutant, edits, results)."""
    original = path.read_text()
    rng = random.Random(seed)
    chunk, where = pick_chunk(original, rng)
    mutant, edits = mutate(chunk, rng)
    edits = [where, *edits]
    return mutant, edits, [run_opt(mutant, flags, mode, work) for mode, flags in modes_for(original)]
