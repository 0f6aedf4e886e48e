"""ptoattn's dialect and passes seen from the upstream ``mlir`` Python package."""

from __future__ import annotations

import pytest
from mlir import ir
from mlir.passmanager import PassManager

from ptoattn import PagedAttentionConfig
from ptoattn.dialects import attn
from ptoattn.ir import build_module, create_context

MQA = PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                           block_size=128, max_blocks_per_seq=8)


def _attention_ops(module: ir.Module) -> list[ir.OpView]:
    found: list[ir.OpView] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name == "attn.paged_attention":
            found.append(op.opview)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    return found


def test_build_module_uses_generated_op_class() -> None:
    module = build_module(MQA)
    assert module.operation.verify()
    (op,) = _attention_ops(module)
    assert isinstance(op, attn.PagedAttentionOp)
    assert str(op.query.type) == "tensor<4x16x128xbf16>"
    assert str(op.key_cache.type) == "tensor<?x128x1x128xbf16>"
    assert str(op.result.type) == "tensor<4x16x128xf32>"


def test_printed_module_reparses_in_a_fresh_context() -> None:
    text = str(build_module(MQA, dynamic_batch=True))
    assert "attn.paged_attention query(" in text
    with create_context():
        again = ir.Module.parse(text)
        assert str(again) == text


def test_check_target_runs_by_name_through_passmanager_parse() -> None:
    module = build_module(PagedAttentionConfig(batch=2, num_heads=40, num_kv_heads=8,
                                               head_dim=128, block_size=64,
                                               max_blocks_per_seq=4))
    with module.context:
        pm = PassManager.parse("builtin.module(attn-check-target{q-tile=16})")
        pm.run(module.operation)
    assert len(_attention_ops(module)) == 1


def test_check_target_failure_carries_the_diagnostic() -> None:
    module = build_module(PagedAttentionConfig(batch=1, num_heads=16, num_kv_heads=1,
                                               head_dim=256, block_size=256,
                                               max_blocks_per_seq=2))
    with module.context:
        pm = PassManager.parse("builtin.module(attn-check-target)")
        with pytest.raises(ir.MLIRError) as info:
            pm.run(module.operation)
    assert "qk_matmul needs 131072 bytes of L0B" in str(info.value)


def test_verifier_error_is_reported_from_python() -> None:
    bad = """
      func.func @bad(%q: tensor<4x10x128xbf16>, %k: tensor<?x128x4x128xbf16>,
                     %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %s: f32) {
        %o = "attn.paged_attention"(%q, %k, %k, %bt, %lens, %s)
             : (tensor<4x10x128xbf16>, tensor<?x128x4x128xbf16>, tensor<?x128x4x128xbf16>,
                tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x10x128xf32>
        return
      }"""
    with create_context():
        with pytest.raises(ir.MLIRError) as info:
            ir.Module.parse(bad)
    assert ("query dim 1 (num_heads) = 10 must be a multiple of key_cache dim 2 "
            "(num_kv_heads) = 4") in str(info.value)


def test_unknown_pass_name_is_an_error_not_a_crash() -> None:
    with create_context():
        with pytest.raises(ValueError, match="attn-no-such-pass"):
            PassManager.parse("builtin.module(attn-no-such-pass)")


def test_check_and_tile_run_by_name_and_tile_the_op_away() -> None:
    module = build_module(PagedAttentionConfig(batch=2, num_heads=64, num_kv_heads=1,
                                               head_dim=64, block_size=16,
                                               max_blocks_per_seq=4))
    pipeline = "builtin.module(attn-check-target{q-tile=16},func.func(attn-tile{q-tile=16}))"
    with module.context:
        PassManager.parse(pipeline).run(module.operation)
    assert module.operation.verify()
    assert not _attention_ops(module)
    text = str(module)
    assert "scf.forall" in text and "in (2, 1, 4)" in text
    assert text.count("attn.qk_matmul") == 1 and "tensor<16x64xbf16>, tensor<16x64xbf16>" in text


def test_registered_pipeline_runs_by_name_from_python() -> None:
    module = build_module(PagedAttentionConfig(batch=2, num_heads=32, num_kv_heads=8,
                                               head_dim=128, block_size=64,
                                               max_blocks_per_seq=4))
    with module.context:
        PassManager.parse(
            "builtin.module(ptoattn-pipeline{q-tile=64 strategy=per-tile to-emitc=false})").run(module.operation)
    assert module.operation.verify()
    text = str(module)
    assert " attn." not in text  # no attn op survives
    assert "!aicore.tile<left, 64x128xbf16>" in text  # one 64-row tile per KV head
    assert "strategy = per_tile" in text  # recorded once, in each #aicore.kernel
    assert text.count("orch.submit") == 4
