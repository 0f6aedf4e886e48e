// One block per tile (spmd-blocks=tiles) cannot launch more blocks than the runtime counts in
// an int16 (blocks x kernel slots): the error names the option that avoids it.
// RUN: ptoattn-opt %s -split-input-file -attn-tile -attn-assign-cores -attn-orchestrate="spmd-blocks=tiles" -verify-diagnostics
// With spmd-blocks=clusters the same batch launches 24 blocks (the ring then rejects its heap).
// RUN: not ptoattn-opt %s -attn-tile -attn-assign-cores -attn-orchestrate 2>&1 | FileCheck %s
// CHECK-NOT: SPMD blocks
// CHECK: error: scope 1 needs {{[0-9]+}} heap bytes but a ring holds

// 20000 sequences, one tile each: the QK task (one AIC slot) fits in 32767 blocks, the
// softmax task (two AIV slots) does not fit in 16383.
func.func @huge(%q: tensor<20000x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>,
                %bt: tensor<20000x?xi32>, %lens: tensor<20000xi32>, %scale: f32) -> tensor<20000x16x128xf32> {
  // expected-error @+1 {{'attn.softmax_prepare' op needs 20000 SPMD blocks with spmd-blocks=tiles, more than its task of 2 kernel slot(s) takes (16383); use spmd-blocks=clusters}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<20000x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<20000x?xi32>, tensor<20000xi32>, f32) -> tensor<20000x16x128xf32>
  return %out : tensor<20000x16x128xf32>
}
