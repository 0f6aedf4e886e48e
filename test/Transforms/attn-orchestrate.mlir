// RUN: ptoattn-opt %s -split-input-file -attn-orchestrate=max-batch=8 -verify-diagnostics | FileCheck %s --check-prefix=SPMD
// The strategy is read from the kernels' #aicore.kernel: the same nests with per-tile kernels.
// RUN: sed -e 's/core = \(ai[cv]\)>/core = \1, strategy = per_tile>/' %s | ptoattn-opt -split-input-file -attn-orchestrate -verify-diagnostics | FileCheck %s --check-prefix=PERTILE
// The orchestration verifies and round-trips.
// RUN: ptoattn-opt %s -split-input-file -attn-orchestrate=max-batch=8 -verify-diagnostics | ptoattn-opt -split-input-file > /dev/null
//
// Ring limits: a scope that needs more than a ring holds is an error naming the need,
// the limit and the option / environment variable to raise.
// RUN: not ptoattn-opt %s -split-input-file -attn-orchestrate="max-batch=8 ring-heap=65536" 2>&1 | FileCheck %s --check-prefix=HEAP
// HEAP: error: scope 1 needs 83968 heap bytes but a ring holds 65536; raise ring-heap (PTO2_RING_HEAP) to at least 83968 or reduce the batch
// RUN: not ptoattn-opt %s -split-input-file -attn-orchestrate="max-batch=8 ring-task-window=4" 2>&1 | FileCheck %s --check-prefix=WINDOW
// WINDOW: error: scope 1 needs 6 task-window slots but a ring holds 4; raise ring-task-window (PTO2_RING_TASK_WINDOW) to at least 6 or reduce the batch
// RUN: not ptoattn-opt %s -split-input-file -attn-orchestrate="max-batch=8 ring-dep-pool=40" 2>&1 | FileCheck %s --check-prefix=DEPS
// DEPS: error: scope 1 needs 72 dependency entries but a ring holds 40; raise ring-dep-pool (PTO2_RING_DEP_POOL) to at least 72 or reduce the batch
//
// Dependency-pool needs: every KV step is alloc 0/0, QK 1/0, softmax 2/1, PV 2/1, update 5/3
// (fanin edges / entries; 4/2 in a tile's first step). Without a bound on the steps (above)
// the ring-2 stream is endless: 72. With 8 steps (spmd: 40 ring-2 tasks, never 64 retired)
// the last update finds 36 entries held and asks for 5: 41. per-tile, 4 tiles of 8 steps: 71.
// RUN: ptoattn-opt %s -split-input-file -attn-orchestrate="max-batch=8 max-kv-blocks=8" -verify-diagnostics | FileCheck %s --check-prefix=KV8
// KV8-LABEL: func.func @mqa_orchestration()
//       KV8:   orch.scope ring <task_slots = 5, heap_bytes = 83968, dep_entries = 41>
// RUN: sed -e 's/core = \(ai[cv]\)>/core = \1, strategy = per_tile>/' %s | ptoattn-opt -split-input-file -attn-orchestrate="max-kv-blocks=8" -verify-diagnostics | FileCheck %s --check-prefix=KV8PT
// KV8PT-LABEL: func.func @mqa_orchestration()
//       KV8PT:   orch.scope ring <task_slots = 5, heap_bytes = 22528, dep_entries = 71>
//
// A dynamic batch needs max-batch to size the spmd rings. The strategy is no
// option here (it is read from the kernels), so it cannot disagree with them.
// RUN: not ptoattn-opt %s -split-input-file -attn-orchestrate 2>&1 | FileCheck %s --check-prefix=NOMAX
// NOMAX: error: batch is dynamic: pass max-batch=N to attn-orchestrate so the spmd ring needs can be checked
// RUN: not ptoattn-opt %s -split-input-file -attn-orchestrate=strategy=spmd 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: error: <Pass-Options-Parser>: no such option strategy
//
// Inputs are attn-tile output whose stages name kernels, as attn-assign-cores leaves
// them; the kernels are stubs here (only their core type matters to this pass).

