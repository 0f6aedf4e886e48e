//===- Passes.td - conversions to EmitC -----------------------*- tablegen -*-===//
//
// Lowerings of the aicore and orch dialects to EmitC, from which the upstream
// C++ translation prints the kernels and the orchestration.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_CONVERSION_PASSES_TD
#define PTOATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertOrchToEmitC : Pass<"convert-orch-to-emitc", "ModuleOp"> {
  let summary = "Lower the orch orchestration function to EmitC (the orchestration .cpp)";
  let description = [{
    Rewrites the function carrying `orch.entry = #orch.entry<tensors = N,
    scalars = M>` into an `emitc.file "orchestration"` that
    `mlir-translate --mlir-to-cpp --file-id=orchestration` prints as a complete
    orchestration source for simpler's `tensormap_and_ringbuffer` runtime:
    `#include "pto_orchestration_api.h"`, one `#define FUNC_<KERNEL> <id>` per
    kernel, `aicpu_orchestration_config` (returning N + M) and
    `aicpu_orchestration_entry(const ChipTaskArgs &orch_args)`.

    A dialect conversion: one pattern per orch op (`orch.external` ->
    `make_tensor_external(...)`, `orch.arg_dim` -> `shapes[d]`, `orch.arg_scalar`
    -> `from_u64<T>(...)`, `orch.scope` -> `PTO2_SCOPE_GUARD()` at the start of
    the C++ block it spans, `orch.alloc` -> `TensorCreateInfo`s + `alloc_tensors`
    + `get_ref(k)`, `orch.view` -> `.view(...)`, `orch.read`/`orch.wait` ->
    `get_tensor_data`, `orch.submit` -> `CoreTaskArgs` + `add_*` + the submit),
    upstream's arith and scf patterns, and the index type `int64_t` shared with
    convert-aicore-to-emitc. Runtime objects are declared by name (the kernel
    contracts' argument roles: `query`, `scores`, `qk_matmul_args`).

    Kernel ids number the kernel symbols by first use in the orchestration
    (walk order, slots aic, aiv0, aiv1; `orch::getKernelIds`). The module gets
    no attribute: the driver reads the ids and the per-ring maxima of the
    scope ring needs (`orch::getRingRequirements`) from the `orch` IR before
    this pass. The kernels themselves are left untouched.

    Before:
    ```mlir
    func.func @orch() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
      %q = orch.external 0 : !orch.tensor<4x16x128xbf16>
      orch.scope ring <task_slots = 1, heap_bytes = 8192, dep_entries = 0> {
        %s = orch.alloc : !orch.tensor<64x128xf32>
        orch.submit aic(aic = @qk) blocks(4) args(in %q : ..., out %s : ...)
      }
      return
    }
    ```
    After (printed C++, abridged):
    ```c++
    #define FUNC_QK 0
    extern "C" ... void aicpu_orchestration_entry(const ChipTaskArgs & v1) {
      const ChipTaskArgs &orch_args = v1;
      uint32_t query_shape[3] = {4, 16, 128};
      ChipTensor query = make_tensor_external(orch_args.tensor(0).ref().data_as<void>(), query_shape, 3, DataType::BFLOAT16, false);
      PTO2_SCOPE_GUARD();
      ...
      qk_args.add_input(query);
      qk_args.add_output(scores);
      qk_args.launch_spec.set_block_num(4);
      rt_submit_aic_task(FUNC_QK, qk_args);
    }
    ```
  }];
  let dependentDialects = ["emitc::EmitCDialect"];
}

def ConvertAICoreToEmitC : Pass<"convert-aicore-to-emitc", "ModuleOp"> {
  let summary = "Lower aicore kernels to EmitC, one emitc.file per kernel";
  let description = [{
    Turns every kernel function (a `func.func` carrying its
    `#aicore.kernel` contract) whose tiles have on-chip
    offsets (`aicore-plan-memory`) and whose pipes are synchronised
    (`aicore-insert-sync`) into an `emitc.file "<kernel symbol>"` that
    `mlir-translate --mlir-to-cpp --file-id=<kernel symbol>` prints as one
    complete kernel source: the includes of simpler's kernels,
    `using namespace pto;` and
    `extern "C" __aicore__ void kernel_entry(__gm__ int64_t* args)`.
    The `func.func` is erased, unless a symbol use (an `orch.submit` not yet
    lowered) still names it: then it stays as a private declaration with its
    `#aicore.kernel` (run convert-orch-to-emitc first to get a module the
    translation prints cleanly). The module's `aicore.target` is dropped: the
    converted module carries no ptoattn attribute upstream tools cannot read. Other functions are left alone.

    Op by op: tensor arguments are decoded at entry in `add_*` order
    (`reinterpret_cast<__gm__ ChipTensor*>(args[i])`); `aicore.tensor_ptr`
    -> `reinterpret_cast<__gm__ T*>(d->buffer.addr) + d->start_offset`;
    `aicore.tensor_dim` -> `d->shapes[k]`; `aicore.scalar_arg` -> `args[i]`
    (i64) or `from_u64<float>(args[i])` (f32); block/lane queries ->
    `get_block_idx(args)`, `get_block_num(args)`, `get_sub_block_id(args)`;
    `aicore.gm_view` -> a `GlobalTensor<T, Shape<..>, Stride<..>[, Layout]>`
    (dynamic dims/strides as -1 with constructor arguments);
    `aicore.tile` / `tile_alias` -> a `Tile<...>` (`TileLeft/TileRight/TileAcc`
    for cube operands) constructed with its dynamic valid dims, then
    `TASSIGN(tile, offset)`; `aicore.treshape` -> a new tile and `TRESHAPE`;
    each instruction -> its PTO-ISA call (destination first); sync ops ->
    `set_flag/wait_flag/pipe_barrier(PIPE_*, ..., EVENT_IDn)`, `pipe_sync()`.
    By-reference tile arguments go through `emitc.verbatim` with operands.
    `arith` and `scf` use the upstream EmitC conversions with the index type
    `int64_t` shared with convert-orch-to-emitc. Tiles, views, pointers and
    scalar arguments are declared by name (`scores_tile`, `scores_gm`, `kv_step`)
    and each tile and view type gets one `using` alias.

    Before:
    ```mlir
    func.func @qk() attributes {aicore.kernel = #aicore.kernel<core = aic,
        args = [#aicore.arg<in "q" : bf16>, #aicore.arg<out "s" : f32>]>} {
      %c0 = arith.constant 0 : index
      %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
      %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xbf16>
      %m = aicore.tile offset 0 : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
      aicore.tload ins(%g : ...) outs(%m : ...)
      ...
    }
    ```
    After (printed with `--file-id=qk`, abridged):
    ```c++
    using MatBf16_16x128_PadZero = Tile<TileType::Mat, bfloat16_t, 16, 128, ...>;
    extern "C" __aicore__ void kernel_entry(__gm__ int64_t* v1) {
      __gm__ int64_t *args = v1;
      __gm__ ChipTensor *q_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
      ...
      MatBf16_16x128_PadZero q_tile;
      TASSIGN(q_tile, 0x0);
      TLOAD(q_tile, q_gm);
    ```
  }];
  let dependentDialects = ["emitc::EmitCDialect"];
}

#endif // PTOATTN_CONVERSION_PASSES_TD
