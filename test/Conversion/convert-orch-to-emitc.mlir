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
// orch.external 0: a named shape array and make_tensor_external over the argument's data
// (the kernels here have no contract, so names fall back to the argument slot).
// CHECK: verbatim "uint32_t arg0_shape[2] = {4, 16};"
// CHECK-NEXT: %[[QS:.*]] = literal "arg0_shape" : !emitc.array<2xui32>
// CHECK-NEXT: verbatim "ChipTensor arg0 = make_tensor_external(orch_args.tensor(0).ref().data_as<void>(), {}, 2, DataType::BFLOAT16, false);" args %[[QS]]
// CHECK-NEXT: %[[Q:.*]] = literal "arg0" : !emitc.opaque<"ChipTensor">
// orch.arg_dim: the host shape as a named int64_t; it fills the `?` of the next shape array.
// CHECK: verbatim "const int64_t arg1_dim0 = orch_args.tensor(1).ref().shapes[0];"
// CHECK-NEXT: %[[DIM:.*]] = literal "arg1_dim0" : i64
// CHECK-NEXT: verbatim "uint32_t arg1_shape[2] = {{[{][{]}}static_cast<uint32_t>({}), 16};" args %[[DIM]] : i64
// CHECK: %[[L:.*]] = literal "arg4" : !emitc.opaque<"ChipTensor">
// orch.arg_scalar f32: the low 32 bits of the scalar slot.
// CHECK: verbatim "const float scalar0 = from_u64<float>(orch_args.scalar(0));"
// CHECK-NEXT: %[[SCALE:.*]] = literal "scalar0" : f32
// scf.for with a carried value, by upstream's scf patterns: a variable and the loop; the
// read through get_tensor_data; ceildiv as (a + b - 1) / b and max by upstream's arith
// patterns, all in int64_t.
// CHECK: %[[ITERS:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.lvalue<i64>
// CHECK: for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i64 {
// CHECK: verbatim "const int32_t arg4_elem = get_tensor_data<int32_t>({}, 1, {});" args %[[L]], %{{.*}}
// CHECK: %[[LEN:.*]] = cast %{{.*}} : i32 to i64
// CHECK-NEXT: %[[BIAS:.*]] = literal "15" : i64
// CHECK-NEXT: %[[SUM:.*]] = add %[[LEN]], %[[BIAS]] : (i64, i64) -> i64
// CHECK-NEXT: div %[[SUM]], %{{.*}} : (i64, i64) -> i64
// CHECK: conditional
// CHECK: assign %{{.*}} : i64 to %[[ITERS]]
// orch.scope ending its block: PTO2_SCOPE_GUARD() with the ring needs as a comment, then the body.
// CHECK: verbatim "// scope: 1 task slots, 1024 heap bytes, 0 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// orch.alloc: one TensorCreateInfo per buffer, one alloc_tensors, get_ref(k).
// CHECK: verbatim "TensorCreateInfo buffer_info({}, 1, DataType::FLOAT32, false);"
// CHECK: verbatim "TaskOutputTensors buffers = alloc_tensors({});"
// CHECK-NEXT: %[[OUTS:.*]] = literal "buffers"
// A failed allocation stops the orchestration with a message (get_ref would assert).
// Laid out on lines of at most 100 columns, the message as adjacent string literals.
// CHECK-NEXT: verbatim "if ({}.empty()) {{[{][{]}}\0A  rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL,\0A                  \22ptoattn orchestration: alloc_tensors of 1 buffer(s) \22\0A                  \22failed; stopping (the runtime's report above says why)\22);\0A  return;\0A}" args %[[OUTS]]
// CHECK-NEXT: verbatim "ChipTensor buffer = {}.get_ref(0);" args %[[OUTS]]
// CHECK-NEXT: %[[ACC:.*]] = literal "buffer" : !emitc.opaque<"ChipTensor">
// CHECK: for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i64 {
// CHECK-NEXT: verbatim "// scope: 3 task slots, 2048 heap bytes, 4 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK: verbatim "TaskOutputTensors buffers_2 = alloc_tensors({}, {});"
// CHECK: %[[S:.*]] = literal "buffer_2" : !emitc.opaque<"ChipTensor">
// CHECK: %[[P:.*]] = literal "buffer_3" : !emitc.opaque<"ChipTensor">
// AIC task: add_input / add_output in argument order, the step (index_cast to i64 is no
// cast at all), 4 blocks; named after the kernel.
// CHECK: verbatim "// task qk (aic, 4 block(s))"
// CHECK-NEXT: verbatim "CoreTaskArgs qk_args;"
// CHECK-NEXT: %[[T1:.*]] = literal "qk_args"
// CHECK-NEXT: verbatim "{}.add_input({}, {}, {});" args %[[T1]], %[[Q]], %{{.*}}, %[[L]]
// CHECK-NEXT: verbatim "{}.add_output({});" args %[[T1]], %[[S]]
// CHECK-NEXT: verbatim "{}.add_scalar({});" args %[[T1]], %[[J]] : !emitc.opaque<"CoreTaskArgs">, i64
// CHECK-NEXT: verbatim "{}.launch_spec.set_block_num(4);" args %[[T1]]
// CHECK-NEXT: verbatim "rt_submit_aic_task(FUNC_QK, {});" args %[[T1]]
// A refused submission marks the runtime fatal: stop with a message naming the task.
// CHECK-NEXT: verbatim "if (rt_is_fatal()) {\0A  rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL,\0A                  \22ptoattn orchestration: submitting task qk failed; \22\0A                  \22stopping (the runtime's report above says why)\22);\0A  return;\0A}"
// orch.wait: get_tensor_data of the first element, the value dropped.
// CHECK: verbatim "(void)get_tensor_data({}, 1, {});" args %[[ACC]]
// MIX task: the same AIV kernel in both lanes, the AIC slot left empty; f32 scalar after i64.
// CHECK: verbatim "CoreTaskArgs sf_args;"
// CHECK-NEXT: %[[T2:.*]] = literal "sf_args"
// CHECK-NEXT: verbatim "{}.add_input({}, {});" args %[[T2]], %[[S]], %[[L]]
// CHECK-NEXT: verbatim "{}.add_inout({});" args %[[T2]], %[[ACC]]
// CHECK-NEXT: verbatim "{}.add_output({});" args %[[T2]], %[[P]]
// CHECK-NEXT: verbatim "{}.add_scalar({}, {});" args %[[T2]], %[[J]], %[[SCALE]] : !emitc.opaque<"CoreTaskArgs">, i64, f32
// CHECK-NEXT: verbatim "{}.launch_spec.set_block_num(4);" args %[[T2]]
// CHECK-NEXT: verbatim "MixedKernels sf_kernels;"
// CHECK-NEXT: %[[MK:.*]] = literal "sf_kernels"
// CHECK-NOT: aic_kernel_id
// CHECK-NEXT: verbatim "{}.aiv0_kernel_id = FUNC_SF;" args %[[MK]]
// CHECK-NEXT: verbatim "{}.aiv1_kernel_id = FUNC_SF;" args %[[MK]]
// CHECK-NEXT: verbatim "rt_submit_task({}, {});" args %[[MK]], %[[T2]]
// CHECK-NOT: orch.
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