// MQA, 16 heads on 1 KV head: the reference configuration.
// SPMD-LABEL: func.func @mqa_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//   SPMD-DAG:   %[[Q:.*]] = orch.external 0 : !orch.tensor<4x16x128xbf16>
//   SPMD-DAG:   %[[K:.*]] = orch.external 1(%{{.*}}) : !orch.tensor<?x128x1x128xbf16>
//   SPMD-DAG:   %[[V:.*]] = orch.external 2(%{{.*}}) : !orch.tensor<?x128x1x128xbf16>
//   SPMD-DAG:   %[[BT:.*]] = orch.external 3(%{{.*}}) : !orch.tensor<4x?xi32>
//   SPMD-DAG:   %[[LENS:.*]] = orch.external 4 : !orch.tensor<4xi32>
//   SPMD-DAG:   %[[OUT:.*]] = orch.external 5 : !orch.tensor<4x16x128xf32>
//   SPMD-DAG:   %[[SCALE:.*]] = orch.arg_scalar 0 : f32
// KV steps: max(1, longest sequence's block count), read on the host.
//       SPMD:   %[[STEPS:.*]] = scf.for {{.*}} iter_args
//       SPMD:     orch.read %[[LENS]]
//       SPMD:     arith.ceildivui
//       SPMD:     arith.maxsi
// Whether all steps' intermediates (steps x 83968 bytes) exceed one ring heap, at run time.
//       SPMD:   %[[ALLBYTES:.*]] = arith.muli %[[STEPS]], %{{.*}} : index
//       SPMD:   %[[BOUND:.*]] = arith.cmpi slt, %{{.*}}, %[[ALLBYTES]] : index
// Running state (m, l per lane slot: 4 blocks x 2 lanes x 16 floats; O: 4 x 16 rows).
//       SPMD:   orch.scope ring <task_slots = 1, heap_bytes = 34816, dep_entries = 0> {
//       SPMD:     %[[AM:.*]], %[[AS:.*]], %[[AO:.*]] = orch.alloc : !orch.tensor<128xf32>, !orch.tensor<128xf32>, !orch.tensor<64x128xf32>
//       SPMD:     scf.for %[[J:.*]] = %{{.*}} to %[[STEPS]]
//       SPMD:       orch.scope ring <task_slots = 5, heap_bytes = 83968, dep_entries = 72> {
//       SPMD:         %[[S:.*]], %[[P:.*]], %[[MI:.*]], %[[LI:.*]], %[[OI:.*]] = orch.alloc : !orch.tensor<64x128xf32>, !orch.tensor<64x128xbf16>, !orch.tensor<128xf32>, !orch.tensor<128xf32>, !orch.tensor<64x128xf32>
//       SPMD:         %[[J64:.*]] = arith.index_cast %[[J]] : index to i64
//       SPMD:         orch.submit aic(aic = @mqa_qk) blocks(4) args(in %[[Q]] : {{.*}}, in %[[K]] : {{.*}}, in %[[BT]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[S]] : {{.*}}) scalars(%[[J64]] : i64)
//       SPMD:         orch.submit mix(aiv0 = @mqa_sm, aiv1 = @mqa_sm) blocks(4) args(in %[[S]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[P]] : {{.*}}, out %[[MI]] : {{.*}}, out %[[LI]] : {{.*}}) scalars(%[[J64]], %[[SCALE]] : i64, f32)
//       SPMD:         orch.submit aic(aic = @mqa_pv) blocks(4) args(in %[[P]] : {{.*}}, in %[[V]] : {{.*}}, in %[[BT]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[OI]] : {{.*}}) scalars(%[[J64]] : i64)
// Then the update waits for the previous step's update, bounding the run-ahead to about two steps.
//       SPMD:         scf.if %[[BOUND]] {
//  SPMD-NEXT:           orch.wait %[[AS]] : !orch.tensor<128xf32>
//  SPMD-NEXT:         }
//       SPMD:         orch.submit mix(aiv0 = @mqa_up, aiv1 = @mqa_up) blocks(4) args(in %[[MI]] : {{.*}}, in %[[LI]] : {{.*}}, in %[[OI]] : {{.*}}, in %[[LENS]] : {{.*}}, inout %[[AM]] : {{.*}}, inout %[[AS]] : {{.*}}, inout %[[AO]] : {{.*}}, out %[[OUT]] : {{.*}}) scalars(%[[J64]] : i64)
//   SPMD-NOT:   func.func @mqa(
// PERTILE-LABEL: func.func @mqa_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//   PERTILE-DAG:   %[[LENS:.*]] = orch.external 4 : !orch.tensor<4xi32>
//   PERTILE-DAG:   %[[BT:.*]] = orch.external 3(%{{.*}}) : !orch.tensor<4x?xi32>
//       PERTILE:   scf.for %[[B:.*]] = 
//       PERTILE:     %[[LEN32:.*]] = orch.read %[[LENS]][%[[B]]] : !orch.tensor<4xi32>
//       PERTILE:     %[[LEN:.*]] = arith.index_cast %[[LEN32]]
//       PERTILE:     %[[N:.*]] = arith.ceildivui %[[LEN]]
//       PERTILE:     %[[STEPS:.*]] = arith.maxsi %[[N]]
//       PERTILE:     %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
//       PERTILE:     scf.for %[[G:.*]] = 
//       PERTILE:       scf.for %[[T:.*]] = 
//       PERTILE:         %[[QV:.*]] = orch.view %{{.*}}[%[[B]], %[[H0:.*]], 0] [1, 16, 128] : !orch.tensor<4x16x128xbf16> -> !orch.tensor<1x16x128xbf16>
//       PERTILE:         %[[OV:.*]] = orch.view %{{.*}}[%[[B]], %[[H0]], 0] [1, 16, 128] : !orch.tensor<4x16x128xf32> -> !orch.tensor<1x16x128xf32>
//       PERTILE:         orch.scope ring <task_slots = 1, heap_bytes = 10240, dep_entries = 0> {
//       PERTILE:           %[[AM:.*]], %[[AS:.*]], %[[AO:.*]] = orch.alloc : !orch.tensor<32xf32>, !orch.tensor<32xf32>, !orch.tensor<16x128xf32>
//       PERTILE:           scf.for %[[J:.*]] = %{{.*}} to %[[STEPS]]
//       PERTILE:             orch.scope ring <task_slots = 5, heap_bytes = 22528, dep_entries = 72> {
//       PERTILE:               %[[S:.*]], %[[P:.*]], %[[MI:.*]], %[[LI:.*]], %[[OI:.*]] = orch.alloc
// Only steps below the sequence's block count read a block; an empty sequence gets the update alone.
//       PERTILE:               %[[ACTIVE:.*]] = arith.cmpi slt, %[[J]], %[[N]]
//       PERTILE:               scf.if %[[ACTIVE]] {
//       PERTILE:                 %[[BLK32:.*]] = orch.read %[[BT]][%[[B]], %[[J]]] : !orch.tensor<4x?xi32>
//       PERTILE:                 %[[BLK:.*]] = arith.index_cast %[[BLK32]]
//       PERTILE:                 %[[KV:.*]] = orch.view %{{.*}}[%[[BLK]], 0, %[[G]], 0] [1, 128, 1, 128] : !orch.tensor<?x128x1x128xbf16> -> !orch.tensor<1x128x1x128xbf16>
//       PERTILE:                 %[[VV:.*]] = orch.view %{{.*}}[%[[BLK]], 0, %[[G]], 0] [1, 128, 1, 128]
//       PERTILE:                 %[[VALID:.*]] = arith.minsi
//       PERTILE:                 %[[VALID64:.*]] = arith.index_cast %[[VALID]] : index to i64
//       PERTILE:                 orch.submit aic(aic = @mqa_qk) args(in %[[QV]] : {{.*}}, in %[[KV]] : {{.*}}, out %[[S]] : !orch.tensor<16x128xf32>){{$}}
//       PERTILE:                 orch.submit mix(aiv0 = @mqa_sm, aiv1 = @mqa_sm) args(in %[[S]] : {{.*}}, out %[[P]] : {{.*}}, out %[[MI]] : {{.*}}, out %[[LI]] : {{.*}}) scalars(%[[VALID64]], %{{.*}} : i64, f32)
// pv_matmul gets the block's live rows too: it zeroes the V rows past the context.
//       PERTILE:                 orch.submit aic(aic = @mqa_pv) args(in %[[P]] : {{.*}}, in %[[VV]] : {{.*}}, out %[[OI]] : !orch.tensor<16x128xf32>) scalars(%[[VALID64]] : i64){{$}}
//       PERTILE:               }
//   PERTILE-NOT:               orch.wait
//       PERTILE:               %[[J64:.*]] = arith.index_cast %[[J]] : index to i64
//       PERTILE:               orch.submit mix(aiv0 = @mqa_up, aiv1 = @mqa_up) args(in %[[MI]] : {{.*}}, in %[[LI]] : {{.*}}, in %[[OI]] : {{.*}}, inout %[[AM]] : {{.*}}, inout %[[AS]] : {{.*}}, inout %[[AO]] : {{.*}}, out %[[OV]] : {{.*}}) scalars(%[[J64]], %[[N64]] : i64, i64)
func.func private @mqa_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @mqa_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @mqa_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @mqa_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
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
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 kernel @mqa_qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) kernel @mqa_sm : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 kernel @mqa_pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) kernel @mqa_up : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %1 : tensor<4x16x128xf32>
}

