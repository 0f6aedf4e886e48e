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
//       CHECK:   func @kernel_entry(%[[ARGS:.*]]: !emitc.ptr<!emitc.opaque<"__gm__ int64_t">>) attributes {specifiers = ["extern \22C\22 __aicore__"]}
//       CHECK:     verbatim "// args[0]: in query"
//       CHECK:     %[[Q:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.ptr<!emitc.opaque<"__gm__ ChipTensor">>>
//       CHECK:     subscript %[[ARGS]]
//       CHECK:     call_opaque "reinterpret_cast"({{.*}}) {template_args = [!emitc.ptr<!emitc.opaque<"__gm__ ChipTensor">>]}
//       CHECK:     assign %{{.*}} : !emitc.ptr<!emitc.opaque<"__gm__ ChipTensor">> to %[[Q]]
//       CHECK:     verbatim "// args[1]: in key_cache"
//       CHECK:     verbatim "// args[2]: out scores"
//   CHECK-NOT:     verbatim "// args[3]
//       CHECK:     "emitc.member_of_ptr"(%[[Q]]) <{member = "buffer"}>
//       CHECK:     "emitc.member_of_ptr"(%[[Q]]) <{member = "start_offset"}>
//       CHECK:     call_opaque "reinterpret_cast"({{.*}}) {template_args = [!emitc.ptr<!emitc.opaque<"__gm__ bfloat16_t">>]}
//       CHECK:     call_opaque "GlobalTensor<bfloat16_t, Shape<1, 1, 1, 16, 128>, Stride<2048, 2048, 2048, 128, 1>>"
//       CHECK:     call_opaque "GlobalTensor<bfloat16_t, Shape<1, 1, 1, 128, 128>, Stride<16384, 16384, 16384, 1, 128>, Layout::DN>"
//       CHECK:     verbatim "// tile in L1 [0x0, 0x1000)"
//       CHECK:     %[[QM:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.opaque<"Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 16, 128, SLayout::RowMajor, 512, PadValue::Zero>">>
//       CHECK:     verbatim "TASSIGN({}, 0x0);" args %[[QM]]
//       CHECK:     verbatim "// tile in L1 [0x1000, 0x9000)"
//       CHECK:     %[[KM:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Mat, bfloat16_t, 128, 128, BLayout::RowMajor, 128, 128, SLayout::ColMajor, 512>">>
//       CHECK:     verbatim "TASSIGN({}, 0x1000);" args %[[KM]]
//       CHECK:     %[[L:.*]] = "emitc.variable"{{.*}}"TileLeft<bfloat16_t, 16, 128, 16, 128>">>
//       CHECK:     %[[R:.*]] = "emitc.variable"{{.*}}"TileRight<bfloat16_t, 128, 128, 128, 128>">>
//       CHECK:     %[[A:.*]] = "emitc.variable"{{.*}}"TileAcc<float, 16, 128, 16, 128>">>
//       CHECK:     verbatim "TLOAD({}, {});" args %[[QM]], %{{.*}}
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
//       CHECK:   func @kernel_entry(%[[ARGS:.*]]: !emitc.ptr<!emitc.opaque<"__gm__ int64_t">>)
//       CHECK:     %[[S:.*]] = "emitc.variable"{{.*}}"__gm__ ChipTensor">>>
//       CHECK:     %[[P:.*]] = "emitc.variable"{{.*}}"__gm__ ChipTensor">>>
//       CHECK:     %[[LANE:.*]] = expression %[[ARGS]]
//       CHECK:       call_opaque "get_sub_block_id"(%[[ARGS]]) : (!emitc.ptr<!emitc.opaque<"__gm__ int64_t">>) -> i32
//       CHECK:     %[[BLK:.*]] = expression %[[ARGS]]
//       CHECK:       call_opaque "get_block_idx"(%[[ARGS]])
//       CHECK:     %[[ROWS:.*]] = mul %[[LANE]], %{{.*}} : (!emitc.size_t, !emitc.size_t) -> !emitc.size_t
//       CHECK:     %[[BASE:.*]] = mul %[[BLK]], %{{.*}} : (!emitc.size_t, !emitc.size_t) -> !emitc.size_t
//       CHECK:     %[[ROW0:.*]] = add %[[BASE]], %[[ROWS]] : (!emitc.size_t, !emitc.size_t) -> !emitc.size_t
//       CHECK:     %[[OFF:.*]] = mul %[[ROW0]], %{{.*}} : (!emitc.size_t, !emitc.size_t) -> !emitc.size_t
//       CHECK:     "emitc.member_of_ptr"(%[[S]]) <{member = "shapes"}> : (!emitc.lvalue<!emitc.ptr<!emitc.opaque<"__gm__ ChipTensor">>>) -> !emitc.array<5xui32>
//       CHECK:     %[[VALID:.*]] = expression
//       CHECK:     literal "2" : !emitc.size_t
//       CHECK:     %[[SCALE:.*]] = expression
//       CHECK:       call_opaque "from_u64"({{.*}}) {template_args = [f32]} : (ui64) -> f32
//       CHECK:     %[[SG:.*]] = expression %{{.*}}, %[[OFF]], %[[VALID]]
//       CHECK:       call_opaque "Shape<1, 1, 1, 8, -1>"({{.*}}) {args = [#emitc.opaque<"1">, #emitc.opaque<"1">, #emitc.opaque<"1">, #emitc.opaque<"8">, 0 : index]}
//       CHECK:       call_opaque "GlobalTensor<float, Shape<1, 1, 1, 8, -1>, Stride<2048, 2048, 2048, 128, 1>>"
//       CHECK:     verbatim "// tile in UB [0x0, 0x1000), valid shape set at run time"
//       CHECK:     %[[SDYN:.*]] = call_opaque "Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, 8, -1>"(%[[VALID]])
//       CHECK:     verbatim "TASSIGN({}, 0x0);" args %[[SDYN]]
//       CHECK:     verbatim "// alias in UB [0x0, 0x1000)"
//       CHECK:     %[[SPAD:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, 8, 128, SLayout::NoneBox, 512, PadValue::Min>">>
//       CHECK:     verbatim "TASSIGN({}, 0x0);" args %[[SPAD]]
//       CHECK:     %[[TMP:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, 8, 128>">>
//       CHECK:     verbatim "TASSIGN({}, 0x1000);" args %[[TMP]]
//       CHECK:     %[[M:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, float, 8, 1, BLayout::ColMajor, 8, 1>">>
//       CHECK:     %[[PB:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, bfloat16_t, 8, 128, BLayout::RowMajor, 8, 128>">>
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
//       CHECK:     literal "1" : !emitc.size_t
//       CHECK:     cast %{{.*}} : !emitc.opaque<"__gm__ int64_t"> to i64
//       CHECK:     call_opaque "get_block_num"(%[[ARGS]])
//       CHECK:     subscript %{{.*}}[%{{.*}}] : (!emitc.ptr<!emitc.opaque<"__gm__ int32_t">>, !emitc.size_t) -> !emitc.lvalue<!emitc.opaque<"__gm__ int32_t">>
//       CHECK:     cast %{{.*}} : !emitc.opaque<"__gm__ int32_t"> to i32
//       CHECK:     div %{{.*}}, %{{.*}} : (!emitc.size_t, !emitc.size_t) -> !emitc.size_t
//       CHECK:     %[[COL:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, float, 8, 1, BLayout::ColMajor, 8, 1>">>
//       CHECK:     verbatim "TASSIGN({}, 0x40);" args %[[COL]]
//       CHECK:     verbatim "// reshaped view in UB [0x40, 0x60)"
//       CHECK:     %[[ROW:.*]] = "emitc.variable"{{.*}}"Tile<TileType::Vec, float, 1, 8, BLayout::RowMajor, 1, 8>">>
//       CHECK:     verbatim "TRESHAPE({}, {});" args %[[ROW]], %[[COL]]
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
