// RUN: ptoattn-opt %s -split-input-file -convert-orch-to-emitc -verify-diagnostics | FileCheck %s
//
// The orchestration function becomes `emitc.file "orchestration"` (printed with
// `mlir-translate --mlir-to-cpp --file-id=orchestration`); kernels stay as they are.

// SPMD strategy, static batch: arguments, host loop with a read, nested scopes,
// one alloc per scope, AIC tasks with a block count, MIX tasks on both AIV lanes,
// tensors before scalars (i64 step, f32 scale).

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

// The module gets no attribute (the driver reads kernel ids and ring needs before
// conversion, test_orch_emission.py); kernel ids are numbered by first use.
// CHECK-NOT: ptoattn.
// CHECK: func.func private @qk()
// CHECK: emitc.file "orchestration"
// CHECK: verbatim "// Orchestration @spmd_static, emitted by ptoattn (convert-orch-to-emitc)."
// CHECK: include "pto_orchestration_api.h"
// CHECK: verbatim "#define FUNC_QK 0"
// CHECK: verbatim "#define FUNC_SF 1"
// CHECK: func @aicpu_orchestration_config(%[[CA:.*]]: !emitc.opaque<"const ChipTaskArgs &">) -> !emitc.opaque<"PTO2OrchestrationConfig"> attributes {specifiers = ["extern \22C\22 __attribute__((visibility(\22default\22)))"]}
// CHECK: literal "PTO2OrchestrationConfig{7}"
// CHECK: func @aicpu_orchestration_entry(%[[ARGS:.*]]: !emitc.opaque<"const ChipTaskArgs &">)
// CHECK: verbatim "const ChipTaskArgs &orch_args = {};" args %[[ARGS]]
// orch.external 0: a shape array and make_tensor_external over the argument's data.
// CHECK: %[[QS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{4, 16}">}> : () -> !emitc.array<2xui32>
// CHECK: %[[QA:.*]] = literal "orch_args.tensor(0).ref().data_as<void>()"
// CHECK: %[[Q:.*]] = call_opaque "make_tensor_external"(%[[QA]], %[[QS]]) {args = [0 : index, 1 : index, 2 : i32, #emitc.opaque<"DataType::BFLOAT16">, false]}
// orch.arg_dim: the host shape, as int64_t; it fills the `?` of the next shape array.
// CHECK: %[[DIMRAW:.*]] = literal "orch_args.tensor(1).ref().shapes[0]" : ui32
// CHECK: %[[DIM:.*]] = cast %[[DIMRAW]] : ui32 to i64
// CHECK: %[[KS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{0, 16}">}>
// CHECK: %[[DIM32:.*]] = cast %[[DIM]] : i64 to ui32
// CHECK: %[[KS0:.*]] = subscript %[[KS]][%{{.*}}]
// CHECK: assign %[[DIM32]] : ui32 to %[[KS0]]
// CHECK: %[[K:.*]] = call_opaque "make_tensor_external"(%{{.*}}, %[[KS]])
// CHECK: %[[L:.*]] = call_opaque "make_tensor_external"({{.*}}DataType::INT32
// orch.arg_scalar f32: the low 32 bits of the scalar slot.
// CHECK: %[[SRAW:.*]] = literal "orch_args.scalar(0)" : ui64
// CHECK: %[[SCALE:.*]] = call_opaque "from_u64"(%[[SRAW]]) {template_args = [f32]} : (ui64) -> f32
// scf.for with a carried value: a variable, the loop, reads through get_tensor_data.
// CHECK: %[[ITERS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<i64>
// CHECK: for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i64 {
// CHECK: %[[LEN:.*]] = call_opaque "get_tensor_data"(%[[L]], %{{.*}}) {args = [0 : index, 1 : i32, 1 : index], template_args = [i32]}
// CHECK: call_opaque "std::max<int64_t>"
// CHECK: assign %{{.*}} : i64 to %[[ITERS]]
// orch.scope: PTO2_SCOPE() with the ring needs as a comment.
// CHECK: verbatim "// scope: 1 task slots, 1024 heap bytes, 0 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE() {"
// orch.alloc: one TensorCreateInfo per buffer, one alloc_tensors, get_ref(k).
// CHECK: %[[CI0:.*]] = call_opaque "TensorCreateInfo"(%{{.*}}) {args = [0 : index, 1 : i32, #emitc.opaque<"DataType::FLOAT32">, false]}
// CHECK: %[[OUTS:.*]] = call_opaque "alloc_tensors"(%[[CI0]]) : (!emitc.opaque<"TensorCreateInfo">) -> !emitc.opaque<"TaskOutputTensors">
// A failed allocation stops the orchestration with a message (get_ref would assert).
// CHECK-NEXT: verbatim "if ({}.empty()) {{[{][{]}} rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL, \22ptoattn orchestration: alloc_tensors of 1 buffer(s) failed; stopping (the runtime's report above says why)\22); return; }" args %[[OUTS]]
// CHECK: %[[ACC:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.opaque<"ChipTensor">>
// CHECK: verbatim "{} = {}.get_ref(0);" args %[[ACC]], %[[OUTS]]
// CHECK: %[[N:.*]] = load %[[ITERS]]
// CHECK: for %[[J:.*]] = %{{.*}} to %[[N]] step
// CHECK: verbatim "PTO2_SCOPE() {"
// CHECK: %[[TWO:.*]] = call_opaque "alloc_tensors"(%{{.*}}, %{{.*}})
// CHECK: verbatim "{} = {}.get_ref(0);" args %[[S:[^,]*]], %[[TWO]]
// CHECK: verbatim "{} = {}.get_ref(1);" args %[[P:[^,]*]], %[[TWO]]
// AIC task: add_input / add_output in argument order, the step, 4 blocks.
// CHECK: verbatim "// task qk (aic, 4 block(s))"
// CHECK: %[[QKA:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.opaque<"CoreTaskArgs">>
// CHECK-NEXT: verbatim "{}.add_input({}, {}, {});" args %[[QKA]], %[[Q]], %[[K]], %[[L]]
// CHECK-NEXT: verbatim "{}.add_output({});" args %[[QKA]], %[[S]]
// CHECK-NEXT: verbatim "{}.add_scalar({});" args %[[QKA]], %[[J]]
// CHECK-NEXT: verbatim "{}.launch_spec.set_block_num(4);" args %[[QKA]]
// CHECK-NEXT: verbatim "rt_submit_aic_task(FUNC_QK, {});" args %[[QKA]]
// A refused submission marks the runtime fatal: stop with a message naming the task.
// CHECK-NEXT: verbatim "if (rt_is_fatal()) { rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL, \22ptoattn orchestration: submitting task qk failed; stopping (the runtime's report above says why)\22); return; }"
// orch.wait: get_tensor_data of the first element, the value dropped.
// CHECK: %[[WI:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{0}">}> : () -> !emitc.array<1xui32>
// CHECK-NEXT: verbatim "// wait for the tensor's writers: bounds how far the orchestration runs ahead"
// CHECK-NEXT: verbatim "(void)get_tensor_data({}, 1, {});" args %[[ACC]], %[[WI]]
// MIX task: the same AIV kernel in both lanes, the AIC slot left empty; f32 scalar after i64.
// CHECK: verbatim "// task sf (mix, 4 block(s))"
// CHECK: %[[SFA:.*]] = "emitc.variable"
// CHECK-NEXT: verbatim "{}.add_input({}, {});" args %[[SFA]], %[[S]], %[[L]]
// CHECK-NEXT: verbatim "{}.add_inout({});" args %[[SFA]], %[[ACC]]
// CHECK-NEXT: verbatim "{}.add_output({});" args %[[SFA]], %[[P]]
// CHECK-NEXT: verbatim "{}.add_scalar({}, {});" args %[[SFA]], %[[J]], %[[SCALE]]
// CHECK-NEXT: verbatim "{}.launch_spec.set_block_num(4);"
// CHECK-NEXT: %[[MK:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.opaque<"MixedKernels">>
// CHECK-NOT: aic_kernel_id
// CHECK: %[[A0:.*]] = "emitc.member"(%[[MK]]) <{member = "aiv0_kernel_id"}>
// CHECK-NEXT: %[[F0:.*]] = literal "FUNC_SF" : i32
// CHECK-NEXT: assign %[[F0]] : i32 to %[[A0]]
// CHECK: "emitc.member"(%[[MK]]) <{member = "aiv1_kernel_id"}>
// CHECK: verbatim "rt_submit_task({}, {});" args %[[MK]], %[[SFA]]
// CHECK: verbatim "}"
// CHECK: verbatim "}"
// CHECK: return
// CHECK-NOT: func.func @spmd_static
func.func @spmd_static() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %q = orch.external 0 : !orch.tensor<4x16xbf16>
  %nb = orch.arg_dim 1, 0
  %k = orch.external 1(%nb) : !orch.tensor<?x16xbf16>
  %lens = orch.external 4 : !orch.tensor<4xi32>
  %scale = orch.arg_scalar 0 : f32
  %iters = scf.for %b = %c0 to %c4 step %c1 iter_args(%m = %c1) -> (index) {
    %len = orch.read %lens[%b] : !orch.tensor<4xi32>
    %l = arith.index_cast %len : i32 to index
    %n = arith.ceildivui %l, %c16 : index
    %mx = arith.maxsi %m, %n : index
    scf.yield %mx : index
  }
  orch.scope ring <task_slots = 1, heap_bytes = 1024, dep_entries = 0> {
    %acc = orch.alloc : !orch.tensor<64xf32>
    scf.for %j = %c0 to %iters step %c1 {
      orch.scope ring <task_slots = 3, heap_bytes = 2048, dep_entries = 4> {
        %s, %p = orch.alloc : !orch.tensor<4x16xf32>, !orch.tensor<4x16xbf16>
        %step = arith.index_cast %j : index to i64
        orch.submit aic(aic = @qk) blocks(4)
            args(in %q : !orch.tensor<4x16xbf16>, in %k : !orch.tensor<?x16xbf16>,
                 in %lens : !orch.tensor<4xi32>, out %s : !orch.tensor<4x16xf32>)
            scalars(%step : i64)
        orch.wait %acc : !orch.tensor<64xf32>
        orch.submit mix(aiv0 = @sf, aiv1 = @sf) blocks(4)
            args(in %s : !orch.tensor<4x16xf32>, in %lens : !orch.tensor<4xi32>,
                 inout %acc : !orch.tensor<64xf32>, out %p : !orch.tensor<4x16xbf16>)
            scalars(%step, %scale : i64, f32)
      }
    }
  }
  return
}

