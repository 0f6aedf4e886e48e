// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline=to-emitc=false -verify-diagnostics | FileCheck %s
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline="strategy=per-tile to-emitc=false" -verify-diagnostics | FileCheck %s --check-prefix=PERTILE
// The same string through -pass-pipeline (what Python's PassManager.parse runs).
// RUN: ptoattn-opt %s -split-input-file -pass-pipeline='builtin.module(ptoattn-pipeline{q-tile=64 to-emitc=false})' -verify-diagnostics | FileCheck %s --check-prefix=TILE64
// The pipeline's enum options reject a bad value with the allowed values, as the passes' do.
// RUN: not ptoattn-opt %s -split-input-file --ptoattn-pipeline="strategy=fifo" 2>&1 | FileCheck %s --check-prefix=BADSTRATEGY
// BADSTRATEGY: for the --strategy option: strategy fifo is not supported: must be spmd or per-tile
// The output verifies after a round trip, and is deterministic: two runs give identical text.
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline -verify-diagnostics > %t.first
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline -verify-diagnostics > %t.second
// RUN: diff %t.first %t.second
// RUN: ptoattn-opt %t.first -split-input-file -verify-diagnostics > /dev/null
// The full pipeline (to EmitC) leaves one emitc.file per kernel and one for the orchestration,
// which the pinned upstream mlir-translate prints without knowing ptoattn's dialects.
// RUN: FileCheck %s --input-file=%t.first --check-prefix=EMITC
// RUN: mlir-translate --mlir-to-cpp --file-id=orchestration %t.first | FileCheck %s --check-prefix=CPP
// The stage before EmitC passes the independent synchronisation checker.
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline=to-emitc=false -verify-diagnostics | ptoattn-opt -split-input-file -pass-pipeline='builtin.module(func.func(aicore-verify-sync))' > /dev/null
// Options reach the passes: a heap ring too small for one KV step is rejected.
// RUN: not ptoattn-opt %s -split-input-file --ptoattn-pipeline="ring-heap=4096" 2>&1 | FileCheck %s --check-prefix=HEAP
// HEAP: error: scope 1 needs {{[0-9]+}} heap bytes but a ring holds 4096; raise ring-heap (PTO2_RING_HEAP)

// GQA 32/8: groups of 4 heads in 16-row tiles, 2 sequences x 8 KV heads = 16 SPMD blocks.
// EMITC-LABEL: module {
//  EMITC-NEXT:   emitc.file "gqa_32_over_8_qk_matmul" {
//       EMITC:   emitc.file "gqa_32_over_8_softmax_prepare" {
//       EMITC:   emitc.file "gqa_32_over_8_pv_matmul" {
//       EMITC:   emitc.file "gqa_32_over_8_online_update" {
//       EMITC:   emitc.file "orchestration"
//   EMITC-NOT:   func.func
// CPP: void aicpu_orchestration_entry(
// CPP: launch_spec.set_block_num(16);
// CPP: rt_submit_aic_task(FUNC_GQA_32_OVER_8_QK_MATMUL,
// CHECK-LABEL: func.func @gqa_32_over_8_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic
//       CHECK:   aicore.tmatmul ins({{.*}} : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x64xbf16>)
// CHECK-LABEL: func.func @gqa_32_over_8_softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv
// CHECK-LABEL: func.func @gqa_32_over_8_pv_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic
// CHECK-LABEL: func.func @gqa_32_over_8_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv
// CHECK-LABEL: func.func @gqa_32_over_8_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//       CHECK:   orch.submit aic(aic = @gqa_32_over_8_qk_matmul) blocks(16)
//       CHECK:   orch.submit mix(aiv0 = @gqa_32_over_8_softmax_prepare, aiv1 = @gqa_32_over_8_softmax_prepare) blocks(16)
//       CHECK:   orch.submit aic(aic = @gqa_32_over_8_pv_matmul) blocks(16)
//       CHECK:   orch.submit mix(aiv0 = @gqa_32_over_8_online_update, aiv1 = @gqa_32_over_8_online_update) blocks(16)
//   CHECK-NOT:   attn.
// PERTILE-LABEL: func.func @gqa_32_over_8_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//       PERTILE:   orch.view %{{.*}} [1, 4, 128] : !orch.tensor<2x32x128xbf16> -> !orch.tensor<1x4x128xbf16>
//   PERTILE-NOT:   blocks(
// TILE64-LABEL: func.func @gqa_32_over_8_qk_matmul()
//       TILE64:   aicore.tmatmul ins({{.*}} : !aicore.tile<left, 64x128xbf16>, !aicore.tile<right, 128x64xbf16>)
func.func @gqa_32_over_8(%q: tensor<2x32x128xbf16>, %k: tensor<?x64x8x128xbf16>, %v: tensor<?x64x8x128xbf16>,
                         %bt: tensor<2x?xi32>, %lens: tensor<2xi32>, %scale: f32) -> tensor<2x32x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<2x32x128xbf16>, tensor<?x64x8x128xbf16>, tensor<?x64x8x128xbf16>, tensor<2x?xi32>, tensor<2xi32>, f32) -> tensor<2x32x128xf32>
  return %out : tensor<2x32x128xf32>
}

// -----

// The target check runs first, so an unsupported configuration fails before tiling.
func.func @rejected_before_tiling(%q: tensor<2x16x256xbf16>, %k: tensor<?x256x1x256xbf16>, %v: tensor<?x256x1x256xbf16>,
                                  %bt: tensor<2x?xi32>, %lens: tensor<2xi32>, %scale: f32) -> tensor<2x16x256xf32> {
  // expected-error @+2 {{qk_matmul needs 131072 bytes of L0B}}
  // expected-error @+1 {{pv_matmul needs 131072 bytes of L0B}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<2x16x256xbf16>, tensor<?x256x1x256xbf16>, tensor<?x256x1x256xbf16>, tensor<2x?xi32>, tensor<2xi32>, f32) -> tensor<2x16x256xf32>
  return %out : tensor<2x16x256xf32>
}