// orch.view: sizes first, then offsets (the API's order); the row read from the table
// is a cast of the element, used directly.
// CHECK-LABEL: verbatim "// Orchestration @per_tile_views,
// CHECK: verbatim "ChipTensor arg5 = make_tensor_external(orch_args.tensor(5).ref().data_as<void>(), {}, 2, DataType::FLOAT32, true);"
// CHECK: verbatim "uint32_t arg3_elem_index[2] = {{[{][{]}}static_cast<uint32_t>({}), 1};"
// CHECK: %[[ROW:.*]] = cast %{{.*}} : i32 to i64
// CHECK: %[[IN:.*]] = cmp lt, %{{.*}}, %{{.*}} : (i64, i64) -> i1
// CHECK-NEXT: if %[[IN]] {
// CHECK-NEXT: verbatim "uint32_t view_sizes[2] = {1, 16};"
// CHECK-NEXT: %[[SZ:.*]] = literal "view_sizes"
// CHECK-NEXT: verbatim "uint32_t view_offsets[2] = {{[{][{]}}static_cast<uint32_t>({}), 0};" args %[[ROW]]
// CHECK-NEXT: %[[OF:.*]] = literal "view_offsets"
// CHECK-NEXT: verbatim "ChipTensor view = {}.view({}, {}, false);" args %{{.*}}, %[[SZ]], %[[OF]]
// One block: no set_block_num.
// CHECK-NOT: set_block_num
// CHECK: verbatim "rt_submit_aic_task(FUNC_QK, {});"
// CHECK: }
// Dynamic sizes fill the `?` entries of each buffer's shape, in order; a dynamic block count.
// CHECK: verbatim "uint32_t buffer_2_shape[2] = {{[{][{]}}static_cast<uint32_t>({}), 16};"
// CHECK: verbatim "{}.launch_spec.set_block_num(static_cast<int16_t>({}));"
// CHECK-NEXT: verbatim "rt_submit_aiv_task(FUNC_UP, {});"
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

