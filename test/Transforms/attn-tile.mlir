// RUN: ptoattn-opt %s -split-input-file -attn-tile -verify-diagnostics | FileCheck %s
// RUN: ptoattn-opt %s -split-input-file -attn-tile=q-tile=16 -verify-diagnostics | FileCheck %s --check-prefix=TILE16
// The tiled IR verifies and round-trips (checks every tile-stage op's verifier on real output).
// RUN: ptoattn-opt %s -split-input-file -attn-tile | ptoattn-opt -split-input-file -verify-diagnostics
// An unsupported q-tile is rejected by the option's parser (an enum of the allowed values).
// RUN: not ptoattn-opt %s -split-input-file -attn-tile=q-tile=48 2>&1 | FileCheck %s --check-prefix=QTILE
// QTILE: for the --q-tile option: q-tile 48 is not supported: must be 0, 16, 32 or 64
// Split-KV: each tile's KV range in kv-splits parts (an inner scf.forall), merged by
// attn.merge_partials; every case tiles, verifies and round-trips split too.
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-splits=4 -verify-diagnostics | FileCheck %s --check-prefix=SPLIT
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-splits=4 | ptoattn-opt -split-input-file -verify-diagnostics
// RUN: not ptoattn-opt %s -split-input-file -attn-tile=kv-splits=0 2>&1 | FileCheck %s --check-prefix=SPLITS0
// RUN: not ptoattn-opt %s -split-input-file -attn-tile=kv-splits=17 2>&1 | FileCheck %s --check-prefix=SPLITS17
// SPLITS0: error: kv-splits must be in [1, 16], got 0
// SPLITS17: error: kv-splits must be in [1, 16], got 17
//
// -verify-diagnostics on the first two RUN lines asserts that tiling emits no
// diagnostics on supported input.

// MQA: 16 heads on one KV head fill one 16-row tile; no padding.
// CHECK-LABEL: func.func @mqa_16_heads
//  CHECK-SAME:   (%[[Q:.*]]: tensor<4x16x128xbf16>, %[[K:.*]]: tensor<?x128x1x128xbf16>, %[[V:.*]]: tensor<?x128x1x128xbf16>, %[[BT:.*]]: tensor<4x?xi32>, %[[LENS:.*]]: tensor<4xi32>, %[[SCALE:.*]]: f32)
//       CHECK:   %[[EMPTY:.*]] = tensor.empty() : tensor<4x16x128xf32>
//       CHECK:   %[[RES:.*]] = scf.forall (%[[B:.*]], %[[G:.*]], %[[T:.*]]) in (4, 1, 1) shared_outs(%[[ACC:.*]] = %[[EMPTY]])
//       CHECK:     %[[QT:.*]] = tensor.extract_slice %[[Q]][%[[B]], %[[H0:.*]], 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
//   CHECK-NOT:     tensor.pad
//       CHECK:     %[[LEN32:.*]] = tensor.extract %[[LENS]][%[[B]]]
//       CHECK:     %[[LEN:.*]] = arith.index_cast %[[LEN32]] : i32 to index
//       CHECK:     %[[NB:.*]] = arith.ceildivui %[[LEN]], %[[C128:.*]] : index
//       CHECK:     %[[M0:.*]] = arith.constant dense<-1.000000e+30> : tensor<16xf32>
//       CHECK:     %[[LOOP:.*]]:3 = scf.for %[[J:.*]] = %{{.*}} to %[[NB]] step %{{.*}} iter_args(%[[M:.*]] = %[[M0]], %[[L:.*]] = %{{.*}}, %[[O:.*]] = %{{.*}})
//       CHECK:       %[[BLK32:.*]] = tensor.extract %[[BT]][%[[B]], %[[J]]]
//       CHECK:       %[[BLK:.*]] = arith.index_cast %[[BLK32]]
//       CHECK:       %[[KB:.*]] = tensor.extract_slice %[[K]][%[[BLK]], 0, %[[G]], 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
//       CHECK:       %[[VB:.*]] = tensor.extract_slice %[[V]][%[[BLK]], 0, %[[G]], 0] [1, 128, 1, 128]
//       CHECK:       %[[START:.*]] = arith.muli %[[J]], %[[C128]]
//       CHECK:       %[[REST:.*]] = arith.subi %[[LEN]], %[[START]]
//       CHECK:       %[[VALID:.*]] = arith.minsi %[[REST]], %[[C128]]
//       CHECK:       %[[FIRST:.*]] = arith.cmpi eq, %[[J]], %{{.*}}
//       CHECK:       %[[NEXT:.*]] = arith.addi %[[J]], %{{.*}}
//       CHECK:       %[[LAST:.*]] = arith.cmpi eq, %[[NEXT]], %[[NB]]
//       CHECK:       %[[S:.*]] = attn.qk_matmul %[[QT]], %[[KB]] : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
//       CHECK:       %[[P:.*]], %[[MI:.*]], %[[LI:.*]] = attn.softmax_prepare %[[S]] valid_cols(%[[VALID]]) scale(%[[SCALE]]) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
//       CHECK:       %[[OI:.*]] = attn.pv_matmul %[[P]], %[[VB]] : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
//       CHECK:       %[[UM:.*]], %[[UL:.*]], %[[UO:.*]] = attn.online_update block(%[[MI]], %[[LI]], %[[OI]]) acc(%[[M]], %[[L]], %[[O]]) first(%[[FIRST]]) last(%[[LAST]])
//       CHECK:       scf.yield %[[UM]], %[[UL]], %[[UO]]
//       CHECK:     scf.forall.in_parallel
//       CHECK:       tensor.parallel_insert_slice %[[LOOP]]#2 into %[[ACC]][%[[B]], %[[H0]], 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
//       CHECK:   return %[[RES]]
//   CHECK-NOT:   attn.paged_attention
func.func @mqa_16_heads(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}

