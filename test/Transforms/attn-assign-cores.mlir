// RUN: ptoattn-opt %s -split-input-file -attn-assign-cores -verify-diagnostics | FileCheck %s
// RUN: ptoattn-opt %s -split-input-file -attn-assign-cores=strategy=per-tile -verify-diagnostics | FileCheck %s --check-prefix=PERTILE
// The kernels verify after a round trip (every aicore verifier runs on real output).
// RUN: ptoattn-opt %s -split-input-file -attn-assign-cores -verify-diagnostics | ptoattn-opt -split-input-file > /dev/null
// RUN: not ptoattn-opt %s -split-input-file -attn-assign-cores=strategy=fifo 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: for the --strategy option: strategy fifo is not supported: must be spmd or per-tile
//
// Inputs are attn-tile output and hand-written nests. Tiles carry no addresses yet (aicore-plan-memory) and
// kernels no pipe synchronisation (aicore-insert-sync).

// MQA, 16 heads on one KV head, head_dim 128, block 128 (the reference configuration).
// CHECK-LABEL: func.func @mqa_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<in "query" : bf16>, #aicore.arg<in "key_cache" : bf16>, #aicore.arg<in "block_table" : i32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<out "scores" : f32>, #aicore.arg<scalar "kv_step" : i64>]>}
// spmd: the block loops over the 4 tiles from its block index, stepping by the block
// count (grid-stride: any block count covers every tile once); a step past the
// sequence's end does nothing.
//       CHECK:   %[[BLK:.*]] = aicore.get_block_idx
//       CHECK:   %[[NUM:.*]] = aicore.get_block_num
//       CHECK:   %[[C4:.*]] = arith.constant 4 : index
//       CHECK:   scf.for %[[T:.*]] = %[[BLK]] to %[[C4]] step %[[NUM]] {
//       CHECK:   %[[SEQ:.*]] = arith.divui %[[T]]
//       CHECK:   %[[J64:.*]] = aicore.scalar_arg 5 : i64
//       CHECK:   %[[LENS:.*]] = aicore.tensor_ptr 3 : !aicore.gm_ptr<i32>
//       CHECK:   aicore.load_scalar %[[LENS]][%[[SEQ]]]
//       CHECK:   %[[ACTIVE:.*]] = arith.cmpi slt
//       CHECK:   scf.if %[[ACTIVE]] {
//       CHECK:     %[[TABLE:.*]] = aicore.tensor_ptr 2 : !aicore.gm_ptr<i32>
//       CHECK:     %[[WIDTH:.*]] = aicore.tensor_dim 2[1]
//       CHECK:     aicore.load_scalar %[[TABLE]]
//       CHECK:     %[[Q:.*]] = aicore.gm_view %{{.*}} : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
// K is read through a DN view: the transposed block, with no transpose instruction.
//       CHECK:     %[[KT:.*]] = aicore.gm_view %{{.*}} : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, layout = dn>
//       CHECK:     %[[S:.*]] = aicore.gm_view %{{.*}} : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
//       CHECK:     %[[QM:.*]] = aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major, pad = zero>
//       CHECK:     %[[KM:.*]] = aicore.tile : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
//       CHECK:     %[[L:.*]] = aicore.tile : !aicore.tile<left, 16x128xbf16>
//       CHECK:     %[[R:.*]] = aicore.tile : !aicore.tile<right, 128x128xbf16>
//       CHECK:     %[[ACC:.*]] = aicore.tile : !aicore.tile<acc, 16x128xf32>
//       CHECK:     aicore.tload ins(%[[Q]] : {{.*}}) outs(%[[QM]] : {{.*}})
//       CHECK:     aicore.tload ins(%[[KT]] : {{.*}}) outs(%[[KM]] : {{.*}})
//       CHECK:     aicore.tmov ins(%[[QM]] : {{.*}}) outs(%[[L]] : {{.*}})
//       CHECK:     aicore.tmov ins(%[[KM]] : {{.*}}) outs(%[[R]] : {{.*}})
//       CHECK:     aicore.tmatmul ins(%[[L]], %[[R]] : {{.*}}) outs(%[[ACC]] : {{.*}})
//       CHECK:     aicore.tstore ins(%[[ACC]] : {{.*}}) outs(%[[S]] : {{.*}})
//   CHECK-NOT:   aicore.set_flag
// CHECK-LABEL: func.func @mqa_softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "scores" : f32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<out "probs" : bf16>, #aicore.arg<out "block_max" : f32>, #aicore.arg<out "block_sum" : f32>, #aicore.arg<scalar "kv_step" : i64>, #aicore.arg<scalar "scale" : f32>]>}
//       CHECK:   scf.if
//       CHECK:     %[[VALID:.*]] = arith.minsi
// Lane l takes rows [8 l, 8 l + 8) of the 16-row tile; its m/l slot is 16 floats (64 bytes).
//       CHECK:     %[[LANE:.*]] = aicore.get_sub_block_id
//       CHECK:     %[[SCALE:.*]] = aicore.scalar_arg 6 : f32
//       CHECK:     %[[SV:.*]] = aicore.gm_view %{{.*}} sizes(%[[VALID]]) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x?xf32, stride = [1024, 1024, 1024, 128, 1]>
//       CHECK:     %[[PV:.*]] = aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x8x128xbf16>
//       CHECK:     %[[MV:.*]] = aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
//       CHECK:     %[[LV:.*]] = aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
//       CHECK:     %[[ST:.*]] = aicore.tile valid(%[[VALID]]) : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>
//       CHECK:     %[[X:.*]] = aicore.tile_alias %[[ST]] : !aicore.tile<vec, 8x128xf32, valid = [8, ?]> -> !aicore.tile<vec, 8x128xf32, pad = min>
//       CHECK:     aicore.tload ins(%[[SV]]
// Scaled before masking: -inf times a zero or negative scale would be NaN or +inf.
//       CHECK:     aicore.tmuls ins(%[[ST]], %[[SCALE]] : {{.*}}) outs(%[[ST]] : {{.*}})
//       CHECK:     aicore.tfillpad_inplace ins(%[[ST]] : {{.*}}) outs(%[[X]] : {{.*}})
//       CHECK:     aicore.trowmax ins(%[[X]] : {{.*}}) outs(%[[M:.*]] : !aicore.tile<vec, 8x1xf32, blayout = col_major>) tmp
//       CHECK:     aicore.trowexpandsub ins(%[[X]], %[[M]] : {{.*}}) outs(%[[X]] : {{.*}})
//       CHECK:     aicore.texp ins(%[[X]] : {{.*}}) outs(%[[X]] : {{.*}})
// P is rounded to bf16 (nearest-even, as the reference); the row sum is taken over the rounded values.
//       CHECK:     aicore.tcvt rint ins(%[[X]] : {{.*}}) outs(%[[P:.*]] : !aicore.tile<vec, 8x128xbf16>)
//       CHECK:     aicore.tcvt none ins(%[[P]] : {{.*}}) outs(%[[PF:.*]] : !aicore.tile<vec, 8x128xf32>)
//       CHECK:     aicore.trowsum ins(%[[PF]] : {{.*}}) outs(%[[SUM:.*]] : {{.*}}) tmp
//       CHECK:     aicore.tstore ins(%[[P]] : {{.*}}) outs(%[[PV]] : {{.*}})
//       CHECK:     aicore.tstore ins(%[[M]] : {{.*}}) outs(%[[MV]] : {{.*}})
//       CHECK:     aicore.tstore ins(%[[SUM]] : {{.*}}) outs(%[[LV]] : {{.*}})
// CHECK-LABEL: func.func @mqa_pv_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<in "probs" : bf16>, #aicore.arg<in "value_cache" : bf16>, #aicore.arg<in "block_table" : i32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<out "block_out" : f32>, #aicore.arg<scalar "kv_step" : i64>]>
// Only the V rows below the context are loaded (min(len - 128 step, 128)); the rest of the
// L1 tile is zeroed, so stale NaN/Inf past the context never meets P's zero columns.
//       CHECK:     %[[LIVE:.*]] = arith.minsi
//       CHECK:     aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x16x128xbf16>
//       CHECK:     %[[VV:.*]] = aicore.gm_view {{.*}} sizes(%[[LIVE]]) : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x?x128xbf16, {{.*}}>
//       CHECK:     aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
//       CHECK:     %[[VM:.*]] = aicore.tile : !aicore.tile<mat, 128x128xbf16, blayout = col_major, slayout = row_major, pad = zero>
//       CHECK:     %[[VL:.*]] = aicore.tile_alias %[[VM]] valid(%[[LIVE]]) : {{.*}} -> !aicore.tile<mat, 128x128xbf16, valid = [?, 128], blayout = col_major, slayout = row_major, pad = zero>
//       CHECK:     aicore.tload ins(%[[VV]] : {{.*}}) outs(%[[VL]] : {{.*}})
//       CHECK:     aicore.tfillpad ins(%[[VL]] : {{.*}}) outs(%[[VL]] : {{.*}})
//       CHECK:     aicore.tmov ins(%[[VM]] : {{.*}}) outs(%{{.*}} : !aicore.tile<right, 128x128xbf16>)
//       CHECK:     aicore.tmatmul
//       CHECK:     aicore.tstore
// CHECK-LABEL: func.func @mqa_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "block_max" : f32>, #aicore.arg<in "block_sum" : f32>, #aicore.arg<in "block_out" : f32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<inout "acc_max" : f32>, #aicore.arg<inout "acc_sum" : f32>, #aicore.arg<inout "acc_out" : f32>, #aicore.arg<out "out" : f32>, #aicore.arg<scalar "kv_step" : i64>]>
//       CHECK:   %[[STEP64:.*]] = aicore.scalar_arg 8 : i64
//       CHECK:   %[[STEP:.*]] = arith.index_cast %[[STEP64]]
// Each tile of the block: its update, both lanes on their rows.
//       CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
//       CHECK:   %[[N:.*]] = arith.ceildivui
// The lane's real rows: clamp(tile rows - 8 lane, 0, 8).
//       CHECK:   %[[LANE:.*]] = aicore.get_sub_block_id
//       CHECK:   %[[REAL:.*]] = arith.maxsi
//       CHECK:   %[[OUTV:.*]] = aicore.gm_view %{{.*}} sizes(%[[REAL]]) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x?x128xf32, stride = [2048, 2048, 2048, 128, 1]>
//       CHECK:   %[[O:.*]] = aicore.tile : !aicore.tile<vec, 8x128xf32>
//       CHECK:   %[[ACTIVE:.*]] = arith.cmpi slt, %[[STEP]], %[[N]]
//       CHECK:   scf.if %[[ACTIVE]] {
//       CHECK:     %[[FIRST:.*]] = arith.cmpi eq, %[[STEP]]
//       CHECK:     scf.if %[[FIRST]] {
//       CHECK:       aicore.texpands ins(%{{.*}} : f32) outs(%{{.*}} : !aicore.tile<vec, 1x8xf32>)
//       CHECK:     } else {
//       CHECK:       aicore.tload
//       CHECK:     }
//       CHECK:     aicore.tmax
//       CHECK:     aicore.trowexpandmul
//       CHECK:     aicore.trowexpandmul
//       CHECK:     aicore.tadd
//       CHECK:     %[[LAST:.*]] = arith.cmpi eq
//       CHECK:     scf.if %[[LAST]] {
//       CHECK:       aicore.trowexpanddiv
//       CHECK:       %[[REALO:.*]] = aicore.tile_alias %[[O]] valid(%[[REAL]]) : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
//       CHECK:       aicore.tstore ins(%[[REALO]] : {{.*}}) outs(%[[OUTV]] : {{.*}})
//       CHECK:     } else {
//       CHECK-COUNT-3: aicore.tstore
//       CHECK:     }
//       CHECK:   } else {
// An empty sequence gets zero rows, once (step 0).
//       CHECK:     %[[EMPTY:.*]] = arith.andi
//       CHECK:     scf.if %[[EMPTY]] {
//       CHECK:       aicore.texpands ins(%{{.*}} : f32) outs(%[[O]] : !aicore.tile<vec, 8x128xf32>)
// CHECK-LABEL: func.func @mqa(
//       CHECK:   attn.qk_matmul {{.*}} kernel @mqa_qk_matmul
//       CHECK:   attn.softmax_prepare {{.*}} kernel @mqa_softmax_prepare
//       CHECK:   attn.pv_matmul {{.*}} kernel @mqa_pv_matmul
//       CHECK:   attn.online_update {{.*}} kernel @mqa_online_update
// per-tile: no block index; the kernels work at offset 0 of the views they get.
// PERTILE-LABEL: func.func @mqa_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, strategy = per_tile, args = [#aicore.arg<in "query" : bf16>, #aicore.arg<in "key_cache" : bf16>, #aicore.arg<out "scores" : f32>]>}
//   PERTILE-NOT:   aicore.get_block_idx
//   PERTILE-NOT:   aicore.load_scalar
//       PERTILE:   %[[C0:.*]] = arith.constant 0 : index
//       PERTILE:   aicore.gm_view %{{.*}}[%[[C0]]] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
// PERTILE-LABEL: func.func @mqa_softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, strategy = per_tile, args = [#aicore.arg<in "scores" : f32>, #aicore.arg<out "probs" : bf16>, #aicore.arg<out "block_max" : f32>, #aicore.arg<out "block_sum" : f32>, #aicore.arg<scalar "valid_cols" : i64>, #aicore.arg<scalar "scale" : f32>]>
//       PERTILE:   %[[VALID64:.*]] = aicore.scalar_arg 4 : i64
// PERTILE-LABEL: func.func @mqa_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, strategy = per_tile, args = [#aicore.arg<in "block_max" : f32>, #aicore.arg<in "block_sum" : f32>, #aicore.arg<in "block_out" : f32>, #aicore.arg<inout "acc_max" : f32>, #aicore.arg<inout "acc_sum" : f32>, #aicore.arg<inout "acc_out" : f32>, #aicore.arg<out "out" : f32>, #aicore.arg<scalar "kv_step" : i64>, #aicore.arg<scalar "num_steps" : i64>]>
//       PERTILE:   aicore.scalar_arg 7 : i64
//       PERTILE:   aicore.scalar_arg 8 : i64
func.func @mqa(%arg0: tensor<4x16x128xbf16>, %arg1: tensor<?x128x1x128xbf16>, %arg2: tensor<?x128x1x128xbf16>, %arg3: tensor<4x?xi32>, %arg4: tensor<4xi32>, %arg5: f32) -> tensor<4x16x128xf32> {
  %0 = tensor.empty() : tensor<4x16x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (4, 1, 1) shared_outs(%arg9 = %0) -> (tensor<4x16x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c16_0 = arith.constant 16 : index
    %3 = arith.muli %arg7, %c16_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<4xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c128 = arith.constant 128 : index
    %6 = arith.ceildivui %5, %c128 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %extracted_3 = tensor.extract %arg3[%arg6, %arg10] : tensor<4x?xi32>
      %8 = arith.index_cast %extracted_3 : i32 to index
      %extracted_slice_4 = tensor.extract_slice %arg1[%8, 0, %arg7, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %extracted_slice_5 = tensor.extract_slice %arg2[%8, 0, %arg7, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %9 = arith.muli %arg10, %c128 : index
      %10 = arith.subi %5, %9 : index
      %11 = arith.minsi %10, %c128 : index
      %c0_6 = arith.constant 0 : index
      %12 = arith.cmpi eq, %arg10, %c0_6 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.addi %arg10, %c1_7 : index
      %14 = arith.cmpi eq, %13, %6 : index
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %1 : tensor<4x16x128xf32>
}

// -----

// GQA 40/8, block 64: groups of 5 heads in 16-row tiles. The query load fills the 5 real
// rows of a zero-padded tile; K rows are 8 x 128 elements apart in the cache.
// CHECK-LABEL: func.func @gqa_qk_matmul()
//       CHECK:   aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x5x128xbf16>
//       CHECK:   aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x128x64xbf16, stride = [65536, 65536, 65536, 1, 1024], layout = dn>
//       CHECK:   %[[QM:.*]] = aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major, pad = zero>
//       CHECK:   %[[ROWS:.*]] = aicore.tile_alias %[[QM]] : {{.*}} -> !aicore.tile<mat, 16x128xbf16, valid = [5, 128], blayout = col_major, slayout = row_major, pad = zero>
//       CHECK:   aicore.tload ins(%{{.*}} : !aicore.gm<1x1x1x5x128xbf16>) outs(%[[ROWS]] : {{.*}})
//       CHECK:   aicore.tmov ins(%[[QM]] : {{.*}}) outs(%{{.*}} : !aicore.tile<left, 16x128xbf16>)
// CHECK-LABEL: func.func @gqa_pv_matmul()
//       CHECK:   aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x?x128xbf16, stride = [{{.*}}, 1024, 1]>
// CHECK-LABEL: func.func @gqa_online_update()
// Only rows 0..4 of lane 0 are heads: min(5 - 8 lane, 8) clamped at 0.
//       CHECK:   %[[C5:.*]] = arith.constant 5 : index
//       CHECK:   arith.subi %[[C5]]
func.func @gqa(%arg0: tensor<3x40x128xbf16>, %arg1: tensor<?x64x8x128xbf16>, %arg2: tensor<?x64x8x128xbf16>, %arg3: tensor<3x?xi32>, %arg4: tensor<3xi32>, %arg5: f32) -> tensor<3x40x128xf32> {
  %0 = tensor.empty() : tensor<3x40x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (3, 8, 1) shared_outs(%arg9 = %0) -> (tensor<3x40x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c5 = arith.constant 5 : index
    %3 = arith.muli %arg7, %c5 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 5, 128] [1, 1, 1] : tensor<3x40x128xbf16> to tensor<5x128xbf16>
    %c5_0 = arith.constant 5 : index
    %c16_1 = arith.constant 16 : index
    %5 = arith.subi %c16_1, %c5_0 : index
    %cst = arith.constant 0.000000e+00 : bf16
    %padded = tensor.pad %extracted_slice low[0, 0] high[%5, 0] {
    ^bb0(%arg10: index, %arg11: index):
      tensor.yield %cst : bf16
    } : tensor<5x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<3xi32>
    %6 = arith.index_cast %extracted : i32 to index
    %c64 = arith.constant 64 : index
    %7 = arith.ceildivui %6, %c64 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst_2 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_3 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_4 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
    %8:3 = scf.for %arg10 = %c0 to %7 step %c1 iter_args(%arg11 = %cst_2, %arg12 = %cst_3, %arg13 = %cst_4) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %extracted_6 = tensor.extract %arg3[%arg6, %arg10] : tensor<3x?xi32>
      %9 = arith.index_cast %extracted_6 : i32 to index
      %extracted_slice_7 = tensor.extract_slice %arg1[%9, 0, %arg7, 0] [1, 64, 1, 128] [1, 1, 1, 1] : tensor<?x64x8x128xbf16> to tensor<64x128xbf16>
      %extracted_slice_8 = tensor.extract_slice %arg2[%9, 0, %arg7, 0] [1, 64, 1, 128] [1, 1, 1, 1] : tensor<?x64x8x128xbf16> to tensor<64x128xbf16>
      %10 = arith.muli %arg10, %c64 : index
      %11 = arith.subi %6, %10 : index
      %12 = arith.minsi %11, %c64 : index
      %c0_9 = arith.constant 0 : index
      %13 = arith.cmpi eq, %arg10, %c0_9 : index
      %c1_10 = arith.constant 1 : index
      %14 = arith.addi %arg10, %c1_10 : index
      %15 = arith.cmpi eq, %14, %7 : index
      %16 = attn.qk_matmul %padded, %extracted_slice_7 : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x64xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %16 valid_cols(%12) scale(%arg5) : tensor<16x64xf32> -> tensor<16x64xbf16>, tensor<16xf32>, tensor<16xf32>
      %17 = attn.pv_matmul %probs, %extracted_slice_8 : tensor<16x64xbf16>, tensor<64x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %17) acc(%arg11, %arg12, %arg13) first(%13) last(%15) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    %extracted_slice_5 = tensor.extract_slice %8#2[0, 0] [5, 128] [1, 1] : tensor<16x128xf32> to tensor<5x128xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %extracted_slice_5 into %arg9[%arg6, %4, 0] [1, 5, 128] [1, 1, 1] : tensor<5x128xf32> into tensor<3x40x128xf32>
    }
  }
  return %1 : tensor<3x40x128xf32>
}

