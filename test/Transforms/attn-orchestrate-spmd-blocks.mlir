// SPMD launch sizes: a launch runs min(tiles, clusters of the module's aicore.target) blocks
// (spmd-blocks=clusters, the default) and every spmd kernel loops over its tiles grid-stride,
// so any block count covers every tile once; spmd-blocks=tiles launches one block per tile.
// RUN: ptoattn-opt %s -split-input-file -attn-tile -attn-assign-cores -attn-orchestrate=max-batch=64 -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,B3
// The same modules on a 910B1 (24 clusters).
// RUN: sed -e 's/"910B3"/"910B1"/' %s | ptoattn-opt -split-input-file -attn-tile -attn-assign-cores -attn-orchestrate=max-batch=64 -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,B1
// Split-KV: a chain's tiles are tiles x parts, the merge's the tiles.
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-splits=4 -attn-assign-cores -attn-orchestrate=max-batch=64 -verify-diagnostics | FileCheck %s --check-prefixes=SPLIT,SPLITB3
// RUN: sed -e 's/"910B3"/"910B1"/' %s | ptoattn-opt -split-input-file -attn-tile=kv-splits=4 -attn-assign-cores -attn-orchestrate=max-batch=64 -verify-diagnostics | FileCheck %s --check-prefixes=SPLIT,SPLITB1
// One block per tile.
// RUN: ptoattn-opt %s -split-input-file -attn-tile -attn-assign-cores -attn-orchestrate="max-batch=64 spmd-blocks=tiles" -verify-diagnostics | FileCheck %s --check-prefix=TILES
// The option names its values.
// RUN: not ptoattn-opt %s -attn-orchestrate=spmd-blocks=waves 2>&1 | FileCheck %s --check-prefix=BADVALUE
// BADVALUE: spmd-blocks waves is not supported: must be clusters or tiles
// A launch too large for the runtime's int16 block count: attn-orchestrate-spmd-limit.mlir.

// Batch 64 MQA (16 heads on 1 KV head): 64 tiles. Each kernel gets its first tile from
// get_block_idx and its stride from get_block_num; the tile count is static.
// CHECK-LABEL: func.func @mqa64_qk_matmul()
//       CHECK:   %[[FIRST:.*]] = aicore.get_block_idx
//       CHECK:   %[[STRIDE:.*]] = aicore.get_block_num
//       CHECK:   %[[C64:.*]] = arith.constant 64 : index
//       CHECK:   scf.for %[[TILE:.*]] = %[[FIRST]] to %[[C64]] step %[[STRIDE]] {
//       CHECK:     arith.divui %[[TILE]]
//       CHECK:     aicore.tmatmul
// CHECK-LABEL: func.func @mqa64_softmax_prepare()
//       CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
//       CHECK:     aicore.get_sub_block_id
// CHECK-LABEL: func.func @mqa64_online_update()
//       CHECK:   aicore.get_block_num
//       CHECK:   scf.for
// CHECK-LABEL: func.func @mqa64_orchestration()
// Buffers stay per tile: 64 tiles of 16 x 128 scores.
//       CHECK:   orch.alloc : !orch.tensor<1024x128xf32>
//       B3:   orch.submit aic(aic = @mqa64_qk_matmul) blocks(20)
//       B3:   orch.submit mix(aiv0 = @mqa64_softmax_prepare, aiv1 = @mqa64_softmax_prepare) blocks(20)
//       B3:   orch.submit aic(aic = @mqa64_pv_matmul) blocks(20)
//       B3:   orch.submit mix(aiv0 = @mqa64_online_update, aiv1 = @mqa64_online_update) blocks(20)
//       B1:   orch.submit aic(aic = @mqa64_qk_matmul) blocks(24)
//       B1:   orch.submit mix(aiv0 = @mqa64_softmax_prepare, aiv1 = @mqa64_softmax_prepare) blocks(24)
//       B1:   orch.submit aic(aic = @mqa64_pv_matmul) blocks(24)
//       B1:   orch.submit mix(aiv0 = @mqa64_online_update, aiv1 = @mqa64_online_update) blocks(24)
// TILES-LABEL: func.func @mqa64_orchestration()
//       TILES:   orch.submit aic(aic = @mqa64_qk_matmul) blocks(64)
//       TILES:   orch.submit mix(aiv0 = @mqa64_online_update, aiv1 = @mqa64_online_update) blocks(64)
module attributes {aicore.target = #aicore.target<"910B3">} {
func.func @mqa64(%q: tensor<64x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>,
                 %bt: tensor<64x?xi32>, %lens: tensor<64xi32>, %scale: f32) -> tensor<64x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<64x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<64x?xi32>, tensor<64xi32>, f32) -> tensor<64x16x128xf32>
  return %out : tensor<64x16x128xf32>
}
}

