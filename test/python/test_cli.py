"""The ``ptoattn`` command: exit codes, one-line errors, compile / run / check."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ptoattn.cli import main

REFERENCE_FLAGS = ["--batch", "4", "--num-heads", "16", "--kv-heads", "1", "--head-dim", "128",
                   "--block-size", "128", "--max-blocks", "8"]


def test_compile_run_check_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert main(["compile", *REFERENCE_FLAGS, "--context-lens", "33,1024,517,128", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    save = tmp_path / "out.npz"
    assert main(["run", str(out), "--context-lens", "33,1024,517,128", "--save", str(save)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("PASS: match") and "simulator run: ok" in text
    assert np.load(save)["out"].shape == (4, 16, 128)
    assert main(["check", str(out)]) == 0
    assert "check: ok" in capsys.readouterr().out


def test_run_prints_modeled_time_and_writes_trace_and_swimlane(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert main(["compile", *REFERENCE_FLAGS, "-o", str(out)]) == 0
    trace, png = tmp_path / "t.json", tmp_path / "s.png"
    assert main(["run", str(out), "--context-lens", "33,1024,517,128", "--trace", str(trace),
                 "--swimlane", str(png)]) == 0
    text = capsys.readouterr().out
    assert "modeled a2a3 time:" in text and "bound: " in text and "roofline" in text
    assert re.search(r"kernel paged_attention_qk_matmul: [1-9][0-9]* invocations", text)
    assert json.loads(trace.read_text())["traceEvents"]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["run", str(out), "--model-only"]) == 0
    assert "modeled only" in capsys.readouterr().out


def test_config_file_and_mlir_inputs(tmp_path: Path) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"batch": 2, "num_heads": 40, "num_kv_heads": 8, "head_dim": 128,
                               "block_size": 64, "max_blocks_per_seq": 3}))
    assert main(["compile", str(cfg), "--strategy", "per-tile", "-o", str(tmp_path / "a")]) == 0
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["config"]["num_heads"] == 40 and manifest["options"]["strategy"] == "per-tile"
    example = Path(__file__).resolve().parents[2] / "examples" / "reference_mqa.mlir"
    assert main(["compile", str(example), "--max-blocks", "8", "-o", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "kernels" / "aic" / "paged_attention_qk_matmul.cpp").is_file()


def test_user_errors_exit_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["compile", *REFERENCE_FLAGS[:-2], "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        "ptoattn compile: error: missing --max-blocks (or give a .json/.toml config or an .mlir file)")
    assert main(["compile", *REFERENCE_FLAGS, "--head-dim", "72", "-o", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "head_dim 72 is not supported: must be a multiple of 16 between 16 and 256" in err[0]
    assert err[1:] == ["  (run with -v for the notes and the replay command)"]
    assert main(["-v", "compile", *REFERENCE_FLAGS, "--head-dim", "72", "-o", str(tmp_path / "x")]) == 1
    assert "replay: ptoattn-opt -pass-pipeline=" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing")]) == 1
    assert "not a ptoattn output directory (no manifest.json)" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "ptoattn.cli", "compile", "--q-tile", "x"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid int value" in proc.stderr


def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    # `ptoattn run DIR | head -1`: the reader is gone before the output is written.
    assert main(["compile", *REFERENCE_FLAGS, "-o", str(tmp_path / "out")]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "ptoattn.cli", "run", str(tmp_path / "out"),
                               "--model-only"], stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (128 + signal.SIGPIPE, "")


def test_npz_inputs_with_float32_tensors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from ptoattn import PagedAttentionConfig
    from ptoattn.reference import make_inputs

    out = tmp_path / "out"
    assert main(["compile", "--batch", "2", "--num-heads", "16", "--kv-heads", "1",
                 "--head-dim", "64", "--block-size", "16", "--max-blocks", "4", "-o", str(out)]) == 0
    config = PagedAttentionConfig(batch=2, num_heads=16, num_kv_heads=1, head_dim=64,
                                  block_size=16, max_blocks_per_seq=4)
    inputs = make_inputs(config, 3, [40, 0])
    npz = tmp_path / "in.npz"
    np.savez(npz, query=inputs.query.astype(np.float32), key_cache=inputs.key_cache.astype(np.float32),
             value_cache=inputs.value_cache, block_table=inputs.block_table,
             context_lens=inputs.context_lens, scale=np.float32(inputs.scale))
    capsys.readouterr()
    assert main(["run", str(out), "--inputs", str(npz)]) == 0
    assert "context lengths: [40, 0]" in capsys.readouterr().out


def test_npz_inputs_with_float16_tensors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An f16 directory runs on an .npz of float16 arrays (np.save keeps float16 as it is).
    The configuration is one of the end-to-end matrix's, so its kernels come from the cache."""
    from ptoattn import PagedAttentionConfig
    from ptoattn.reference import make_inputs

    out = tmp_path / "out"
    assert main(["compile", "--batch", "3", "--num-heads", "32", "--kv-heads", "8",
                 "--head-dim", "64", "--block-size", "16", "--max-blocks", "6", "--dtype", "f16",
                 "-o", str(out)]) == 0
    config = PagedAttentionConfig(batch=3, num_heads=32, num_kv_heads=8, head_dim=64,
                                  block_size=16, max_blocks_per_seq=6, dtype="f16")
    inputs = make_inputs(config, 4, [95, 0, 17])
    npz = tmp_path / "in.npz"
    np.savez(npz, **{k: getattr(inputs, k) for k in ("query", "key_cache", "value_cache",
                                                     "block_table", "context_lens")},
             scale=np.float32(inputs.scale))
    assert np.load(npz)["query"].dtype == np.float16
    capsys.readouterr()
    assert main(["run", str(out), "--inputs", str(npz)]) == 0
    assert "PASS" in capsys.readouterr().out