// -----

// 64 heads on one KV head: one 64-row tile (lanes of 32 rows, slots of 32 floats).
// With q-tile 16 at tiling it would be four 16-row tiles; see attn-tile.mlir.
// CHECK-LABEL: func.func @mqa_64_heads_softmax_prepare()
//       CHECK:   aicore.gm_view {{.*}} -> !aicore.gm<1x1x1x32x?xf32, stride = [512, 512, 512, 16, 1]>
//       CHECK:   aicore.tile : !aicore.tile<vec, 32x1xf32, blayout = col_major>
// CHECK-LABEL: func.func @mqa_64_heads_pv_matmul()
//       CHECK:   aicore.tile : !aicore.tile<left, 64x16xbf16>
//       CHECK:   aicore.tile : !aicore.tile<right, 16x64xbf16>
//       CHECK:   aicore.tile : !aicore.tile<acc, 64x64xf32>
func.func @mqa_64_heads(%arg0: tensor<2x64x64xbf16>, %arg1: tensor<?x16x1x64xbf16>, %arg2: tensor<?x16x1x64xbf16>, %arg3: tensor<2x?xi32>, %arg4: tensor<2xi32>, %arg5: f32) -> tensor<2x64x64xf32> {
  %0 = tensor.empty() : tensor<2x64x64xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (2, 1, 1) shared_outs(%arg9 = %0) -> (tensor<2x64x64xf32>) {
    %c64 = arith.constant 64 : index
    %2 = arith.muli %arg8, %c64 : index
    %c64_0 = arith.constant 64 : index
    %3 = arith.muli %arg7, %c64_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 64, 64] [1, 1, 1] : tensor<2x64x64xbf16> to tensor<64x64xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<2xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c16 = arith.constant 16 : index
    %6 = arith.ceildivui %5, %c16 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<64xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<64xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
      %extracted_3 = tensor.extract %arg3[%arg6, %arg10] : tensor<2x?xi32>
      %8 = arith.index_cast %extracted_3 : i32 to index
      %extracted_slice_4 = tensor.extract_slice %arg1[%8, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
      %extracted_slice_5 = tensor.extract_slice %arg2[%8, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
      %9 = arith.muli %arg10, %c16 : index
      %10 = arith.subi %5, %9 : index
      %11 = arith.minsi %10, %c16 : index
      %c0_6 = arith.constant 0 : index
      %12 = arith.cmpi eq, %arg10, %c0_6 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.addi %arg10, %c1_7 : index
      %14 = arith.cmpi eq, %13, %6 : index
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) : tensor<64x16xf32> -> tensor<64x16xbf16>, tensor<64xf32>, tensor<64xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 : tensor<64x16xbf16>, tensor<16x64xbf16> -> tensor<64x64xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) : tensor<64xf32>, tensor<64x64xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 64, 64] [1, 1, 1] : tensor<64x64xf32> into tensor<2x64x64xf32>
    }
  }
  return %1 : tensor<2x64x64xf32>
}

