// RUN: ptoattn-opt %s -split-input-file | ptoattn-opt -split-input-file | FileCheck %s
// Generic form round trip: the custom printer and parser agree with the generic ones.
// RUN: ptoattn-opt %s -split-input-file -mlir-print-op-generic | ptoattn-opt -split-input-file | FileCheck %s

// MQA: 16 query heads share one KV head; static batch, dynamic cache and table width.
// CHECK-LABEL: func.func @mqa_static_batch
//       CHECK:   %[[OUT:.*]] = attn.paged_attention query(%arg0) key_cache(%arg1) value_cache(%arg2) block_table(%arg3) context_lens(%arg4) scale(%arg5)
//  CHECK-SAME:     : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
//       CHECK:   return %[[OUT]]
func.func @mqa_static_batch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>,
                            %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>,
                            %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt)
           context_lens(%lens) scale(%scale)
         : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>,
            tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}

// -----

// GQA 40/8 with every size that may be dynamic left dynamic.
// CHECK-LABEL: func.func @gqa_dynamic_batch
//       CHECK:   attn.paged_attention
//  CHECK-SAME:     (tensor<?x40x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x?xi32>, tensor<?xi32>, f32) -> tensor<?x40x64xf32>
func.func @gqa_dynamic_batch(%q: tensor<?x40x64xbf16>, %k: tensor<?x16x8x64xbf16>,
                             %v: tensor<?x16x8x64xbf16>, %bt: tensor<?x?xi32>,
                             %lens: tensor<?xi32>, %scale: f32) -> tensor<?x40x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt)
           context_lens(%lens) scale(%scale)
         : (tensor<?x40x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>,
            tensor<?x?xi32>, tensor<?xi32>, f32) -> tensor<?x40x64xf32>
  return %out : tensor<?x40x64xf32>
}

// -----

// f16 storage, fully static shapes, and a discardable attribute kept by attr-dict.
// CHECK-LABEL: func.func @f16_static
//       CHECK:   attn.paged_attention {{.*}} {note = "kept"}
//  CHECK-SAME:     (tensor<2x32x256xf16>, tensor<64x64x8x256xf16>, tensor<64x64x8x256xf16>, tensor<2x32xi32>, tensor<2xi32>, f32) -> tensor<2x32x256xf32>
func.func @f16_static(%q: tensor<2x32x256xf16>, %k: tensor<64x64x8x256xf16>,
                      %v: tensor<64x64x8x256xf16>, %bt: tensor<2x32xi32>,
                      %lens: tensor<2xi32>, %scale: f32) -> tensor<2x32x256xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt)
           context_lens(%lens) scale(%scale) {note = "kept"}
         : (tensor<2x32x256xf16>, tensor<64x64x8x256xf16>, tensor<64x64x8x256xf16>,
            tensor<2x32xi32>, tensor<2xi32>, f32) -> tensor<2x32x256xf32>
  return %out : tensor<2x32x256xf32>
}

// -----

// Parsing and printing alone never drop an op whose result is unused.
// CHECK-LABEL: func.func @unused_result_kept_without_cleanup
//       CHECK:   attn.paged_attention
func.func @unused_result_kept_without_cleanup(%q: tensor<1x16x128xbf16>, %k: tensor<?x128x1x128xbf16>,
                                              %v: tensor<?x128x1x128xbf16>, %bt: tensor<1x?xi32>,
                                              %lens: tensor<1xi32>, %scale: f32) {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt)
           context_lens(%lens) scale(%scale)
         : (tensor<1x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>,
            tensor<1x?xi32>, tensor<1xi32>, f32) -> tensor<1x16x128xf32>
  return
}

// -----

// The tile stages of one KV step, as attn-tile produces them.
// CHECK-LABEL: func.func @one_kv_step
//       CHECK:   %[[S:.*]] = attn.qk_matmul %arg0, %arg1 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
//       CHECK:   %[[P:.*]], %[[MI:.*]], %[[LI:.*]] = attn.softmax_prepare %[[S]] valid_cols(%arg3) scale(%arg4) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
//       CHECK:   %[[O:.*]] = attn.pv_matmul %[[P]], %arg2 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
//       CHECK:   attn.online_update block(%[[MI]], %[[LI]], %[[O]]) acc(%arg5, %arg6, %arg7) first(%arg8) last(%arg9) : tensor<16xf32>, tensor<16x128xf32>
func.func @one_kv_step(%q: tensor<16x128xbf16>, %k: tensor<128x128xbf16>, %v: tensor<128x128xbf16>,
                       %n: index, %scale: f32, %m: tensor<16xf32>, %l: tensor<16xf32>,
                       %o: tensor<16x128xf32>, %first: i1, %last: i1)
    -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  %p, %mi, %li = attn.softmax_prepare %s valid_cols(%n) scale(%scale)
      : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
  %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  %m2, %l2, %o2 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last)
      : tensor<16xf32>, tensor<16x128xf32>
  return %m2, %l2, %o2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
}

// -----

// After core assignment each stage names its kernel.
// CHECK-LABEL: func.func @stages_with_kernels
//       CHECK:   attn.qk_matmul %arg0, %arg1 kernel @qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
//       CHECK:   attn.softmax_prepare %{{.*}} valid_cols(%arg3) scale(%arg4) kernel @sm :
//       CHECK:   attn.pv_matmul %{{.*}}, %arg2 kernel @pv :
//       CHECK:   attn.online_update block({{.*}}) acc({{.*}}) first(%arg8) last(%arg9) kernel @up :
func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @stages_with_kernels(%q: tensor<16x128xbf16>, %k: tensor<128x128xbf16>, %v: tensor<128x128xbf16>,
                               %n: index, %scale: f32, %m: tensor<16xf32>, %l: tensor<16xf32>,
                               %o: tensor<16x128xf32>, %first: i1, %last: i1) -> tensor<16x128xf32> {
  %s = attn.qk_matmul %q, %k kernel @qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  %p, %mi, %li = attn.softmax_prepare %s valid_cols(%n) scale(%scale) kernel @sm
      : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
  %oi = attn.pv_matmul %p, %v kernel @pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  %m2, %l2, %o2 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) kernel @up
      : tensor<16xf32>, tensor<16x128xf32>
  return %o2 : tensor<16x128xf32>
}

// -----

// The split-KV merge of four parts of a 16-row tile, with and without its kernel.
// CHECK-LABEL: func.func @merge_partials
//       CHECK:   %[[R:.*]] = attn.merge_partials max(%arg0) sum(%arg1) out(%arg2) : tensor<4x16xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
//       CHECK:   attn.merge_partials max(%arg0) sum(%arg1) out(%arg2) kernel @merge : tensor<4x16xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
func.func private @merge() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @merge_partials(%m: tensor<4x16xf32>, %l: tensor<4x16xf32>, %o: tensor<4x16x128xf32>) -> (tensor<16x128xf32>, tensor<16x128xf32>) {
  %r = attn.merge_partials max(%m) sum(%l) out(%o) : tensor<4x16xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
  %k = attn.merge_partials max(%m) sum(%l) out(%o) kernel @merge : tensor<4x16xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
  return %r, %k : tensor<16x128xf32>, tensor<16x128xf32>
}
