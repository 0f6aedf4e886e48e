"""`ptoattn run DIR --platform a2a3sim`: finding simpler, placing the directory, the verdict.

The plumbing is tested against a stand-in checkout whose runner prints what simpler's does; the
real run needs a simpler checkout built for a2a3sim (SIMPLER_ROOT, and SIMPLER_PREFIX where its
Python runs under another toolchain) and is skipped without one.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from ptoattn import PagedAttentionConfig, a2a3sim, cli
from ptoattn.compiler import compile
from ptoattn.errors import PTOAttnError

SMALL = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=16, block_size=16,
                             max_blocks_per_seq=16)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("out") / "small"
    compile(SMALL, d, context_lens=[33, 17])
    return d


def _fake_simpler(root: Path, verdict: str, built: bool = True) -> Path:
    """A stand-in checkout: its 'simpler_setup' runs nothing and prints simpler's verdict lines."""
    (root / "examples" / "a2a3" / "tensormap_and_ringbuffer").mkdir(parents=True)
    (root / "simpler_setup").mkdir()
    (root / "simpler_setup" / "scene_test.py").write_text("")
    (root / "simpler_setup" / "__init__.py").write_text(textwrap.dedent(f"""
        import sys
        Scalar = TaskArgsBuilder = TensorArg = object
        def scene_test(**kw):
            return lambda cls: cls
        class SceneTestCase:
            @staticmethod
            def run_module(name):
                assert sys.argv[1:] == ["-p", "a2a3sim"], sys.argv
                print("  TestPagedAttention::Compiled {verdict}")
                sys.exit(0 if "{verdict}" == "PASSED" else 1)
    """))
    (root / "torch.py").write_text("")  # the scene test imports torch at the top
    if built:
        (root / "simpler").mkdir()
        (root / "simpler" / "__init__.py").write_text("")
        (root / "simpler" / "task_interface.py").write_text(
            "import types\nArgDirection = types.SimpleNamespace(IN=0, OUT=1, INOUT=2)\n")
    return root


def test_missing_simpler_is_a_clear_error(out_dir, monkeypatch, capsys):
    monkeypatch.delenv("SIMPLER_ROOT", raising=False)
    assert cli.main(["run", str(out_dir), "--platform", "a2a3sim"]) != 0
    assert "simpler not found: pass --simpler PATH or set SIMPLER_ROOT" in capsys.readouterr().err


def test_not_a_checkout_and_not_built(out_dir, tmp_path):
    with pytest.raises(PTOAttnError, match="is not a simpler checkout"):
        a2a3sim.run(out_dir, simpler=tmp_path)
    root = _fake_simpler(tmp_path / "simpler", "PASSED", built=False)
    with pytest.raises(PTOAttnError, match=r"is not built for this Python .* 'import simpler.task_interface' failed"):
        a2a3sim.run(out_dir, simpler=root, prefix=[sys.executable])


@pytest.mark.parametrize("verdict", ["PASSED", "FAILED"])
def test_directory_is_placed_and_the_verdict_reported(out_dir, tmp_path, verdict, monkeypatch):
    root = _fake_simpler(tmp_path / "simpler", verdict)
    monkeypatch.setenv("PYTHONPATH", str(root))  # as an installed simpler would be found
    outcome = a2a3sim.run(out_dir, simpler=root, prefix=[sys.executable])
    example = root / "examples" / "a2a3" / "tensormap_and_ringbuffer" / "ptoattn_small"
    assert outcome.example == example
    assert (example / "kernels" / "orchestration").is_dir() and (example / "test_paged_attention.py").is_file()
    assert outcome.passed == (verdict == "PASSED")
    assert outcome.cases == [("TestPagedAttention::Compiled", verdict == "PASSED")]
    text = outcome.report_text()
    assert text.startswith("PASS: a2a3sim" if verdict == "PASSED" else "FAIL: a2a3sim")
    assert "platform a2a3sim: run" in text and str(outcome.log) in text


def test_options_that_a2a3sim_cannot_honour(out_dir, tmp_path, capsys):
    root = tmp_path / "unused"
    assert cli.main(["run", str(out_dir), "--platform", "a2a3sim", "--simpler", str(root),
                     "--context-lens", "1,2"]) != 0
    assert "--context-lens is not supported with --platform a2a3sim" in capsys.readouterr().err


@pytest.mark.skipif(not os.environ.get("SIMPLER_ROOT"),
                    reason="needs a simpler checkout built for a2a3sim (SIMPLER_ROOT, optionally SIMPLER_PREFIX)")
def test_real_a2a3sim_run(out_dir):
    outcome = a2a3sim.run(out_dir)
    assert outcome.passed, outcome.report_text()
