"""The simulator's build glue: the precompiled header (reuse, invalidation, fallback, same
object code) and the build slots."""

from __future__ import annotations

import ctypes
import shutil
import threading
from pathlib import Path

import pytest

from ptoattn.sim import toolchain

SAMPLE_KERNELS = Path(__file__).resolve().parent / "samples" / "paged_attention" / "kernels"

# Starts as emitted kernels do: the PCH holds the two #include lines before `using`.
PROBE = """// a comment before the includes, as emitted sources have
#include <cstdint>
#include <pto/pto-inst.hpp>
using namespace pto;
extern "C" int pch_probe() { return PTOATTN_PCH_PROBE + static_cast<int>(sizeof(bfloat16_t)); }
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache, and simulator headers of the test's own (a copy it may change)."""
    monkeypatch.setenv("PTOATTN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PTOATTN_SIM_PCH", raising=False)
    include = tmp_path / "include"
    shutil.copytree(toolchain.include_dir(), include)
    monkeypatch.setenv("PTOATTN_SIM_INCLUDE", str(include))
    _set_probe(include, 1)
    monkeypatch.setattr(toolchain, "_pch_cache", {})
    return include


def _set_probe(include, value):
    types = include / "pto" / "sim" / "types.hpp"
    text = types.read_text().split("\n#define PTOATTN_PCH_PROBE")[0]
    types.write_text(f"{text}\n#define PTOATTN_PCH_PROBE {value}\n")


def _job(src, **kw):
    return toolchain.BuildJob(
        f"probe {src.name}", (src,), defines=("__DAV_VEC__",), include_dirs=(src.parent,), **kw
    )


def _probe(tmp_path, name="probe.cpp", text=PROBE):
    d = tmp_path / name.replace(".cpp", "")
    d.mkdir(exist_ok=True)
    (d / name).write_text(text)
    return d / name


def _call(path):
    return ctypes.CDLL(str(path)).pch_probe()


def _gchs():
    return sorted(toolchain.cache_dir().glob("pch-*/prefix.h.gch"))


def test_include_prefix_stops_at_the_first_other_line(tmp_path):
    src = tmp_path / "k.cpp"
    src.write_text(
        '// header\n\n#include <cstdint>\n// between\n#include "tensor.h"\nusing namespace pto;\n'
        '#include "pipe_sync.h"\n'
    )
    assert toolchain._include_prefix(src) == ["<cstdint>", '"tensor.h"']
    src.write_text('#include "/abs/analysis.cpp"\n#include "runtime.h"\n')
    assert toolchain._include_prefix(src) == []  # a unity source: nothing shared


def test_pch_is_shared_by_sources_with_the_same_includes_and_used(cache, tmp_path):
    first = toolchain.build_all([_job(_probe(tmp_path, "a.cpp"), pch=True)])[0]
    assert _call(first.path) == 3
    (gch,) = _gchs()
    # g++ reads prefix.h.gch in place of prefix.h: with the header broken, a second source that
    # starts with the same lines still compiles only through the precompiled one.
    header = gch.with_suffix("")
    header.write_text("#error the precompiled header was not used\n")
    second = toolchain.build_all([_job(_probe(tmp_path, "b.cpp", PROBE + "// b\n"), pch=True)])[0]
    assert not second.cached and _call(second.path) == 3
    assert _gchs() == [gch]


def test_pch_leaves_the_object_code_unchanged(cache, tmp_path, monkeypatch):
    # A vector kernel: its instructions sit inside the headers' `#pragma GCC optimize`, state
    # that a PCH must carry over as parsing them would.
    src = SAMPLE_KERNELS / "aiv" / "softmax_prepare.cpp"
    with_pch = toolchain.build_all([_job(src, pch=True)])[0].path.read_bytes()
    assert len(_gchs()) == 1
    monkeypatch.setenv("PTOATTN_CACHE_DIR", str(tmp_path / "cache-no-pch"))
    monkeypatch.setenv("PTOATTN_SIM_PCH", "0")
    without = toolchain.build_all([_job(src, pch=True)])[0].path.read_bytes()
    assert _gchs() == []
    assert with_pch == without


def test_pch_is_rebuilt_when_a_header_changes(cache, tmp_path):
    assert _call(toolchain.build_all([_job(_probe(tmp_path, "a.cpp"), pch=True)])[0].path) == 3
    _set_probe(cache, 5)
    again = toolchain.build_all([_job(_probe(tmp_path, "b.cpp"), pch=True)])[0]
    assert _call(again.path) == 7
    assert len(_gchs()) == 2


def test_no_pch_when_the_source_directory_has_a_header_of_the_same_name(cache, tmp_path):
    src = _probe(tmp_path)
    (src.parent / "pto").mkdir()
    (src.parent / "pto" / "pto-inst.hpp").write_text("// shadows the simulator's, for this source\n")
    assert toolchain._pch_for(_job(src, pch=True), toolchain.compiler()) is None
    assert _gchs() == []


def test_a_pch_that_fails_to_build_falls_back_to_plain_includes(cache, tmp_path, monkeypatch):
    real = toolchain._pch_flags
    monkeypatch.setattr(toolchain, "_pch_flags", lambda job: [*real(job), "-fno-such-option"])
    res = toolchain.build_all([_job(_probe(tmp_path), pch=True)])[0]
    assert _call(res.path) == 3
    assert _gchs() == []


def test_an_unusable_gch_file_falls_back_to_plain_includes(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(
        toolchain, "_build_pch", lambda pdir, header, gch, text, *_: (
            header.write_text(text), gch.write_bytes(b"not a precompiled header")
        )
    )
    res = toolchain.build_all([_job(_probe(tmp_path), pch=True)])[0]
    assert _call(res.path) == 3


def test_build_slots_admit_max_jobs_holders(tmp_path, monkeypatch):
    monkeypatch.setenv("PTOATTN_SIM_BUILD_LOCK", str(tmp_path / "lock"))
    held = [toolchain.BuildLock(slots=2), toolchain.BuildLock(slots=2)]
    for lock in held:
        lock.__enter__()  # both slots taken without waiting
    third_in = threading.Event()

    def third():
        with toolchain.BuildLock(slots=2):
            third_in.set()

    t = threading.Thread(target=third)
    t.start()
    assert not third_in.wait(0.3)
    held[0].__exit__(None, None, None)
    assert third_in.wait(10)
    t.join()
    held[1].__exit__(None, None, None)
