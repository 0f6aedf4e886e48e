// RUN: ptoattn-opt %s -split-input-file -convert-aicore-to-emitc -verify-diagnostics | FileCheck %s
// The result verifies and round-trips.
// RUN: ptoattn-opt %s -split-input-file -convert-aicore-to-emitc -verify-diagnostics | ptoattn-opt -split-input-file > /dev/null
//
// Each kernel becomes `emitc.file "<kernel>"` holding the includes and
// `kernel_entry`; `mlir-translate --mlir-to-cpp --file-id=<kernel>` prints it
// (test/python/test_kernel_emission.py compiles the printed files with g++).

// A cube kernel: tensor decode in add_* order, GM views, cube tiles with their
// aliases, TASSIGN offsets, instructions destination first, flags, final drain.
// CHECK-LABEL: emitc.file "qk_matmul" {
//   CHECK-NOT:   func.func @qk_matmul
//       CHECK:   verbatim "// qk_matmul: AIC kernel (1 lane), emitted by ptoattn convert-aicore-to-emitc"
//       CHECK:   include <"cstdint">
//       CHECK:   include <"pto/pto-inst.hpp">
//       CHECK:   include "intrinsic.h"
//       CHECK:   include "tensor.h"
//       CHECK:   verbatim "using namespace pto;"
//       CHECK:   include "pipe_sync.h"
// One `using` per GM-view and tile type, named after its shape, before the entry.
//       CHECK:   verbatim "using GmBf16_16x128 = GlobalTensor<bfloat16_t, Shape<1, 1, 1, 16, 128>, Stride<2048, 2048, 2048, 128, 1>>;"
//  CHECK-NEXT:   verbatim "using GmBf16_128x128_DN = GlobalTensor<bfloat16_t, Shape<1, 1, 1, 128, 128>, Stride<16384, 16384, 16384, 1, 128>, Layout::DN>;"
//       CHECK:   verbatim "using MatBf16_16x128_PadZero = Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 16, 128, SLayout::RowMajor, 512, PadValue::Zero>;"
//       CHECK:   verbatim "using LeftBf16_16x128 = TileLeft<bfloat16_t, 16, 128, 16, 128>;"
//  CHECK-NEXT:   verbatim "using RightBf16_128x128 = TileRight<bfloat16_t, 128, 128, 128, 128>;"
//  CHECK-NEXT:   verbatim "using AccF32_16x128 = TileAcc<float, 16, 128, 16, 128>;"
// The entry binds `args`; each tensor's descriptor is named after its role.
//       CHECK:   func @kernel_entry(%[[ARGS:.*]]: !emitc.ptr<!emitc.opaque<"__gm__ int64_t">>) attributes {specifiers = ["extern \22C\22 __aicore__"]}
//  CHECK-NEXT:     verbatim "__gm__ int64_t *args = {};" args %[[ARGS]]
//  CHECK-NEXT:     verbatim "__gm__ ChipTensor *query_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[0]);"
//  CHECK-NEXT:     verbatim "__gm__ ChipTensor *key_cache_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[1]);"
//  CHECK-NEXT:     verbatim "__gm__ ChipTensor *scores_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[2]);"
//   CHECK-NOT:     args[3]
//       CHECK:     verbatim "__gm__ bfloat16_t* query = reinterpret_cast<__gm__ bfloat16_t*>(query_tensor->buffer.addr) + query_tensor->start_offset;"
//  CHECK-NEXT:     %[[QP:.*]] = literal "query" : !emitc.ptr<!emitc.opaque<"__gm__ bfloat16_t">>
// A zero offset is left out.
//       CHECK:     verbatim "GmBf16_16x128 query_gm({});" args %[[QP]]
//  CHECK-NEXT:     %[[QG:.*]] = literal "query_gm" : !emitc.opaque<"GmBf16_16x128">
//       CHECK:     verbatim "GmBf16_128x128_DN key_cache_gm({});"
// Tiles are named after what they hold: loaded from an argument, moved from such a tile.
//       CHECK:     verbatim "MatBf16_16x128_PadZero query_tile;"
//  CHECK-NEXT:     %[[QM:.*]] = literal "query_tile"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x0);" args %[[QM]]
//  CHECK-NEXT:     verbatim "MatBf16_128x128 key_cache_tile;"
//  CHECK-NEXT:     %[[KM:.*]] = literal "key_cache_tile"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x1000);" args %[[KM]]
//  CHECK-NEXT:     verbatim "LeftBf16_16x128 query_left;"
//  CHECK-NEXT:     %[[L:.*]] = literal "query_left"
//       CHECK:     verbatim "RightBf16_128x128 key_cache_right;"
//  CHECK-NEXT:     %[[R:.*]] = literal "key_cache_right"
//       CHECK:     verbatim "AccF32_16x128 scores_tile;"
//  CHECK-NEXT:     %[[A:.*]] = literal "scores_tile"
//       CHECK:     verbatim "TLOAD({}, {});" args %[[QM]], %[[QG]]
//       CHECK:     call_opaque "set_flag"() {args = [#emitc.opaque<"PIPE_MTE2">, #emitc.opaque<"PIPE_MTE1">, #emitc.opaque<"EVENT_ID0">]}
//       CHECK:     call_opaque "wait_flag"() {args = [#emitc.opaque<"PIPE_MTE2">, #emitc.opaque<"PIPE_MTE1">, #emitc.opaque<"EVENT_ID0">]}
//       CHECK:     verbatim "TMOV({}, {});" args %[[L]], %[[QM]]
//       CHECK:     verbatim "TMOV({}, {});" args %[[R]], %[[KM]]
//       CHECK:     call_opaque "set_flag"() {args = [#emitc.opaque<"PIPE_MTE1">, #emitc.opaque<"PIPE_M">, #emitc.opaque<"EVENT_ID1">]}
//       CHECK:     verbatim "TMATMUL({}, {}, {});" args %[[A]], %[[L]], %[[R]]
//       CHECK:     call_opaque "set_flag"() {args = [#emitc.opaque<"PIPE_M">, #emitc.opaque<"PIPE_FIX">, #emitc.opaque<"EVENT_ID2">]}
//       CHECK:     verbatim "TSTORE({}, {});" args %{{.*}}, %[[A]]
//       CHECK:     call_opaque "pipe_sync"()
//       CHECK:     return
func.func @qk_matmul() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<in "query" : bf16>, #aicore.arg<in "key_cache" : bf16>, #aicore.arg<out "scores" : f32>]>} {
  %c0 = arith.constant 0 : index
  %qp = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %kp = aicore.tensor_ptr 1 : !aicore.gm_ptr<bf16>
  %sp = aicore.tensor_ptr 2 : !aicore.gm_ptr<f32>
  %q = aicore.gm_view %qp[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
  %kt = aicore.gm_view %kp[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x128x128xbf16, layout = dn>
  %s = aicore.gm_view %sp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32>
  %qm = aicore.tile offset 0 : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major, pad = zero>
  %km = aicore.tile offset 4096 : !aicore.tile<mat, 128x128xbf16, slayout = col_major>
  %ql = aicore.tile offset 0 : !aicore.tile<left, 16x128xbf16>
  %kr = aicore.tile offset 0 : !aicore.tile<right, 128x128xbf16>
  %acc = aicore.tile offset 0 : !aicore.tile<acc, 16x128xf32>
  aicore.tload ins(%q : !aicore.gm<1x1x1x16x128xbf16>) outs(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major, pad = zero>)
  aicore.tload ins(%kt : !aicore.gm<1x1x1x128x128xbf16, layout = dn>) outs(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>)
  aicore.set_flag mte2 -> mte1, event0
  aicore.wait_flag mte2 -> mte1, event0
  aicore.tmov ins(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major, pad = zero>) outs(%ql : !aicore.tile<left, 16x128xbf16>)
  aicore.tmov ins(%km : !aicore.tile<mat, 128x128xbf16, slayout = col_major>) outs(%kr : !aicore.tile<right, 128x128xbf16>)
  aicore.set_flag mte1 -> m, event1
  aicore.wait_flag mte1 -> m, event1
  aicore.tmatmul ins(%ql, %kr : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%acc : !aicore.tile<acc, 16x128xf32>)
  aicore.set_flag m -> fix, event2
  aicore.wait_flag m -> fix, event2
  aicore.tstore ins(%acc : !aicore.tile<acc, 16x128xf32>) outs(%s : !aicore.gm<1x1x1x16x128xf32>)
  aicore.pipe_sync
  return
}

// -----

// One vector lane: rows offset by get_sub_block_id(args), the block from
// get_block_idx(args), an f32 scalar argument, a run-time valid width from a
// tensor's shape, a dynamic-valid tile and its pad alias on the same bytes.
// CHECK-LABEL: emitc.file "softmax_lane" {
//       CHECK:   verbatim "// softmax_lane: AIV kernel (2 lanes), emitted by ptoattn convert-aicore-to-emitc"
//       CHECK:   verbatim "using VecF32_8x128_Valid8xN = Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, 8, -1>;"
//       CHECK:   func @kernel_entry(%[[ARGS:.*]]: !emitc.ptr<!emitc.opaque<"__gm__ int64_t">>)
// The SPMD context through the runtime's accessors, named; index arithmetic in int64_t
// without casts.
//       CHECK:     verbatim "const int64_t sub_block_id = get_sub_block_id(args);"
//  CHECK-NEXT:     %[[LANE:.*]] = literal "sub_block_id" : i64
//  CHECK-NEXT:     verbatim "const int64_t block_idx = get_block_idx(args);"
//  CHECK-NEXT:     %[[BLK:.*]] = literal "block_idx" : i64
//  CHECK-NEXT:     %[[ROWS:.*]] = mul %[[LANE]], %{{.*}} : (i64, i64) -> i64
//  CHECK-NEXT:     %[[BASE:.*]] = mul %[[BLK]], %{{.*}} : (i64, i64) -> i64
//  CHECK-NEXT:     %[[ROW0:.*]] = add %[[BASE]], %[[ROWS]] : (i64, i64) -> i64
//  CHECK-NEXT:     %[[OFF:.*]] = mul %[[ROW0]], %{{.*}} : (i64, i64) -> i64
//   CHECK-NOT:     cast
//       CHECK:     %[[VALID:.*]] = literal "static_cast<int64_t>(scores_tensor->shapes[1])" : i64
//       CHECK:     verbatim "const float scale = from_u64<float>(static_cast<uint64_t>(args[2]));"
//  CHECK-NEXT:     %[[SCALE:.*]] = literal "scale" : f32
// A dynamic extent is a constructor argument of the view's Shape.
//       CHECK:     verbatim "GmF32_8xN scores_gm({} + {}, Shape<1, 1, 1, 8, -1>(1, 1, 1, 8, {}));" args %{{.*}}, %[[OFF]], %[[VALID]]
//  CHECK-NEXT:     %[[SG:.*]] = literal "scores_gm"
// A dynamic valid shape is a constructor argument of the tile.
//       CHECK:     verbatim "VecF32_8x128_Valid8xN scores_tile({});" args %[[VALID]]
//  CHECK-NEXT:     %[[SDYN:.*]] = literal "scores_tile"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x0);" args %[[SDYN]]
//  CHECK-NEXT:     verbatim "VecF32_8x128_PadMin scores_padded;"
//  CHECK-NEXT:     %[[SPAD:.*]] = literal "scores_padded"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x0);" args %[[SPAD]]
//  CHECK-NEXT:     verbatim "VecF32_8x128 tmp;"
//  CHECK-NEXT:     %[[TMP:.*]] = literal "tmp"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x1000);" args %[[TMP]]
// A tile with no argument or source to name it is named after its buffer.
//  CHECK-NEXT:     verbatim "VecF32_8x1 ub_tile;"
//  CHECK-NEXT:     %[[M:.*]] = literal "ub_tile"
//       CHECK:     verbatim "VecBf16_8x128 probs_tile;"
//  CHECK-NEXT:     %[[PB:.*]] = literal "probs_tile"
//       CHECK:     verbatim "TLOAD({}, {});" args %[[SDYN]], %[[SG]]
//       CHECK:     verbatim "TFILLPAD_INPLACE({}, {});" args %[[SPAD]], %[[SDYN]]
//       CHECK:     call_opaque "pipe_barrier"() {args = [#emitc.opaque<"PIPE_V">]}
//       CHECK:     verbatim "TMULS({}, {}, {});" args %[[SPAD]], %[[SPAD]], %[[SCALE]]
//       CHECK:     verbatim "TROWMAX({}, {}, {});" args %[[M]], %[[SPAD]], %[[TMP]]
//       CHECK:     verbatim "TROWEXPANDSUB({}, {}, {});" args %[[SPAD]], %[[SPAD]], %[[M]]
//       CHECK:     verbatim "TEXP({}, {});" args %[[SPAD]], %[[SPAD]]
//       CHECK:     verbatim "TCVT({}, {}, RoundMode::CAST_RINT);" args %[[PB]], %[[SPAD]]
//       CHECK:     verbatim "TSTORE({}, {});" args %{{.*}}, %[[PB]]
func.func @softmax_lane() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "scores" : f32>, #aicore.arg<out "probs" : bf16>, #aicore.arg<scalar "scale" : f32>]>} {
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %lane = aicore.get_sub_block_id
  %blk = aicore.get_block_idx
  %rows = arith.muli %lane, %c8 : index
  %base = arith.muli %blk, %c16 : index
  %row0 = arith.addi %base, %rows : index
  %off = arith.muli %row0, %c128 : index
  %valid = aicore.tensor_dim 0[1]
  %scale = aicore.scalar_arg 2 : f32
  %sp = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %pp = aicore.tensor_ptr 1 : !aicore.gm_ptr<bf16>
  %sg = aicore.gm_view %sp[%off] sizes(%valid) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x?xf32, stride = [2048, 2048, 2048, 128, 1]>
  %pg = aicore.gm_view %pp[%off] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x8x128xbf16>
  %s = aicore.tile valid(%valid) offset 0 : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>
  %spad = aicore.tile_alias %s : !aicore.tile<vec, 8x128xf32, valid = [8, ?]> -> !aicore.tile<vec, 8x128xf32, pad = min>
  %tmp = aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
  %m = aicore.tile offset 8192 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
  %pb = aicore.tile offset 8224 : !aicore.tile<vec, 8x128xbf16>
  aicore.tload ins(%sg : !aicore.gm<1x1x1x8x?xf32, stride = [2048, 2048, 2048, 128, 1]>) outs(%s : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>)
  aicore.set_flag mte2 -> v, event0
  aicore.wait_flag mte2 -> v, event0
  aicore.tfillpad_inplace ins(%s : !aicore.tile<vec, 8x128xf32, valid = [8, ?]>) outs(%spad : !aicore.tile<vec, 8x128xf32, pad = min>)
  aicore.pipe_barrier v
  aicore.tmuls ins(%spad, %scale : !aicore.tile<vec, 8x128xf32, pad = min>, f32) outs(%spad : !aicore.tile<vec, 8x128xf32, pad = min>)
  aicore.pipe_barrier v
  aicore.trowmax ins(%spad : !aicore.tile<vec, 8x128xf32, pad = min>) outs(%m : !aicore.tile<vec, 8x1xf32, blayout = col_major>) tmp(%tmp : !aicore.tile<vec, 8x128xf32>)
  aicore.pipe_barrier v
  aicore.trowexpandsub ins(%spad, %m : !aicore.tile<vec, 8x128xf32, pad = min>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%spad : !aicore.tile<vec, 8x128xf32, pad = min>)
  aicore.pipe_barrier v
  aicore.texp ins(%spad : !aicore.tile<vec, 8x128xf32, pad = min>) outs(%spad : !aicore.tile<vec, 8x128xf32, pad = min>)
  aicore.pipe_barrier v
  aicore.tcvt rint ins(%spad : !aicore.tile<vec, 8x128xf32, pad = min>) outs(%pb : !aicore.tile<vec, 8x128xbf16>)
  aicore.set_flag v -> mte3, event0
  aicore.wait_flag v -> mte3, event0
  aicore.tstore ins(%pb : !aicore.tile<vec, 8x128xbf16>) outs(%pg : !aicore.gm<1x1x1x8x128xbf16>)
  aicore.pipe_sync
  return
}