// -----

// GQA 40/8 with a dynamic batch: groups of 5 heads in 16-row tiles, 64-row blocks.
// spmd: tiles = batch x 8, each launch min(tiles, 24) blocks (spmd-blocks=clusters on the
// default 910B1); rings are sized for max-batch = 8 (64 tiles).
// SPMD-LABEL: func.func @gqa_40_over_8_orchestration()
//       SPMD:   %[[Q:.*]] = orch.external 0(%{{.*}}) : !orch.tensor<?x40x128xbf16>
//       SPMD:   %[[BATCH:.*]] = orch.arg_dim 0, 0
//       SPMD:   %[[C8:.*]] = arith.constant 8 : index
//       SPMD:   %[[TILES:.*]] = arith.muli %[[BATCH]], %[[C8]] : index
//       SPMD:   %[[C24:.*]] = arith.constant 24 : index
//       SPMD:   %[[NB:.*]] = arith.minsi %[[TILES]], %[[C24]] : index
//       SPMD:   orch.scope ring <task_slots = 1, heap_bytes = 540672, dep_entries = 0> {
//       SPMD:     orch.alloc(%{{.*}}, %{{.*}}, %{{.*}}) : !orch.tensor<?xf32>, !orch.tensor<?xf32>, !orch.tensor<?x128xf32>
//       SPMD:       orch.scope ring <task_slots = 5, heap_bytes = 933888, dep_entries = 72> {
//       SPMD:         orch.alloc({{.*}}) : !orch.tensor<?x64xf32>, !orch.tensor<?x64xbf16>, !orch.tensor<?xf32>, !orch.tensor<?xf32>, !orch.tensor<?x128xf32>
//       SPMD:         orch.submit aic(aic = @gqa_40_over_8_qk) blocks(%[[NB]]) args(in %[[Q]] : !orch.tensor<?x40x128xbf16>, in %{{.*}} : !orch.tensor<?x64x8x128xbf16>
//       SPMD:         orch.submit mix(aiv0 = @gqa_40_over_8_sm, aiv1 = @gqa_40_over_8_sm) blocks(%[[NB]])
// PERTILE-LABEL: func.func @gqa_40_over_8_orchestration()
//       PERTILE:   %[[BATCH:.*]] = orch.arg_dim 0, 0
//       PERTILE:   scf.for %[[B:.*]] = %{{.*}} to %[[BATCH]]
//       PERTILE:     scf.for %[[G:.*]] = 
//       PERTILE:         orch.view %{{.*}}[%[[B]], %{{.*}}, 0] [1, 5, 128] : !orch.tensor<?x40x128xbf16> -> !orch.tensor<1x5x128xbf16>
//       PERTILE:         orch.view %{{.*}}[%[[B]], %{{.*}}, 0] [1, 5, 128] : !orch.tensor<?x40x128xf32> -> !orch.tensor<1x5x128xf32>
//       PERTILE:                 orch.view %{{.*}}[%{{.*}}, 0, %[[G]], 0] [1, 64, 1, 128] : !orch.tensor<?x64x8x128xbf16> -> !orch.tensor<1x64x1x128xbf16>
func.func private @gqa_40_over_8_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @gqa_40_over_8_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @gqa_40_over_8_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @gqa_40_over_8_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @gqa_40_over_8(%arg0: tensor<?x40x128xbf16>, %arg1: tensor<?x64x8x128xbf16>, %arg2: tensor<?x64x8x128xbf16>, %arg3: tensor<?x?xi32>, %arg4: tensor<?xi32>, %arg5: f32) -> tensor<?x40x128xf32> {
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %arg0, %c0 : tensor<?x40x128xbf16>
  %0 = tensor.empty(%dim) : tensor<?x40x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (%dim, 8, 1) shared_outs(%arg9 = %0) -> (tensor<?x40x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c5 = arith.constant 5 : index
    %3 = arith.muli %arg7, %c5 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 5, 128] [1, 1, 1] : tensor<?x40x128xbf16> to tensor<5x128xbf16>
    %c5_0 = arith.constant 5 : index
    %c16_1 = arith.constant 16 : index
    %5 = arith.subi %c16_1, %c5_0 : index
    %cst = arith.constant 0.000000e+00 : bf16
    %padded = tensor.pad %extracted_slice low[0, 0] high[%5, 0] {
    ^bb0(%arg10: index, %arg11: index):
      tensor.yield %cst : bf16
    } : tensor<5x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<?xi32>
    %6 = arith.index_cast %extracted : i32 to index
    %c64 = arith.constant 64 : index
    %7 = arith.ceildivui %6, %c64 : index
    %c0_2 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst_3 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_4 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_5 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
    %8:3 = scf.for %arg10 = %c0_2 to %7 step %c1 iter_args(%arg11 = %cst_3, %arg12 = %cst_4, %arg13 = %cst_5) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %extracted_7 = tensor.extract %arg3[%arg6, %arg10] : tensor<?x?xi32>
      %9 = arith.index_cast %extracted_7 : i32 to index
      %extracted_slice_8 = tensor.extract_slice %arg1[%9, 0, %arg7, 0] [1, 64, 1, 128] [1, 1, 1, 1] : tensor<?x64x8x128xbf16> to tensor<64x128xbf16>
      %extracted_slice_9 = tensor.extract_slice %arg2[%9, 0, %arg7, 0] [1, 64, 1, 128] [1, 1, 1, 1] : tensor<?x64x8x128xbf16> to tensor<64x128xbf16>
      %10 = arith.muli %arg10, %c64 : index
      %11 = arith.subi %6, %10 : index
      %12 = arith.minsi %11, %c64 : index
      %c0_10 = arith.constant 0 : index
      %13 = arith.cmpi eq, %arg10, %c0_10 : index
      %c1_11 = arith.constant 1 : index
      %14 = arith.addi %arg10, %c1_11 : index
      %15 = arith.cmpi eq, %14, %7 : index
      %16 = attn.qk_matmul %padded, %extracted_slice_8 kernel @gqa_40_over_8_qk : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x64xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %16 valid_cols(%12) scale(%arg5) kernel @gqa_40_over_8_sm : tensor<16x64xf32> -> tensor<16x64xbf16>, tensor<16xf32>, tensor<16xf32>
      %17 = attn.pv_matmul %probs, %extracted_slice_9 kernel @gqa_40_over_8_pv : tensor<16x64xbf16>, tensor<64x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %17) acc(%arg11, %arg12, %arg13) first(%13) last(%15) kernel @gqa_40_over_8_up : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    %extracted_slice_6 = tensor.extract_slice %8#2[0, 0] [5, 128] [1, 1] : tensor<16x128xf32> to tensor<5x128xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %extracted_slice_6 into %arg9[%arg6, %4, 0] [1, 5, 128] [1, 1, 1] : tensor<5x128xf32> into tensor<?x40x128xf32>
    }
  }
  return %1 : tensor<?x40x128xf32>
}

