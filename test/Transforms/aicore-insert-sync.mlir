// RUN: ptoattn-opt %s -split-input-file -aicore-insert-sync -verify-diagnostics | FileCheck %s
// The checker accepts every kernel the pass produces.
// RUN: ptoattn-opt %s -split-input-file -aicore-insert-sync -aicore-verify-sync -verify-diagnostics | FileCheck %s
//
// Tiles carry hand-assigned offsets (what aicore-plan-memory would give them): dependencies are
// computed on byte ranges of each buffer.

// The cube chain MTE2 -> MTE1 -> M -> FIX: each consumer waits for the latest producer it
// depends on; the two loads overlap with each other, then FIX is drained by pipe_sync.
// CHECK-LABEL: func.func @cube_chain()
//       CHECK:   aicore.tload {{.*}} outs(%[[QM:.*]] :
//  CHECK-NEXT:   aicore.set_flag mte2 -> mte1, event0
//  CHECK-NEXT:   aicore.tload {{.*}} outs(%[[KM:.*]] :
//  CHECK-NEXT:   aicore.set_flag mte2 -> mte1, event1
//  CHECK-NEXT:   aicore.wait_flag mte2 -> mte1, event0
//  CHECK-NEXT:   aicore.tmov ins(%[[QM]]
//  CHECK-NEXT:   aicore.wait_flag mte2 -> mte1, event1
//  CHECK-NEXT:   aicore.tmov ins(%[[KM]]
//  CHECK-NEXT:   aicore.set_flag mte1 -> m, event0
//  CHECK-NEXT:   aicore.wait_flag mte1 -> m, event0
//  CHECK-NEXT:   aicore.tmatmul
//  CHECK-NEXT:   aicore.set_flag m -> fix, event0
//  CHECK-NEXT:   aicore.wait_flag m -> fix, event0
//  CHECK-NEXT:   aicore.tstore
//  CHECK-NEXT:   aicore.pipe_sync
//  CHECK-NEXT:   return
func.func @cube_chain() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  %c0 = arith.constant 0 : index
  %qp = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %kp = aicore.tensor_ptr 1 : !aicore.gm_ptr<bf16>
  %sp = aicore.tensor_ptr 2 : !aicore.gm_ptr<f32>
  %q = aicore.gm_view %qp[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
  %kt = aicore.gm_view %kp[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, layout = dn>
  %s = aicore.gm_view %sp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
  %qm = aicore.tile offset 0 : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
  %km = aicore.tile offset 4096 : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
  %ql = aicore.tile offset 0 : !aicore.tile<left, 16x128xbf16>
  %kr = aicore.tile offset 0 : !aicore.tile<right, 128x128xbf16>
  %acc = aicore.tile offset 0 : !aicore.tile<acc, 16x128xf32>
  aicore.tload ins(%q : !aicore.gm<1x1x1x16x128xbf16>)
               outs(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
  aicore.tload ins(%kt : !aicore.gm<1x1x1x128x128xbf16, layout = dn>)
               outs(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
  aicore.tmov ins(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
              outs(%ql : !aicore.tile<left, 16x128xbf16>)
  aicore.tmov ins(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
              outs(%kr : !aicore.tile<right, 128x128xbf16>)
  aicore.tmatmul ins(%ql, %kr : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>)
                 outs(%acc : !aicore.tile<acc, 16x128xf32>)
  aicore.tstore ins(%acc : !aicore.tile<acc, 16x128xf32>) outs(%s : !aicore.gm<1x1x1x16x128xf32>)
  return
}

// -----

// MTE2 -> V -> MTE3. Dependent V instructions get a barrier, independent ones (the two
// reads of %s, the scale on disjoint bytes) none; one set/wait pair covers every V consumer
// of the load, and each store waits for the V instruction that produced its tile.
// CHECK-LABEL: func.func @vector_chain(
//       CHECK:   aicore.tload
//  CHECK-NEXT:   aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.tmuls ins(%[[S:[^,]*]],
//  CHECK-NEXT:   aicore.texpands
//  CHECK-NEXT:   aicore.pipe_barrier v
//  CHECK-NEXT:   aicore.trowmax
//  CHECK-NEXT:   aicore.set_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.pipe_barrier v
//  CHECK-NEXT:   aicore.trowexpandsub
//  CHECK-NEXT:   aicore.set_flag v -> mte3, event1
//  CHECK-NEXT:   aicore.wait_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.tstore ins(%[[M:.*]] :
//  CHECK-NEXT:   aicore.wait_flag v -> mte3, event1
//  CHECK-NEXT:   aicore.tstore ins(%[[S]] :
//  CHECK-NEXT:   aicore.pipe_sync
func.func @vector_chain(%scale: f32) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %sp = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %mp = aicore.tensor_ptr 1 : !aicore.gm_ptr<f32>
  %sg = aicore.gm_view %sp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x128xf32>
  %mg = aicore.gm_view %mp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
  %s = aicore.tile offset 0 : !aicore.tile<vec, 8x128xf32>
  %tmp = aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
  %m = aicore.tile offset 8192 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
  aicore.tload ins(%sg : !aicore.gm<1x1x1x8x128xf32>) outs(%s : !aicore.tile<vec, 8x128xf32>)
  aicore.tmuls ins(%s, %scale : !aicore.tile<vec, 8x128xf32>, f32) outs(%s : !aicore.tile<vec, 8x128xf32>)
  aicore.texpands ins(%zero : f32) outs(%tmp : !aicore.tile<vec, 8x128xf32>)
  aicore.trowmax ins(%s : !aicore.tile<vec, 8x128xf32>) outs(%m : !aicore.tile<vec, 8x1xf32, blayout = col_major>)
                 tmp(%tmp : !aicore.tile<vec, 8x128xf32>)
  aicore.trowexpandsub ins(%s, %m : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>)
                       outs(%s : !aicore.tile<vec, 8x128xf32>)
  aicore.tstore ins(%m : !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%mg : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
  aicore.tstore ins(%s : !aicore.tile<vec, 8x128xf32>) outs(%sg : !aicore.gm<1x1x1x8x128xf32>)
  return
}

// -----

// Memory planning put %b on %a's bytes: loading %b must wait until the V instruction that
// reads %a is done (write after read), although the two are different SSA values.
// CHECK-LABEL: func.func @war_from_byte_reuse()
//       CHECK:   aicore.tload {{.*}} outs(%[[A:.*]] :
//  CHECK-NEXT:   aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.texp ins(%[[A]]
//  CHECK-NEXT:   aicore.set_flag v -> mte2, event0
//  CHECK-NEXT:   aicore.wait_flag v -> mte2, event0
//  CHECK-NEXT:   aicore.tload {{.*}} outs(%[[B:.*]] :
//  CHECK-NEXT:   aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.pipe_barrier v
//  CHECK-NEXT:   aicore.tadd ins(%[[B]]
func.func @war_from_byte_reuse() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %c = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%c : !aicore.tile<vec, 8x64xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  aicore.tadd ins(%b, %c : !aicore.tile<vec, 8x64xf32>, !aicore.tile<vec, 8x64xf32>)
              outs(%c : !aicore.tile<vec, 8x64xf32>)
  return
}

// -----

// Flags never cross a region boundary: a region op is one instruction on all its pipes for the
// enclosing block (waits before it, sets after it), and its body is synchronised on its own.
// The store after the scf.if waits for both the V and the MTE2 writes of %b inside it.
// CHECK-LABEL: func.func @scf_if_bodies(
//       CHECK:   aicore.tload
//  CHECK-NEXT:   aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:   aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:   scf.if
//  CHECK-NEXT:     aicore.texp
//  CHECK-NEXT:     aicore.pipe_barrier v
//  CHECK-NEXT:     scf.if
//  CHECK-NEXT:       aicore.tmuls
//  CHECK-NEXT:     }
//  CHECK-NEXT:   } else {
//  CHECK-NEXT:     aicore.tload
//  CHECK-NEXT:     aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:     aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:     aicore.texp
//  CHECK-NEXT:   }
//  CHECK-NEXT:   aicore.set_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.set_flag mte2 -> mte3, event0
//  CHECK-NEXT:   aicore.wait_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.wait_flag mte2 -> mte3, event0
//  CHECK-NEXT:   aicore.tstore
//  CHECK-NEXT:   aicore.pipe_sync
func.func @scf_if_bodies(%c1: i1, %c2: i1, %x: f32) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  scf.if %c1 {
    aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
    scf.if %c2 {
      aicore.tmuls ins(%b, %x : !aicore.tile<vec, 8x64xf32>, f32) outs(%b : !aicore.tile<vec, 8x64xf32>)
    }
  } else {
    aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
    aicore.texp ins(%b : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  }
  aicore.tstore ins(%b : !aicore.tile<vec, 8x64xf32>) outs(%g : !aicore.gm<1x1x1x8x64xf32>)
  return
}

// -----

// The next iteration's load overwrites what this iteration's V instruction reads: ordered at the
// end of the body, so no flag crosses the back edge.
// CHECK-LABEL: func.func @scf_for_loop_carried(
//       CHECK:   scf.for
//  CHECK-NEXT:     aicore.tload
//  CHECK-NEXT:     aicore.set_flag mte2 -> v, event0
//  CHECK-NEXT:     aicore.wait_flag mte2 -> v, event0
//  CHECK-NEXT:     aicore.tadd
//  CHECK-NEXT:     aicore.set_flag v -> mte2, event0
//  CHECK-NEXT:     aicore.wait_flag v -> mte2, event0
//  CHECK-NEXT:     aicore.pipe_barrier v
//  CHECK-NEXT:   }
//  CHECK-NEXT:   aicore.set_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.wait_flag v -> mte3, event0
//  CHECK-NEXT:   aicore.tstore
func.func @scf_for_loop_carried(%n: index) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %sum = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  scf.for %i = %c0 to %n step %c1 {
    aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
    aicore.tadd ins(%a, %sum : !aicore.tile<vec, 8x64xf32>, !aicore.tile<vec, 8x64xf32>)
                outs(%sum : !aicore.tile<vec, 8x64xf32>)
  }
  aicore.tstore ins(%sum : !aicore.tile<vec, 8x64xf32>) outs(%g : !aicore.gm<1x1x1x8x64xf32>)
  return
}

// -----

// A real kernel: the MQA online-update stage (one AIV lane, spmd strategy) as attn-orchestrate
// emits it, with the offsets aicore-plan-memory gives it. Nested scf.if, aliases through
// treshape/tile_alias, stores on some paths only; the pipe_sync ends every path.
// CHECK-LABEL: func.func @mqa_online_update()
//       CHECK:   scf.if
//       CHECK:   aicore.tload
//       CHECK:   aicore.tload
//       CHECK:   aicore.tload
//       CHECK:   scf.if
//       CHECK:   aicore.texpands
//       CHECK:   aicore.texpands
//       CHECK:   aicore.texpands
//       CHECK:   } else {
//       CHECK:   aicore.tload
//       CHECK:   aicore.tload
//       CHECK:   aicore.tload
//       CHECK:   aicore.set_flag mte2 -> v, event0
//       CHECK:   aicore.set_flag mte2 -> mte3, event0
//       CHECK:   aicore.wait_flag mte2 -> v, event0
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.tmax
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.tsub
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.texp
//       CHECK:   aicore.tsub
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.texp
//       CHECK:   aicore.tmul
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.tmul
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.tadd
//       CHECK:   aicore.trowexpandmul
//       CHECK:   aicore.trowexpandmul
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.tadd
//       CHECK:   aicore.set_flag v -> mte3, event0
//       CHECK:   aicore.wait_flag v -> mte3, event0
//       CHECK:   aicore.wait_flag mte2 -> mte3, event0
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   scf.if
//       CHECK:   aicore.trowexpanddiv
//       CHECK:   aicore.set_flag v -> mte3, event0
//       CHECK:   aicore.wait_flag v -> mte3, event0
//       CHECK:   scf.if
//       CHECK:   aicore.tstore
//       CHECK:   } else {
//       CHECK:   aicore.tstore
//       CHECK:   aicore.tstore
//       CHECK:   aicore.tstore
//       CHECK:   } else {
//       CHECK:   scf.if
//       CHECK:   aicore.texpands
//       CHECK:   aicore.set_flag v -> mte3, event0
//       CHECK:   aicore.wait_flag v -> mte3, event0
//       CHECK:   scf.if
//       CHECK:   aicore.tstore
//       CHECK:   aicore.pipe_sync
//       CHECK:   return
func.func @mqa_online_update() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2>} {
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
  %vec = aicore.tile offset 0 : !aicore.tile<vec, 8x128xf32>
  %21 = arith.cmpi slt, %1, %5 : index
  scf.if %21 {
    %vec_1 = aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
    %vec_2 = aicore.tile offset 8192 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_3 = aicore.tile offset 8224 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_4 = aicore.tile offset 8256 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_5 = aicore.tile offset 8288 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_6 = aicore.tile offset 8320 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_7 = aicore.tile offset 8352 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %vec_8 = aicore.tile offset 8384 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
    %22 = aicore.treshape %vec_2 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %23 = aicore.treshape %vec_3 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %24 = aicore.treshape %vec_4 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %25 = aicore.treshape %vec_5 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %26 = aicore.treshape %vec_6 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %27 = aicore.treshape %vec_7 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %28 = aicore.treshape %vec_8 : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
    %vec_9 = aicore.tile offset 8416 : !aicore.tile<vec, 1x8xf32>
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

// -----

// Nine loads each consumed in order by its own V instruction would keep nine mte2 -> v flags
// set at once; a pipe pair has eight event ids.
func.func @event_id_exhaustion() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x1x8xf32>
  %t0 = aicore.tile offset 0 : !aicore.tile<vec, 1x8xf32>
  %t1 = aicore.tile offset 32 : !aicore.tile<vec, 1x8xf32>
  %t2 = aicore.tile offset 64 : !aicore.tile<vec, 1x8xf32>
  %t3 = aicore.tile offset 96 : !aicore.tile<vec, 1x8xf32>
  %t4 = aicore.tile offset 128 : !aicore.tile<vec, 1x8xf32>
  %t5 = aicore.tile offset 160 : !aicore.tile<vec, 1x8xf32>
  %t6 = aicore.tile offset 192 : !aicore.tile<vec, 1x8xf32>
  %t7 = aicore.tile offset 224 : !aicore.tile<vec, 1x8xf32>
  %t8 = aicore.tile offset 256 : !aicore.tile<vec, 1x8xf32>
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t0 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t1 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t2 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t3 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t4 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t5 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t6 : !aicore.tile<vec, 1x8xf32>)
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t7 : !aicore.tile<vec, 1x8xf32>)
  // expected-error@+1 {{event-id exhaustion: more than 8 flags mte2 -> v would be live at once}}
  aicore.tload ins(%g : !aicore.gm<1x1x1x1x8xf32>) outs(%t8 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t0 : !aicore.tile<vec, 1x8xf32>) outs(%t0 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t1 : !aicore.tile<vec, 1x8xf32>) outs(%t1 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t2 : !aicore.tile<vec, 1x8xf32>) outs(%t2 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t3 : !aicore.tile<vec, 1x8xf32>) outs(%t3 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t4 : !aicore.tile<vec, 1x8xf32>) outs(%t4 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t5 : !aicore.tile<vec, 1x8xf32>) outs(%t5 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t6 : !aicore.tile<vec, 1x8xf32>) outs(%t6 : !aicore.tile<vec, 1x8xf32>)
  aicore.texp ins(%t7 : !aicore.tile<vec, 1x8xf32>) outs(%t7 : !aicore.tile<vec, 1x8xf32>)
  // expected-note@+1 {{this flag's wait_flag}}
  aicore.texp ins(%t8 : !aicore.tile<vec, 1x8xf32>) outs(%t8 : !aicore.tile<vec, 1x8xf32>)
  return
}

// -----

// Region ops other than scf.if / scf.for are not followed.
func.func @unsupported_region() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  // expected-error@+1 {{'scf.execute_region' op contains tile instructions; aicore-insert-sync handles only scf.if and scf.for regions}}
  scf.execute_region {
    aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
    scf.yield
  }
  return
}

