//===- OrchAttrs.td - orch dialect attributes and enums -------*- tablegen -*-===//
//
// Enumerations (task kind, tensor-argument direction) and the two structured
// attributes of the dialect: the entry configuration of an orchestration
// function and the ring requirements of a scope.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ORCH_IR_ORCHATTRS_TD
#define PTOATTN_DIALECT_ORCH_IR_ORCHATTRS_TD

include "ptoattn/Dialect/Orch/IR/OrchDialect.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Orch_TaskKind : I32Enum<"TaskKind", "task kind", [
    I32EnumCase<"aic", 0>,
    I32EnumCase<"aiv", 1>,
    I32EnumCase<"mix", 2>
  ]> {
  let cppNamespace = "::mlir::ptoattn::orch";
  let description = [{
    Which runtime entry point submits the task: `aic` is
    `rt_submit_aic_task`, `aiv` is `rt_submit_aiv_task`, `mix` is
    `rt_submit_task(MixedKernels{aic, aiv0, aiv1}, ...)`.
  }];
}

def Orch_TaskKindAttr : EnumAttr<Orch_Dialect, Orch_TaskKind, "kind">;

def Orch_ArgDirection : I32Enum<"ArgDirection", "tensor argument direction", [
    I32EnumCase<"in", 0>,
    I32EnumCase<"out", 1>,
    I32EnumCase<"inout", 2>
  ]> {
  let cppNamespace = "::mlir::ptoattn::orch";
  let description = [{
    How a task uses a tensor argument, i.e. which `CoreTaskArgs` method adds
    it: `in` is `add_input`, `out` is `add_output` on an existing tensor,
    `inout` is `add_inout`.
  }];
}

def Orch_ArgDirectionAttr : EnumAttr<Orch_Dialect, Orch_ArgDirection, "dir">;

def Orch_ArgDirectionArrayAttr
    : TypedArrayAttrBase<Orch_ArgDirectionAttr, "array of tensor argument directions">;

//===----------------------------------------------------------------------===//
// EntryAttr
//===----------------------------------------------------------------------===//

def Orch_EntryAttr : Orch_Attr<"Entry", "entry"> {
  let summary = "argument counts of an orchestration entry function";
  let description = [{
    Attached to the orchestration func.func as `orch.entry`. The function is
    emitted as `aicpu_orchestration_entry`-style code taking the runtime's
    `ChipTaskArgs`, and `aicpu_orchestration_config` returns
    `expected_arg_count = tensors + scalars`. `orch.external`,
    `orch.arg_dim` and `orch.arg_scalar` inside the function are checked
    against these counts.

    Example (simpler's paged-attention signature: six tensors, one scalar):

    ```mlir
    func.func @paged_attention_orch() attributes {
        orch.entry = #orch.entry<tensors = 6, scalars = 1>} { ... }
    ```
  }];
  let parameters = (ins "int64_t":$tensors, "int64_t":$scalars);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The value `aicpu_orchestration_config` reports.
    int64_t getExpectedArgCount() const { return getTensors() + getScalars(); }
  }];
}

//===----------------------------------------------------------------------===//
// RingAttr
//===----------------------------------------------------------------------===//

def Orch_RingAttr : Orch_Attr<"Ring", "ring"> {
  let summary = "peak ring-buffer needs of one scope";
  let description = [{
    What one scope needs from the ring it allocates from, computed by the
    orchestration pass: `task_slots` is the peak number of task-window slots
    held at once (alloc tasks included), `heap_bytes` the peak heap bytes
    (each output rounded up to 1024 bytes), `dep_entries` the peak number of
    dependency-list entries. The emitter turns them into the runtime's ring
    settings (`ring_task_window`, `ring_heap`, `ring_dep_pool`).

    Example:

    ```mlir
    orch.scope ring <task_slots = 6, heap_bytes = 36864, dep_entries = 12> { ... }
    ```
  }];
  let parameters = (ins "int64_t":$task_slots, "int64_t":$heap_bytes,
                        "int64_t":$dep_entries);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // PTOATTN_DIALECT_ORCH_IR_ORCHATTRS_TD