// -----

// 64 heads on one KV head in 16-row tiles (q-tile=16 at tiling): four tiles per sequence.
// SPMD-LABEL: func.func @mqa_64_heads_four_tiles_orchestration()
//       SPMD:         orch.submit aic(aic = @mqa_64_heads_four_tiles_qk) blocks(8) args(in %{{.*}} : !orch.tensor<2x64x64xbf16>, in %{{.*}} : !orch.tensor<?x16x1x64xbf16>
//       SPMD:         orch.submit mix(aiv0 = @mqa_64_heads_four_tiles_up, aiv1 = @mqa_64_heads_four_tiles_up) blocks(8)
// PERTILE-LABEL: func.func @mqa_64_heads_four_tiles_orchestration()
//       PERTILE:   %[[C4:.*]] = arith.constant 4 : index
//       PERTILE:       scf.for %[[T:.*]] = %{{.*}} to %[[C4]]
//       PERTILE:         orch.view %{{.*}} [1, 16, 64] : !orch.tensor<2x64x64xbf16> -> !orch.tensor<1x16x64xbf16>
func.func private @mqa_64_heads_four_tiles_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @mqa_64_heads_four_tiles_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @mqa_64_heads_four_tiles_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @mqa_64_heads_four_tiles_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @mqa_64_heads_four_tiles(%arg0: tensor<2x64x64xbf16>, %arg1: tensor<?x16x1x64xbf16>, %arg2: tensor<?x16x1x64xbf16>, %arg3: tensor<2x?xi32>, %arg4: tensor<2xi32>, %arg5: f32) -> tensor<2x64x64xf32> {
  %0 = tensor.empty() : tensor<2x64x64xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (2, 1, 4) shared_outs(%arg9 = %0) -> (tensor<2x64x64xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c64 = arith.constant 64 : index
    %3 = arith.muli %arg7, %c64 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 64] [1, 1, 1] : tensor<2x64x64xbf16> to tensor<16x64xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<2xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c16_0 = arith.constant 16 : index
    %6 = arith.ceildivui %5, %c16_0 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<16x64xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x64xf32>) {
      %extracted_3 = tensor.extract %arg3[%arg6, %arg10] : tensor<2x?xi32>
      %8 = arith.index_cast %extracted_3 : i32 to index
      %extracted_slice_4 = tensor.extract_slice %arg1[%8, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
      %extracted_slice_5 = tensor.extract_slice %arg2[%8, 0, %arg7, 0] [1, 16, 1, 64] [1, 1, 1, 1] : tensor<?x16x1x64xbf16> to tensor<16x64xbf16>
      %9 = arith.muli %arg10, %c16_0 : index
      %10 = arith.subi %5, %9 : index
      %11 = arith.minsi %10, %c16_0 : index
      %c0_6 = arith.constant 0 : index
      %12 = arith.cmpi eq, %arg10, %c0_6 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.addi %arg10, %c1_7 : index
      %14 = arith.cmpi eq, %13, %6 : index
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 kernel @mqa_64_heads_four_tiles_qk : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) kernel @mqa_64_heads_four_tiles_sm : tensor<16x16xf32> -> tensor<16x16xbf16>, tensor<16xf32>, tensor<16xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 kernel @mqa_64_heads_four_tiles_pv : tensor<16x16xbf16>, tensor<16x64xbf16> -> tensor<16x64xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) kernel @mqa_64_heads_four_tiles_up : tensor<16xf32>, tensor<16x64xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x64xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 64] [1, 1, 1] : tensor<16x64xf32> into tensor<2x64x64xf32>
    }
  }
  return %1 : tensor<2x64x64xf32>
}

