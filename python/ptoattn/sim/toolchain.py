"""Compiling kernels, orchestrations and the simulator runtime with the distro g++.

Every build product is cached by a content hash (sources, the simulator headers, compiler
version and flags) under ``$PTOATTN_CACHE_DIR`` (default ``~/.cache/ptoattn``). Each g++ call
holds one of ``MAX_JOBS`` build slots, exclusive ``flock``s on ``$PTOATTN_SIM_BUILD_LOCK``
(default ``build.lock`` in that cache directory, which is what concurrent runs share; empty
disables it) and ``<that path>.1``, so that the runs sharing a cache never run more than
``MAX_JOBS`` C++ builds at once. No lock or scratch file has a fixed name under /tmp.

Kernels and orchestrations are built with a precompiled header of the ``#include`` lines they
start with (see ``_pch_for``): g++ then loads the parsed simulator headers instead of parsing
them in every translation unit. The object code is the same with or without it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ptoattn.sim.errors import SimError

CXX_FLAGS = ["-O2", "-std=c++17", "-fPIC", "-shared", "-g0"]
MAX_JOBS = 2
# Kernels and orchestrations are built with these when $PTOATTN_SIM_WERROR=1 (the tests set it).
WARNINGS_AS_ERRORS = ("-Wall", "-Wextra", "-Werror")
# $PTOATTN_SIM_SANITIZE=1: everything built with ASan and UBSan, any UB report aborting the run.
# The process must have libasan loaded first (LD_PRELOAD, see sanitizer_preload()).
SANITIZE_FLAGS = (
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=undefined",
    "-fno-omit-frame-pointer",
    "-g1",
)

_PKG = Path(__file__).resolve().parent


def _find_dir(env: str, candidates: list[Path], marker: str) -> Path:
    override = os.environ.get(env)
    if override:
        p = Path(override)
        if not (p / marker).exists():
            raise SimError(f"{env}={override}: {marker} not found there")
        return p
    for c in candidates:
        if (c / marker).exists():
            return c
    raise SimError(
        f"cannot find the simulator's {marker} (looked in {', '.join(map(str, candidates))}); set {env}"
    )


def include_dir() -> Path:
    """The simulator's CPU headers: installed package data, else the source checkout."""
    return _find_dir(
        "PTOATTN_SIM_INCLUDE",
        [_PKG / "_data" / "include", _PKG.parents[2] / "sim" / "include"],
        "pto/pto-inst.hpp",
    )


def runtime_dir() -> Path:
    return _find_dir(
        "PTOATTN_SIM_RUNTIME",
        [_PKG / "_data" / "runtime", _PKG.parents[2] / "sim" / "runtime"],
        "runtime.h",
    )


def cache_dir() -> Path:
    base = os.environ.get("PTOATTN_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "ptoattn"
    )
    d = Path(base) / "sim"
    d.mkdir(parents=True, exist_ok=True)
    return d


def werror_requested() -> bool:
    """Whether kernels and orchestrations are built with WARNINGS_AS_ERRORS by default."""
    return os.environ.get("PTOATTN_SIM_WERROR") == "1"


def sanitize() -> bool:
    """Whether the opt-in ASan+UBSan build of the simulator is on ($PTOATTN_SIM_SANITIZE=1)."""
    return os.environ.get("PTOATTN_SIM_SANITIZE") == "1"


def _sanitizer_loaded() -> bool:
    try:
        with open("/proc/self/maps") as maps:
            return "libasan" in maps.read()
    except OSError:
        return True  # cannot tell: let the loader report it


def check_sanitizer_runtime() -> None:
    """A sanitized library cannot be dlopen()ed into a process without the ASan runtime."""
    if sanitize() and not _sanitizer_loaded():
        raise SimError(
            "PTOATTN_SIM_SANITIZE=1 needs the ASan runtime loaded first: run with "
            f"LD_PRELOAD={sanitizer_preload()} (or `make test-sanitize`)"
        )


def sanitizer_preload() -> str:
    """LD_PRELOAD for a sanitized run: the compiler's libasan, and its libstdc++ so that ASan
    can intercept C++ throws."""
    libs = []
    for name in ("libasan.so", "libstdc++.so"):
        out = subprocess.run(
            [compiler(), f"-print-file-name={name}"], capture_output=True, text=True, check=False
        )
        libs.append(out.stdout.strip() or name)
    return '"' + " ".join(libs) + '"'


def compiler() -> str:
    cxx = os.environ.get("CXX", "g++")
    if shutil.which(cxx) is None:
        raise SimError(f"C++ compiler '{cxx}' not found; install g++ or set CXX")
    return cxx


_version_cache: dict[str, str] = {}
_tree_hash_cache: dict[Path, tuple[float, str]] = {}


