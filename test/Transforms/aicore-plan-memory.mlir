// RUN: ptoattn-opt %s -split-input-file -aicore-plan-memory -verify-diagnostics | FileCheck %s
// Idempotent: a second run keeps every offset and recomputes the same peaks.
// RUN: ptoattn-opt %s -split-input-file -aicore-plan-memory -aicore-plan-memory -verify-diagnostics | FileCheck %s
// record-overflow (attn-check-target's footprints): a kernel that does not fit records its
// high-water marks and gets no offsets, with no error (other cases here still fail).
// RUN: not ptoattn-opt %s -split-input-file -aicore-plan-memory=record-overflow 2>/dev/null | FileCheck %s --check-prefix=RECORD
// RECORD-LABEL: func.func @ub_overflow() attributes {aicore.kernel = #aicore.kernel<core = aiv>, aicore.memory = {UB = 196864 : i64}}
//   RECORD-NOT:   offset
//       RECORD:   return
//
// Offsets are bytes in the tile's buffer (mat: L1, left: L0A, right: L0B, acc: L0C, vec: UB),
// 32-byte aligned. `aicore.memory` is each buffer's high-water mark.

// Tiles live at the same time are packed one after another, each aligned.
// CHECK-LABEL: func.func @pack_vector_tiles()
//  CHECK-SAME:   aicore.memory = {UB = 10784 : i64}
//       CHECK:   aicore.tile offset 0 : !aicore.tile<vec, 16x8xf32>
//       CHECK:   aicore.tile offset 512 : !aicore.tile<vec, 1x8xf32>
//       CHECK:   aicore.tile offset 544 : !aicore.tile<vec, 16x128xf32>
//       CHECK:   aicore.tile offset 8736 : !aicore.tile<vec, 8x128xbf16>
func.func @pack_vector_tiles() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %cst = arith.constant 0.0 : bf16
  %a = aicore.tile : !aicore.tile<vec, 16x8xf32>
  %b = aicore.tile : !aicore.tile<vec, 1x8xf32>
  %c = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %d = aicore.tile : !aicore.tile<vec, 8x128xbf16>
  aicore.texp ins(%a : !aicore.tile<vec, 16x8xf32>) outs(%a : !aicore.tile<vec, 16x8xf32>)
  aicore.texp ins(%b : !aicore.tile<vec, 1x8xf32>) outs(%b : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%c : !aicore.tile<vec, 16x128xf32>) outs(%c : !aicore.tile<vec, 16x128xf32>)
  aicore.texpands ins(%cst : bf16) outs(%d : !aicore.tile<vec, 8x128xbf16>)
  return
}

// -----

