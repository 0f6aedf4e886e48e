// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline -verify-diagnostics | FileCheck %s
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline=q-tile=64 -verify-diagnostics | FileCheck %s --check-prefix=TILE64
// The same string through -pass-pipeline (what Python's PassManager.parse runs).
// RUN: ptoattn-opt %s -split-input-file -pass-pipeline='builtin.module(ptoattn-pipeline{q-tile=64})' -verify-diagnostics | FileCheck %s --check-prefix=TILE64
// Deterministic: running the pipeline twice gives identical text.
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline -verify-diagnostics > %t.first
// RUN: ptoattn-opt %s -split-input-file --ptoattn-pipeline -verify-diagnostics > %t.second
// RUN: diff %t.first %t.second

// CHECK-LABEL: func.func @gqa_32_over_8
//       CHECK:   scf.forall
//       CHECK:     attn.qk_matmul {{.*}} : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x64xf32>
//   CHECK-NOT:   attn.paged_attention
// TILE64-LABEL: func.func @gqa_32_over_8
//       TILE64:     attn.qk_matmul {{.*}} : tensor<64x128xbf16>, tensor<64x128xbf16> -> tensor<64x64xf32>
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
