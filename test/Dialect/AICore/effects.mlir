// Tiles are memory handles: the memory effects the aicore ops declare decide what generic
// MLIR cleanups may do with them. -cse and -canonicalize are the passes under test here.
// RUN: ptoattn-opt %s -split-input-file -cse | FileCheck %s --check-prefix=CSE
// RUN: ptoattn-opt %s -split-input-file -canonicalize | FileCheck %s --check-prefix=DCE

// Two declarations of the same tile type are two tiles (each allocates), never merged;
// two identical GM views and kernel-argument reads are the same value.
// CSE-LABEL: func.func @tiles_are_distinct_views_are_not
//       CSE:   aicore.tensor_ptr
//   CSE-NOT:   aicore.tensor_ptr
//       CSE:   %[[V:.*]] = aicore.gm_view
//   CSE-NOT:   aicore.gm_view
//       CSE:   %[[A:.*]] = aicore.tile :
//       CSE:   %[[B:.*]] = aicore.tile :
//       CSE:   aicore.tload ins(%[[V]] : {{.*}}) outs(%[[A]] : {{.*}})
//       CSE:   aicore.tload ins(%[[V]] : {{.*}}) outs(%[[B]] : {{.*}})
func.func @tiles_are_distinct_views_are_not() {
  %c0 = arith.constant 0 : index
  %p0 = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %p1 = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %v0 = aicore.gm_view %p0[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
  %v1 = aicore.gm_view %p1[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
  %a = aicore.tile : !aicore.tile<vec, 16x128xf32>
  %b = aicore.tile : !aicore.tile<vec, 16x128xf32>
  aicore.tload ins(%v0 : !aicore.gm<1x1x1x16x128xf32>) outs(%a : !aicore.tile<vec, 16x128xf32>)
  aicore.tload ins(%v1 : !aicore.gm<1x1x1x16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

// Unused declarations, views, aliases and argument reads are dead; instructions write
// memory and sync ops have unknown effects, so both stay.
// DCE-LABEL: func.func @dead_declarations_are_erased
//   DCE-NOT:   = aicore.tile
//   DCE-NOT:   = aicore.tensor_ptr
//   DCE-NOT:   = aicore.gm_view
//   DCE-NOT:   = aicore.treshape
//   DCE-NOT:   = aicore.get_block_idx
//       DCE:   aicore.tadd
//       DCE:   aicore.set_flag v -> mte3, event0
//       DCE:   aicore.wait_flag v -> mte3, event0
//       DCE:   aicore.tstore
//       DCE:   aicore.pipe_sync
func.func @dead_declarations_are_erased(%t: !aicore.tile<vec, 16x128xf32>,
                                        %v: !aicore.gm<1x1x1x16x128xf32>) {
  %c0 = arith.constant 0 : index
  %unused = aicore.tile offset 0 : !aicore.tile<vec, 16x128xf32>
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %view = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
  %alias = aicore.treshape %t : !aicore.tile<vec, 16x128xf32> -> !aicore.tile<vec, 128x16xf32>
  %block = aicore.get_block_idx
  aicore.tadd ins(%t, %t : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x128xf32>)
              outs(%t : !aicore.tile<vec, 16x128xf32>)
  aicore.set_flag v -> mte3, event0
  aicore.wait_flag v -> mte3, event0
  aicore.tstore ins(%t : !aicore.tile<vec, 16x128xf32>) outs(%v : !aicore.gm<1x1x1x16x128xf32>)
  aicore.pipe_sync
  return
}