// -----

// 40 heads on one KV head in 16-row tiles: the last tile has 8 rows, so the per-tile
// kernels read the tile's rows from the view the orchestration passes.
// PERTILE-LABEL: func.func @uneven_qk_matmul()
//       PERTILE:   %[[ROWS:.*]] = aicore.tensor_dim 0[1]
//       PERTILE:   aicore.gm_view %{{.*}} sizes(%[[ROWS]]) : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x?x256xbf16, stride = [4096, 4096, 4096, 256, 1]>
//       PERTILE:   aicore.tile_alias %{{.*}} valid(%[[ROWS]])
// PERTILE-LABEL: func.func @uneven_online_update()
//       PERTILE:   aicore.tensor_dim 6[1]
func.func @uneven(%arg0: tensor<1x40x256xbf16>, %arg1: tensor<?x32x1x256xbf16>, %arg2: tensor<?x32x1x256xbf16>, %arg3: tensor<1x?xi32>, %arg4: tensor<1xi32>, %arg5: f32) -> tensor<1x40x256xf32> {
  %0 = tensor.empty() : tensor<1x40x256xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (1, 1, 3) shared_outs(%arg9 = %0) -> (tensor<1x40x256xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c40 = arith.constant 40 : index
    %3 = arith.muli %arg7, %c40 : index
    %4 = arith.addi %3, %2 : index
    %c16_0 = arith.constant 16 : index
    %5 = arith.muli %arg8, %c16_0 : index
    %c40_1 = arith.constant 40 : index
    %6 = arith.subi %c40_1, %5 : index
    %c16_2 = arith.constant 16 : index
    %7 = arith.minsi %c16_2, %6 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, %7, 256] [1, 1, 1] : tensor<1x40x256xbf16> to tensor<?x256xbf16>
    %c16_3 = arith.constant 16 : index
    %8 = arith.subi %c16_3, %7 : index
    %cst = arith.constant 0.000000e+00 : bf16
    %padded = tensor.pad %extracted_slice low[0, 0] high[%8, 0] {
    ^bb0(%arg10: index, %arg11: index):
      tensor.yield %cst : bf16
    } : tensor<?x256xbf16> to tensor<16x256xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<1xi32>
    %9 = arith.index_cast %extracted : i32 to index
    %c32 = arith.constant 32 : index
    %10 = arith.ceildivui %9, %c32 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst_4 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_5 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_6 = arith.constant dense<0.000000e+00> : tensor<16x256xf32>
    %11:3 = scf.for %arg10 = %c0 to %10 step %c1 iter_args(%arg11 = %cst_4, %arg12 = %cst_5, %arg13 = %cst_6) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x256xf32>) {
      %extracted_8 = tensor.extract %arg3[%arg6, %arg10] : tensor<1x?xi32>
      %12 = arith.index_cast %extracted_8 : i32 to index
      %extracted_slice_9 = tensor.extract_slice %arg1[%12, 0, %arg7, 0] [1, 32, 1, 256] [1, 1, 1, 1] : tensor<?x32x1x256xbf16> to tensor<32x256xbf16>
      %extracted_slice_10 = tensor.extract_slice %arg2[%12, 0, %arg7, 0] [1, 32, 1, 256] [1, 1, 1, 1] : tensor<?x32x1x256xbf16> to tensor<32x256xbf16>
      %13 = arith.muli %arg10, %c32 : index
      %14 = arith.subi %9, %13 : index
      %15 = arith.minsi %14, %c32 : index
      %c0_11 = arith.constant 0 : index
      %16 = arith.cmpi eq, %arg10, %c0_11 : index
      %c1_12 = arith.constant 1 : index
      %17 = arith.addi %arg10, %c1_12 : index
      %18 = arith.cmpi eq, %17, %10 : index
      %19 = attn.qk_matmul %padded, %extracted_slice_9 : tensor<16x256xbf16>, tensor<32x256xbf16> -> tensor<16x32xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %19 valid_cols(%15) scale(%arg5) : tensor<16x32xf32> -> tensor<16x32xbf16>, tensor<16xf32>, tensor<16xf32>
      %20 = attn.pv_matmul %probs, %extracted_slice_10 : tensor<16x32xbf16>, tensor<32x256xbf16> -> tensor<16x256xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %20) acc(%arg11, %arg12, %arg13) first(%16) last(%18) : tensor<16xf32>, tensor<16x256xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x256xf32>
    }
    %extracted_slice_7 = tensor.extract_slice %11#2[0, 0] [%7, 256] [1, 1] : tensor<16x256xf32> to tensor<?x256xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %extracted_slice_7 into %arg9[%arg6, %4, 0] [1, %7, 256] [1, 1, 1] : tensor<?x256xf32> into tensor<1x40x256xf32>
    }
  }
  return %1 : tensor<1x40x256xf32>
}