// -----

// 40 heads on one KV head in 16-row tiles: 16, 16, 8 rows; the views' row count is a value.
// SPMD-LABEL: func.func @uneven_tiles_orchestration()
//       SPMD:         orch.submit aic(aic = @uneven_tiles_qk) blocks(3)
// PERTILE-LABEL: func.func @uneven_tiles_orchestration()
//       PERTILE:         %[[ROWS:.*]] = arith.minsi
//       PERTILE:         orch.view %{{.*}}[%{{.*}}, %{{.*}}, 0] [1, %[[ROWS]], 256] : !orch.tensor<1x40x256xbf16> -> !orch.tensor<1x?x256xbf16>
//       PERTILE:         orch.view %{{.*}}[%{{.*}}, %{{.*}}, 0] [1, %[[ROWS]], 256] : !orch.tensor<1x40x256xf32> -> !orch.tensor<1x?x256xf32>
func.func private @uneven_tiles_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @uneven_tiles_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @uneven_tiles_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @uneven_tiles_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @uneven_tiles(%arg0: tensor<1x40x256xbf16>, %arg1: tensor<?x64x1x256xbf16>, %arg2: tensor<?x64x1x256xbf16>, %arg3: tensor<1x?xi32>, %arg4: tensor<1xi32>, %arg5: f32) -> tensor<1x40x256xf32> {
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
    %c64 = arith.constant 64 : index
    %10 = arith.ceildivui %9, %c64 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst_4 = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_5 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_6 = arith.constant dense<0.000000e+00> : tensor<16x256xf32>
    %11:3 = scf.for %arg10 = %c0 to %10 step %c1 iter_args(%arg11 = %cst_4, %arg12 = %cst_5, %arg13 = %cst_6) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x256xf32>) {
      %extracted_8 = tensor.extract %arg3[%arg6, %arg10] : tensor<1x?xi32>
      %12 = arith.index_cast %extracted_8 : i32 to index
      %extracted_slice_9 = tensor.extract_slice %arg1[%12, 0, %arg7, 0] [1, 64, 1, 256] [1, 1, 1, 1] : tensor<?x64x1x256xbf16> to tensor<64x256xbf16>
      %extracted_slice_10 = tensor.extract_slice %arg2[%12, 0, %arg7, 0] [1, 64, 1, 256] [1, 1, 1, 1] : tensor<?x64x1x256xbf16> to tensor<64x256xbf16>
      %13 = arith.muli %arg10, %c64 : index
      %14 = arith.subi %9, %13 : index
      %15 = arith.minsi %14, %c64 : index
      %c0_11 = arith.constant 0 : index
      %16 = arith.cmpi eq, %arg10, %c0_11 : index
      %c1_12 = arith.constant 1 : index
      %17 = arith.addi %arg10, %c1_12 : index
      %18 = arith.cmpi eq, %17, %10 : index
      %19 = attn.qk_matmul %padded, %extracted_slice_9 kernel @uneven_tiles_qk : tensor<16x256xbf16>, tensor<64x256xbf16> -> tensor<16x64xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %19 valid_cols(%15) scale(%arg5) kernel @uneven_tiles_sm : tensor<16x64xf32> -> tensor<16x64xbf16>, tensor<16xf32>, tensor<16xf32>
      %20 = attn.pv_matmul %probs, %extracted_slice_10 kernel @uneven_tiles_pv : tensor<16x64xbf16>, tensor<64x256xbf16> -> tensor<16x256xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %20) acc(%arg11, %arg12, %arg13) first(%16) last(%18) kernel @uneven_tiles_up : tensor<16xf32>, tensor<16x256xf32>
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