// -----

// GQA 40/8: groups of 5 heads padded with zero rows to 16; only the 5 real rows
// are written back. Dynamic batch sizes the forall from the query.
// CHECK-LABEL: func.func @gqa_40_over_8_block_64
//       CHECK:   %[[BATCH:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x40x128xbf16>
//       CHECK:   scf.forall (%[[B:.*]], %[[G:.*]], %[[T:.*]]) in (%[[BATCH]], 8, 1)
//       CHECK:     %[[ROWS:.*]] = tensor.extract_slice %{{.*}}[%[[B]], %[[H0:.*]], 0] [1, 5, 128] [1, 1, 1] : tensor<?x40x128xbf16> to tensor<5x128xbf16>
//       CHECK:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : bf16
//       CHECK:     %[[QT:.*]] = tensor.pad %[[ROWS]] low[0, 0] high[%{{.*}}, 0]
//       CHECK:       tensor.yield %[[ZERO]] : bf16
//       CHECK:     } : tensor<5x128xbf16> to tensor<16x128xbf16>
//       CHECK:     scf.for
//       CHECK:       tensor.extract_slice %{{.*}}[%{{.*}}, 0, %[[G]], 0] [1, 64, 1, 128] [1, 1, 1, 1] : tensor<?x64x8x128xbf16> to tensor<64x128xbf16>
//       CHECK:       attn.qk_matmul %[[QT]], %{{.*}} : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x64xf32>
//       CHECK:       attn.pv_matmul %{{.*}}, %{{.*}} : tensor<16x64xbf16>, tensor<64x128xbf16> -> tensor<16x128xf32>
//       CHECK:     %[[REAL:.*]] = tensor.extract_slice %{{.*}}#2[0, 0] [5, 128] [1, 1] : tensor<16x128xf32> to tensor<5x128xf32>
//       CHECK:       tensor.parallel_insert_slice %[[REAL]] into %{{.*}}[%[[B]], %[[H0]], 0] [1, 5, 128] [1, 1, 1] : tensor<5x128xf32> into tensor<?x40x128xf32>
func.func @gqa_40_over_8_block_64(%q: tensor<?x40x128xbf16>, %k: tensor<?x64x8x128xbf16>, %v: tensor<?x64x8x128xbf16>, %bt: tensor<?x?xi32>, %lens: tensor<?xi32>, %scale: f32) -> tensor<?x40x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<?x40x128xbf16>, tensor<?x64x8x128xbf16>, tensor<?x64x8x128xbf16>, tensor<?x?xi32>, tensor<?xi32>, f32) -> tensor<?x40x128xf32>
  return %out : tensor<?x40x128xf32>
}

// -----