// Each cube location is its own buffer, each starting at 0.
// CHECK-LABEL: func.func @pack_cube_buffers()
//  CHECK-SAME:   aicore.memory = {L0A = 4096 : i64, L0B = 32768 : i64, L0C = 8192 : i64, L1 = 36864 : i64}
//       CHECK:   aicore.tile offset 0 : !aicore.tile<mat, 16x128xbf16
//       CHECK:   aicore.tile offset 4096 : !aicore.tile<mat, 128x128xbf16
//       CHECK:   aicore.tile offset 0 : !aicore.tile<left, 16x128xbf16>
//       CHECK:   aicore.tile offset 0 : !aicore.tile<right, 128x128xbf16>
//       CHECK:   aicore.tile offset 0 : !aicore.tile<acc, 16x128xf32>
func.func @pack_cube_buffers() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  %cst = arith.constant 0.0 : bf16
  %qm = aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
  %km = aicore.tile : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
  %l = aicore.tile : !aicore.tile<left, 16x128xbf16>
  %r = aicore.tile : !aicore.tile<right, 128x128xbf16>
  %acc = aicore.tile : !aicore.tile<acc, 16x128xf32>
  aicore.texpands ins(%cst : bf16) outs(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
  aicore.texpands ins(%cst : bf16) outs(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
  aicore.tmov ins(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>) outs(%l : !aicore.tile<left, 16x128xbf16>)
  aicore.tmov ins(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>) outs(%r : !aicore.tile<right, 128x128xbf16>)
  aicore.tmatmul ins(%l, %r : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%acc : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

// %a is dead when %b is declared, so %b takes its bytes; %c overlaps %b and does not.
// CHECK-LABEL: func.func @reuse_disjoint_live_ranges()
//  CHECK-SAME:   aicore.memory = {UB = 16384 : i64}
//       CHECK:   %[[A:.*]] = aicore.tile offset 0 :
//       CHECK:   aicore.texp ins(%[[A]]
//       CHECK:   %[[B:.*]] = aicore.tile offset 0 :
//       CHECK:   %[[C:.*]] = aicore.tile offset 8192 :
//       CHECK:   aicore.tadd ins(%[[B]], %[[C]]
func.func @reuse_disjoint_live_ranges() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile : !aicore.tile<vec, 16x128xf32>
  aicore.texp ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%a : !aicore.tile<vec, 16x128xf32>)
  %b = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %c = aicore.tile : !aicore.tile<vec, 16x128xf32>
  aicore.tadd ins(%b, %c : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

// A use of a tile_alias is a use of its source: %a stays live until %v's last use, so
// %b cannot take its bytes; %c, declared after, can. The alias itself gets no offset.
// CHECK-LABEL: func.func @alias_keeps_source_alive
//  CHECK-SAME:   aicore.memory = {UB = 8192 : i64}
//       CHECK:   %[[A:.*]] = aicore.tile offset 0 :
//       CHECK:   aicore.tile_alias %[[A]] valid(%{{.*}}) :
//       CHECK:   aicore.tile offset 4096 :
//       CHECK:   aicore.tile offset 0 :
func.func @alias_keeps_source_alive(%n: index) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %v = aicore.tile_alias %a valid(%n) : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
  %b = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%b : !aicore.tile<vec, 8x128xf32>) outs(%b : !aicore.tile<vec, 8x128xf32>)
  aicore.texp ins(%v : !aicore.tile<vec, 8x128xf32, valid = [?, 128]>) outs(%v : !aicore.tile<vec, 8x128xf32, valid = [?, 128]>)
  %c = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%c : !aicore.tile<vec, 8x128xf32>) outs(%c : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// The same for treshape, whose result is used inside a nested region.
// CHECK-LABEL: func.func @treshape_keeps_source_alive
//  CHECK-SAME:   aicore.memory = {UB = 64 : i64}
//       CHECK:   %[[M:.*]] = aicore.tile offset 0 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//       CHECK:   aicore.treshape %[[M]] :
//       CHECK:   aicore.tile offset 32 : !aicore.tile<vec, 1x8xf32>
//       CHECK:   scf.if
//       CHECK:   aicore.tile offset 0 : !aicore.tile<vec, 1x8xf32>
func.func @treshape_keeps_source_alive(%cond: i1) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %m = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
  %row = aicore.treshape %m : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
  %x = aicore.tile : !aicore.tile<vec, 1x8xf32>
  aicore.texp ins(%x : !aicore.tile<vec, 1x8xf32>) outs(%x : !aicore.tile<vec, 1x8xf32>)
  scf.if %cond {
    aicore.texp ins(%row : !aicore.tile<vec, 1x8xf32>) outs(%row : !aicore.tile<vec, 1x8xf32>)
  }
  %y = aicore.tile : !aicore.tile<vec, 1x8xf32>
  aicore.texp ins(%y : !aicore.tile<vec, 1x8xf32>) outs(%y : !aicore.tile<vec, 1x8xf32>)
  return
}

// -----

// %o is used in the then-branch, so it is live over the whole scf.if. Tiles declared in
// the two branches never coexist and share bytes, and also take the bytes of %early,
// dead before the scf.if; %after reuses %o's bytes once the scf.if is over.
// CHECK-LABEL: func.func @tiles_in_scf_if
//  CHECK-SAME:   aicore.memory = {UB = 12288 : i64}
//       CHECK:   aicore.tile offset 0 : !aicore.tile<vec, 16x128xf32>
//       CHECK:   aicore.tile offset 8192 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   scf.if
//       CHECK:     aicore.tile offset 8192 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   } else {
//       CHECK:     aicore.tile offset 8192 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   }
//       CHECK:   aicore.tile offset 0 : !aicore.tile<vec, 16x128xf32>
func.func @tiles_in_scf_if(%cond: i1) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %o = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %early = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%early : !aicore.tile<vec, 8x128xf32>) outs(%early : !aicore.tile<vec, 8x128xf32>)
  scf.if %cond {
    %t = aicore.tile : !aicore.tile<vec, 8x128xf32>
    aicore.texp ins(%t : !aicore.tile<vec, 8x128xf32>) outs(%t : !aicore.tile<vec, 8x128xf32>)
    aicore.texp ins(%o : !aicore.tile<vec, 16x128xf32>) outs(%o : !aicore.tile<vec, 16x128xf32>)
  } else {
    %e = aicore.tile : !aicore.tile<vec, 8x128xf32>
    aicore.texp ins(%e : !aicore.tile<vec, 8x128xf32>) outs(%e : !aicore.tile<vec, 8x128xf32>)
  }
  %after = aicore.tile : !aicore.tile<vec, 16x128xf32>
  aicore.texp ins(%after : !aicore.tile<vec, 16x128xf32>) outs(%after : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

// A tile used in a loop body stays live over every iteration: %b, declared in the body
// after the use of %a, must not take %a's bytes. %c after the loop may.
// CHECK-LABEL: func.func @tile_used_in_loop
//  CHECK-SAME:   aicore.memory = {UB = 8192 : i64}
//       CHECK:   aicore.tile offset 0 :
//       CHECK:   scf.for
//       CHECK:     aicore.tile offset 4096 :
//       CHECK:   }
//       CHECK:   aicore.tile offset 0 :
func.func @tile_used_in_loop(%n: index) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = aicore.tile : !aicore.tile<vec, 8x128xf32>
  scf.for %i = %c0 to %n step %c1 {
    aicore.texp ins(%a : !aicore.tile<vec, 8x128xf32>) outs(%a : !aicore.tile<vec, 8x128xf32>)
    %b = aicore.tile : !aicore.tile<vec, 8x128xf32>
    aicore.texp ins(%b : !aicore.tile<vec, 8x128xf32>) outs(%b : !aicore.tile<vec, 8x128xf32>)
  }
  %c = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%c : !aicore.tile<vec, 8x128xf32>) outs(%c : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// Offsets already present are kept; free tiles are placed around them, and the peak
// counts them.
// CHECK-LABEL: func.func @preassigned_offsets_kept()
//  CHECK-SAME:   aicore.memory = {UB = 65568 : i64}
//       CHECK:   aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   aicore.tile offset 0 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   aicore.tile offset 8192 : !aicore.tile<vec, 16x128xf32>
//       CHECK:   aicore.tile offset 65536 : !aicore.tile<vec, 1x8xf32>
//       CHECK:   aicore.tile offset 16384 : !aicore.tile<vec, 8x128xf32>
func.func @preassigned_offsets_kept() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
  %b = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %c = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %d = aicore.tile offset 65536 : !aicore.tile<vec, 1x8xf32>
  %e = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%a : !aicore.tile<vec, 8x128xf32>) outs(%a : !aicore.tile<vec, 8x128xf32>)
  aicore.texp ins(%b : !aicore.tile<vec, 8x128xf32>) outs(%b : !aicore.tile<vec, 8x128xf32>)
  aicore.texp ins(%c : !aicore.tile<vec, 16x128xf32>) outs(%c : !aicore.tile<vec, 16x128xf32>)
  aicore.texp ins(%d : !aicore.tile<vec, 1x8xf32>) outs(%d : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%e : !aicore.tile<vec, 8x128xf32>) outs(%e : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// Functions without #aicore.kernel are not kernels: no offsets, no attribute.
// CHECK-LABEL: func.func @do_not_plan_non_kernel() {
//       CHECK:   aicore.tile : !aicore.tile<vec, 8x128xf32>
func.func @do_not_plan_non_kernel() {
  %a = aicore.tile : !aicore.tile<vec, 8x128xf32>
  aicore.texp ins(%a : !aicore.tile<vec, 8x128xf32>) outs(%a : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// Three 64 KB tiles and a small one are live at once: more than the 184 KB of UB below
// the scratch. %early is dead by then and not listed.
// expected-error @below {{kernel @ub_overflow needs 196864 bytes of UB at its peak but UB holds 188416 (tiles live at the peak: 64x256xf32: 65536, 64x256xf32: 65536, 64x256xf32: 65536, 8x8xf32: 256)}}
func.func @ub_overflow() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %early = aicore.tile : !aicore.tile<vec, 64x256xf32>
  aicore.texp ins(%early : !aicore.tile<vec, 64x256xf32>) outs(%early : !aicore.tile<vec, 64x256xf32>)
  %a = aicore.tile : !aicore.tile<vec, 64x256xf32>
  %s = aicore.tile : !aicore.tile<vec, 8x8xf32>
  %b = aicore.tile : !aicore.tile<vec, 64x256xf32>
  // expected-note @below {{the UB peak begins at this tile}}
  %c = aicore.tile : !aicore.tile<vec, 64x256xf32>
  aicore.texp ins(%a : !aicore.tile<vec, 64x256xf32>) outs(%a : !aicore.tile<vec, 64x256xf32>)
  aicore.texp ins(%s : !aicore.tile<vec, 8x8xf32>) outs(%s : !aicore.tile<vec, 8x8xf32>)
  aicore.texp ins(%b : !aicore.tile<vec, 64x256xf32>) outs(%b : !aicore.tile<vec, 64x256xf32>)
  aicore.texp ins(%c : !aicore.tile<vec, 64x256xf32>) outs(%c : !aicore.tile<vec, 64x256xf32>)
  return
}

// -----

// The live tiles fill L0A exactly, but a pre-assigned tile in the middle leaves no
// 32 KB hole for the other one: an error, never an overflow.
// expected-error @below {{kernel @l0a_fragmented needs 81920 bytes of L0A once packed (65536 live at its peak) but L0A holds 65536 (tiles live at the peak: 64x256xbf16: 32768, 64x256xbf16: 32768)}}
func.func @l0a_fragmented() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  %m = aicore.tile : !aicore.tile<mat, 64x256xbf16, blayout = col_major, slayout = row_major>
  %fixed = aicore.tile offset 16384 : !aicore.tile<left, 64x256xbf16>
  // expected-note @below {{the L0A peak begins at this tile}}
  %free = aicore.tile : !aicore.tile<left, 64x256xbf16>
  aicore.tmov ins(%m : !aicore.tile<mat, 64x256xbf16, blayout = col_major, slayout = row_major>) outs(%fixed : !aicore.tile<left, 64x256xbf16>)
  aicore.tmov ins(%m : !aicore.tile<mat, 64x256xbf16, blayout = col_major, slayout = row_major>) outs(%free : !aicore.tile<left, 64x256xbf16>)
  return
}

// -----

// A tile chosen at run time between two declarations has no single address.
func.func @do_not_plan_tile_through_region(%cond: i1) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %b = aicore.tile : !aicore.tile<vec, 8x128xf32>
  // expected-error @below {{produces a tile that is neither an aicore.tile declaration nor a view of one; aicore-plan-memory cannot place it}}
  %t = scf.if %cond -> (!aicore.tile<vec, 8x128xf32>) {
    scf.yield %a : !aicore.tile<vec, 8x128xf32>
  } else {
    scf.yield %b : !aicore.tile<vec, 8x128xf32>
  }
  aicore.texp ins(%t : !aicore.tile<vec, 8x128xf32>) outs(%t : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// A tile passed in as an argument has storage the kernel does not declare.
// expected-error @below {{has a tile block argument; aicore-plan-memory only places tiles declared by aicore.tile and their views}}
func.func @do_not_plan_tile_argument(%t: !aicore.tile<vec, 8x128xf32>) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  aicore.texp ins(%t : !aicore.tile<vec, 8x128xf32>) outs(%t : !aicore.tile<vec, 8x128xf32>)
  return
}

// -----

// A real kernel: the online-update kernel of the MQA reference configuration (16 heads on
// one KV head, head_dim 128, block 128, spmd), as attn-assign-cores emits it. %vec, the
// output accumulator, is declared before the scf.if and used in both branches, so it
// is live throughout; the then-branch tiles are declared together and used (partly
// through treshape views) after all of them, so they are all live at once. Every tile
// gets an offset.
// CHECK-LABEL: func.func @real_online_update_kernel()
//  CHECK-SAME:   aicore.memory = {UB = 8448 : i64}
//       CHECK:   %[[ACC:.*]] = aicore.tile offset 0 : !aicore.tile<vec, 8x128xf32>
//       CHECK:   scf.if
//  CHECK-NEXT:     aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
//  CHECK-NEXT:     aicore.tile offset 8192 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8224 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8256 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8288 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8320 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8352 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//  CHECK-NEXT:     aicore.tile offset 8384 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
//       CHECK:     aicore.tile offset 8416 : !aicore.tile<vec, 1x8xf32>
//       CHECK:     aicore.tile_alias %[[ACC]]
//       CHECK:     aicore.tile_alias %[[ACC]]
//   CHECK-NOT:   aicore.tile :
//       CHECK:   return
func.func @real_online_update_kernel() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "block_max" : f32>, #aicore.arg<in "block_sum" : f32>, #aicore.arg<in "block_out" : f32>, #aicore.arg<in "context_lens" : i32>, #aicore.arg<inout "acc_max" : f32>, #aicore.arg<inout "acc_sum" : f32>, #aicore.arg<inout "acc_out" : f32>, #aicore.arg<out "out" : f32>, #aicore.arg<scalar "kv_step" : i64>]>} {
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.000000e+00 : f32
  %cst_0 = arith.constant -1.000000e+30 : f32
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %c1 = arith.constant 1 : index
  %0 = aicore.scalar_arg 8 : i64
  %1 = arith.index_cast %0 : i64 to index
  %block_idx = aicore.get_block_idx
  %2 = aicore.tensor_ptr 3 : !aicore.gm_ptr<i32>
  %3 = aicore.load_scalar %2[%block_idx] : !aicore.gm_ptr<i32>
  %4 = arith.index_cast %3 : i32 to index
  %5 = arith.ceildivui %4, %c128 : index
  %6 = arith.muli %block_idx, %c2048 : index
  %sub_block_id = aicore.get_sub_block_id
  %7 = arith.muli %sub_block_id, %c8 : index
  %8 = arith.muli %block_idx, %c16 : index
  %9 = arith.addi %8, %7 : index
  %10 = arith.muli %block_idx, %c2 : index
  %11 = arith.addi %10, %sub_block_id : index
  %12 = arith.muli %11, %c16 : index
  %13 = arith.subi %c16, %7 : index
  %14 = arith.minsi %13, %c8 : index
  %15 = arith.maxsi %14, %c0 : index
  %16 = arith.muli %sub_block_id, %c1024 : index
  %17 = arith.addi %6, %16 : index
  %18 = aicore.tensor_ptr 7 : !aicore.gm_ptr<f32>
  %19 = aicore.gm_view %18[%17] sizes(%15) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x?x128xf32, stride = [2048, 2048, 2048, 128, 1]>
  %20 = arith.muli %9, %c128 : index
  %vec = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %21 = arith.cmpi slt, %1, %5 : index
  scf.if %21 {
    %vec_1 = aicore.tile : !aicore.tile<vec, 8x128xf32>
    %vec_2 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_3 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_4 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_5 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_6 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_7 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_8 = aicore.tile : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %22 = aicore.treshape %vec_2 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %23 = aicore.treshape %vec_3 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %24 = aicore.treshape %vec_4 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %25 = aicore.treshape %vec_5 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %26 = aicore.treshape %vec_6 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %27 = aicore.treshape %vec_7 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %28 = aicore.treshape %vec_8 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %vec_9 = aicore.tile : !aicore.tile<vec, 1x8xf32>
    %29 = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
    %30 = aicore.gm_view %29[%12] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
    aicore.tload ins(%30 : !aicore.gm<1x1x1x8x1xf32, layout = dn>) outs(%vec_2 : !aicore.tile<vec, 8x1xf32, blayout = col_major>)
    %31 = aicore.tensor_ptr 1 : !aicore.gm_ptr<f32>
    %32 = aicore.gm_view %31[%12] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
    aicore.tload ins(%32 : !aicore.gm<1x1x1x8x1xf32, layout = dn>) outs(%vec_3 : !aicore.tile<vec, 8x1xf32, blayout = col_major>)
    %33 = aicore.tensor_ptr 2 : !aicore.gm_ptr<f32>
    %34 = aicore.gm_view %33[%20] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x128xf32>
    aicore.tload ins(%34 : !aicore.gm<1x1x1x8x128xf32>) outs(%vec_1 : !aicore.tile<vec, 8x128xf32>)
    %35 = aicore.tensor_ptr 6 : !aicore.gm_ptr<f32>
    %36 = aicore.gm_view %35[%20] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x128xf32>
    %37 = aicore.tensor_ptr 4 : !aicore.gm_ptr<f32>
    %38 = aicore.gm_view %37[%12] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
    %39 = aicore.tensor_ptr 5 : !aicore.gm_ptr<f32>
    %40 = aicore.gm_view %39[%12] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
    %41 = arith.cmpi eq, %1, %c0 : index
    scf.if %41 {
      aicore.texpands ins(%cst_0 : f32) outs(%24 : !aicore.tile<vec, 1x8xf32>)
      aicore.texpands ins(%cst : f32) outs(%25 : !aicore.tile<vec, 1x8xf32>)
      aicore.texpands ins(%cst : f32) outs(%vec : !aicore.tile<vec, 8x128xf32>)
    } else {
      aicore.tload ins(%38 : !aicore.gm<1x1x1x8x1xf32, layout = dn>) outs(%vec_4 : !aicore.tile<vec, 8x1xf32, blayout = col_major>)
      aicore.tload ins(%40 : !aicore.gm<1x1x1x8x1xf32, layout = dn>) outs(%vec_5 : !aicore.tile<vec, 8x1xf32, blayout = col_major>)
      aicore.tload ins(%36 : !aicore.gm<1x1x1x8x128xf32>) outs(%vec : !aicore.tile<vec, 8x128xf32>)
    }
    aicore.tmax ins(%24, %22 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%26 : !aicore.tile<vec, 1x8xf32>)
    aicore.tsub ins(%24, %26 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%27 : !aicore.tile<vec, 1x8xf32>)
    aicore.texp ins(%27 : !aicore.tile<vec, 1x8xf32>) outs(%27 : !aicore.tile<vec, 1x8xf32>)
    aicore.tsub ins(%22, %26 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%28 : !aicore.tile<vec, 1x8xf32>)
    aicore.texp ins(%28 : !aicore.tile<vec, 1x8xf32>) outs(%28 : !aicore.tile<vec, 1x8xf32>)
    aicore.tmul ins(%27, %25 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%25 : !aicore.tile<vec, 1x8xf32>)
    aicore.tmul ins(%28, %23 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%vec_9 : !aicore.tile<vec, 1x8xf32>)
    aicore.tadd ins(%25, %vec_9 : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%25 : !aicore.tile<vec, 1x8xf32>)
    aicore.trowexpandmul ins(%vec, %vec_7 : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%vec : !aicore.tile<vec, 8x128xf32>)
    aicore.trowexpandmul ins(%vec_1, %vec_8 : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%vec_1 : !aicore.tile<vec, 8x128xf32>)
    aicore.tadd ins(%vec, %vec_1 : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x128xf32>) outs(%vec : !aicore.tile<vec, 8x128xf32>)
    %42 = arith.addi %1, %c1 : index
    %43 = arith.cmpi eq, %42, %5 : index
    scf.if %43 {
      aicore.trowexpanddiv ins(%vec, %vec_5 : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%vec : !aicore.tile<vec, 8x128xf32>)
      %44 = arith.cmpi sgt, %15, %c0 : index
      scf.if %44 {
        %45 = aicore.tile_alias %vec valid(%15) : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
        aicore.tstore ins(%45 : !aicore.tile<vec, 8x128xf32, valid = [?, 128]>) outs(%19 : !aicore.gm<1x1x1x?x128xf32, stride = [2048, 2048, 2048, 128, 1]>)
      }
    } else {
      aicore.tstore ins(%vec_6 : !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%38 : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
      aicore.tstore ins(%vec_5 : !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%40 : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
      aicore.tstore ins(%vec : !aicore.tile<vec, 8x128xf32>) outs(%36 : !aicore.gm<1x1x1x8x128xf32>)
    }
  } else {
    %22 = arith.cmpi eq, %1, %c0 : index
    %23 = arith.cmpi eq, %5, %c0 : index
    %24 = arith.andi %23, %22 : i1
    scf.if %24 {
      aicore.texpands ins(%cst : f32) outs(%vec : !aicore.tile<vec, 8x128xf32>)
      %25 = arith.cmpi sgt, %15, %c0 : index
      scf.if %25 {
        %26 = aicore.tile_alias %vec valid(%15) : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
        aicore.tstore ins(%26 : !aicore.tile<vec, 8x128xf32, valid = [?, 128]>) outs(%19 : !aicore.gm<1x1x1x?x128xf32, stride = [2048, 2048, 2048, 128, 1]>)
      }
    }
  }
  return
}