// -----

// A hand-written nest, not attn-tile's text: another function name, extra unrelated
// arguments in front and in the middle, the scale first, and a constant KV-loop bound.
// The nest is found by its structure (loops, stage ops and their data flow), not by
// the function's signature.
// CHECK-LABEL: func.func @layer7_decode_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<in "query" : bf16>, #aicore.arg<in "key_cache" : bf16>, #aicore.arg<in "block_table" : i32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<out "scores" : f32>, #aicore.arg<scalar "kv_step" : i64>]>}
//       CHECK:   aicore.get_block_idx
// CHECK-LABEL: func.func @layer7_decode_softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2
// CHECK-LABEL: func.func @layer7_decode_pv_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic
// CHECK-LABEL: func.func @layer7_decode_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2
// CHECK-LABEL: func.func @layer7_decode(%{{.*}}: f32, %{{.*}}: tensor<8xf32>
//       CHECK:   attn.qk_matmul {{.*}} kernel @layer7_decode_qk_matmul
//       CHECK:   attn.online_update {{.*}} kernel @layer7_decode_online_update
// PERTILE-LABEL: func.func @layer7_decode_qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, strategy = per_tile
func.func @layer7_decode(%scale: f32, %bias: tensor<8xf32>, %q: tensor<4x16x128xbf16>, %flag: i1,
    %kc: tensor<?x128x1x128xbf16>, %vc: tensor<?x128x1x128xbf16>,
    %table: tensor<4x8xi32>, %lens: tensor<4xi32>) -> tensor<4x16x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cmb = arith.constant 8 : index
  %cbs = arith.constant 128 : index
  %init = tensor.empty() : tensor<4x16x128xf32>
  %m0 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
  %l0 = arith.constant dense<0.000000e+00> : tensor<16xf32>
  %o0 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
  %res = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x16x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %seen = arith.muli %j, %cbs : index
      %rest = arith.subi %len, %seen : index
      %valid = arith.minsi %rest, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %last = arith.cmpi eq, %j, %cmb : index
      %s = attn.qk_matmul %q_tile, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %res : tensor<4x16x128xf32>
}

