// RUN: ptoattn-opt %s -canonicalize | FileCheck %s

// attn.paged_attention has no side effects, so a dead one is removed (canonicalize is the
// pass under test here: it erases trivially dead Pure ops).
// CHECK-LABEL: func.func @dead_attention_is_erased
//   CHECK-NOT:   attn.paged_attention
//       CHECK:   return
func.func @dead_attention_is_erased(%q: tensor<1x16x128xbf16>, %k: tensor<?x128x1x128xbf16>,
                                    %v: tensor<?x128x1x128xbf16>, %bt: tensor<1x?xi32>,
                                    %lens: tensor<1xi32>, %scale: f32) {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt)
           context_lens(%lens) scale(%scale)
         : (tensor<1x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>,
            tensor<1x?xi32>, tensor<1xi32>, f32) -> tensor<1x16x128xf32>
  return
}