def _compiler_version(cxx: str) -> str:
    if cxx not in _version_cache:
        out = subprocess.run([cxx, "--version"], capture_output=True, text=True, check=False)
        _version_cache[cxx] = out.stdout.splitlines()[0] if out.stdout else cxx
    return _version_cache[cxx]


def _tree_hash(root: Path) -> str:
    """Hash of every header/source under root (memoised on the newest mtime)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".h", ".hpp", ".cpp"))
    newest = max((p.stat().st_mtime for p in files), default=0.0)
    hit = _tree_hash_cache.get(root)
    if hit and hit[0] == newest:
        return hit[1]
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    digest = h.hexdigest()
    _tree_hash_cache[root] = (newest, digest)
    return digest


class BuildLock:
    """Holds one of ``slots`` build slots (an exclusive ``flock`` on the lock file or on
    ``<lock>.<i>``) for the duration of a ``with`` block."""

    def __init__(self, slots: int = MAX_JOBS) -> None:
        override = os.environ.get("PTOATTN_SIM_BUILD_LOCK")
        self.path = str(cache_dir() / "build.lock") if override is None else override
        self.slots = [self.path] + [f"{self.path}.{i}" for i in range(1, slots)]
        self.fd: int | None = None

    def __enter__(self):
        if not self.path:
            return self
        fds = [os.open(p, os.O_CREAT | os.O_RDWR, 0o666) for p in self.slots]
        try:
            while self.fd is None:
                for fd in fds:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue
                    self.fd = fd
                    break
                else:
                    time.sleep(_SLOT_POLL_SECONDS)
        finally:
            for fd in fds:
                if fd != self.fd:
                    os.close(fd)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


_SLOT_POLL_SECONDS = 0.02


class _FileLock:
    """An exclusive ``flock`` on one file (a precompiled header being built) for a ``with``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o666)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


# A precompiled header is reused by every translation unit that starts with the same
# #include lines; bump the version when the way it is built changes.
_PCH_VERSION = "1"
_pch_cache: dict[str, Path | None] = {}  # by PCH directory: its header, or None (not usable)


def pch_enabled() -> bool:
    """Precompiled headers are used unless $PTOATTN_SIM_PCH=0, and only with GCC (whose .gch
    files ``-include`` picks up; another compiler compiles exactly as without them)."""
    if os.environ.get("PTOATTN_SIM_PCH") == "0":
        return False
    return "clang" not in _compiler_version(compiler()).lower()


