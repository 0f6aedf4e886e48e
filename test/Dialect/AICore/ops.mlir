// RUN: ptoattn-opt %s -split-input-file | ptoattn-opt -split-input-file | FileCheck %s
// Generic form round trip: the custom printer and parser agree with the generic ones.
// RUN: ptoattn-opt %s -split-input-file -mlir-print-op-generic | ptoattn-opt -split-input-file | FileCheck %s

// Tile types print every parameter that differs from its location's default
// (ND for mat/vec, TileLeft/TileRight/TileAcc for the cube buffers) and nothing else.
// CHECK-LABEL: func.func @tile_types
//  CHECK-SAME:   %[[N:[^:]*]]: index
//       CHECK:   aicore.tile : !aicore.tile<vec, 16x128xf32>
//       CHECK:   aicore.tile valid(%[[N]]) offset 0 : !aicore.tile<vec, 16x128xf32, valid = [16, ?], pad = min>
//       CHECK:   aicore.tile valid(%[[N]], %[[N]]) : !aicore.tile<vec, 16x128xf32, valid = [?, ?]>
//       CHECK:   aicore.tile : !aicore.tile<vec, 16x1xf32, blayout = col_major>
//       CHECK:   aicore.tile : !aicore.tile<vec, 1x16xf32, valid = [1, 5]>
//       CHECK:   aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
//       CHECK:   aicore.tile offset 4096 : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
//       CHECK:   aicore.tile : !aicore.tile<left, 16x128xbf16>
//       CHECK:   aicore.tile : !aicore.tile<left, 16x128xbf16, blayout = col_major>
//       CHECK:   aicore.tile : !aicore.tile<right, 128x128xbf16>
//       CHECK:   aicore.tile : !aicore.tile<acc, 16x128xf32, valid = [5, 128]>
//       CHECK:   aicore.tile : !aicore.tile<vec, 8x64xi32, pad = zero>
//       CHECK:   aicore.tile : !aicore.tile<vec, 8x16xf16, pad = max>
func.func @tile_types(%n: index) {
  %0 = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %1 = aicore.tile valid(%n) offset 0 : !aicore.tile<vec, 16x128xf32, valid = [16, ?], pad = min>
  %2 = aicore.tile valid(%n, %n) : !aicore.tile<vec, 16x128xf32, valid = [?, ?]>
  // Per-row scalars as a DN column (8 rows x 4 bytes = 32 bytes).
  %3 = aicore.tile : !aicore.tile<vec, 16x1xf32, blayout = col_major>
  %4 = aicore.tile : !aicore.tile<vec, 1x16xf32, valid = [1, 5]>
  // NZ and ZN in L1.
  %5 = aicore.tile : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
  %6 = aicore.tile offset 4096 : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
  // Spelled-out defaults are dropped by the printer.
  %7 = aicore.tile : !aicore.tile<left, 16x128xbf16, blayout = row_major, slayout = row_major, fractal = 512>
  // TileLeft as the CPU-sim build of PTO-ISA lays it out (NZ).
  %8 = aicore.tile : !aicore.tile<left, 16x128xbf16, blayout = col_major>
  %9 = aicore.tile : !aicore.tile<right, 128x128xbf16>
  %10 = aicore.tile : !aicore.tile<acc, 16x128xf32, valid = [5, 128], pad = null>
  %11 = aicore.tile : !aicore.tile<vec, 8x64xi32, pad = zero>
  %12 = aicore.tile : !aicore.tile<vec, 8x16xf16, pad = max>
  return
}

// -----

