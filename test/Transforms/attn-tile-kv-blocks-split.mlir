// kv-blocks-per-task and kv-splits together: each split part runs its blocks N at a time.
// RUN: split-file %s %t
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" -verify-diagnostics | FileCheck %s
// The nest verifies after a round trip, lowers through both strategies, and its kernels
// synchronise.
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" | ptoattn-opt -verify-diagnostics > /dev/null
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" -attn-assign-cores -attn-orchestrate -verify-diagnostics | FileCheck %s --check-prefix=SPMD
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" -attn-assign-cores=strategy=per-tile -attn-orchestrate -verify-diagnostics | FileCheck %s --check-prefix=PERTILE
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" -attn-assign-cores -canonicalize -cse -aicore-plan-memory -aicore-insert-sync -aicore-verify-sync -verify-diagnostics > /dev/null
// RUN: ptoattn-opt %t/nest.mlir -attn-tile="kv-blocks-per-task=4 kv-splits=2" -attn-assign-cores=strategy=per-tile -canonicalize -cse -aicore-plan-memory -aicore-insert-sync -aicore-verify-sync -verify-diagnostics > /dev/null
// A combination whose step no longer fits the ring, though each option alone does: the
// spmd step scope holds tiles x parts blocks of 64-block buffers.
// RUN: ptoattn-opt %t/ring.mlir -attn-tile="kv-blocks-per-task=64 kv-splits=4" -attn-assign-cores -attn-orchestrate=ring-heap=4194304 -verify-diagnostics
// RUN: ptoattn-opt %t/ring.mlir -attn-tile="kv-blocks-per-task=64" -attn-assign-cores -attn-orchestrate=ring-heap=4194304 > /dev/null
// RUN: ptoattn-opt %t/ring.mlir -attn-tile="kv-splits=4" -attn-assign-cores -attn-orchestrate=ring-heap=4194304 > /dev/null