// CHECK-LABEL: verbatim "// Orchestration @mix_three_slots,
// CHECK: verbatim "#define FUNC_CUBE 0"
// CHECK-NEXT: verbatim "#define FUNC_LANE0 1"
// CHECK-NEXT: verbatim "#define FUNC_LANE1 2"
// CHECK: verbatim "const int64_t scalar0 = from_u64<int64_t>(orch_args.scalar(0));"
// CHECK: verbatim "MixedKernels cube_kernels;"
// CHECK-NEXT: %[[MK:.*]] = literal "cube_kernels"
// CHECK-NEXT: verbatim "{}.aic_kernel_id = FUNC_CUBE;" args %[[MK]]
// CHECK-NEXT: verbatim "{}.aiv0_kernel_id = FUNC_LANE0;" args %[[MK]]
// CHECK-NEXT: verbatim "{}.aiv1_kernel_id = FUNC_LANE1;" args %[[MK]]
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

// Each scope ends its enclosing block, so each is a guard at the point it opens: the guards
// are destroyed in reverse order at the end of the function, as nested scopes end.
// CHECK-LABEL: verbatim "// Orchestration @deep_scopes,
// CHECK: verbatim "// scope: 1 task slots, 0 heap bytes, 0 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK-NEXT: verbatim "// scope: 1 task slots, 0 heap bytes, 0 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK-NEXT: verbatim "// scope: 7 task slots, 1024 heap bytes, 2 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK-NEXT: verbatim "// scope: 2 task slots, 3072 heap bytes, 1 dependency entries"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK-NEXT: return
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

// A scope followed by more work gets a block of its own: the guard must end with the
// scope, before the wait.

func.func @scope_then_more() attributes {orch.entry = #orch.entry<tensors = 1, scalars = 0>} {
  %x = orch.external 0 : !orch.tensor<16xf32>
  orch.scope {
    %y = orch.alloc : !orch.tensor<16xf32>
  }
  orch.wait %x : !orch.tensor<16xf32>
  return
}
// CHECK-LABEL: verbatim "// Orchestration @scope_then_more,
// CHECK: %[[TRUE:.*]] = literal "true" : i1
// CHECK-NEXT: if %[[TRUE]] {
// CHECK-NEXT: verbatim "PTO2_SCOPE_GUARD();"
// CHECK: verbatim "TaskOutputTensors buffers = alloc_tensors({});"
// CHECK: verbatim "ChipTensor buffer = {}.get_ref(0);"
// CHECK-NEXT: literal "buffer"
// CHECK-NEXT: }
// CHECK-NEXT: verbatim "// wait for the tensor's writers
// CHECK-NOT: PTO2_SCOPE_GUARD
// CHECK: return

// -----

// A module of kernels only is left alone.

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
