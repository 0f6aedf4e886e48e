"""Running an output directory in simpler's own a2a3sim (the real runtime on the CPU).

``ptoattn run DIR --platform a2a3sim`` copies the directory where simpler's runner expects an
example (``examples/a2a3/tensormap_and_ringbuffer/ptoattn_<name>/``), runs its scene test there
with ``-p a2a3sim`` and reports the verdict, the first error and the wall time. simpler's
Python may need another toolchain than ptoattn's (GCC >= 13 for a real bf16, torch): the
command that runs it is a prefix (``--simpler-prefix``), by default ``python3``.
See docs/real-runtime.md.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from ptoattn.errors import PTOAttnError

__all__ = ["A2A3SimOutcome", "find_simpler", "run"]

EXAMPLES = Path("examples") / "a2a3" / "tensormap_and_ringbuffer"
_RESULT = re.compile(r"^\s*(\S+::\S+) (PASSED|FAILED)(?::\s*(.*))?$")
_ERROR = re.compile(r"FATAL|Error|error:|Traceback|Golden mismatch")


@dataclasses.dataclass
class A2A3SimOutcome:
    """The scene test's verdict in a2a3sim."""

    passed: bool
    cases: list[tuple[str, bool]]
    error: str
    seconds: float
    log: Path
    example: Path
    command: list[str]

    def report_text(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        what = (
            ", ".join(f"{name} {'passed' if ok else 'failed'}" for name, ok in self.cases)
            or "no case ran"
        )
        lines = [f"{verdict}: a2a3sim, simpler's scene test: {what}"]
        if self.error:
            lines.append(f"error: {self.error}")
        lines.append(
            f"platform a2a3sim: run {self.seconds:.1f} s wall (simpler's build of the kernels and the run)"
        )
        lines.append(f"  example: {self.example}")
        lines.append(f"  log: {self.log}")
        return "\n".join(lines)


def find_simpler(simpler: str | Path | None) -> Path:
    """The simpler checkout: ``simpler``, else $SIMPLER_ROOT; a clear error if neither is one."""
    given = simpler if simpler is not None else os.environ.get("SIMPLER_ROOT")
    if not given:
        raise PTOAttnError(
            "simpler not found: pass --simpler PATH or set SIMPLER_ROOT to a checkout of "
            "hw-native-sys/simpler (built for a2a3sim)"
        )
    root = Path(given).expanduser().resolve()
    if not (root / "simpler_setup" / "scene_test.py").is_file() or not (root / EXAMPLES).is_dir():
        raise PTOAttnError(
            f"simpler: {root} is not a simpler checkout (no simpler_setup/scene_test.py "
            f"or {EXAMPLES})"
        )
    return root


def _prefix(prefix: str | list[str] | None) -> list[str]:
    if prefix is None:
        prefix = os.environ.get("SIMPLER_PREFIX") or "python3"
    return shlex.split(prefix) if isinstance(prefix, str) else list(prefix)


def _check_built(root: Path, prefix: list[str]) -> None:
    probe = prefix + ["-c", "import simpler_setup, simpler.task_interface"]
    try:
        proc = subprocess.run(
            probe, cwd=root, capture_output=True, text=True, timeout=300, check=False
        )
    except FileNotFoundError:
        raise PTOAttnError(
            f"simpler: cannot run {prefix[0]!r} (--simpler-prefix / SIMPLER_PREFIX)"
        ) from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        raise PTOAttnError(
            f"simpler at {root} is not built for this Python ({' '.join(prefix)}): "
            f"'import simpler.task_interface' failed ({last}); build it as its README says"
        )


def run(
    out_dir: str | Path,
    *,
    simpler: str | Path | None = None,
    prefix: str | list[str] | None = None,
    timeout: float = 3600.0,
) -> A2A3SimOutcome:
    """Runs ``out_dir``'s scene test unchanged in simpler's a2a3sim and returns the verdict."""
    src = Path(out_dir).resolve()
    tests = sorted(src.glob("test_*.py"))
    if not (src / "kernels").is_dir() or not tests:
        raise PTOAttnError(
            f"{src}: not a ptoattn output directory (needs kernels/ and test_<name>.py)"
        )
    root = find_simpler(simpler)
    command_prefix = _prefix(prefix)
    _check_built(root, command_prefix)

    example = root / EXAMPLES / f"ptoattn_{src.name}"
    if example.exists():
        shutil.rmtree(example)
    example.mkdir(parents=True)
    shutil.copytree(src / "kernels", example / "kernels")
    for extra in [tests[0], src / "manifest.json"]:
        if extra.exists():
            shutil.copy2(extra, example / extra.name)
    log = example / "a2a3sim.log"
    command = command_prefix + [str(example / tests[0].name), "-p", "a2a3sim"]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        text, rc = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        text = (
            (e.stdout or b"").decode(errors="replace")
            if isinstance(e.stdout, bytes)
            else (e.stdout or "")
        )
        text += f"\n[ptoattn] timed out after {timeout:.0f} s\n"
        rc = -1
    seconds = time.perf_counter() - start
    log.write_text(text)
    cases = []
    failure = ""
    for line in text.splitlines():
        m = _RESULT.match(line)
        if m:
            cases.append((m.group(1), m.group(2) == "PASSED"))
            if m.group(2) == "FAILED" and not failure:
                failure = (m.group(3) or "").strip()
    passed = rc == 0 and bool(cases) and all(ok for _, ok in cases)
    error = ""
    if not passed:
        error = (
            failure
            or next((ln.strip() for ln in text.splitlines() if _ERROR.search(ln)), "")
            or f"the runner exited with {rc}"
        )
    return A2A3SimOutcome(passed, cases, error[:400], seconds, log, example, command)