// 64 heads on one KV head: one 64-row tile by default, four 16-row tiles with q-tile=16.
// CHECK-LABEL: func.func @mqa_64_heads_head_dim_64_block_16
//       CHECK:   scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (4, 1, 1)
//       CHECK:     tensor.extract_slice %{{.*}} [1, 64, 64] [1, 1, 1] : tensor<4x64x64xbf16> to tensor<64x64xbf16>
//       CHECK:       attn.qk_matmul {{.*}} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
//       CHECK:       attn.online_update {{.*}} : tensor<64xf32>, tensor<64x64xf32>
// TILE16-LABEL: func.func @mqa_64_heads_head_dim_64_block_16
//       TILE16:   scf.forall (%{{.*}}, %{{.*}}, %[[T:.*]]) in (4, 1, 4)
//       TILE16:     %[[C16:.*]] = arith.constant 16 : index
//       TILE16:     %[[OFF:.*]] = arith.muli %[[T]], %[[C16]] : index
//       TILE16:     tensor.extract_slice %{{.*}} [1, 16, 64] [1, 1, 1] : tensor<4x64x64xbf16> to tensor<16x64xbf16>
//   TILE16-NOT:     tensor.pad
//       TILE16:       attn.qk_matmul {{.*}} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
func.func @mqa_64_heads_head_dim_64_block_16(%q: tensor<4x64x64xbf16>, %k: tensor<?x16x1x64xbf16>, %v: tensor<?x16x1x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x64x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x64x64xbf16>, tensor<?x16x1x64xbf16>, tensor<?x16x1x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x64x64xf32>
  return %out : tensor<4x64x64xf32>
}

// -----

// head_dim 256: the head dimension is the matmul K of QK^T and N of PV.
// CHECK-LABEL: func.func @mqa_head_dim_256_block_128
//       CHECK:       attn.qk_matmul {{.*}} : tensor<16x256xbf16>, tensor<128x256xbf16> -> tensor<16x128xf32>
//       CHECK:       attn.pv_matmul {{.*}} : tensor<16x128xbf16>, tensor<128x256xbf16> -> tensor<16x256xf32>
func.func @mqa_head_dim_256_block_128(%q: tensor<4x16x256xbf16>, %k: tensor<?x128x1x256xbf16>, %v: tensor<?x128x1x256xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x256xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x256xbf16>, tensor<?x128x1x256xbf16>, tensor<?x128x1x256xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x256xf32>
  return %out : tensor<4x16x256xf32>
}

// -----

// 40 heads on one KV head in 16-row tiles: 16, 16 and 8 rows; the row count is a
// run-time value min(16, 40 - 16 t), and the last tile is padded. (Default: one 64-row tile.)
// CHECK-LABEL: func.func @uneven_tiles_40_heads
//       CHECK:   scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (4, 1, 1)
//       CHECK:     tensor.extract_slice %{{.*}} [1, 40, 128] [1, 1, 1] : tensor<4x40x128xbf16> to tensor<40x128xbf16>
//       CHECK:     tensor.pad
//       CHECK:     } : tensor<40x128xbf16> to tensor<64x128xbf16>
// TILE16-LABEL: func.func @uneven_tiles_40_heads
//       TILE16:   scf.forall (%{{.*}}, %{{.*}}, %[[T:.*]]) in (4, 1, 3)
//       TILE16:     %[[ROWS:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
//       TILE16:     %[[SLICE:.*]] = tensor.extract_slice %{{.*}} [1, %[[ROWS]], 128] [1, 1, 1] : tensor<4x40x128xbf16> to tensor<?x128xbf16>
//       TILE16:     tensor.pad %[[SLICE]]
//       TILE16:     } : tensor<?x128xbf16> to tensor<16x128xbf16>
//       TILE16:     %[[REAL:.*]] = tensor.extract_slice %{{.*}}#2[0, 0] [%[[ROWS]], 128] [1, 1] : tensor<16x128xf32> to tensor<?x128xf32>
//       TILE16:       tensor.parallel_insert_slice %[[REAL]] into %{{.*}} [1, %[[ROWS]], 128] [1, 1, 1] : tensor<?x128xf32> into tensor<4x40x128xf32>
func.func @uneven_tiles_40_heads(%q: tensor<4x40x128xbf16>, %k: tensor<?x16x1x128xbf16>, %v: tensor<?x16x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x40x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x40x128xbf16>, tensor<?x16x1x128xbf16>, tensor<?x16x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x40x128xf32>
  return %out : tensor<4x40x128xf32>
}