// -----

func.func private @opaque(!aicore.tile<vec, 8x64xf32>)

// A tile handed to an op of no known pipe cannot be ordered.
func.func @unknown_pipe() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  // expected-error@+1 {{'func.call' op touches on-chip tiles but runs on no known pipe}}
  func.call @opaque(%a) : (!aicore.tile<vec, 8x64xf32>) -> ()
  return
}

// -----

// Flags stay within one block, so an unstructured body is rejected.
// expected-error@+1 {{'func.func' op aicore-insert-sync expects a kernel body of one block (structured control flow)}}
func.func @unstructured_body() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  return
^bb1:
  return
}

// -----

// A kernel that is already synchronised is left unchanged, so the pass is idempotent.
// CHECK-LABEL: func.func @already_synchronised()
//       CHECK:   aicore.tload
//  CHECK-NEXT:   aicore.pipe_sync
//  CHECK-NEXT:   return
func.func @already_synchronised() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.pipe_sync
  return
}

// -----

// Functions without aicore operations (the orchestration) are not kernels.
// CHECK-LABEL: func.func @not_a_kernel(
//   CHECK-NOT:   aicore.pipe_sync
//       CHECK:   return
func.func @not_a_kernel(%x: index) -> index {
  %y = arith.addi %x, %x : index
  return %y : index
}