// -----

// Per-tile strategy pieces: views with value offsets, scf.if, a 2-D read, one block
// (no set_block_num), a single-lane AIV task, dynamic alloc sizes, a dynamic block count.

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @up() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

// CHECK-NOT: ptoattn.
// CHECK: verbatim "// Orchestration @per_tile_views
// CHECK: %[[BT:.*]] = call_opaque "make_tensor_external"({{.*}}DataType::INT32
// CHECK: %[[KC:.*]] = call_opaque "make_tensor_external"({{.*}}DataType::BFLOAT16
// CHECK: %[[OUT:.*]] = call_opaque "make_tensor_external"({{.*}}DataType::FLOAT32">, true]}
// CHECK: for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[IDX:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{0, 1}">}> : () -> !emitc.array<2xui32>
// CHECK: %[[BLK:.*]] = call_opaque "get_tensor_data"(%[[BT]], %[[IDX]]) {args = [0 : index, 2 : i32, 1 : index], template_args = [i32]}
// CHECK: %[[COND:.*]] = cmp lt, %{{.*}}, %{{.*}} : (i64, i64) -> i1
// CHECK: if %[[COND]] {
// orch.view: sizes first, then offsets (the API's order).
// CHECK: %[[VS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{1, 16}">}>
// CHECK: %[[VO:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{0, 0}">}>
// CHECK: %[[V:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<!emitc.opaque<"ChipTensor">>
// CHECK: verbatim "{} = {}.view({}, {}, false);" args %[[V]], %[[KC]], %[[VS]], %[[VO]]
// CHECK: verbatim "// task qk (aic, 1 block(s))"
// CHECK-NOT: set_block_num
// CHECK: verbatim "rt_submit_aic_task(FUNC_QK, {});"
// CHECK-NEXT: }
// Dynamic sizes fill the `?` entries of each buffer's shape, in order.
// CHECK: %[[DS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"{0, 16}">}>
// CHECK: assign %{{.*}} : ui32 to %{{.*}}
// CHECK: call_opaque "TensorCreateInfo"(%[[DS]])
// CHECK: verbatim "// task up (aiv, n block(s))"
// CHECK: verbatim "{}.add_output({});" args %{{.*}}, %[[OUT]]
// CHECK: verbatim "{}.launch_spec.set_block_num(static_cast<int16_t>({}));"
// CHECK: verbatim "rt_submit_aiv_task(FUNC_UP, {});"
func.func @per_tile_views() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %w = orch.arg_dim 3, 1
  %bt = orch.external 3(%w) : !orch.tensor<2x?xi32>
  %nb = orch.arg_dim 1, 0
  %kc = orch.external 1(%nb) : !orch.tensor<?x16xbf16>
  %out = orch.external 5 manual_dep : !orch.tensor<2x16xf32>
  scf.for %b = %c0 to %c2 step %c1 {
    %blk = orch.read %bt[%b, 1] : !orch.tensor<2x?xi32>
    %row = arith.index_cast %blk : i32 to index
    %in_range = arith.cmpi slt, %b, %c1 : index
    scf.if %in_range {
      %kv = orch.view %kc[%row, 0] [1, 16] : !orch.tensor<?x16xbf16> -> !orch.tensor<1x16xbf16>
      %s = orch.alloc : !orch.tensor<1x16xf32>
      orch.submit aic(aic = @qk) args(in %kv : !orch.tensor<1x16xbf16>, out %s : !orch.tensor<1x16xf32>)
    }
    %rows = orch.alloc(%c2) : !orch.tensor<?x16xf32>
    orch.submit aiv(aiv0 = @up) blocks(%c2) args(in %rows : !orch.tensor<?x16xf32>, out %out : !orch.tensor<2x16xf32>)
  }
  return
}