def test_float32_inputs_warn_only_when_rounding_changes_a_value() -> None:
    from ptoattn.runner import _as_storage

    exact = np.array([1.0, 0.5, -2.0], dtype=np.float32)
    with warnings_recorded() as caught:
        _as_storage("query", exact, "bf16")
    assert not caught
    with pytest.warns(UserWarning, match="query: float32 values were rounded to bf16"):
        _as_storage("query", np.array([1.0001], dtype=np.float32), "bf16")
    with pytest.raises(Exception, match="key_cache: expected bf16 or float32, got int32"):
        _as_storage("key_cache", np.zeros(3, dtype=np.int32), "bf16")


def warnings_recorded():
    import warnings

    return warnings.catch_warnings(record=True)


def test_pass_level_inspection(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    capsys = capfd  # MLIR prints its timing report to file descriptor 2
    flags = ["compile", *REFERENCE_FLAGS, "-o", str(tmp_path / "out")]
    assert main([*flags, "--print-ir-after", "attn-tile", "--dump-dir", str(tmp_path / "ir")]) == 0
    out = capsys.readouterr().out
    assert out.count("// -----// IR Dump After") == 1 and "IR Dump After attn-tile" in out
    assert "scf.forall" in out
    dumps = sorted(p.name for p in (tmp_path / "ir").iterdir())
    assert dumps[0] == "01-attn-check-target.mlir" and dumps[-1] == "11-form-expressions.mlir"
    assert len(dumps) == 11
    assert main([*flags, "--print-ir-after-all"]) == 0
    assert capsys.readouterr().out.count("// -----// IR Dump After") == 11
    assert main([*flags, "--timing"]) == 0
    captured = capsys.readouterr()
    assert "Execution time report" in captured.err  # MLIR's own pass timing
    assert " ms  " in captured.out


def test_check_reports_a_planted_sync_bug(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert main(["compile", *REFERENCE_FLAGS, "-o", str(out)]) == 0
    lowered = out / "lowered.mlir"
    lines = lowered.read_text().splitlines()
    first_wait = next(i for i, line in enumerate(lines) if "aicore.wait_flag" in line)
    lowered.write_text("\n".join(lines[:first_wait] + lines[first_wait + 1:]) + "\n")
    capsys.readouterr()
    assert main(["check", str(out)]) == 1
    report = capsys.readouterr().out
    assert "error:" in report and "check: " in report and "finding(s)" in report


def test_every_violated_limit_is_shown_with_its_rule(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    flags = [*REFERENCE_FLAGS, "--head-dim", "256", "--block-size", "256", "-o", str(tmp_path)]
    assert main(["compile", *flags]) == 1
    err = capsys.readouterr().err.splitlines()
    errors = [line for line in err if line.startswith("ptoattn compile: error:")]
    assert len(errors) == 2, err  # qk_matmul's and pv_matmul's, without -v
    assert "qk_matmul needs 131072 bytes of L0B" in errors[0]
    assert errors[0].endswith("change head_dim or block_size; "
                              "it fits with block_size 16, 32, 64 or 128")
    assert "pv_matmul needs 131072 bytes of L0B" in errors[1]


def test_extents_beyond_uint32_are_rejected_and_check_agrees(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    flags = [*REFERENCE_FLAGS, "--num-heads", "4294967296", "-o", str(tmp_path / "big")]
    assert main(["compile", *flags]) == 1
    assert ("num_heads 4294967296 is too large: the runtime holds tensor extents as uint32, "
            "so it must be at most 4294967295") in capsys.readouterr().err
    # `ptoattn check` compiles nothing but applies the same limits to the compiled input.
    out = tmp_path / "ok"
    assert main(["compile", *REFERENCE_FLAGS, "-o", str(out)]) == 0
    source = out / "input.mlir"
    source.write_text(source.read_text().replace("4x16x128x", "4x4294967296x128x"))
    capsys.readouterr()
    assert main(["check", str(out)]) == 1
    report = capsys.readouterr().out
    assert "num_heads 4294967296 is too large" in report and "finding(s)" in report


def test_target_selects_the_chip(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # The chip is recorded in the IR (aicore.target), reported in the manifest and used by the
    # simulator run (its cluster count); unknown names are one line naming the choices.
    assert main(["compile", *REFERENCE_FLAGS, "--target", "910B3", "-o", str(tmp_path / "b3")]) == 0
    manifest = json.loads((tmp_path / "b3" / "manifest.json").read_text())
    assert manifest["target"] == {"chip": "910B3", "clusters": 20}
    assert '#aicore.target<"910B3">' in (tmp_path / "b3" / "input.mlir").read_text()
    assert main(["compile", *REFERENCE_FLAGS, "-o", str(tmp_path / "b1")]) == 0
    assert json.loads((tmp_path / "b1" / "manifest.json").read_text())["target"] == {
        "chip": "910B1", "clusters": 24}
    capsys.readouterr()
    assert main(["compile", *REFERENCE_FLAGS, "--target", "910C", "-o", str(tmp_path / "x")]) == 1
    assert capsys.readouterr().err.strip() == (
        "ptoattn compile: error: target '910C' is not supported: must be 910B1, 910B2, 910B3 "
        "or 910B4")


def test_two_functions_one_directory_each(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # An MQA and a GQA layer in one module: one output directory per function, each its own
    # kernel family and orchestration, and both match the reference on the simulator.
    example = Path(__file__).resolve().parents[2] / "examples" / "two_layers.mlir"
    out = tmp_path / "out"
    assert main(["compile", str(example), "-o", str(out)]) == 0
    assert capsys.readouterr().out.count("wrote") == 2
    for name, heads in (("mqa_layer", 16), ("gqa_layer", 32)):
        manifest = json.loads((out / name / "manifest.json").read_text())
        assert manifest["name"] == name and manifest["config"]["num_heads"] == heads
        # Its own kernel family: the four stages (and a merge if auto split the KV range).
        assert {k["name"] for k in manifest["kernels"]} >= {
            f"{name}_{stage}" for stage in ("qk_matmul", "softmax_prepare", "pv_matmul",
                                            "online_update")}
        assert all(k["name"].startswith(f"{name}_") for k in manifest["kernels"])
        assert main(["run", str(out / name)]) == 0
        assert capsys.readouterr().out.startswith("PASS: match")
