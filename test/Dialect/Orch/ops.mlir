// RUN: ptoattn-opt %s -split-input-file | ptoattn-opt -split-input-file | FileCheck %s
// Generic form round trip: the custom printer and parser agree with the generic ones.
// RUN: ptoattn-opt %s -split-input-file -mlir-print-op-generic | ptoattn-opt -split-input-file | FileCheck %s

// Orchestration arguments: wrapped tensors (static, dynamic, untracked), host
// shapes and scalars, checked against the entry configuration.
// CHECK-LABEL: func.func @entry_arguments
//  CHECK-SAME:   orch.entry = #orch.entry<tensors = 6, scalars = 3>
//  CHECK-SAME:   orch.ring = #orch.ring<task_slots = 0, heap_bytes = 0, dep_entries = 0>
//       CHECK:   %[[Q:.*]] = orch.external 0 : !orch.tensor<64x128xbf16>
//       CHECK:   %[[N:.*]] = orch.arg_dim 1, 0
//       CHECK:   orch.external 1(%[[N]]) : !orch.tensor<?x128x1x128xbf16>
//       CHECK:   orch.external 5 manual_dep : !orch.tensor<4x16x128xf32>
//       CHECK:   orch.arg_scalar 0 : f32
//       CHECK:   orch.arg_scalar 1 : i64
//       CHECK:   orch.arg_scalar 2 : i32
func.func @entry_arguments() attributes {
    orch.entry = #orch.entry<tensors = 6, scalars = 3>,
    orch.ring = #orch.ring<task_slots = 0, heap_bytes = 0, dep_entries = 0>} {
  %q = orch.external 0 : !orch.tensor<64x128xbf16>
  %n = orch.arg_dim 1, 0
  %kc = orch.external 1 (%n) : !orch.tensor<?x128x1x128xbf16>
  %out = orch.external 5 manual_dep : !orch.tensor<4x16x128xf32>
  %scale = orch.arg_scalar 0 : f32
  %a = orch.arg_scalar 1 : i64
  %b = orch.arg_scalar 2 : i32
  return
}

// -----

// Scopes nest and may carry their ring requirements.
// CHECK-LABEL: func.func @nested_scopes
//       CHECK:   orch.scope ring <task_slots = 8, heap_bytes = 1024, dep_entries = 4> {
//       CHECK:     orch.scope {
//       CHECK:       orch.scope ring <task_slots = 1, heap_bytes = 0, dep_entries = 0> {
func.func @nested_scopes() {
  orch.scope ring <task_slots = 8, heap_bytes = 1024, dep_entries = 4> {
    orch.scope {
      orch.scope ring <task_slots = 1, heap_bytes = 0, dep_entries = 0> {
      }
    }
  }
  return
}

// -----

// One alloc_tensors call may create several tensors; `?` dimensions take
// their sizes from operands in result order.
// CHECK-LABEL: func.func @allocs
//       CHECK:   orch.alloc : !orch.tensor<16x128xf32>
//       CHECK:   orch.alloc : !orch.tensor<16x128xf32>, !orch.tensor<16xf32>, !orch.tensor<16x128xbf16>
//       CHECK:   orch.alloc(%{{.*}}, %{{.*}}) manual_dep : !orch.tensor<?x128xf32>, !orch.tensor<?x?xi32>
func.func @allocs(%m: index, %n: index) {
  orch.scope {
    %a = orch.alloc : !orch.tensor<16x128xf32>
    %b:3 = orch.alloc : !orch.tensor<16x128xf32>, !orch.tensor<16xf32>, !orch.tensor<16x128xbf16>
    %c:2 = orch.alloc (%m, %n, %m) manual_dep : !orch.tensor<?x128xf32>, !orch.tensor<?x?xi32>
  }
  return
}

// -----