// -----

// Per-row scalars reshaped to a row for element-wise math, scalar GM reads,
// an i64 scalar argument, the block count, control flow and ceildiv.
// CHECK-LABEL: emitc.file "update_lane"
//       CHECK:   func @kernel_entry(%[[ARGS:.*]]: !emitc.ptr<!emitc.opaque<"__gm__ int64_t">>)
//       CHECK:     verbatim "const int64_t step = args[1];"
//       CHECK:     verbatim "const int64_t block_num = get_block_num(args);"
//  CHECK-NEXT:     %[[N:.*]] = literal "block_num" : i64
//       CHECK:     %[[LENS:.*]] = literal "lens" : !emitc.ptr<!emitc.opaque<"__gm__ int32_t">>
//  CHECK-NEXT:     subscript %[[LENS]][%[[N]]] : (!emitc.ptr<!emitc.opaque<"__gm__ int32_t">>, i64) -> !emitc.lvalue<!emitc.opaque<"__gm__ int32_t">>
//       CHECK:     cast %{{.*}} : !emitc.opaque<"__gm__ int32_t"> to i32
// ceildiv on index as (a + b - 1) / b in int64_t.
//       CHECK:     %[[LEN:.*]] = cast %{{.*}} : i32 to i64
//       CHECK:     %[[SUM:.*]] = add %[[LEN]], %{{.*}} : (i64, i64) -> i64
//  CHECK-NEXT:     div %[[SUM]], %{{.*}} : (i64, i64) -> i64
//       CHECK:     verbatim "VecF32_8x1 [[COLN:[a-z_0-9]+]];"
//  CHECK-NEXT:     %[[COL:.*]] = literal "[[COLN]]"
//  CHECK-NEXT:     verbatim "TASSIGN({}, 0x40);" args %[[COL]]
//  CHECK-NEXT:     verbatim "VecF32_1x8 [[ROWN:[a-z_0-9]+]];"
//  CHECK-NEXT:     %[[ROW:.*]] = literal "[[ROWN]]"
//  CHECK-NEXT:     verbatim "TRESHAPE({}, {});" args %[[ROW]], %[[COL]]
//       CHECK:     if
//       CHECK:       verbatim "TEXPANDS({}, {});" args %[[ROW]], %{{.*}}
//       CHECK:     else
//       CHECK:       verbatim "TMAX({}, {}, {});" args %[[ROW]], %[[ROW]], %[[ROW]]
//       CHECK:     verbatim "TROWEXPANDMUL({}, {}, {});"
//       CHECK:     verbatim "TROWEXPANDDIV({}, {}, {});"
//       CHECK:     call_opaque "pipe_sync"()
//   CHECK-NOT:     aicore.
func.func @update_lane() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, args = [#aicore.arg<in "lens" : i32>, #aicore.arg<scalar "step" : i64>]>} {
  %c128 = arith.constant 128 : index
  %neg = arith.constant -1.0e+30 : f32
  %step = aicore.scalar_arg 1 : i64
  %nblk = aicore.get_block_num
  %lp = aicore.tensor_ptr 0 : !aicore.gm_ptr<i32>
  %len = aicore.load_scalar %lp[%nblk] : !aicore.gm_ptr<i32>
  %leni = arith.index_cast %len : i32 to index
  %steps = arith.ceildivui %leni, %c128 : index
  %stepi = arith.index_cast %step : i64 to index
  %first = arith.cmpi eq, %stepi, %steps : index
  %o = aicore.tile offset 0 : !aicore.tile<vec, 8x8xf32>
  %col = aicore.tile offset 64 : !aicore.tile<vec, 8x1xf32, blayout = col_major>
  %row = aicore.treshape %col : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
  scf.if %first {
    aicore.texpands ins(%neg : f32) outs(%row : !aicore.tile<vec, 1x8xf32>)
  } else {
    aicore.tmax ins(%row, %row : !aicore.tile<vec, 1x8xf32>, !aicore.tile<vec, 1x8xf32>) outs(%row : !aicore.tile<vec, 1x8xf32>)
  }
  aicore.trowexpandmul ins(%o, %col : !aicore.tile<vec, 8x8xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%o : !aicore.tile<vec, 8x8xf32>)
  aicore.trowexpanddiv ins(%o, %col : !aicore.tile<vec, 8x8xf32>, !aicore.tile<vec, 8x1xf32, blayout = col_major>) outs(%o : !aicore.tile<vec, 8x8xf32>)
  aicore.pipe_sync
  return
}