// -----

// A three-slot MIX task fills every MixedKernels slot; kernel ids follow first use
// (aic, aiv0, aiv1 within one task).

func.func private @cube() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @lane0() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @lane1() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

// CHECK-NOT: ptoattn.
// CHECK: literal "PTO2OrchestrationConfig{2}"
// CHECK: verbatim "// task cube + lane0 + lane1 (mix, 2 block(s))"
// CHECK: "emitc.member"(%[[MK:.*]]) <{member = "aic_kernel_id"}>
// CHECK: literal "FUNC_CUBE"
// CHECK: "emitc.member"(%[[MK]]) <{member = "aiv0_kernel_id"}>
// CHECK: literal "FUNC_LANE0"
// CHECK: "emitc.member"(%[[MK]]) <{member = "aiv1_kernel_id"}>
// CHECK: literal "FUNC_LANE1"
// CHECK: verbatim "rt_submit_task({}, {});" args %[[MK]]
func.func @mix_three_slots() attributes {orch.entry = #orch.entry<tensors = 1, scalars = 1>,
    orch.ring = #orch.ring<task_slots = 2, heap_bytes = 1024, dep_entries = 1>} {
  %x = orch.external 0 : !orch.tensor<16x16xf32>
  %n = orch.arg_scalar 0 : i64
  %y = orch.alloc : !orch.tensor<16x16xf32>
  orch.submit mix(aic = @cube, aiv0 = @lane0, aiv1 = @lane1) blocks(2)
      args(in %x : !orch.tensor<16x16xf32>, out %y : !orch.tensor<16x16xf32>) scalars(%n : i64)
  return
}