// Views with static and dynamic offsets and sizes, views of views, and a
// zero-size view (its offsets are ignored by the runtime).
// CHECK-LABEL: func.func @views
//       CHECK:   orch.view %{{.*}}[0, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
//       CHECK:   orch.view %{{.*}}[%{{.*}}, 0] [16, %{{.*}}] manual_dep : !orch.tensor<64x128xf32> -> !orch.tensor<16x?xf32>
//       CHECK:   orch.view %{{.*}}[0, 8] [8, 8] : !orch.tensor<16x128xf32> -> !orch.tensor<8x8xf32>
//       CHECK:   orch.view %{{.*}}[%{{.*}}, 0] [128, 128] : !orch.tensor<?x128xbf16> -> !orch.tensor<128x128xbf16>
//       CHECK:   orch.view %{{.*}}[64, 0] [0, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<0x128xf32>
func.func @views(%row: index, %len: index, %n: index) {
  orch.scope {
    %t = orch.alloc : !orch.tensor<64x128xf32>
    %a = orch.view %t[0, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
    %b = orch.view %t[%row, 0] [16, %len] manual_dep : !orch.tensor<64x128xf32> -> !orch.tensor<16x?xf32>
    %c = orch.view %a[0, 8] [8, 8] : !orch.tensor<16x128xf32> -> !orch.tensor<8x8xf32>
    %kc = orch.alloc (%n) : !orch.tensor<?x128xbf16>
    %kj = orch.view %kc[%row, 0] [128, 128] : !orch.tensor<?x128xbf16> -> !orch.tensor<128x128xbf16>
    %e = orch.view %t[64, 0] [0, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<0x128xf32>
  }
  return
}

// -----

// Blocking scalar reads; the result type is the element type.
// CHECK-LABEL: func.func @reads
//       CHECK:   %{{.*}} = orch.read %{{.*}}[%{{.*}}] : !orch.tensor<4xi32>
//       CHECK:   %{{.*}} = orch.read %{{.*}}[3, %{{.*}}] : !orch.tensor<4x?xi32>
//       CHECK:   %{{.*}} = orch.read %{{.*}}[0, 0] : !orch.tensor<16x128xf32>
func.func @reads(%b: index, %j: index, %w: index) -> (i32, i32, f32) {
  %lens = orch.external 4 : !orch.tensor<4xi32>
  %bt = orch.external 3 (%w) : !orch.tensor<4x?xi32>
  %len = orch.read %lens[%b] : !orch.tensor<4xi32>
  %blk = orch.read %bt[3, %j] : !orch.tensor<4x?xi32>
  %s = orch.alloc : !orch.tensor<16x128xf32>
  %x = orch.read %s[0, 0] : !orch.tensor<16x128xf32>
  return %len, %blk, %x : i32, i32, f32
}

// -----

// Waiting for a runtime tensor's writers (bounds the orchestration's run-ahead).
// CHECK-LABEL: func.func @wait
//       CHECK:   orch.wait %{{.*}} : !orch.tensor<16x128xf32>
func.func @wait() {
  %s = orch.alloc : !orch.tensor<16x128xf32>
  orch.wait %s : !orch.tensor<16x128xf32>
  return
}

// -----

// Every task kind and slot shape the runtime accepts, block counts as a
// constant, a value or the default, and every direction and scalar type.
func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @untyped()

// CHECK-LABEL: func.func @submit_shapes
//       CHECK:   orch.submit aic(aic = @qk) blocks(4) args(in %{{.*}} : !orch.tensor<64x128xbf16>, out %{{.*}} : !orch.tensor<64x128xf32>)
//       CHECK:   orch.submit aiv(aiv0 = @sf) args(inout %{{.*}} : !orch.tensor<64x128xf32>) scalars(%{{.*}}, %{{.*}}, %{{.*}} : f32, i64, i32)
//       CHECK:   orch.submit aiv(aiv1 = @up) blocks(%{{.*}}) args()
//       CHECK:   orch.submit mix(aiv0 = @sf, aiv1 = @sf) blocks(%{{.*}}) args(in %{{.*}} : !orch.tensor<64x128xbf16>, out %{{.*}} : !orch.tensor<64x128xf32>)
//       CHECK:   orch.submit mix(aic = @qk, aiv0 = @sf, aiv1 = @up) args(in %{{.*}} : !orch.tensor<64x128xbf16>)
//       CHECK:   orch.submit mix(aic = @untyped, aiv0 = @untyped) args()
func.func @submit_shapes(%nb: index, %f: f32, %i: i64, %k: i32) {
  %c8 = arith.constant 8 : index
  %q = orch.external 0 : !orch.tensor<64x128xbf16>
  orch.scope {
    %s = orch.alloc : !orch.tensor<64x128xf32>
    orch.submit aic(aic = @qk) blocks(4)
        args(in %q : !orch.tensor<64x128xbf16>, out %s : !orch.tensor<64x128xf32>)
    orch.submit aiv(aiv0 = @sf) args(inout %s : !orch.tensor<64x128xf32>)
        scalars(%f, %i, %k : f32, i64, i32)
    orch.submit aiv(aiv1 = @up) blocks(%nb) args()
    // Same AIV kernel on both lanes, no AIC (contracts §3.1).
    orch.submit mix(aiv1 = @sf, aiv0 = @sf) blocks(%c8)
        args(in %q : !orch.tensor<64x128xbf16>, out %s : !orch.tensor<64x128xf32>)
    orch.submit mix(aic = @qk, aiv0 = @sf, aiv1 = @up) args(in %q : !orch.tensor<64x128xbf16>)
    orch.submit mix(aiv0 = @untyped, aic = @untyped) args()
  }
  return
}

// -----

// Reading one part of a buffer and writing a provably disjoint part is not a
// write-after-read hazard; neither is reading one tensor twice.
func.func private @k() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

// CHECK-LABEL: func.func @disjoint_read_and_write
//       CHECK:   orch.submit aiv(aiv0 = @k) args(in %{{.*}} : !orch.tensor<16x128xf32>, out %{{.*}} : !orch.tensor<16x128xf32>, in %{{.*}} : !orch.tensor<16x128xf32>, out %{{.*}} : !orch.tensor<0x128xf32>)
func.func @disjoint_read_and_write() {
  orch.scope {
    %t = orch.alloc : !orch.tensor<32x128xf32>
    %top = orch.view %t[0, 0] [16, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<16x128xf32>
    %bottom = orch.view %t[16, 0] [16, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<16x128xf32>
    %empty = orch.view %t[0, 0] [0, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<0x128xf32>
    orch.submit aiv(aiv0 = @k)
        args(in %top : !orch.tensor<16x128xf32>, out %bottom : !orch.tensor<16x128xf32>,
             in %top : !orch.tensor<16x128xf32>, out %empty : !orch.tensor<0x128xf32>)
  }
  return
}

// -----

// SPMD paged attention (DESIGN.md §2, strategy `spmd`): batch 4, 16 heads, one
// KV head, head_dim 128, block_size 128, q_tile 16, so 4 SPMD blocks of one
// (batch, q-tile) each. Per KV block one task per stage; the two vector stages
// are MIX tasks running one kernel on both AIV lanes. Kernels read the block
// table column and the context lengths themselves. Per-lane row scalars (m, l)
// are padded to 16 f32 so the two lanes never share a 64-byte line. The ring
// numbers are what attn-orchestrate would record (heap: buffers rounded up to
// 1 KiB; slots: one alloc task plus the submissions of the scope itself).
func.func private @qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @softmax_prepare() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @pv_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

// CHECK-LABEL: func.func @paged_attention_spmd
//  CHECK-SAME:   orch.entry = #orch.entry<tensors = 6, scalars = 1>
//       CHECK:   %[[NB:[a-z0-9_]+]] = orch.arg_dim 1, 0
//       CHECK:   %[[MAXB:[a-z0-9_]+]] = orch.arg_dim 3, 1
//       CHECK:   %[[Q:[a-z0-9_]+]] = orch.external 0 : !orch.tensor<64x128xbf16>
//       CHECK:   %[[KC:[a-z0-9_]+]] = orch.external 1(%[[NB]]) : !orch.tensor<?x128x128xbf16>
//       CHECK:   %[[VC:[a-z0-9_]+]] = orch.external 2(%[[NB]]) : !orch.tensor<?x128x128xbf16>
//       CHECK:   %[[BT:[a-z0-9_]+]] = orch.external 3(%[[MAXB]]) : !orch.tensor<4x?xi32>
//       CHECK:   %[[LENS:[a-z0-9_]+]] = orch.external 4 : !orch.tensor<4xi32>
//       CHECK:   %[[OUT:[a-z0-9_]+]] = orch.external 5 : !orch.tensor<64x128xf32>
//       CHECK:   %[[SCALE:[a-z0-9_]+]] = orch.arg_scalar 0 : f32
//       CHECK:   scf.for
//       CHECK:     orch.read %[[LENS]][%{{.*}}] : !orch.tensor<4xi32>
//       CHECK:   orch.scope ring <task_slots = 1, heap_bytes = 34816, dep_entries = 1> {
//       CHECK:     %[[MI:[a-z0-9_]+]], %[[LI:[a-z0-9_]+]], %[[OI:[a-z0-9_]+]] = orch.alloc : !orch.tensor<4x2x16xf32>, !orch.tensor<4x2x16xf32>, !orch.tensor<64x128xf32>
//       CHECK:     scf.for %[[J:[a-z0-9_]+]] = {{.*}} {
//       CHECK:       orch.scope ring <task_slots = 5, heap_bytes = 83968, dep_entries = 9> {
//       CHECK:         %[[SIJ:[a-z0-9_]+]], %[[PIJ:[a-z0-9_]+]], %[[MIJ:[a-z0-9_]+]], %[[LIJ:[a-z0-9_]+]], %[[OIJ:[a-z0-9_]+]] = orch.alloc : !orch.tensor<64x128xf32>, !orch.tensor<64x128xbf16>, !orch.tensor<4x2x16xf32>, !orch.tensor<4x2x16xf32>, !orch.tensor<64x128xf32>
//       CHECK:         %[[BTJ:[a-z0-9_]+]] = orch.view %[[BT]][0, %[[J]]] [4, 1] : !orch.tensor<4x?xi32> -> !orch.tensor<4x1xi32>
//       CHECK:         orch.submit aic(aic = @qk_matmul) blocks(4) args(in %[[Q]] : {{.*}}, in %[[KC]] : {{.*}}, in %[[BTJ]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[SIJ]] : {{.*}}) scalars(%{{.*}} : i64)
//       CHECK:         orch.submit mix(aiv0 = @softmax_prepare, aiv1 = @softmax_prepare) blocks(4) args(in %[[SIJ]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[PIJ]] : {{.*}}, out %[[MIJ]] : {{.*}}, out %[[LIJ]] : {{.*}}) scalars(%[[SCALE]], %{{.*}} : f32, i64)
//       CHECK:         orch.submit aic(aic = @pv_matmul) blocks(4) args(in %[[PIJ]] : {{.*}}, in %[[VC]] : {{.*}}, in %[[BTJ]] : {{.*}}, in %[[LENS]] : {{.*}}, out %[[OIJ]] : {{.*}}) scalars(%{{.*}} : i64)
//       CHECK:         orch.submit mix(aiv0 = @online_update, aiv1 = @online_update) blocks(4) args(in %[[MIJ]] : {{.*}}, in %[[LIJ]] : {{.*}}, in %[[OIJ]] : {{.*}}, in %[[LENS]] : {{.*}}, inout %[[MI]] : {{.*}}, inout %[[LI]] : {{.*}}, inout %[[OI]] : {{.*}}, inout %[[OUT]] : {{.*}}) scalars(%{{.*}}, %{{.*}}, %{{.*}} : i64, i64, i64)
func.func @paged_attention_spmd() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c127 = arith.constant 127 : index
  %c128 = arith.constant 128 : index
  %num_blocks = orch.arg_dim 1, 0
  %max_blocks = orch.arg_dim 3, 1
  // query and out as [batch * heads, head_dim]; caches as [blocks, block_size, head_dim].
  %q = orch.external 0 : !orch.tensor<64x128xbf16>
  %kc = orch.external 1 (%num_blocks) : !orch.tensor<?x128x128xbf16>
  %vc = orch.external 2 (%num_blocks) : !orch.tensor<?x128x128xbf16>
  %bt = orch.external 3 (%max_blocks) : !orch.tensor<4x?xi32>
  %lens = orch.external 4 : !orch.tensor<4xi32>
  %out = orch.external 5 : !orch.tensor<64x128xf32>
  %scale = orch.arg_scalar 0 : f32
  // KV iterations: the longest context, in blocks. External tensors are read
  // without waiting.
  %max_len = scf.for %b = %c0 to %c4 step %c1 iter_args(%m = %c0) -> (index) {
    %len = orch.read %lens[%b] : !orch.tensor<4xi32>
    %len_idx = arith.index_cast %len : i32 to index
    %next = arith.maxsi %m, %len_idx : index
    scf.yield %next : index
  }
  %padded = arith.addi %max_len, %c127 : index
  %kv_iters = arith.divui %padded, %c128 : index
  %last = arith.subi %kv_iters, %c1 : index
  orch.scope ring <task_slots = 1, heap_bytes = 34816, dep_entries = 1> {
    // Accumulators m, l (per block, per lane, 16 padded rows) and o.
    %mi, %li, %oi = orch.alloc : !orch.tensor<4x2x16xf32>, !orch.tensor<4x2x16xf32>,
                                 !orch.tensor<64x128xf32>
    scf.for %j = %c0 to %kv_iters step %c1 {
      // Fresh intermediates per iteration: a buffer is never rewritten while
      // a reader of the previous iteration may still be pending (WAR).
      orch.scope ring <task_slots = 5, heap_bytes = 83968, dep_entries = 9> {
        %sij, %pij, %mij, %lij, %oij = orch.alloc
            : !orch.tensor<64x128xf32>, !orch.tensor<64x128xbf16>, !orch.tensor<4x2x16xf32>,
              !orch.tensor<4x2x16xf32>, !orch.tensor<64x128xf32>
        %btj = orch.view %bt[0, %j] [4, 1] : !orch.tensor<4x?xi32> -> !orch.tensor<4x1xi32>
        %j64 = arith.index_cast %j : index to i64
        %first = arith.cmpi eq, %j, %c0 : index
        %is_first = arith.extui %first : i1 to i64
        %final = arith.cmpi eq, %j, %last : index
        %is_last = arith.extui %final : i1 to i64
        orch.submit aic(aic = @qk_matmul) blocks(4)
            args(in %q : !orch.tensor<64x128xbf16>, in %kc : !orch.tensor<?x128x128xbf16>,
                 in %btj : !orch.tensor<4x1xi32>, in %lens : !orch.tensor<4xi32>,
                 out %sij : !orch.tensor<64x128xf32>)
            scalars(%j64 : i64)
        orch.submit mix(aiv0 = @softmax_prepare, aiv1 = @softmax_prepare) blocks(4)
            args(in %sij : !orch.tensor<64x128xf32>, in %lens : !orch.tensor<4xi32>,
                 out %pij : !orch.tensor<64x128xbf16>, out %mij : !orch.tensor<4x2x16xf32>,
                 out %lij : !orch.tensor<4x2x16xf32>)
            scalars(%scale, %j64 : f32, i64)
        orch.submit aic(aic = @pv_matmul) blocks(4)
            args(in %pij : !orch.tensor<64x128xbf16>, in %vc : !orch.tensor<?x128x128xbf16>,
                 in %btj : !orch.tensor<4x1xi32>, in %lens : !orch.tensor<4xi32>,
                 out %oij : !orch.tensor<64x128xf32>)
            scalars(%j64 : i64)
        orch.submit mix(aiv0 = @online_update, aiv1 = @online_update) blocks(4)
            args(in %mij : !orch.tensor<4x2x16xf32>, in %lij : !orch.tensor<4x2x16xf32>,
                 in %oij : !orch.tensor<64x128xf32>, in %lens : !orch.tensor<4xi32>,
                 inout %mi : !orch.tensor<4x2x16xf32>, inout %li : !orch.tensor<4x2x16xf32>,
                 inout %oi : !orch.tensor<64x128xf32>, inout %out : !orch.tensor<64x128xf32>)
            scalars(%j64, %is_first, %is_last : i64, i64, i64)
      }
    }
  }
  return
}