// -----

// Functions that are not kernels (no #aicore.kernel) are left alone.
// CHECK-LABEL: func.func @not_a_kernel
//   CHECK-NOT:   emitc.file
//       CHECK:   arith.addi
func.func @not_a_kernel(%a: index) -> index {
  %0 = arith.addi %a, %a : index
  return %0 : index
}

// -----

// A tile or alias the kernel builder named (a NameLoc around its kernel's
// location) keeps that name; derived names follow it. Every op of a kernel
// inherits the source's location, which may itself be a NameLoc (the Python
// builder names every op after its function): that is no name, and neither is
// a NameLoc around another location. A reshape that took its source's
// location (as a rewrite copying locations would) still takes a derived name.
// CHECK-LABEL: emitc.file "named_tiles" {
//       CHECK:     verbatim "VecF32_8x1 alpha;"
//       CHECK:     verbatim "VecF32_8x1 ub_tile;"
//       CHECK:     verbatim "VecF32_8x1 ub_tile_2;"
//       CHECK:     verbatim "VecF32_8x1 alpha_valid;"
//       CHECK:     verbatim "VecF32_1x8 alpha_reshaped;"
//       CHECK:     verbatim "VecF32_1x8 ub_tile_3;"
//       CHECK:   emitc.file "unknown_kernel_location" {
//       CHECK:     verbatim "VecF32_8x1 alpha;"
#kernel = loc("paged_attention")
func.func @named_tiles() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x1xf32, blayout = col_major> loc("alpha"(#kernel))
  %u = aicore.tile offset 32 : !aicore.tile<vec, 8x1xf32, blayout = col_major> loc(#kernel)
  %b = aicore.tile offset 64 : !aicore.tile<vec, 8x1xf32, blayout = col_major> loc("beta"(unknown))
  %v = aicore.tile_alias %a : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 8x1xf32, blayout = col_major> loc("alpha_valid"(#kernel))
  %r = aicore.treshape %a : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32> loc("alpha"(#kernel))
  %ru = aicore.treshape %u : !aicore.tile<vec, 8x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32> loc(#kernel)
  return loc(#kernel)
} loc(#kernel)
// Hand-written IR: a kernel without a location names its tiles with loc("name").
func.func @unknown_kernel_location() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x1xf32, blayout = col_major> loc("alpha")
  return
} loc(unknown)

// -----

func.func @tile_without_offset() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  // expected-error@+1 {{tile has no on-chip offset: run aicore-plan-memory first}}
  %t = aicore.tile : !aicore.tile<vec, 8x128xf32>
  return
}

// -----

func.func @alias_of_unplanned_tile() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  // expected-error@+1 {{tile has no on-chip offset: run aicore-plan-memory first}}
  %t = aicore.tile : !aicore.tile<vec, 8x128xf32>
  %a = aicore.tile_alias %t : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, pad = min>
  return
}

// -----

// expected-error@+1 {{kernel must take no arguments and return nothing}}
func.func @kernel_with_arguments(%x: index) attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  return
}

// -----

// expected-error@+1 {{#aicore.kernel args must be #aicore.arg entries, got 1 : i64}}
func.func @kernel_args_not_typed() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [1 : i64]>} {
  return
}

// -----

func.func @alias_of_a_selected_tile() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %blk = aicore.get_block_idx
  %first = arith.cmpi eq, %blk, %c0 : index
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x128xf32>
  %b = aicore.tile offset 4096 : !aicore.tile<vec, 8x128xf32>
  %t = arith.select %first, %a, %b : !aicore.tile<vec, 8x128xf32>
  // expected-error@+1 {{cannot find the on-chip offset of this alias's source tile}}
  %p = aicore.tile_alias %t : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, pad = min>
  return
}

// -----

func.func @reshape_to_dynamic_valid_shape() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x8xf32>
  // expected-error@+1 {{treshape to a dynamic valid shape is not supported}}
  %r = aicore.treshape %a : !aicore.tile<vec, 8x8xf32> -> !aicore.tile<vec, 1x64xf32, valid = [1, ?]>
  return
}

// -----

// expected-error@+1 {{kernel body must be a single block}}
func.func @kernel_with_two_blocks() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  return
^bb1:
  return
}