// -----

// Two nests in one function: each gets its own kernels (renamed apart).
// CHECK-LABEL: func.func @two_nests_qk_matmul()
// CHECK-LABEL: func.func @two_nests_online_update()
// CHECK-LABEL: func.func @two_nests_qk_matmul_0()
// CHECK-LABEL: func.func @two_nests_online_update_3()
// CHECK-LABEL: func.func @two_nests(
//       CHECK:   kernel @two_nests_qk_matmul
//       CHECK:   kernel @two_nests_qk_matmul_0
func.func @two_nests(%q: tensor<4x16x128xbf16>, %kc: tensor<?x128x1x128xbf16>, %vc: tensor<?x128x1x128xbf16>,
    %table: tensor<4x8xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cmb = arith.constant 8 : index
  %cbs = arith.constant 128 : index
  %init = tensor.empty() : tensor<4x16x128xf32>
  %m0 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
  %l0 = arith.constant dense<0.000000e+00> : tensor<16xf32>
  %o0 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
  %res = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x16x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %seen = arith.muli %j, %cbs : index
      %rest = arith.subi %len, %seen : index
      %valid = arith.minsi %rest, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %last = arith.cmpi eq, %j, %cmb : index
      %s = attn.qk_matmul %q_tile, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  %res2 = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x16x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %valid = arith.minsi %len, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %s = attn.qk_matmul %q_tile, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%first) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %res : tensor<4x16x128xf32>
}

// -----

// A query tile whose lanes would not hold a multiple of 8 rows (per-row scalars are 8-float columns).
func.func @lane_split_24_rows(%q: tensor<4x24x128xbf16>, %kc: tensor<?x128x1x128xbf16>, %vc: tensor<?x128x1x128xbf16>,
    %table: tensor<4x8xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x24x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cmb = arith.constant 8 : index
  %cbs = arith.constant 128 : index
  %init = tensor.empty() : tensor<4x24x128xf32>
  %m0 = arith.constant dense<-1.000000e+30> : tensor<24xf32>
  %l0 = arith.constant dense<0.000000e+00> : tensor<24xf32>
  %o0 = arith.constant dense<0.000000e+00> : tensor<24x128xf32>
  %res = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x24x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 24, 128] [1, 1, 1] : tensor<4x24x128xbf16> to tensor<24x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<24xf32>, tensor<24xf32>, tensor<24x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %seen = arith.muli %j, %cbs : index
      %rest = arith.subi %len, %seen : index
      %valid = arith.minsi %rest, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %last = arith.cmpi eq, %j, %cmb : index
      %s = attn.qk_matmul %q_tile, %k : tensor<24x128xbf16>, tensor<128x128xbf16> -> tensor<24x128xf32>
      // expected-error @below {{query tile of 24 rows cannot be split across 2 AIV lanes: each lane needs a multiple of 8 rows (supported query tiles: 16, 32 or 64)}}
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<24x128xf32> -> tensor<24x128xbf16>, tensor<24xf32>, tensor<24xf32>
      %oi = attn.pv_matmul %p, %v : tensor<24x128xbf16>, tensor<128x128xbf16> -> tensor<24x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) : tensor<24xf32>, tensor<24x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<24xf32>, tensor<24xf32>, tensor<24x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 24, 128] [1, 1, 1] : tensor<24x128xf32> into tensor<4x24x128xf32>
    }
  }
  return %res : tensor<4x24x128xf32>
}

// -----

// Core assignment runs once.
func.func private @taken() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func @already_assigned(%q: tensor<4x16x128xbf16>, %kc: tensor<?x128x1x128xbf16>, %vc: tensor<?x128x1x128xbf16>,
    %table: tensor<4x8xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cmb = arith.constant 8 : index
  %cbs = arith.constant 128 : index
  %init = tensor.empty() : tensor<4x16x128xf32>
  %m0 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
  %l0 = arith.constant dense<0.000000e+00> : tensor<16xf32>
  %o0 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
  %res = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x16x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %seen = arith.muli %j, %cbs : index
      %rest = arith.subi %len, %seen : index
      %valid = arith.minsi %rest, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %last = arith.cmpi eq, %j, %cmb : index
      // expected-error @below {{already runs on a kernel; attn-assign-cores runs once per tiled function}}
      %s = attn.qk_matmul %q_tile, %k kernel @taken : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %res : tensor<4x16x128xf32>
}

// -----

// A stage op outside a tiled nest is not lowered silently.
func.func @loose_stage(%q: tensor<16x128xbf16>, %k: tensor<128x128xbf16>) -> tensor<16x128xf32> {
  // expected-error @below {{attn-assign-cores expects tile stages directly inside the KV loop (scf.for) of a parallel loop (scf.forall) over the query tiles}}
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  return %s : tensor<16x128xf32>
}
// -----