// -----

// Scopes deeper than three share ring 3, which records the maximum
// (test_orch_emission.py reads it); all five scopes are emitted.

// CHECK-NOT: ptoattn.
// CHECK-COUNT-5: verbatim "PTO2_SCOPE() {"
func.func @deep_scopes() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 0>} {
  orch.scope ring <task_slots = 1, heap_bytes = 0, dep_entries = 0> {
    orch.scope ring <task_slots = 1, heap_bytes = 0, dep_entries = 0> {
      orch.scope ring <task_slots = 7, heap_bytes = 1024, dep_entries = 2> {
        orch.scope ring <task_slots = 2, heap_bytes = 3072, dep_entries = 1> {
          orch.scope {
          }
        }
      }
    }
  }
  return
}

// -----

// A module of kernels only is left alone.

// CHECK-LABEL: func.func @kernels_only
// CHECK-NOT: emitc.file
// CHECK-NOT: ptoattn.
func.func @kernels_only() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  return
}

// -----

func.func @first_entry() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 0>} {
  return
}
// expected-error @below {{more than one orchestration entry function (orch.entry); the first is @first_entry}}
func.func @second_entry() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 0>} {
  return
}

// -----

// expected-error @below {{orchestration entry must have one block, no arguments and no results}}
func.func @entry_with_argument(%n: index) attributes {orch.entry = #orch.entry<tensors = 0, scalars = 0>} {
  return
}

// -----

func.func private @helper() -> index

func.func @unsupported_op() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 0>} {
  // expected-error @below {{'func.call' op cannot be lowered by convert-orch-to-emitc}}
  %n = func.call @helper() : () -> index
  return
}

// -----

func.func @unsupported_arith() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 1>} {
  %s = orch.arg_scalar 0 : f32
  // expected-error @below {{'arith.addf' op cannot be lowered by convert-orch-to-emitc}}
  %t = arith.addf %s, %s : f32
  return
}