def _include_prefix(source: Path) -> list[str]:
    """The headers (``<name>`` or ``"name"``) of the ``#include`` lines that ``source`` starts
    with (comments and blank lines between them skipped), up to its first other line: what a
    precompiled header can hold without changing what the source sees, since everything after
    them comes later anyway and the source's own ``#include`` of a guarded header is then a
    no-op."""
    names = []
    for raw in source.read_text(errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if not line.startswith("#include"):
            break
        name = line[len("#include") :].strip()
        if len(name) < 3 or name[0] + name[-1] not in ('""', "<>"):
            break
        if Path(name[1:-1]).suffix not in ("", ".h", ".hpp"):
            break  # a .cpp included by a unity source: not a header to share
        names.append(name)
    return names


def _pch_for(job: BuildJob, cxx: str) -> Path | None:
    """The header to ``-include`` for ``job`` (its .gch built next to it, once per
    include lines, flags and headers, under the build lock), or None: PCH off, nothing to
    share, a header the job's own directories could shadow, or the build failed (the job is
    then compiled as without a PCH, and any error in the headers is reported from there)."""
    if not job.pch or len(job.sources) != 1 or not pch_enabled():
        return None
    prefix = _include_prefix(job.sources[0])
    if not prefix:
        return None
    # The PCH is compiled with the simulator's include directory only: a header the source's
    # own directory (or the job's) also has could resolve differently there.
    for d in {job.sources[0].parent, *job.include_dirs}:
        if any((d / name[1:-1]).exists() for name in prefix):
            return None
    text = "".join(f"#include {name}\n" for name in prefix)
    h = hashlib.sha256()
    for part in (_PCH_VERSION, _compiler_version(cxx), " ".join(_pch_flags(job)), text):
        h.update(part.encode() + b"\0")
    h.update(_tree_hash(include_dir()).encode())
    key = h.hexdigest()[:32]
    pdir = cache_dir() / f"pch-{key}"
    if str(pdir) in _pch_cache:
        return _pch_cache[str(pdir)]  # its own directory: nothing else for "" includes to find
    header = pdir / "prefix.h"
    gch = pdir / "prefix.h.gch"
    pdir.mkdir(exist_ok=True)
    with _FileLock(pdir / "build.lock"):  # one builder; the others wait and then reuse it
        if not gch.exists():
            _build_pch(pdir, header, gch, text, _pch_flags(job), cxx)
    result = header if gch.exists() else None
    _pch_cache[str(pdir)] = result
    return result


def _pch_flags(job: BuildJob) -> list[str]:
    """The flags of ``job``'s compile that the .gch must share (all but linking)."""
    flags = [f for f in job.flags() if f != "-shared" and not f.startswith("-Wl,")]
    return [*flags, *[f"-D{d}" for d in job.defines], f"-I{include_dir()}"]


def _build_pch(pdir: Path, header: Path, gch: Path, text: str, flags: list[str], cxx: str) -> None:
    header.write_text(text)
    fd, tmp = tempfile.mkstemp(suffix=".gch", dir=pdir)
    os.close(fd)
    cmd = [cxx, *flags, "-x", "c++-header", str(header), "-o", tmp]
    with BuildLock():
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        os.unlink(tmp)  # this process compiles without it; a later one tries again
        return
    os.replace(tmp, gch)


@dataclass(frozen=True)
class BuildJob:
    """One shared library: its sources, extra flags and a human name for errors."""

    name: str
    sources: tuple[Path, ...]
    defines: tuple[str, ...] = ()
    include_dirs: tuple[Path, ...] = ()
    extra_flags: tuple[str, ...] = ()
    key_files: tuple[Path, ...] = ()  # hashed too (e.g. the files a unity source includes)
    pch: bool = False  # share a precompiled header of its leading #include lines (see _pch_for)

    def flags(self) -> list[str]:
        return [*CXX_FLAGS, *(SANITIZE_FLAGS if sanitize() else ()), *self.extra_flags]

    def key(self, cxx: str) -> str:
        h = hashlib.sha256()
        h.update(_compiler_version(cxx).encode())
        h.update(" ".join(self.flags() + list(self.defines)).encode())
        h.update(_tree_hash(include_dir()).encode())
        for s in self.sources + self.key_files:
            h.update(s.name.encode())
            h.update(s.read_bytes())
        for d in self.include_dirs:  # headers next to the sources (e.g. a shared kernel header)
            for p in sorted(d.glob("*.h")) + sorted(d.glob("*.hpp")):
                h.update(p.name.encode())
                h.update(p.read_bytes())
        return h.hexdigest()[:32]


@dataclass
class BuildResult:
    job: BuildJob
    path: Path
    cached: bool
    seconds: float


def _build_one(job: BuildJob, cxx: str) -> BuildResult:
    t0 = time.perf_counter()
    for s in job.sources:
        if not s.is_file():
            raise SimError(f"{job.name}: source file {s} does not exist")
    out = cache_dir() / f"{job.key(cxx)}.so"
    if out.exists():
        return BuildResult(job, out, True, time.perf_counter() - t0)
    pch = _pch_for(job, cxx)
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=out.parent)
    os.close(fd)
    cmd = [
        cxx,
        *job.flags(),
        *[f"-D{d}" for d in job.defines],
        *(["-include", str(pch)] if pch else []),
        f"-I{include_dir()}",
        *[f"-I{d}" for d in job.include_dirs],
        *map(str, job.sources),
        "-o",
        tmp,
        "-lpthread",
    ]
    with BuildLock():
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        os.unlink(tmp)
        diag = "\n".join(proc.stderr.strip().splitlines()[:40])
        raise SimError(f"compiling {job.name} for the simulator failed:\n{diag}")
    os.replace(tmp, out)
    return BuildResult(job, out, False, time.perf_counter() - t0)


def build_all(jobs: list[BuildJob], max_jobs: int = MAX_JOBS) -> list[BuildResult]:
    """Builds (or finds in the cache) every job, up to ``max_jobs`` at a time, in order."""
    cxx = compiler()
    if max_jobs <= 1 or len(jobs) <= 1:
        return [_build_one(j, cxx) for j in jobs]
    with ThreadPoolExecutor(max_workers=min(max_jobs, MAX_JOBS)) as ex:
        return list(ex.map(lambda j: _build_one(j, cxx), jobs))


def runtime_job() -> BuildJob:
    """The runtime as one unity translation unit: parsing the std headers once halves its build."""
    rdir = runtime_dir()
    parts = tuple(sorted(rdir.glob("*.cpp")))
    text = "".join(f'#include "{p}"\n' for p in parts)
    unity = cache_dir() / f"runtime-unity-{hashlib.sha256(text.encode()).hexdigest()[:16]}.cpp"
    if not unity.exists() or unity.read_text() != text:
        fd, tmp = tempfile.mkstemp(suffix=".cpp", dir=unity.parent)  # atomic: builds may race
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, unity)
    return BuildJob(
        name="the simulator runtime",
        sources=(unity,),
        include_dirs=(rdir,),
        extra_flags=("-fvisibility=hidden", "-Wl,-z,defs"),
        key_files=parts,
    )