// Stages that do not feed each other are not one attention step.
func.func @broken_chain(%q: tensor<4x16x128xbf16>, %kc: tensor<?x128x1x128xbf16>, %vc: tensor<?x128x1x128xbf16>,
    %table: tensor<4x8xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cmb = arith.constant 8 : index
  %cbs = arith.constant 128 : index
  %init = tensor.empty() : tensor<4x16x128xf32>
  %m0 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
  %l0 = arith.constant dense<0.000000e+00> : tensor<16xf32>
  %o0 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
  %res = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %init) -> (tensor<4x16x128xf32>) {
    %q_tile = tensor.extract_slice %q[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %len_i32 = tensor.extract %lens[%b] : tensor<4xi32>
    %len = arith.index_cast %len_i32 : i32 to index
    %r:3 = scf.for %j = %c0 to %cmb step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %blk_i32 = tensor.extract %table[%b, %j] : tensor<4x8xi32>
      %blk = arith.index_cast %blk_i32 : i32 to index
      %k = tensor.extract_slice %kc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %v = tensor.extract_slice %vc[%blk, 0, %g, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
      %seen = arith.muli %j, %cbs : index
      %rest = arith.subi %len, %seen : index
      %valid = arith.minsi %rest, %cbs : index
      %first = arith.cmpi eq, %j, %c0 : index
      %last = arith.cmpi eq, %j, %cmb : index
      %s = attn.qk_matmul %q_tile, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      // expected-error @below {{attn-assign-cores expects the four tile stages of one KV step to feed each other (qk_matmul -> softmax_prepare -> pv_matmul -> online_update)}}
      %u:3 = attn.online_update block(%li, %mi, %oi) acc(%m, %l, %o) first(%first) last(%last) : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %res : tensor<4x16x128xf32>
}

// -----

// Split-KV (attn-tile kv-splits=2): the chain kernels take the block index as
// (tile, part) = (block / 2, block % 2) and run the part's blocks
// [part * per, min((part + 1) * per, n)), per = ceil(n / 2); the update keeps
// the part's state (no output argument); the merge kernel runs on both AIV lanes
// and writes the output.
// CHECK-LABEL: func.func @split_qk_matmul()
// The chains' tiles are 4 tiles x 2 parts.
//       CHECK:   %[[BLKIDX:.*]] = aicore.get_block_idx
//       CHECK:   %[[C8:.*]] = arith.constant 8 : index
//       CHECK:   scf.for %[[BLK:.*]] = %[[BLKIDX]] to %[[C8]] step
//       CHECK:   %[[TILE:.*]] = arith.divui %[[BLK]], %[[C2:.*]] : index
//       CHECK:   %[[PART:.*]] = arith.remui %[[BLK]], %[[C2]] : index
//       CHECK:   %[[NB:.*]] = arith.ceildivui
//       CHECK:   %[[PER:.*]] = arith.ceildivui %[[NB]], %{{.*}} : index
//       CHECK:   %[[FIRST:.*]] = arith.muli %[[PART]], %[[PER]] : index
//       CHECK:   %[[SEQJ:.*]] = arith.addi %[[FIRST]], %{{.*}} : index
//       CHECK:   scf.if
//       CHECK:     aicore.tensor_dim 2[1]
//       CHECK:     %[[ENTRY:.*]] = arith.addi %{{.*}}, %[[SEQJ]] : index
//       CHECK:     aicore.load_scalar %{{.*}}[%[[ENTRY]]]
// CHECK-LABEL: func.func @split_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "block_max" : f32>, #aicore.arg<in "block_sum" : f32>, #aicore.arg<in "block_out" : f32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<inout "acc_max" : f32>, #aicore.arg<inout "acc_sum" : f32>, #aicore.arg<inout "acc_out" : f32>, #aicore.arg<scalar "kv_step" : i64>]>}
//   CHECK-NOT:   aicore.trowexpanddiv
//       CHECK:   return
// CHECK-LABEL: func.func @split_merge_partials() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "acc_max" : f32>, #aicore.arg<in "acc_sum" : f32>, #aicore.arg<in "acc_out" : f32>, #aicore.arg<out "out" : f32>]>}
// The merge's tiles are the 4 tiles.
//       CHECK:   aicore.get_block_idx
//       CHECK:   %[[C4:.*]] = arith.constant 4 : index
//       CHECK:   scf.for %{{.*}} = %{{.*}} to %[[C4]] step
//   CHECK-NOT:   arith.remui %{{.*}}, %c2
//       CHECK:   aicore.get_sub_block_id
//       CHECK:   aicore.tload
//       CHECK:   aicore.tload
//       CHECK:   aicore.tmax
//       CHECK:   aicore.texpands
//       CHECK:   aicore.texpands
// Part 0, then part 1: w = exp(m_s - M), L += w l_s, O += w O_s.
//   CHECK-COUNT-2:   aicore.trowexpandmul
//       CHECK:   aicore.tmax
//       CHECK:   aicore.trowexpanddiv
//       CHECK:   aicore.tstore
// CHECK-LABEL: func.func @split(
//       CHECK:   attn.online_update {{.*}} kernel @split_online_update
//       CHECK:   attn.merge_partials {{.*}} kernel @split_merge_partials
// PERTILE-LABEL: func.func @split_merge_partials() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, strategy = per_tile, args = [#aicore.arg<in "acc_max" : f32>, #aicore.arg<in "acc_sum" : f32>, #aicore.arg<in "acc_out" : f32>, #aicore.arg<out "out" : f32>]>}
//   PERTILE-NOT:   aicore.get_block_idx
//       PERTILE:   aicore.trowexpanddiv
func.func @split(%arg0: tensor<4x16x128xbf16>, %arg1: tensor<?x128x1x128xbf16>, %arg2: tensor<?x128x1x128xbf16>, %arg3: tensor<4x?xi32>, %arg4: tensor<4xi32>, %arg5: f32) -> tensor<4x16x128xf32> {
  %0 = tensor.empty() : tensor<4x16x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (4, 1, 1) shared_outs(%arg9 = %0) -> (tensor<4x16x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c16_0 = arith.constant 16 : index
    %3 = arith.muli %arg7, %c16_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<4x16x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<4xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c128 = arith.constant 128 : index
    %6 = arith.ceildivui %5, %c128 : index
    %c2 = arith.constant 2 : index
    %7 = arith.ceildivui %6, %c2 : index
    %8 = tensor.empty() : tensor<2x16xf32>
    %9 = tensor.empty() : tensor<2x16xf32>
    %10 = tensor.empty() : tensor<2x16x128xf32>
    %11:3 = scf.forall (%arg10) in (2) shared_outs(%arg11 = %8, %arg12 = %9, %arg13 = %10) -> (tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16x128xf32>) {
      %13 = arith.muli %arg10, %7 : index
      %c0 = arith.constant 0 : index
      %14 = arith.subi %6, %13 : index
      %15 = arith.minsi %14, %7 : index
      %16 = arith.maxsi %15, %c0 : index
      %extracted_1 = tensor.extract %arg4[%arg6] : tensor<4xi32>
      %17 = arith.index_cast %extracted_1 : i32 to index
      %c128_2 = arith.constant 128 : index
      %c0_3 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
      %cst_4 = arith.constant dense<0.000000e+00> : tensor<16xf32>
      %cst_5 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
      %18:3 = scf.for %arg14 = %c0_3 to %16 step %c1 iter_args(%arg15 = %cst, %arg16 = %cst_4, %arg17 = %cst_5) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
        %19 = arith.addi %13, %arg14 : index
        %extracted_6 = tensor.extract %arg3[%arg6, %19] : tensor<4x?xi32>
        %20 = arith.index_cast %extracted_6 : i32 to index
        %extracted_slice_7 = tensor.extract_slice %arg1[%20, 0, %arg7, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
        %extracted_slice_8 = tensor.extract_slice %arg2[%20, 0, %arg7, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<?x128x1x128xbf16> to tensor<128x128xbf16>
        %21 = arith.muli %19, %c128_2 : index
        %22 = arith.subi %17, %21 : index
        %23 = arith.minsi %22, %c128_2 : index
        %c0_9 = arith.constant 0 : index
        %24 = arith.cmpi eq, %arg14, %c0_9 : index
        %false = arith.constant false
        %25 = attn.qk_matmul %extracted_slice, %extracted_slice_7 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
        %probs, %row_max, %row_sum = attn.softmax_prepare %25 valid_cols(%23) scale(%arg5) : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
        %26 = attn.pv_matmul %probs, %extracted_slice_8 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
        %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %26) acc(%arg15, %arg16, %arg17) first(%24) last(%false) : tensor<16xf32>, tensor<16x128xf32>
        scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
      }
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %18#0 into %arg11[%arg10, 0] [1, 16] [1, 1] : tensor<16xf32> into tensor<2x16xf32>
        tensor.parallel_insert_slice %18#1 into %arg12[%arg10, 0] [1, 16] [1, 1] : tensor<16xf32> into tensor<2x16xf32>
        tensor.parallel_insert_slice %18#2 into %arg13[%arg10, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<2x16x128xf32>
      }
    }
    %12 = attn.merge_partials max(%11#0) sum(%11#1) out(%11#2) : tensor<2x16xf32>, tensor<2x16x128xf32> -> tensor<16x128xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %12 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %1 : tensor<4x16x128xf32>
}

// -----

// Three blocks per KV step (attn-tile kv-blocks-per-task=3, block 16): the
// lane's 8 x 48 scaled scores fit UB, so softmax_prepare keeps them resident,
// one 8 x 16 tile per block: block 0, then block i + 1 nested in block i's
// scf.if, is loaded once (scaled, masked, row max); P is then computed from
// those tiles without another load, alternating between two P tiles so that a
// block's store overlaps the next block's conversion.
// CHECK-LABEL: func.func @resident_softmax_prepare()
//       CHECK:   %[[X0:.*]] = aicore.tile : !aicore.tile<vec, 8x16xf32, pad = min>
//       CHECK:   %[[X1:.*]] = aicore.tile : !aicore.tile<vec, 8x16xf32, pad = min>
//       CHECK:   %[[X2:.*]] = aicore.tile : !aicore.tile<vec, 8x16xf32, pad = min>
//       CHECK:   %[[P0:.*]] = aicore.tile : !aicore.tile<vec, 8x16xbf16>
//       CHECK:   %[[P1:.*]] = aicore.tile : !aicore.tile<vec, 8x16xbf16>
//   CHECK-NOT:   scf.for
//       CHECK:   aicore.tile_alias %[[X0]] valid(
//       CHECK:   aicore.tload
//       CHECK:   aicore.trowmax ins(%[[X0]] :
//       CHECK:   scf.if
//       CHECK:     aicore.tile_alias %[[X1]] valid(
//       CHECK:     aicore.tload
//       CHECK:     aicore.trowmax ins(%[[X1]] :
//       CHECK:     scf.if
//       CHECK:       aicore.tile_alias %[[X2]] valid(
//       CHECK:       aicore.tload
//       CHECK:       aicore.trowmax ins(%[[X2]] :
//   CHECK-NOT:   aicore.tload
//       CHECK:   aicore.trowexpandsub ins(%[[X0]], {{.*}} outs(%[[X0]] :
//       CHECK:   aicore.tcvt rint ins(%[[X0]] : {{.*}} outs(%[[P0]] :
//       CHECK:   aicore.tstore ins(%[[P0]] :
//       CHECK:   scf.if
//       CHECK:     aicore.trowexpandsub ins(%[[X1]],
//       CHECK:     aicore.tcvt rint ins(%[[X1]] : {{.*}} outs(%[[P1]] :
//       CHECK:     aicore.tstore ins(%[[P1]] :
//       CHECK:     scf.if
//       CHECK:       aicore.trowexpandsub ins(%[[X2]],
//       CHECK:       aicore.tcvt rint ins(%[[X2]] : {{.*}} outs(%[[P0]] :
//       CHECK:       aicore.tstore ins(%[[P0]] :
//   CHECK-NOT:   aicore.tload
//       CHECK:   return
func.func @resident(%arg0: tensor<4x16x64xbf16>, %arg1: tensor<?x16x1x64xbf16>, %arg2: tensor<?x16x1x64xbf16>, %arg3: tensor<4x?xi32>, %arg4: tensor<4xi32>, %arg5: f32) -> tensor<4x16x64xf32> {
  %0 = tensor.empty() : tensor<4x16x64xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (4, 1, 1) shared_outs(%arg9 = %0) -> (tensor<4x16x64xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c16_0 = arith.constant 16 : index
    %3 = arith.muli %arg7, %c16_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 64] [1, 1, 1] : tensor<4x16x64xbf16> to tensor<16x64xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<4xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c48 = arith.constant 48 : index
    %6 = arith.ceildivui %5, %c48 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<16x64xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x64xf32>) {
      %c16_3 = arith.constant 16 : index
      %8 = arith.ceildivui %5, %c16_3 : index
      %c3 = arith.constant 3 : index
      %9 = arith.muli %arg10, %c3 : index
      %c3_4 = arith.constant 3 : index
      %10 = arith.subi %8, %9 : index
      %11 = arith.minsi %10, %c3_4 : index
      %12 = tensor.empty() : tensor<48x64xbf16>
      %13 = tensor.empty() : tensor<48x64xbf16>
      %c1_5 = arith.constant 1 : index
      %c0_6 = arith.constant 0 : index
      %14:2 = scf.for %arg14 = %c0_6 to %11 step %c1_5 iter_args(%arg15 = %12, %arg16 = %13) -> (tensor<48x64xbf16>, tensor<48x64xbf16>) {
        %23 = arith.addi %9, %arg14 : index
        %extracted_9 = tensor.extract %arg3[%arg6, %23] : tensor<4x?xi32>
        %24 = arith.index_cast %extracted_9 : i32 to index
        %c16_10 = arith.constant 16 : index
        %25 = arith.muli %arg14, %c16_10 : index
        %extracted_slice_11 = tensor.extract_slice %arg1[%24, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
        %inserted_slice = tensor.insert_slice %extracted_slice_11 into %arg15[%25, 0] [16, 64] [1, 1] : tensor<16x64xbf16> into tensor<48x64xbf16>
        %extracted_slice_12 = tensor.extract_slice %arg2[%24, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
        %inserted_slice_13 = tensor.insert_slice %extracted_slice_12 into %arg16[%25, 0] [16, 64] [1, 1] : tensor<16x64xbf16> into tensor<48x64xbf16>
        scf.yield %inserted_slice, %inserted_slice_13 : tensor<48x64xbf16>, tensor<48x64xbf16>
      }
      %15 = arith.muli %arg10, %c48 : index
      %16 = arith.subi %5, %15 : index
      %17 = arith.minsi %16, %c48 : index
      %c0_7 = arith.constant 0 : index
      %18 = arith.cmpi eq, %arg10, %c0_7 : index
      %c1_8 = arith.constant 1 : index
      %19 = arith.addi %arg10, %c1_8 : index
      %20 = arith.cmpi eq, %19, %6 : index
      %21 = attn.qk_matmul %extracted_slice, %14#0 : tensor<16x64xbf16>, tensor<48x64xbf16> -> tensor<16x48xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %21 valid_cols(%17) scale(%arg5) : tensor<16x48xf32> -> tensor<16x48xbf16>, tensor<16xf32>, tensor<16xf32>
      %22 = attn.pv_matmul %probs, %14#1 : tensor<16x48xbf16>, tensor<48x64xbf16> -> tensor<16x64xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %22) acc(%arg11, %arg12, %arg13) first(%18) last(%20) : tensor<16xf32>, tensor<16x64xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x64xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 64] [1, 1, 1] : tensor<16x64xf32> into tensor<4x16x64xf32>
    }
  }
  return %1 : tensor<4x16x64xf32>
}

// -----

// Four blocks of 256 per step for a 64-row tile: 32 x 1024 resident scores
// (128 KiB) and the other tiles would not fit the 184 KiB of UB, so
// softmax_prepare streams the scores one block at a time through one tile:
// a first loop takes the row max, a second reloads each block for P.
// CHECK-LABEL: func.func @streamed_softmax_prepare()
//       CHECK:   aicore.tile : !aicore.tile<vec, 32x256xf32, pad = min>
//   CHECK-NOT:   aicore.tile : !aicore.tile<vec, 32x256xf32, pad = min>
//       CHECK:   scf.for
//       CHECK:     aicore.tload
//       CHECK:     aicore.trowmax
//       CHECK:   scf.for
//       CHECK:     aicore.tload
//       CHECK:     aicore.texp
//       CHECK:     aicore.tstore
//       CHECK:   return
func.func @streamed(%arg0: tensor<2x64x128xbf16>, %arg1: tensor<?x256x1x128xbf16>, %arg2: tensor<?x256x1x128xbf16>, %arg3: tensor<2x?xi32>, %arg4: tensor<2xi32>, %arg5: f32) -> tensor<2x64x128xf32> {
  %0 = tensor.empty() : tensor<2x64x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (2, 1, 1) shared_outs(%arg9 = %0) -> (tensor<2x64x128xf32>) {
    %c64 = arith.constant 64 : index
    %2 = arith.muli %arg8, %c64 : index
    %c64_0 = arith.constant 64 : index
    %3 = arith.muli %arg7, %c64_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 64, 128] [1, 1, 1] : tensor<2x64x128xbf16> to tensor<64x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<2xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c1024 = arith.constant 1024 : index
    %6 = arith.ceildivui %5, %c1024 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<64xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<64xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<64x128xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>) {
      %c256 = arith.constant 256 : index
      %8 = arith.ceildivui %5, %c256 : index
      %c4 = arith.constant 4 : index
      %9 = arith.muli %arg10, %c4 : index
      %c4_3 = arith.constant 4 : index
      %10 = arith.subi %8, %9 : index
      %11 = arith.minsi %10, %c4_3 : index
      %12 = tensor.empty() : tensor<1024x128xbf16>
      %13 = tensor.empty() : tensor<1024x128xbf16>
      %c1_4 = arith.constant 1 : index
      %c0_5 = arith.constant 0 : index
      %14:2 = scf.for %arg14 = %c0_5 to %11 step %c1_4 iter_args(%arg15 = %12, %arg16 = %13) -> (tensor<1024x128xbf16>, tensor<1024x128xbf16>) {
        %23 = arith.addi %9, %arg14 : index
        %extracted_8 = tensor.extract %arg3[%arg6, %23] : tensor<2x?xi32>
        %24 = arith.index_cast %extracted_8 : i32 to index
        %c256_9 = arith.constant 256 : index
        %25 = arith.muli %arg14, %c256_9 : index
        %extracted_slice_10 = tensor.extract_slice %arg1[%24, 0, %arg7, 0] [1, 256, 1, 128] [1, 1, 1, 1] : tensor<?x256x1x128xbf16> to tensor<256x128xbf16>
        %inserted_slice = tensor.insert_slice %extracted_slice_10 into %arg15[%25, 0] [256, 128] [1, 1] : tensor<256x128xbf16> into tensor<1024x128xbf16>
        %extracted_slice_11 = tensor.extract_slice %arg2[%24, 0, %arg7, 0] [1, 256, 1, 128] [1, 1, 1, 1] : tensor<?x256x1x128xbf16> to tensor<256x128xbf16>
        %inserted_slice_12 = tensor.insert_slice %extracted_slice_11 into %arg16[%25, 0] [256, 128] [1, 1] : tensor<256x128xbf16> into tensor<1024x128xbf16>
        scf.yield %inserted_slice, %inserted_slice_12 : tensor<1024x128xbf16>, tensor<1024x128xbf16>
      }
      %15 = arith.muli %arg10, %c1024 : index
      %16 = arith.subi %5, %15 : index
      %17 = arith.minsi %16, %c1024 : index
      %c0_6 = arith.constant 0 : index
      %18 = arith.cmpi eq, %arg10, %c0_6 : index
      %c1_7 = arith.constant 1 : index
      %19 = arith.addi %arg10, %c1_7 : index
      %20 = arith.cmpi eq, %19, %6 : index
      %21 = attn.qk_matmul %extracted_slice, %14#0 : tensor<64x128xbf16>, tensor<1024x128xbf16> -> tensor<64x1024xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %21 valid_cols(%17) scale(%arg5) : tensor<64x1024xf32> -> tensor<64x1024xbf16>, tensor<64xf32>, tensor<64xf32>
      %22 = attn.pv_matmul %probs, %14#1 : tensor<64x1024xbf16>, tensor<1024x128xbf16> -> tensor<64x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %22) acc(%arg11, %arg12, %arg13) first(%18) last(%20) : tensor<64xf32>, tensor<64x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 64, 128] [1, 1, 1] : tensor<64x128xf32> into tensor<2x64x128xf32>
    }
  }
  return %1 : tensor<2x64x128xf32>
}