// -----

// Fewer tiles than clusters: 4 sequences x 4 KV heads of a GQA 16/4 = 16 tiles, one block
// each on both chips.
// CHECK-LABEL: func.func @gqa16_orchestration()
//       CHECK:   orch.submit aic(aic = @gqa16_qk_matmul) blocks(16)
//       CHECK:   orch.submit mix(aiv0 = @gqa16_online_update, aiv1 = @gqa16_online_update) blocks(16)
// TILES-LABEL: func.func @gqa16_orchestration()
//       TILES:   orch.submit aic(aic = @gqa16_qk_matmul) blocks(16)
module attributes {aicore.target = #aicore.target<"910B3">} {
func.func @gqa16(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x4x128xbf16>, %v: tensor<?x128x4x128xbf16>,
                 %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x4x128xbf16>, tensor<?x128x4x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}
}

// -----

// Split-KV (kv-splits=4) of the same modules: the chains of mqa64 have 64 x 4 tiles, its
// merge 64; those of gqa16 16 x 4, its merge 16.
// SPLIT-LABEL: func.func @mqa64_qk_matmul()
//       SPLIT:   %[[C256:.*]] = arith.constant 256 : index
//       SPLIT:   scf.for %{{.*}} = %{{.*}} to %[[C256]] step
// SPLIT-LABEL: func.func @mqa64_merge_partials()
//       SPLIT:   %[[C64:.*]] = arith.constant 64 : index
//       SPLIT:   scf.for %{{.*}} = %{{.*}} to %[[C64]] step
// SPLIT-LABEL: func.func @mqa64_orchestration()
//       SPLITB3:   orch.submit aic(aic = @mqa64_qk_matmul) blocks(20)
//       SPLITB3:   orch.submit mix(aiv0 = @mqa64_merge_partials, aiv1 = @mqa64_merge_partials) blocks(20)
//       SPLITB1:   orch.submit aic(aic = @mqa64_qk_matmul) blocks(24)
//       SPLITB1:   orch.submit mix(aiv0 = @mqa64_merge_partials, aiv1 = @mqa64_merge_partials) blocks(24)
// SPLIT-LABEL: func.func @gqa16_orchestration()
//       SPLITB3:   orch.submit aic(aic = @gqa16_qk_matmul) blocks(20)
//       SPLITB1:   orch.submit aic(aic = @gqa16_qk_matmul) blocks(24)
//       SPLIT:   orch.submit mix(aiv0 = @gqa16_merge_partials, aiv1 = @gqa16_merge_partials) blocks(16)

// -----

// A dynamic batch: the kernels read the batch from the lengths' descriptor (the merge
// from the output's), the orchestration launches min(batch x tiles, clusters) at run time.
// CHECK-LABEL: func.func @dyn_qk_matmul()
//       CHECK:   %[[BATCH:.*]] = aicore.tensor_dim 3[0]
//       CHECK:   %[[COUNT:.*]] = arith.muli %[[BATCH]], %{{.*}} : index
//       CHECK:   scf.for %{{.*}} = %{{.*}} to %[[COUNT]] step %{{.*}} {
// CHECK-LABEL: func.func @dyn_orchestration()
//       CHECK:   %[[N:.*]] = arith.muli %{{.*}}, %{{.*}} : index
//       B3:   %[[C20:.*]] = arith.constant 20 : index
//       B3:   %[[BLOCKS:.*]] = arith.minsi %[[N]], %[[C20]] : index
//       B1:   %[[C24:.*]] = arith.constant 24 : index
//       B1:   %[[BLOCKS:.*]] = arith.minsi %[[N]], %[[C24]] : index
//       CHECK:   orch.submit aic(aic = @dyn_qk_matmul) blocks(%[[BLOCKS]])
// TILES-LABEL: func.func @dyn_orchestration()
//   TILES-NOT:   arith.minsi
//       TILES:   orch.submit aic(aic = @dyn_qk_matmul) blocks(%{{.*}})
module attributes {aicore.target = #aicore.target<"910B3">} {
func.func @dyn(%q: tensor<?x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>,
               %bt: tensor<?x?xi32>, %lens: tensor<?xi32>, %scale: f32) -> tensor<?x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<?x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x?xi32>, tensor<?xi32>, f32) -> tensor<?x16x128xf32>
  return %out : tensor<?x16x128xf32>
}
}