// A stage without a kernel: core assignment has not run.
func.func private @no_kernel_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @no_kernel_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @no_kernel_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @no_kernel_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func @no_kernel(%arg0: tensor<1x16x128xbf16>, %arg1: tensor<?x128x1x128xbf16>, %arg2: tensor<?x128x1x128xbf16>, %arg3: tensor<1x?xi32>, %arg4: tensor<1xi32>, %arg5: f32) -> tensor<1x16x128xf32> {
  %0 = tensor.empty() : tensor<1x16x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (1, 1, 1) shared_outs(%arg9 = %0) -> (tensor<1x16x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c16_0 = arith.constant 16 : index
    %3 = arith.muli %arg7, %c16_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<1x16x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<1xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c128 = arith.constant 128 : index
    %6 = arith.ceildivui %5, %c128 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %extracted_3 = tensor.extract %arg3[%arg6, %arg10] : tensor<1x?xi32>
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
    // expected-error @below {{has no kernel: run attn-assign-cores before attn-orchestrate}}
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) kernel @no_kernel_sm : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 kernel @no_kernel_pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) kernel @no_kernel_up : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<1x16x128xf32>
    }
  }
  return %1 : tensor<1x16x128xf32>
}

// -----

// Kernels built for different strategies.
func.func private @strategy_mismatch_qk() attributes {aicore.kernel = #aicore.kernel<core = aic, strategy = per_tile>}
func.func private @strategy_mismatch_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv, strategy = spmd>}
func.func private @strategy_mismatch_pv() attributes {aicore.kernel = #aicore.kernel<core = aic, strategy = spmd>}
func.func private @strategy_mismatch_up() attributes {aicore.kernel = #aicore.kernel<core = aiv, strategy = spmd>}
// expected-error @below {{kernel @strategy_mismatch_sm was built for strategy 'spmd' but the other kernels for 'per-tile'}}
func.func @strategy_mismatch(%arg0: tensor<1x16x128xbf16>, %arg1: tensor<?x128x1x128xbf16>, %arg2: tensor<?x128x1x128xbf16>, %arg3: tensor<1x?xi32>, %arg4: tensor<1xi32>, %arg5: f32) -> tensor<1x16x128xf32> {
  %0 = tensor.empty() : tensor<1x16x128xf32>
  %1 = scf.forall (%arg6, %arg7, %arg8) in (1, 1, 1) shared_outs(%arg9 = %0) -> (tensor<1x16x128xf32>) {
    %c16 = arith.constant 16 : index
    %2 = arith.muli %arg8, %c16 : index
    %c16_0 = arith.constant 16 : index
    %3 = arith.muli %arg7, %c16_0 : index
    %4 = arith.addi %3, %2 : index
    %extracted_slice = tensor.extract_slice %arg0[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<1x16x128xbf16> to tensor<16x128xbf16>
    %extracted = tensor.extract %arg4[%arg6] : tensor<1xi32>
    %5 = arith.index_cast %extracted : i32 to index
    %c128 = arith.constant 128 : index
    %6 = arith.ceildivui %5, %c128 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cst = arith.constant dense<-1.000000e+30> : tensor<16xf32>
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<16xf32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<16x128xf32>
    %7:3 = scf.for %arg10 = %c0 to %6 step %c1 iter_args(%arg11 = %cst, %arg12 = %cst_1, %arg13 = %cst_2) -> (tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>) {
      %extracted_3 = tensor.extract %arg3[%arg6, %arg10] : tensor<1x?xi32>
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
      %15 = attn.qk_matmul %extracted_slice, %extracted_slice_4 kernel @strategy_mismatch_qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %probs, %row_max, %row_sum = attn.softmax_prepare %15 valid_cols(%11) scale(%arg5) kernel @strategy_mismatch_sm : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %16 = attn.pv_matmul %probs, %extracted_slice_5 kernel @strategy_mismatch_pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %16) acc(%arg11, %arg12, %arg13) first(%12) last(%14) kernel @strategy_mismatch_up : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %7#2 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<1x16x128xf32>
    }
  }
  return %1 : tensor<1x16x128xf32>
}

// -----

// A hand-written nest (another name, extra arguments, constant KV bound): the
// orchestration takes the target's six tensors and scale by role, whatever the
// function's signature; the types come from the tensors the stages slice.
// SPMD-LABEL: func.func @layer7_decode_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//       SPMD:   orch.external 0 : !orch.tensor<4x16x128xbf16>
//       SPMD:   orch.external 3 : !orch.tensor<4x8xi32>
//       SPMD:   orch.external 5 : !orch.tensor<4x16x128xf32>
//       SPMD:   orch.arg_scalar 0 : f32
//   SPMD-NOT:   scf.for {{.*}} iter_args
//       SPMD:   %[[STEPS:.*]] = arith.maxsi %{{.*}}, %{{.*}} : index
//       SPMD:   scf.for %{{.*}} = %{{.*}} to %[[STEPS]]
//       SPMD:   orch.submit aic(aic = @layer7_decode_qk) blocks(4)
//   SPMD-NOT:   func.func @layer7_decode(
// The nest is lowered as written: its constant KV bound (8) is the host loop's,
// not a length read from context_lens.
// PERTILE-LABEL: func.func @layer7_decode_orchestration()
//       PERTILE:   %[[C8:.*]] = arith.constant 8 : index
//       PERTILE:   %[[STEPS:.*]] = arith.maxsi %[[C8]], %{{.*}} : index
//       PERTILE:   scf.for %[[J:.*]] = %{{.*}} to %[[STEPS]]
//       PERTILE:     arith.cmpi slt, %[[J]], %[[C8]] : index
//       PERTILE:     orch.submit aic(aic = @layer7_decode_qk)
func.func private @layer7_decode_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @layer7_decode_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @layer7_decode_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @layer7_decode_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
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
      %s = attn.qk_matmul %q_tile, %k kernel @layer7_decode_qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%scale) kernel @layer7_decode_sm : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
      %oi = attn.pv_matmul %p, %v kernel @layer7_decode_pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
      %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) kernel @layer7_decode_up : tensor<16xf32>, tensor<16x128xf32>
      scf.yield %u#0, %u#1, %u#2 : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %r#2 into %acc[%b, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %res : tensor<4x16x128xf32>
}