//--- nest.mlir
// GQA 32/8, block 16, two parts of four-block steps. Part p holds blocks [p * per,
// min((p + 1) * per, n)) of the sequence's n = ceil(len / 16), per = ceil(n / 2); its
// steps are ceil(blocks / 4); step j gathers min(4, blocks - 4 j) blocks from the part's
// first + 4 j, and its valid columns stop at the part's end as at the sequence's.
// CHECK-LABEL: func.func @gqa_32_over_8_four_blocks_two_parts
//       CHECK:   %[[LEN:.*]] = arith.index_cast %{{.*}} : i32 to index
//       CHECK:   %[[N:.*]] = arith.ceildivui %[[LEN]], %c16{{.*}} : index
//       CHECK:   %[[PER:.*]] = arith.ceildivui %[[N]], %c2{{.*}} : index
//       CHECK:   scf.forall (%[[P:.*]]) in (2) shared_outs(
//       CHECK:     %[[FIRST:.*]] = arith.muli %[[P]], %[[PER]] : index
//       CHECK:     %[[REST:.*]] = arith.subi %[[N]], %[[FIRST]] : index
//       CHECK:     %[[UPTO:.*]] = arith.minsi %[[REST]], %[[PER]] : index
//       CHECK:     %[[BLOCKS:.*]] = arith.maxsi %[[UPTO]], %c0{{.*}} : index
//       CHECK:     %[[STEPS:.*]] = arith.ceildivui %[[BLOCKS]], %c4{{.*}} : index
//       CHECK:     scf.for %[[J:.*]] = %{{.*}} to %[[STEPS]] step %{{.*}} iter_args(
//       CHECK:       %[[OFF:.*]] = arith.muli %[[J]], %c4{{.*}} : index
//       CHECK:       %[[START:.*]] = arith.addi %[[FIRST]], %[[OFF]] : index
//       CHECK:       %[[LEFT:.*]] = arith.subi %[[BLOCKS]], %[[OFF]] : index
//       CHECK:       %[[COUNT:.*]] = arith.minsi %[[LEFT]], %c4{{.*}} : index
//       CHECK:       %[[GATHER:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[COUNT]] step
//       CHECK:         %[[ENTRY:.*]] = arith.addi %[[START]], %[[I]] : index
//       CHECK:         tensor.extract %{{.*}}[%{{.*}}, %[[ENTRY]]] : tensor<4x?xi32>
//       CHECK:       %[[COLS:.*]] = arith.muli %[[COUNT]], %c16{{.*}} : index
//       CHECK:       %[[POS:.*]] = arith.muli %[[START]], %c16{{.*}} : index
//       CHECK:       %[[AFTER:.*]] = arith.subi %{{.*}}, %[[POS]] : index
//       CHECK:       %[[VALID:.*]] = arith.minsi %[[AFTER]], %[[COLS]] : index
//       CHECK:       %[[S:.*]] = attn.qk_matmul %{{.*}}, %[[GATHER]]#0 : tensor<16x64xbf16>, tensor<64x64xbf16> -> tensor<16x64xf32>
//       CHECK:       attn.softmax_prepare %[[S]] valid_cols(%[[VALID]])
//       CHECK:       attn.pv_matmul %{{.*}}, %[[GATHER]]#1 : tensor<16x64xbf16>, tensor<64x64xbf16> -> tensor<16x64xf32>
//       CHECK:       attn.online_update {{.*}} last(%false)
//       CHECK:   attn.merge_partials {{.*}} : tensor<2x16xf32>, tensor<2x16x64xf32> -> tensor<16x64xf32>
//
// spmd: the kernels loop over the 64 (query tile, part) chains, a chain's part the
// remainder by 2; the host runs as many steps as the longest part has, ceil(blocks / 4)
// maximised over sequences and parts, each launch on min(64, 24 clusters) blocks; the
// merge follows the steps.
// SPMD-LABEL: func.func @gqa_32_over_8_four_blocks_two_parts_qk_matmul()
//       SPMD:   scf.for %[[CHAIN:.*]] = %{{.*}} to %c64{{.*}} step %{{.*}} {
//       SPMD:   %[[PART:.*]] = arith.remui %[[CHAIN]], %c2{{.*}} : index
//       SPMD:   %[[STEP:.*]] = arith.index_cast %{{.*}} : i64 to index
//       SPMD:   %[[NB:.*]] = arith.ceildivui %{{.*}}, %c16{{.*}} : index
//       SPMD:   %[[PERB:.*]] = arith.ceildivui %[[NB]], %c2{{.*}} : index
//       SPMD:   %[[FIRSTB:.*]] = arith.muli %[[PART]], %[[PERB]] : index
//       SPMD:   %[[PARTB:.*]] = arith.maxsi
//       SPMD:   %[[STEPSB:.*]] = arith.ceildivui %[[PARTB]], %c4{{.*}} : index
//       SPMD:   scf.if %{{.*}} {
//       SPMD:     %[[OFFB:.*]] = arith.muli %[[STEP]], %c4{{.*}} : index
//       SPMD:     arith.subi %[[PARTB]], %[[OFFB]] : index
//       SPMD:     %[[ENTRYB:.*]] = arith.addi %[[FIRSTB]], %{{.*}} : index
//       SPMD:     aicore.load_scalar
// SPMD-LABEL: func.func @gqa_32_over_8_four_blocks_two_parts_orchestration()
//       SPMD:   %[[HOSTSTEPS:.*]] = scf.for %{{.*}} = %{{.*}} to %c4{{.*}} step %{{.*}} iter_args(
//       SPMD:     scf.for %{{.*}} = %{{.*}} to %c2{{.*}} step %{{.*}} iter_args(
//       SPMD:       %[[PSTEPS:.*]] = arith.ceildivui %{{.*}}, %c4{{.*}} : index
//       SPMD:       arith.maxsi %{{.*}}, %[[PSTEPS]] : index
//       SPMD:   scf.for %{{.*}} = %{{.*}} to %[[HOSTSTEPS]] step
//       SPMD:     orch.submit aic(aic = @gqa_32_over_8_four_blocks_two_parts_qk_matmul) blocks(24)
//       SPMD:   orch.submit mix(aiv0 = @gqa_32_over_8_four_blocks_two_parts_merge_partials, aiv1 = @gqa_32_over_8_four_blocks_two_parts_merge_partials) blocks(24)
//
// per-tile: a host loop over the parts of a tile, the part's steps under it; each step's
// table view starts at the part's first block + 4 j and is as long as the step's blocks.
// PERTILE-LABEL: func.func @gqa_32_over_8_four_blocks_two_parts_orchestration()
//       PERTILE:   scf.for %[[PART:.*]] = %{{.*}} to %c2{{.*}} step
// The part's first block (the state views' offsets are multiples of constants).
//       PERTILE:     %[[FIRST:.*]] = arith.muli %[[PART]], %{{[0-9]+}} : index
//       PERTILE:     %[[PARTBLOCKS:.*]] = arith.maxsi
//       PERTILE:     %[[STEPS:.*]] = arith.ceildivui %[[PARTBLOCKS]], %c4{{.*}} : index
//       PERTILE:     scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step
//       PERTILE:       scf.if
//       PERTILE:         %[[OFF:.*]] = arith.muli %[[J]], %c4{{.*}} : index
//       PERTILE:         %[[START:.*]] = arith.addi %[[FIRST]], %[[OFF]] : index
//       PERTILE:         %[[LEFT:.*]] = arith.subi %[[PARTBLOCKS]], %[[OFF]] : index
//       PERTILE:         %[[COUNT:.*]] = arith.minsi %[[LEFT]], %c4{{.*}} : index
//       PERTILE:         %[[TABLE:.*]] = orch.view %{{.*}}[%{{.*}}, %[[START]]] [1, %[[COUNT]]] : !orch.tensor<4x?xi32> -> !orch.tensor<1x?xi32>
//       PERTILE:         orch.submit aic(aic = @gqa_32_over_8_four_blocks_two_parts_qk_matmul) args({{.*}}in %[[TABLE]] : !orch.tensor<1x?xi32>
//       PERTILE:     orch.submit mix(aiv0 = @gqa_32_over_8_four_blocks_two_parts_online_update
//       PERTILE:   orch.submit mix(aiv0 = @gqa_32_over_8_four_blocks_two_parts_merge_partials
func.func @gqa_32_over_8_four_blocks_two_parts(%q: tensor<4x32x64xbf16>, %k: tensor<?x16x8x64xbf16>, %v: tensor<?x16x8x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x32x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x32x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x32x64xf32>
  return %out : tensor<4x32x64xf32>
}

//--- ring.mlir
// expected-error @+1 {{scope 1 needs 13139968 heap bytes but a ring holds 4194304; raise ring-heap (PTO2_RING_HEAP) to at least 13139968, lower kv-blocks-per-task (now 64), lower kv-splits (now 4), or reduce the batch}}
func.func @too_large_for_the_ring(%q: tensor<4x32x64xbf16>, %k: tensor<?x16x8x64xbf16>, %v: tensor<?x16x8x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x32x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x32x64xbf16>, tensor<?x16x8x64xbf16>, tensor<?x16x8x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x32x64xf32>
  return %out : tensor<4x32x64xf32>
}