// GM views leave out packed strides and the default nd layout.
// CHECK-LABEL: func.func @gm_views
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, layout = dn>
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, stride = [16384, 16384, 16384, 1, 256], layout = dn>
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] sizes(%[[N:.*]]) strides(%[[N]]) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x?xf32, stride = [2048, 2048, 2048, ?, 1]>
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] sizes(%[[N]]) : !aicore.gm_ptr<f32> -> !aicore.gm<?x1x1x16x128xf32>
//       CHECK:   aicore.gm_view %{{.*}}[%{{.*}}] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x8x1x16x16xbf16, stride = [2048, 256, 256, 16, 1], layout = nz>
func.func @gm_views(%n: index) {
  %c0 = arith.constant 0 : index
  %pb = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %pf = aicore.tensor_ptr 1 : !aicore.gm_ptr<f32>
  // An explicit packed stride is the same type as the implied one.
  %0 = aicore.gm_view %pb[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16, stride = [2048, 2048, 2048, 128, 1]>
  // K^T of a 128x128 K block: DN over [K, N].
  %1 = aicore.gm_view %pb[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, layout = dn>
  // The same, out of a cache whose rows hold two KV heads.
  %2 = aicore.gm_view %pb[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, stride = [16384, 16384, 16384, 1, 256], layout = dn>
  // A partial block: dynamic valid columns, the parent's row pitch.
  %3 = aicore.gm_view %pf[%c0] sizes(%n) strides(%n) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x?xf32, stride = [2048, 2048, 2048, ?, 1]>
  // A dynamic outermost dim keeps the packed stride implicit.
  %4 = aicore.gm_view %pf[%c0] sizes(%n) : !aicore.gm_ptr<f32> -> !aicore.gm<?x1x1x16x128xf32>
  %5 = aicore.gm_view %pb[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x8x1x16x16xbf16, stride = [2048, 256, 256, 16, 1], layout = nz>
  return
}

// -----

// CHECK-LABEL: func.func @kernel_arguments
//       CHECK:   %[[Q:.*]] = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
//       CHECK:   %[[BT:.*]] = aicore.tensor_ptr 3 : !aicore.gm_ptr<i32>
//       CHECK:   aicore.tensor_dim 2[1]
//       CHECK:   aicore.scalar_arg 6 : i64
//       CHECK:   aicore.scalar_arg 6 : f32
//       CHECK:   %[[B:.*]] = aicore.get_block_idx
//       CHECK:   aicore.get_block_num
//       CHECK:   aicore.get_sub_block_id
//       CHECK:   aicore.load_scalar %[[BT]][%[[B]]] : !aicore.gm_ptr<i32>
func.func @kernel_arguments() -> i32 {
  %q = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %bt = aicore.tensor_ptr 3 : !aicore.gm_ptr<i32>
  %len = aicore.tensor_dim 2[1]
  %raw = aicore.scalar_arg 6 : i64
  %scale = aicore.scalar_arg 6 : f32
  %block = aicore.get_block_idx
  %blocks = aicore.get_block_num
  %lane = aicore.get_sub_block_id
  %phys = aicore.load_scalar %bt[%block] : !aicore.gm_ptr<i32>
  return %phys : i32
}

// -----

// A cube kernel: S = Q . K^T for one 16-row query tile and one 128-row KV block
// (args: 0 = query tile 16x128 bf16, 1 = key block 128x128 bf16, 2 = scores 16x128 f32).
// CHECK-LABEL: func.func @qk_matmul_kernel
//       CHECK:   aicore.tload ins(%{{.*}} : !aicore.gm<1x1x1x16x128xbf16>) outs(%[[QM:.*]] : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
//       CHECK:   aicore.tload ins(%{{.*}} : !aicore.gm<1x1x1x128x128xbf16, layout = dn>) outs(%[[KM:.*]] : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
//       CHECK:   aicore.set_flag mte2 -> mte1, event0
//       CHECK:   aicore.wait_flag mte2 -> mte1, event0
//       CHECK:   aicore.tmov ins(%[[QM]] : {{.*}}) outs(%[[QL:.*]] : !aicore.tile<left, 16x128xbf16>)
//       CHECK:   aicore.tmov ins(%[[KM]] : {{.*}}) outs(%[[KR:.*]] : !aicore.tile<right, 128x128xbf16>)
//       CHECK:   aicore.set_flag mte1 -> m, event1
//       CHECK:   aicore.wait_flag mte1 -> m, event1
//       CHECK:   aicore.tmatmul ins(%[[QL]], %[[KR]] : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%[[ACC:.*]] : !aicore.tile<acc, 16x128xf32>)
//       CHECK:   aicore.set_flag m -> fix, event2
//       CHECK:   aicore.wait_flag m -> fix, event2
//       CHECK:   aicore.tstore ins(%[[ACC]] : !aicore.tile<acc, 16x128xf32>) outs(%{{.*}} : !aicore.gm<1x1x1x16x128xf32>)
//       CHECK:   aicore.pipe_sync
func.func @qk_matmul_kernel() {
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
  aicore.set_flag mte2 -> mte1, event0
  aicore.wait_flag mte2 -> mte1, event0
  aicore.tmov ins(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
              outs(%ql : !aicore.tile<left, 16x128xbf16>)
  aicore.tmov ins(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
              outs(%kr : !aicore.tile<right, 128x128xbf16>)
  aicore.set_flag mte1 -> m, event1
  aicore.wait_flag mte1 -> m, event1
  aicore.tmatmul ins(%ql, %kr : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>)
                 outs(%acc : !aicore.tile<acc, 16x128xf32>)
  aicore.set_flag m -> fix, event2
  aicore.wait_flag m -> fix, event2
  aicore.tstore ins(%acc : !aicore.tile<acc, 16x128xf32>) outs(%s : !aicore.gm<1x1x1x16x128xf32>)
  aicore.pipe_sync
  return
}

// -----

!scores = !aicore.tile<vec, 8x128xf32, valid = [8, ?]>
!padded = !aicore.tile<vec, 8x128xf32, pad = min>
!full = !aicore.tile<vec, 8x128xf32>
!column = !aicore.tile<vec, 8x1xf32, blayout = col_major>
!row = !aicore.tile<vec, 1x8xf32>
!probs = !aicore.tile<vec, 8x128xbf16>

// One AIV lane of softmax_prepare: 8 rows, the last block's columns masked to -inf.
// CHECK-LABEL: func.func @softmax_prepare_lane
//       CHECK:   %[[S:.*]] = aicore.tile valid(%{{.*}}) offset 0 : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>
//       CHECK:   aicore.tload ins(%{{.*}} : !aicore.gm<1x1x1x8x?xf32, stride = [1024, 1024, 1024, 128, 1]>) outs(%[[S]] : {{.*}})
//       CHECK:   aicore.tfillpad_inplace ins(%[[S]] : {{.*}}) outs(%[[P:.*]] : !aicore.tile<vec, 8x128xf32, pad = min>)
//       CHECK:   aicore.tmuls ins(%[[P]], %{{.*}} : !aicore.tile<vec, 8x128xf32, pad = min>, f32) outs(%[[P]] : {{.*}})
//       CHECK:   aicore.trowmax ins(%[[P]] : {{.*}}) outs(%[[M:.*]] : !aicore.tile<vec, 8x1xf32, blayout = col_major>) tmp(%{{.*}} : !aicore.tile<vec, 8x128xf32>)
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.trowexpandsub ins(%[[P]], %[[M]] : {{.*}}) outs(%[[P]] : {{.*}})
//       CHECK:   aicore.texp ins(%[[P]] : {{.*}}) outs(%[[P]] : {{.*}})
//       CHECK:   aicore.tcvt round ins(%[[P]] : {{.*}}) outs(%[[PB:.*]] : !aicore.tile<vec, 8x128xbf16>)
//       CHECK:   aicore.trowsum ins(%[[P]] : {{.*}}) outs(%[[L:.*]] : {{.*}}) tmp(%{{.*}} : {{.*}})
//       CHECK:   aicore.treshape %[[M]] : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
//       CHECK:   aicore.set_flag v -> mte3, event0
//       CHECK:   aicore.wait_flag v -> mte3, event0
//       CHECK:   aicore.tstore ins(%[[PB]] : {{.*}}) outs(%{{.*}} : !aicore.gm<1x1x1x8x128xbf16>)
//       CHECK:   aicore.tstore ins(%[[L]] : {{.*}}) outs(%{{.*}} : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
//       CHECK:   aicore.pipe_sync
func.func @softmax_prepare_lane() {
  %c0 = arith.constant 0 : index
  %len = aicore.tensor_dim 0[4]
  %scale = aicore.scalar_arg 4 : f32
  %lane = aicore.get_sub_block_id
  %c1024 = arith.constant 1024 : index
  %off = arith.muli %lane, %c1024 : index
  %sp = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %pp = aicore.tensor_ptr 1 : !aicore.gm_ptr<bf16>
  %mp = aicore.tensor_ptr 2 : !aicore.gm_ptr<f32>
  %lp = aicore.tensor_ptr 3 : !aicore.gm_ptr<f32>
  %sv = aicore.gm_view %sp[%off] sizes(%len) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x?xf32, stride = [1024, 1024, 1024, 128, 1]>
  %pv = aicore.gm_view %pp[%off] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x8x128xbf16>
  %mv = aicore.gm_view %mp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
  %lv = aicore.gm_view %lp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x1xf32, layout = dn>
  %s = aicore.tile valid(%len) offset 0 : !scores
  // The same UB bytes seen with all 128 columns valid and a -inf pad value.
  %p = aicore.tile offset 0 : !padded
  %tmp = aicore.tile offset 4096 : !full
  %m = aicore.tile offset 8192 : !column
  %l = aicore.tile offset 8224 : !column
  %pb = aicore.tile offset 8256 : !probs
  aicore.tload ins(%sv : !aicore.gm<1x1x1x8x?xf32, stride = [1024, 1024, 1024, 128, 1]>) outs(%s : !scores)
  aicore.set_flag mte2 -> v, event0
  aicore.wait_flag mte2 -> v, event0
  aicore.tfillpad_inplace ins(%s : !scores) outs(%p : !padded)
  aicore.tmuls ins(%p, %scale : !padded, f32) outs(%p : !padded)
  aicore.trowmax ins(%p : !padded) outs(%m : !column) tmp(%tmp : !full)
  aicore.pipe_barrier v
  aicore.trowexpandsub ins(%p, %m : !padded, !column) outs(%p : !padded)
  aicore.texp ins(%p : !padded) outs(%p : !padded)
  aicore.tcvt round ins(%p : !padded) outs(%pb : !probs)
  aicore.trowsum ins(%p : !padded) outs(%l : !column) tmp(%tmp : !full)
  %mrow = aicore.treshape %m : !column -> !row
  aicore.set_flag v -> mte3, event0
  aicore.wait_flag v -> mte3, event0
  aicore.tstore ins(%pb : !probs) outs(%pv : !aicore.gm<1x1x1x8x128xbf16>)
  aicore.tstore ins(%l : !column) outs(%lv : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
  aicore.tstore ins(%m : !column) outs(%mv : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
  aicore.pipe_sync
  return
}

// -----

!row = !aicore.tile<vec, 1x8xf32>
!out = !aicore.tile<vec, 8x128xf32>
!column = !aicore.tile<vec, 8x1xf32, blayout = col_major>
!scalars = !aicore.tile<vec, 8x8xf32>

// The arithmetic of online_update on per-row vectors and output rows.
// CHECK-LABEL: func.func @online_update_arithmetic
//       CHECK:   aicore.texpands ins(%{{.*}} : f32) outs(%[[MI:[^ ]*]] : !aicore.tile<vec, 1x8xf32>)
//       CHECK:   aicore.tmax ins(%[[MI]], %[[MJ:[^ ]*]] : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%[[MN:[^ ]*]] : !aicore.tile<vec, 1x8xf32>)
//       CHECK:   aicore.tsub ins(%[[MI]], %[[MN]] : {{.*}}) outs(%[[A:[^ ]*]] : {{.*}})
//       CHECK:   aicore.texp ins(%[[A]] : {{.*}}) outs(%[[A]] : {{.*}})
//       CHECK:   aicore.tmul ins(%[[A]], %{{.*}} : {{.*}}) outs(%{{.*}} : {{.*}})
//       CHECK:   aicore.tadd ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%{{.*}} : {{.*}})
//       CHECK:   aicore.tadds ins(%{{.*}}, %{{.*}} : !aicore.tile<vec, 1x8xf32>, f32) outs(%{{.*}} : {{.*}})
//       CHECK:   aicore.trowexpandmul ins(%[[O:[^ ]*]], %{{.*}} : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%[[O]] : {{.*}})
//       CHECK:   aicore.trowexpanddiv ins(%[[O]], %{{.*}} : !aicore.tile<vec, 8x128xf32>, !aicore.tile<vec, 8x8xf32>) outs(%[[O]] : {{.*}}) tmp(%{{.*}} : !aicore.tile<vec, 8x128xf32>)
//       CHECK:   aicore.trowexpandsub ins(%{{.*}}, %[[O]] : !aicore.tile<vec, 8x1xf32, blayout = col_major>, !aicore.tile<vec, 8x128xf32>) outs(%[[O]] : {{.*}})
//       CHECK:   aicore.tmov ins(%[[O]] : {{.*}}) outs(%{{.*}} : !aicore.tile<vec, 8x128xf32>)
//       CHECK:   aicore.tfillpad ins(%{{.*}} : !aicore.tile<vec, 8x128xf32, valid = [8, 100]>) outs(%{{.*}} : !aicore.tile<vec, 8x128xf32, pad = zero>)
func.func @online_update_arithmetic(%mi: !row, %mj: !row, %mn: !row, %alpha: !row, %li: !row,
                                    %o: !out, %o2: !out, %tmp: !out, %col: !column, %l8: !scalars,
                                    %part: !aicore.tile<vec, 8x128xf32, valid = [8, 100]>,
                                    %zpad: !aicore.tile<vec, 8x128xf32, pad = zero>) {
  %neg = arith.constant -1.0e+30 : f32
  %eps = arith.constant 1.0e-6 : f32
  aicore.texpands ins(%neg : f32) outs(%mi : !row)
  aicore.tmax ins(%mi, %mj : !row, !row) outs(%mn : !row)
  aicore.tsub ins(%mi, %mn : !row, !row) outs(%alpha : !row)
  aicore.texp ins(%alpha : !row) outs(%alpha : !row)
  aicore.tmul ins(%alpha, %li : !row, !row) outs(%li : !row)
  aicore.tadd ins(%li, %mj : !row, !row) outs(%li : !row)
  aicore.tadds ins(%li, %eps : !row, f32) outs(%li : !row)
  aicore.trowexpandmul ins(%o, %col : !out, !column) outs(%o : !out)
  // The ND per-row form: 8 f32 columns per row; with the optional scratch tile.
  aicore.trowexpanddiv ins(%o, %l8 : !out, !scalars) outs(%o : !out) tmp(%tmp : !out)
  // Either source may carry the per-row scalars.
  aicore.trowexpandsub ins(%col, %o : !column, !out) outs(%o : !out)
  aicore.tmov ins(%o : !out) outs(%o2 : !out)
  aicore.tfillpad ins(%part : !aicore.tile<vec, 8x128xf32, valid = [8, 100]>) outs(%zpad : !aicore.tile<vec, 8x128xf32, pad = zero>)
  return
}

// -----

// PV with K split in two: accumulate, then move the fp32 result to L1 as bf16.
// CHECK-LABEL: func.func @accumulate_and_move_out
//       CHECK:   aicore.tmatmul ins(
//       CHECK:   aicore.tmatmul_acc ins(%{{.*}}, %{{.*}} : !aicore.tile<left, 16x64xbf16>, !aicore.tile<right, 64x128xbf16>) outs(%{{.*}} : !aicore.tile<acc, 16x128xf32>)
//       CHECK:   aicore.tmov ins(%{{.*}} : !aicore.tile<acc, 16x128xf32>) outs(%{{.*}} : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
//       CHECK:   aicore.tmatmul ins(%{{.*}}, %{{.*}} : !aicore.tile<left, 16x16xf16, blayout = col_major>, !aicore.tile<right, 16x16xf16>) outs(%{{.*}} : !aicore.tile<acc, 16x16xf32>)
func.func @accumulate_and_move_out(%p0: !aicore.tile<left, 16x64xbf16>, %v0: !aicore.tile<right, 64x128xbf16>,
                                   %p1: !aicore.tile<left, 16x64xbf16>, %v1: !aicore.tile<right, 64x128xbf16>,
                                   %acc: !aicore.tile<acc, 16x128xf32>,
                                   %out: !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>,
                                   %a: !aicore.tile<left, 16x16xf16, blayout = col_major>, %b: !aicore.tile<right, 16x16xf16>,
                                   %c: !aicore.tile<acc, 16x16xf32>) {
  aicore.tmatmul ins(%p0, %v0 : !aicore.tile<left, 16x64xbf16>, !aicore.tile<right, 64x128xbf16>) outs(%acc : !aicore.tile<acc, 16x128xf32>)
  aicore.tmatmul_acc ins(%p1, %v1 : !aicore.tile<left, 16x64xbf16>, !aicore.tile<right, 64x128xbf16>) outs(%acc : !aicore.tile<acc, 16x128xf32>)
  aicore.tmov ins(%acc : !aicore.tile<acc, 16x128xf32>) outs(%out : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 16x16xf16, blayout = col_major>, !aicore.tile<right, 16x16xf16>) outs(%c : !aicore.tile<acc, 16x16xf32>)
  return
}

// -----

// Every pipe and event keyword.
// CHECK-LABEL: func.func @sync
//       CHECK:   aicore.set_flag s -> v, event1
//       CHECK:   aicore.wait_flag m -> mte1, event3
//       CHECK:   aicore.set_flag mte3 -> fix, event5
//       CHECK:   aicore.wait_flag fix -> s, event7
//       CHECK:   aicore.set_flag mte2 -> mte3, event2
//       CHECK:   aicore.wait_flag v -> m, event4
//       CHECK:   aicore.set_flag v -> s, event6
//       CHECK:   aicore.pipe_barrier all
//       CHECK:   aicore.pipe_barrier mte2
//       CHECK:   aicore.pipe_sync
func.func @sync() {
  aicore.set_flag s -> v, event1
  aicore.wait_flag m -> mte1, event3
  aicore.set_flag mte3 -> fix, event5
  aicore.wait_flag fix -> s, event7
  aicore.set_flag mte2 -> mte3, event2
  aicore.wait_flag v -> m, event4
  aicore.set_flag v -> s, event6
  aicore.pipe_barrier all
  aicore.pipe_barrier mte2
  aicore.pipe_sync
  return
}

// -----

// A lane's output rows: the accumulator seen with a run-time number of valid rows, and a
// score buffer seen with a -inf pad value; both alias their source's bytes.
// CHECK-LABEL: func.func @tile_aliases
//       CHECK:   %[[O:.*]] = aicore.tile : !aicore.tile<vec, 8x128xf32>
//       CHECK:   aicore.tile_alias %[[O]] valid(%arg0) : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
//       CHECK:   aicore.tile_alias %{{.*}} : !aicore.tile<vec, 8x128xf32, valid = [8, ?]> -> !aicore.tile<vec, 8x128xf32, pad = min>
func.func @tile_aliases(%rows: index, %cols: index) {
  %o = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %real = aicore.tile_alias %o valid(%rows)
      : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
  %s = aicore.tile valid(%cols) : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>
  %padded = aicore.tile_alias %s
      : !aicore.tile<vec, 8x128xf32, valid = [8, ?]> -> !aicore.tile<vec, 8x128xf32, pad = min>
  return
}

// -----

// The L1 form of tfillpad: one NZ tile, zeroed outside its valid rows.
// CHECK-LABEL: func.func @tfillpad_mat_in_place
//       CHECK:   aicore.tfillpad ins(%[[V:.*]] : !aicore.tile<mat, 128x64xbf16, valid = [?, 64], blayout = col_major, slayout = row_major, pad = zero>) outs(%[[V]] : {{.*}})
func.func @tfillpad_mat_in_place(%v: !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64], pad = zero>) {
  aicore.tfillpad ins(%v : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64], pad = zero>) outs(%v : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64], pad = zero>)
  return
}