// -----

// Split-KV (attn-tile kv-splits=2): the part loop is one more parallel dimension
// of the chains, one block per (tile, part), 4 x 2 = 8, over the largest part's
// steps; their update keeps the state
// in the accumulators (no output argument) and one merge task per tile follows
// the steps, in the accumulators' scope.
// SPMD-LABEL: func.func @split_orchestration()
//       SPMD:   %[[OUT:.*]] = orch.external 5 : !orch.tensor<4x16x128xf32>
// The step count: the largest KV-loop bound over the sequences and the parts.
//       SPMD:   scf.for
//       SPMD:     %[[NB:.*]] = arith.ceildivui %{{.*}}, %{{.*}} : index
//       SPMD:     %[[PER:.*]] = arith.ceildivui %[[NB]], %{{.*}} : index
//       SPMD:     scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step
//       SPMD:       %[[FIRST:.*]] = arith.muli %[[P]], %[[PER]] : index
//       SPMD:       arith.subi %[[NB]], %[[FIRST]] : index
//       SPMD:   orch.scope
//       SPMD:     %[[AM:.*]], %[[AS:.*]], %[[AO:.*]] = orch.alloc : !orch.tensor<256xf32>, !orch.tensor<256xf32>, !orch.tensor<128x128xf32>
//       SPMD:     scf.for
//       SPMD:       orch.submit aic(aic = @split_qk) blocks(8)
//       SPMD:       orch.submit mix(aiv0 = @split_sm, aiv1 = @split_sm) blocks(8)
//       SPMD:       orch.submit aic(aic = @split_pv) blocks(8)
//       SPMD:       orch.submit mix(aiv0 = @split_up, aiv1 = @split_up) blocks(8) args({{.*}}inout %[[AO]] : !orch.tensor<128x128xf32>) scalars
//       SPMD:     }
//       SPMD:     orch.submit mix(aiv0 = @split_merge, aiv1 = @split_merge) blocks(4) args(in %[[AM]] : {{.*}}, in %[[AS]] : {{.*}}, in %[[AO]] : {{.*}}, out %[[OUT]] : !orch.tensor<4x16x128xf32>){{$}}
//
// per-tile: the tile's two part states in one allocation; part p's chain runs
// blocks [p * per, min((p + 1) * per, n)) on views of its state; the merge reads
// them all and writes the tile's output rows.
// PERTILE-LABEL: func.func @split_orchestration()
//       PERTILE:   orch.scope
//       PERTILE:     %[[AM:.*]], %[[AS:.*]], %[[AO:.*]] = orch.alloc : !orch.tensor<64xf32>, !orch.tensor<64xf32>, !orch.tensor<32x128xf32>
//       PERTILE:     scf.for %[[PART:.*]] =
//       PERTILE:       orch.view %[[AM]][%{{.*}}] [32]
//       PERTILE:       orch.view %[[AS]][%{{.*}}] [32]
//       PERTILE:       %[[PO:.*]] = orch.view %[[AO]][%{{.*}}, 0] [16, 128]
//       PERTILE:       %[[FIRST:.*]] = arith.muli %[[PART]], %{{.*}} : index
//       PERTILE:       scf.for %[[J:.*]] =
//       PERTILE:         orch.scope
//       PERTILE:           scf.if
//       PERTILE:             %[[SEQJ:.*]] = arith.addi %[[FIRST]], %[[J]] : index
//       PERTILE:             orch.read %{{.*}}[%{{.*}}, %[[SEQJ]]]
//       PERTILE:           orch.submit mix(aiv0 = @split_up, aiv1 = @split_up) args({{.*}}inout %[[PO]] : !orch.tensor<16x128xf32>) scalars
//       PERTILE:     orch.submit mix(aiv0 = @split_merge, aiv1 = @split_merge) args(in %[[AM]] : {{.*}}, in %[[AS]] : {{.*}}, in %[[AO]] : {{.*}}, out %{{.*}} : !orch.tensor<1x16x128xf32>){{$}}
func.func private @split_qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @split_sm() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @split_pv() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @split_up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @split_merge() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
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
        %25 = attn.qk_matmul %extracted_slice, %extracted_slice_7 kernel @split_qk : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
        %probs, %row_max, %row_sum = attn.softmax_prepare %25 valid_cols(%23) scale(%arg5) kernel @split_sm : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
        %26 = attn.pv_matmul %probs, %extracted_slice_8 kernel @split_pv : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
        %new_row_max, %new_row_sum, %new_out = attn.online_update block(%row_max, %row_sum, %26) acc(%arg15, %arg16, %arg17) first(%24) last(%false) kernel @split_up : tensor<16xf32>, tensor<16x128xf32>
        scf.yield %new_row_max, %new_row_sum, %new_out : tensor<16xf32>, tensor<16xf32>, tensor<16x128xf32>
      }
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %18#0 into %arg11[%arg10, 0] [1, 16] [1, 1] : tensor<16xf32> into tensor<2x16xf32>
        tensor.parallel_insert_slice %18#1 into %arg12[%arg10, 0] [1, 16] [1, 1] : tensor<16xf32> into tensor<2x16xf32>
        tensor.parallel_insert_slice %18#2 into %arg13[%arg10, 0, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<2x16x128xf32>
      }
    }
    %12 = attn.merge_partials max(%11#0) sum(%11#1) out(%11#2) kernel @split_merge : tensor<2x16xf32>, tensor<2x16x128xf32> -> tensor<16x128xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %12 into %arg9[%arg6, %4, 0] [1, 16, 128] [1, 1, 1] : tensor<16x128xf32> into tensor<4x16x128xf32>
    }
  }
  return %1 : tensor<4x16x128xf32>
}
