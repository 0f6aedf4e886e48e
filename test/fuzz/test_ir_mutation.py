"""The IR mutation fuzzer in the test suite: a fixed-seed batch of malformed variants of the
``.mlir`` files in ``test/`` (``irmut``), each through ``ptoattn-opt`` three ways (verify
only, ``--ptoattn-pipeline``, the file's own passes). Diagnostics and exit code 1 are fine;
a signal, "LLVM ERROR", a stack dump or a hang is not. ``bench/fuzz.py --ir-count N`` runs
long campaigns.
"""

from __future__ import annotations

import random

import pytest

import irmut

FILES = irmut.corpus()
MUTANTS = 40


def test_corpus_is_the_test_directory() -> None:
    assert len(FILES) >= 15 and all(p.suffix == ".mlir" for p in FILES)


@pytest.mark.parametrize("seed", range(MUTANTS))
def test_malformed_ir_never_crashes(seed: int, tmp_path) -> None:
    path = FILES[seed % len(FILES)]
    mutant, edits, results = irmut.check_mutant(path, seed, tmp_path)
    crashes = [r for r in results if r.kind == "crash"]
    assert not crashes, (f"{path.relative_to(irmut.REPO)} with {edits}, mode {crashes[0].mode}: "
                         f"{crashes[0].detail}\n--- mutant ---\n{mutant}")


def test_mutations_change_the_text_and_are_reproducible() -> None:
    text = FILES[0].read_text()
    a = irmut.mutate(text, random.Random(7))
    assert a == irmut.mutate(text, random.Random(7))
    assert sum(irmut.mutate(text, random.Random(s))[0] != text for s in range(20)) >= 18


def test_a_crash_is_recognised(tmp_path) -> None:
    """The classifier is not blind: an LLVM fatal error from ptoattn-opt counts as a crash."""
    result = irmut.run_opt("module {}", ["--pass-pipeline=builtin.module(no-such-pass)"],
                           "bad pipeline", tmp_path)
    assert result.kind == "error"
    fake = irmut.classify(-11, "")
    assert fake is not None and "exit -11" in fake
    assert irmut.classify(1, "LLVM ERROR: out of memory") is not None
    assert irmut.classify(1, "error: 'attn.paged_attention' op ...") is None
