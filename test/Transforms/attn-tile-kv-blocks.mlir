// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 -verify-diagnostics | FileCheck %s
// The multi-block nest verifies after a round trip and lowers through core assignment and
// orchestration under both strategies.
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 | ptoattn-opt -split-input-file -verify-diagnostics > /dev/null
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 -attn-assign-cores -verify-diagnostics | FileCheck %s --check-prefix=SPMD
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 -attn-assign-cores=strategy=per-tile -attn-orchestrate -verify-diagnostics | FileCheck %s --check-prefix=PERTILE
// The double-buffered kernels synchronise: aicore-insert-sync's flags pass aicore-verify-sync.
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 -attn-assign-cores -canonicalize -cse -aicore-plan-memory -aicore-insert-sync -aicore-verify-sync -verify-diagnostics > /dev/null
// RUN: ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=4 -attn-assign-cores=strategy=per-tile -canonicalize -cse -aicore-plan-memory -aicore-insert-sync -aicore-verify-sync -verify-diagnostics > /dev/null
// RUN: not ptoattn-opt %s -split-input-file -attn-tile=kv-blocks-per-task=0 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: kv-blocks-per-task must be >= 1, got 0
// Together with kv-splits: attn-tile-kv-blocks-split.mlir.

// GQA 32/8, block 16, four blocks per KV step: steps over ceil(len / 64) positions; each
// step gathers only its own blocks (min(4, ceil(len / 16) - 4 j) of them) from the block
// table, and the stages work on 16 x 64 scores.
// CHECK-LABEL: func.func @gqa_32_over_8_four_blocks
//       CHECK:     %[[LEN:.*]] = arith.index_cast %{{.*}} : i32 to index
//       CHECK:     %[[C64:.*]] = arith.constant 64 : index
//       CHECK:     %[[NSTEPS:.*]] = arith.ceildivui %[[LEN]], %[[C64]] : index
//       CHECK:     scf.for %[[J:.*]] = %{{.*}} to %[[NSTEPS]] step %{{.*}} iter_args(
//       CHECK:       %[[NBLOCKS:.*]] = arith.ceildivui %[[LEN]], %{{.*}} : index
//       CHECK:       %[[FIRST:.*]] = arith.muli %[[J]], %{{.*}} : index
//       CHECK:       %[[LEFT:.*]] = arith.subi %[[NBLOCKS]], %[[FIRST]] : index
//       CHECK:       %[[COUNT:.*]] = arith.minsi %[[LEFT]], %{{.*}} : index
//       CHECK:       %[[KE:.*]] = tensor.empty() : tensor<64x64xbf16>
//       CHECK:       %[[GATHER:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args(%[[KT:.*]] = %[[KE]], %[[VT:.*]] = %{{.*}})
//       CHECK:         %[[ENTRY:.*]] = arith.addi %{{.*}}, %[[I]] : index
//       CHECK:         tensor.extract %{{.*}}[%{{.*}}, %[[ENTRY]]] : tensor<4x?xi32>
//       CHECK:         %[[KB:.*]] = tensor.extract_slice %{{.*}} [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x8x64xbf16> to tensor<16x64xbf16>
//       CHECK:         %[[K2:.*]] = tensor.insert_slice %[[KB]] into %[[KT]][%{{.*}}, 0] [16, 64] [1, 1] : tensor<16x64xbf16> into tensor<64x64xbf16>
//       CHECK:         %[[V2:.*]] = tensor.insert_slice %{{.*}} into %[[VT]]
//       CHECK:         scf.yield %[[K2]], %[[V2]]
//       CHECK:       %[[VALID:.*]] = arith.minsi %{{.*}}, %[[C64]] : index
//       CHECK:       %[[S:.*]] = attn.qk_matmul %{{.*}}, %[[GATHER]]#0 : tensor<16x64xbf16>, tensor<64x64xbf16> -> tensor<16x64xf32>
//       CHECK:       %[[P:.*]], %{{.*}}, %{{.*}} = attn.softmax_prepare %[[S]] valid_cols(%[[VALID]]) scale(%{{.*}}) : tensor<16x64xf32> -> tensor<16x64xbf16>
//       CHECK:       attn.pv_matmul %[[P]], %[[GATHER]]#1 : tensor<16x64xbf16>, tensor<64x64xbf16> -> tensor<16x64xf32>
//       CHECK:       attn.online_update
//
// The cube kernels loop over the step's blocks two at a time with two L1 buffers: block 0 is
// loaded before the loop; each iteration loads block i + 1 into the second buffer before
// computing block i from the first, then (if there is a block i + 1) loads block i + 2 into
// the first before computing block i + 1. QK stores each block's 16 x 16 scores at its
// columns of the 16 x 64 tile; PV accumulates in L0C (the first block initialises it).
// SPMD-LABEL: func.func @gqa_32_over_8_four_blocks_qk_matmul()
//       SPMD:   scf.if
//       SPMD:     aicore.tmov
//       SPMD:     %[[KA:.*]] = aicore.tile : !aicore.tile<mat, 64x16xbf16, slayout = col_major>
//       SPMD:     %[[KB:.*]] = aicore.tile : !aicore.tile<mat, 64x16xbf16, slayout = col_major>
//       SPMD:     aicore.load_scalar
//       SPMD:     aicore.tload ins({{.*}}) outs(%[[KA]] :
//       SPMD:     %[[C2:.*]] = arith.constant 2 : index
//       SPMD:     scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[C2]] {
//       SPMD:       scf.if
//       SPMD:         aicore.load_scalar
//       SPMD:         aicore.tload ins({{.*}}) outs(%[[KB]] :
//       SPMD:       aicore.tmov ins(%[[KA]] :
//       SPMD:       aicore.tmatmul ins({{.*}} : !aicore.tile<left, 16x64xbf16>, !aicore.tile<right, 64x16xbf16>) outs({{.*}} : !aicore.tile<acc, 16x16xf32>)
//       SPMD:       aicore.tstore
//       SPMD:       scf.if
//       SPMD:         scf.if
//       SPMD:           aicore.tload ins({{.*}}) outs(%[[KA]] :
//       SPMD:         aicore.tmov ins(%[[KB]] :
//       SPMD:         aicore.tmatmul
//       SPMD:         aicore.tstore
// The step's 8 x 64 scores per lane fit UB: softmax_prepare loads each block once into a
// tile of its own (block i + 1 nested in block i's scf.if) and computes P from UB.
// SPMD-LABEL: func.func @gqa_32_over_8_four_blocks_softmax_prepare()
//  SPMD-COUNT-4:     aicore.tile : !aicore.tile<vec, 8x16xf32, pad = min>
//   SPMD-NOT:     scf.for
//  SPMD-COUNT-4:     aicore.trowmax
//   SPMD-NOT:     aicore.tload
//  SPMD-COUNT-4:     aicore.texp
//   SPMD-NOT:     aicore.tload
// SPMD-LABEL: func.func @gqa_32_over_8_four_blocks_pv_matmul()
//       SPMD:     scf.for {{.*}} step
//       SPMD:       scf.if
//       SPMD:         aicore.tload
//       SPMD:         aicore.tload
//       SPMD:         aicore.tfillpad
//       SPMD:       scf.if
//       SPMD:         aicore.tmatmul
//       SPMD:       } else {
//       SPMD:         aicore.tmatmul_acc
//       SPMD:       scf.if
//       SPMD:         aicore.tmatmul_acc
//       SPMD:     aicore.tstore
//
// Per tile, the matmul kernels take the step's block-table entries (a view as long as the
// step's blocks) and the KV head's cache; the scores buffer is 16 x 64.
// PERTILE-LABEL: func.func @gqa_32_over_8_four_blocks_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, strategy = per_tile, args = [#aicore.arg<in "query" : bf16>, #aicore.arg<in "key_cache" : bf16>, #aicore.arg<in "block_table" : i32>, #aicore.arg<out "scores" : f32>]>}
// PERTILE-LABEL: func.func @gqa_32_over_8_four_blocks_orchestration()
//       PERTILE:   %[[KEYS:.*]] = orch.view %{{.*}}[0, 0, %{{.*}}, 0] [%{{.*}}, 16, 1, 64] : !orch.tensor<?x16x8x64xbf16> -> !orch.tensor<?x16x1x64xbf16>
//       PERTILE:   orch.scope
//       PERTILE:   scf.if
//       PERTILE:     %[[FIRST:.*]] = arith.muli %{{.*}}, %c4{{.*}} : index
//       PERTILE:     %[[LEFT:.*]] = arith.subi %{{.*}}, %[[FIRST]] : index
//       PERTILE:     %[[BLOCKS:.*]] = arith.minsi %[[LEFT]], %c4{{.*}} : index
//       PERTILE:     %[[TABLE:.*]] = orch.view %{{.*}}[%{{.*}}, %[[FIRST]]] [1, %[[BLOCKS]]] : !orch.tensor<4x?xi32> -> !orch.tensor<1x?xi32>
//       PERTILE:     orch.submit aic(aic = @gqa_32_over_8_four_blocks_qk_matmul) args(in %{{.*}} : !orch.tensor<1x4x64xbf16>, in %[[KEYS]] : !orch.tensor<?x16x1x64xbf16>, in %[[TABLE]] : !orch.tensor<1x?xi32>, out %{{.*}} : !orch.tensor<16x64xf32>)
//       PERTILE:     orch.submit aic(aic = @gqa_32_over_8_four_blocks_pv_matmul) args(in %{{.*}}, in %{{.*}} : !orch.tensor<?x16x1x64xbf16>, in %[[TABLE]] : !orch.tensor<1x?xi32>, out
// No block id is read on the host: the kernels read the step's entries.
//   PERTILE-NOT:     orch.read %{{.*}} : !orch.tensor<4x?xi32>
func.func @gqa_32_over_8_four_blocks(%q: tensor<4x32x64xbf16>, %k: tensor<?x16x8x64xbf16>, %v: tensor<?x16x8x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x32x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x32x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x32x64xf32>
  return %out : tensor<4x32x64xf32>
}