// -----

// Split-KV with GQA (32 heads on 8 KV heads: 4-head groups padded to 16 rows). With
// n = ceil(len / 16) blocks and per = ceil(n / 4), part p runs blocks
// [p * per, min((p + 1) * per, n)) with last = false (its state stays un-normalised);
// the merge combines the parts; only the 4 real rows reach the result.
// Without kv-splits the nest is the plain one.
// CHECK-LABEL: func.func @split_kv_gqa
//   CHECK-NOT:   attn.merge_partials
// SPLIT-LABEL: func.func @split_kv_gqa
//  SPLIT-SAME:   %[[BT:[^:]*]]: tensor<2x?xi32>, %[[LENS:[^:]*]]: tensor<2xi32>
//       SPLIT:   scf.forall (%[[B:.*]], %[[G:.*]], %{{.*}}) in (2, 8, 1)
//       SPLIT:     %[[NB:.*]] = arith.ceildivui %{{.*}}, %{{.*}} : index
//       SPLIT:     %[[PER:.*]] = arith.ceildivui %[[NB]], %{{.*}} : index
//       SPLIT:     %[[PARTS:.*]]:3 = scf.forall (%[[P:.*]]) in (4) shared_outs(%[[PM:.*]] = %{{.*}}, %[[PL:.*]] = %{{.*}}, %[[PO:.*]] = %{{.*}}) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16x64xf32>)
//       SPLIT:       %[[FIRST:.*]] = arith.muli %[[P]], %[[PER]] : index
//       SPLIT:       %[[REST:.*]] = arith.subi %[[NB]], %[[FIRST]] : index
//       SPLIT:       %[[CLAMP:.*]] = arith.minsi %[[REST]], %[[PER]] : index
//       SPLIT:       %[[STEPS:.*]] = arith.maxsi %[[CLAMP]], %{{.*}} : index
//       SPLIT:       %[[LOOP:.*]]:3 = scf.for %[[J:.*]] = %{{.*}} to %[[STEPS]] step
//       SPLIT:         %[[SEQJ:.*]] = arith.addi %[[FIRST]], %[[J]] : index
//       SPLIT:         tensor.extract %[[BT]][%[[B]], %[[SEQJ]]]
//       SPLIT:         arith.muli %[[SEQJ]], %{{.*}} : index
//       SPLIT:         %[[FALSE:.*]] = arith.constant false
//       SPLIT:         attn.online_update {{.*}} last(%[[FALSE]])
//       SPLIT:       scf.forall.in_parallel {
//       SPLIT:         tensor.parallel_insert_slice %[[LOOP]]#0 into %[[PM]][%[[P]], 0] [1, 16] [1, 1]
//       SPLIT:         tensor.parallel_insert_slice %[[LOOP]]#1 into %[[PL]][%[[P]], 0] [1, 16] [1, 1]
//       SPLIT:         tensor.parallel_insert_slice %[[LOOP]]#2 into %[[PO]][%[[P]], 0, 0] [1, 16, 64] [1, 1, 1]
//       SPLIT:     %[[MERGED:.*]] = attn.merge_partials max(%[[PARTS]]#0) sum(%[[PARTS]]#1) out(%[[PARTS]]#2) : tensor<4x16xf32>, tensor<4x16x64xf32> -> tensor<16x64xf32>
//       SPLIT:     %[[REAL:.*]] = tensor.extract_slice %[[MERGED]][0, 0] [4, 64] [1, 1]
//       SPLIT:       tensor.parallel_insert_slice %[[REAL]] into %{{.*}}[%[[B]], %{{.*}}, 0] [1, 4, 64]
func.func @split_kv_gqa(%q: tensor<2x32x64xbf16>, %k: tensor<?x16x8x64xbf16>, %v: tensor<?x16x8x64xbf16>, %bt: tensor<2x?xi32>, %lens: tensor<2xi32>, %scale: f32) -> tensor<2x32x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<2x32x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>, tensor<2x?xi32>, tensor<2xi32>, f32) -> tensor<2x32x64xf32>
  return %out : tensor<2x32x64xf32>
}
