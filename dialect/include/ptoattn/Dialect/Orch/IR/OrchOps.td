//===- OrchOps.td - orch dialect operations -------------------*- tablegen -*-===//
//
// Operations of the `orch` dialect. Each one names the runtime API it stands
// for (simpler `tensormap_and_ringbuffer`, docs/target-contracts.md §3) so the
// EmitC lowering can translate it without further analysis. Shapes follow the
// memref convention: static dimensions live in the result type, every `?`
// dimension has one `index` operand, in order.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ORCH_IR_ORCHOPS_TD
#define PTOATTN_DIALECT_ORCH_IR_ORCHOPS_TD

include "ptoattn/Dialect/Orch/IR/OrchDialect.td"
include "ptoattn/Dialect/Orch/IR/OrchAttrs.td"
include "ptoattn/Dialect/Orch/IR/OrchTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Ops that suggest result names (%ext0, %buf, %view, ...) so printed
/// orchestrations read without a legend.
defvar OrchResultNames = DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>;

//===----------------------------------------------------------------------===//
// ExternalOp
//===----------------------------------------------------------------------===//

def Orch_ExternalOp : Orch_Op<"external", [Pure, OrchResultNames]> {
  let summary = "wrap an orchestration tensor argument as a runtime tensor";
  let description = [{
    Makes a contiguous runtime tensor over the memory of orchestration tensor
    argument `arg_index`, with the shape and element type of the result. This
    is `make_tensor_external(addr, shapes, ndims, dtype, manual_dep)` with
    `addr` the data address of `orch_args.tensor(i).ref()`. The shape may differ from the argument's host
    shape (e.g. `[batch, heads, dim]` flattened to `[batch * heads, dim]`);
    the caller guarantees the element count matches.

    `manual_dep` excludes the tensor from the runtime's overlap tracking
    (only the creator edge stays); use it only when ordering is guaranteed
    some other way.

    Example:

    ```mlir
    %q   = orch.external 0 : !orch.tensor<64x128xbf16>
    %bt  = orch.external 3 (%batch, %maxb) : !orch.tensor<?x?xi32>
    %out = orch.external 5 manual_dep : !orch.tensor<64x128xf32>
    ```
  }];

  let arguments = (ins I64Attr:$arg_index, Variadic<Index>:$dynamic_sizes,
                       UnitAttr:$manual_dep);
  let results = (outs Orch_ChipTensorType:$result);
  let assemblyFormat = [{
    $arg_index (`(` $dynamic_sizes^ `)`)? (`manual_dep` $manual_dep^)? attr-dict
    `:` qualified(type($result))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ArgDimOp
//===----------------------------------------------------------------------===//

def Orch_ArgDimOp : Orch_Op<"arg_dim", [Pure, OrchResultNames]> {
  let summary = "host shape of an orchestration tensor argument";
  let description = [{
    Dimension `dim` of orchestration tensor argument `arg_index` as the host
    passed it: `orch_args.tensor(i).ref().shapes[dim]`. Used for sizes that
    are only known at run time (batch, block-table width).

    Example:

    ```mlir
    %batch = orch.arg_dim 4, 0
    ```
  }];

  let arguments = (ins I64Attr:$arg_index, I64Attr:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$arg_index `,` $dim attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ArgScalarOp
//===----------------------------------------------------------------------===//

def Orch_ArgScalarOp : Orch_Op<"arg_scalar", [Pure, OrchResultNames]> {
  let summary = "read an orchestration scalar argument";
  let description = [{
    Orchestration scalar argument `arg_index`, reinterpreted from its raw 64
    bits as the result type: `from_u64<T>(orch_args.scalar(i))`. The result is
    `i64`, `i32` or `f32` (an `f32` occupies the low 32 bits).

    Example:

    ```mlir
    %scale = orch.arg_scalar 0 : f32
    ```
  }];

  let arguments = (ins I64Attr:$arg_index);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$arg_index attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ScopeOp
//===----------------------------------------------------------------------===//

def Orch_ScopeOp : Orch_Op<"scope", [SingleBlock, NoTerminator]> {
  let summary = "a runtime scope (PTO2_SCOPE)";
  let description = [{
    Everything submitted or allocated in the body belongs to a new runtime
    scope: `PTO2_SCOPE() { ... }`. The scope holds a reference to each of its
    tasks until it closes, so ring slots and heap bytes are reclaimed only
    after the body ends. Scopes nest, at most 63 deep (the runtime's
    scope stack holds 64 including the executor's implicit entry scope); the
    ring a scope uses is `min(nesting depth, 3)`, the implicit entry scope
    being depth 0.

    The optional `ring` attribute records the peak ring needs of this scope,
    as computed by the orchestration pass (see `#orch.ring`).

    Values defined in the body cannot be used after it, which matches the
    runtime rule that `alloc_tensors` results are valid only inside the scope
    that produced them.

    Example:

    ```mlir
    orch.scope ring <task_slots = 5, heap_bytes = 12288, dep_entries = 8> {
      %s = orch.alloc : !orch.tensor<16x128xf32>
      orch.submit aic(aic = @qk) args(in %q : !orch.tensor<16x128xbf16>,
                                      in %k : !orch.tensor<128x128xbf16>,
                                      out %s : !orch.tensor<16x128xf32>)
    }
    ```
  }];

  let arguments = (ins OptionalAttr<Orch_RingAttr>:$ring);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "(`ring` $ring^)? $body attr-dict-with-keyword";
  let skipDefaultBuilders = 1;
  let builders = [
    /// Creates the scope with an empty body block; the insertion point is
    /// left unchanged.
    OpBuilder<(ins CArg<"RingAttr", "{}">:$ring)>
  ];
  let extraClassDeclaration = [{
    /// Deepest orch.scope nesting the runtime's scope stack can hold.
    static constexpr unsigned kMaxNesting = 63;
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// AllocOp
//===----------------------------------------------------------------------===//

def Orch_AllocOp : Orch_Op<"alloc", [OrchResultNames]> {
  let summary = "allocate intermediate tensors on the ring heap";
  let description = [{
    Allocates one runtime tensor per result: one `TensorCreateInfo(shapes,
    ndims, dtype, manual_dep)` each, all passed to a single
    `alloc_tensors(...)` call whose `get_ref(i)` are the results. The runtime
    implements this as a kernel-less task that owns the buffers, so one alloc
    costs one task-window slot plus the buffers' heap bytes (each rounded up
    to 1024 bytes) in the current scope's ring.

    Every static dimension must be positive. Dynamic dimensions take one
    `index` operand each, in result order then dimension order.

    Example:

    ```mlir
    %oi, %li, %mi = orch.alloc : !orch.tensor<16x128xf32>, !orch.tensor<16xf32>,
                                 !orch.tensor<16xf32>
    %sij = orch.alloc (%rows) : !orch.tensor<?x128xf32>
    ```
  }];

  let arguments = (ins Variadic<Index>:$dynamic_sizes, UnitAttr:$manual_dep);
  let results = (outs Res<Variadic<Orch_ChipTensorType>, "", [MemAlloc]>:$results);
  let assemblyFormat = [{
    (`(` $dynamic_sizes^ `)`)? (`manual_dep` $manual_dep^)? attr-dict
    `:` type($results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ViewOp
//===----------------------------------------------------------------------===//

def Orch_ViewOp : Orch_Op<"view", [Pure, AttrSizedOperandSegments, OrchResultNames]> {
  let summary = "a rectangular view of a runtime tensor";
  let description = [{
    `source.view(sizes, offsets, manual_dep)`: a tensor over the same memory,
    starting at `offsets` (elements, per dimension) with shape `sizes`, keeping
    the source's strides. The rank does not change. Offsets and sizes are
    constants or `index` values; a static size must equal the result
    dimension and a dynamic one needs a `?` there. Where offset, size and the
    source dimension are all static, the view must lie inside the source.
    Zero-size views are allowed.

    Example (the valid columns of a score tile, and one KV-cache block):

    ```mlir
    %sv = orch.view %sij[0, 0] [16, %valid]
        : !orch.tensor<16x128xf32> -> !orch.tensor<16x?xf32>
    %kj = orch.view %kc[%row, 0] [128, 128]
        : !orch.tensor<?x128xbf16> -> !orch.tensor<128x128xbf16>
    ```
  }];

  let arguments = (ins Orch_ChipTensorType:$source,
                       Variadic<Index>:$offsets, Variadic<Index>:$sizes,
                       DenseI64ArrayAttr:$static_offsets,
                       DenseI64ArrayAttr:$static_sizes,
                       UnitAttr:$manual_dep);
  let results = (outs Orch_ChipTensorType:$result);
  let assemblyFormat = [{
    $source `` custom<DynamicIndexList>($offsets, $static_offsets)
    custom<DynamicIndexList>($sizes, $static_sizes)
    (`manual_dep` $manual_dep^)? attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ReadOp
//===----------------------------------------------------------------------===//

def Orch_ReadOp : Orch_Op<"read", [
    MemoryEffects<[MemRead]>, OrchResultNames,
    TypesMatchWith<"result type is the tensor's element type", "tensor", "result",
                   "::llvm::cast<ChipTensorType>($_self).getElementType()">]> {
  let summary = "blocking read of one element of a runtime tensor";
  let description = [{
    `get_tensor_data<T>(tensor, ndims, idx)`: waits until the tensor's creator
    and every earlier writer the runtime tracks have completed, then returns
    the element at `indices` (one per dimension). External tensors are read
    immediately. The result type is the element type. Static indices must lie
    inside static dimensions.

    This stalls the orchestration; use it for control data the host needs
    (context lengths, block-table entries), not inside hot loops when the
    kernels can read the data themselves.

    Example:

    ```mlir
    %len = orch.read %lens[%b] : !orch.tensor<4xi32>
    %blk = orch.read %bt[%b, %j] : !orch.tensor<4x?xi32>
    ```
  }];

  let arguments = (ins Orch_ChipTensorType:$tensor, Variadic<Index>:$indices,
                       DenseI64ArrayAttr:$static_indices);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $tensor `` custom<DynamicIndexList>($indices, $static_indices) attr-dict
    `:` qualified(type($tensor))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// WaitOp
//===----------------------------------------------------------------------===//

def Orch_WaitOp : Orch_Op<"wait", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "block the orchestration until a runtime tensor's writers completed";
  let description = [{
    `(void)get_tensor_data(tensor, ndims, {0, ...})`: the orchestration waits,
    as for `orch.read`, until the tensor's creator and every earlier writer the
    runtime tracks have completed, and drops the value. It bounds how far the
    orchestration runs ahead of the device, for example so that the scopes it
    has opened never fill a ring's heap. It is declared as writing memory so
    that it is neither removed nor moved across submissions.

    Example:

    ```mlir
    orch.wait %acc_sum : !orch.tensor<1024xf32>
    ```
  }];

  let arguments = (ins Orch_ChipTensorType:$tensor);
  let assemblyFormat = "$tensor attr-dict `:` qualified(type($tensor))";
}

//===----------------------------------------------------------------------===//
// SubmitOp
//===----------------------------------------------------------------------===//

def Orch_SubmitOp : Orch_Op<"submit", [
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "submit an AIC, AIV or MIX task";
  let description = [{
    Builds one `CoreTaskArgs` and submits it:

    | kind  | runtime call                                                   | kernel slots                |
    |-------|----------------------------------------------------------------|-----------------------------|
    | `aic` | `rt_submit_aic_task(id(aic), args)`                            | `aic` only                  |
    | `aiv` | `rt_submit_aiv_task(id(aiv0 or aiv1), args)`                   | exactly one of `aiv0`/`aiv1`|
    | `mix` | `rt_submit_task(MixedKernels{aic, aiv0, aiv1}, args)`          | at least two slots          |

    An empty slot is `INVALID_KERNEL_ID`. A MIX task may leave `aic` empty and
    name the same AIV kernel in `aiv0` and `aiv1`: both lanes of a cluster then
    run it, with `get_sub_block_id` 0 and 1. Each slot names a `func.func` in
    the enclosing module; if that function has an `aicore.kernel` contract,
    its core must be `aic` for the `aic` slot and `aiv` for AIV slots.
    The emitter numbers kernels (`func_id`) by symbol.

    `blocks` is the SPMD block count (`launch_spec.set_block_num(n)`), a
    constant or an `index` value; absent means 1. The runtime keeps both the
    count and count x filled slots in int16 fields, so a constant count must
    lie in `[1, 32767 / filled slots]`.

    `args` lists the tensor arguments in kernel `args[]` order, each with its
    direction: `in` → `add_input`, `out` → `add_output` (an existing tensor),
    `inout` → `add_inout`. `scalars` follow (`add_scalar`; `i64`, `i32` or
    `f32`, the latter passed as its bits). At most 32 tensors and 16 scalars.

    Dependencies come from the runtime's overlap rule: `in` and `inout` wait
    for earlier `inout`/`out` writers of overlapping tensors; `out` does not
    wait for earlier writers (so a buffer that was written before should be
    passed as `inout`), and nothing waits for earlier readers. A task must
    therefore never write (`out`/`inout`) a tensor that overlaps one of its
    own `in` tensors; the verifier rejects it unless both are views of the
    same buffer at provably disjoint static boxes.

    Example (the softmax stage on both AIV lanes of 8 clusters):

    ```mlir
    orch.submit mix(aiv0 = @softmax_prepare, aiv1 = @softmax_prepare) blocks(8)
        args(in %sij : !orch.tensor<128x128xf32>, out %pij : !orch.tensor<128x128xbf16>,
             out %mij : !orch.tensor<128xf32>, out %lij : !orch.tensor<128xf32>)
        scalars(%scale, %j : f32, i64)
    ```
  }];

  let arguments = (ins
    Orch_TaskKindAttr:$kind,
    OptionalAttr<FlatSymbolRefAttr>:$aic_kernel,
    OptionalAttr<FlatSymbolRefAttr>:$aiv0_kernel,
    OptionalAttr<FlatSymbolRefAttr>:$aiv1_kernel,
    Optional<Index>:$block_num,
    OptionalAttr<I64Attr>:$static_block_num,
    Variadic<Orch_ChipTensorType>:$tensors,
    Orch_ArgDirectionArrayAttr:$directions,
    Variadic<AnyType>:$scalars
  );
  let assemblyFormat = [{
    custom<KindAndSlots>($kind, $aic_kernel, $aiv0_kernel, $aiv1_kernel)
    `` custom<BlockNum>($block_num, $static_block_num)
    `args` `` custom<TensorArgs>($tensors, type($tensors), $directions)
    (`scalars` `(` $scalars^ `:` type($scalars) `)`)?
    attr-dict
  }];

  let builders = [
    /// Builds a submission with a block count given as a value (null: none,
    /// i.e. one block).
    OpBuilder<(ins "TaskKind":$kind, "FlatSymbolRefAttr":$aicKernel,
                   "FlatSymbolRefAttr":$aiv0Kernel, "FlatSymbolRefAttr":$aiv1Kernel,
                   "Value":$blockNum, "ValueRange":$tensors,
                   "ArrayRef<ArgDirection>":$directions, "ValueRange":$scalars)>,
    /// Builds a submission with a constant block count.
    OpBuilder<(ins "TaskKind":$kind, "FlatSymbolRefAttr":$aicKernel,
                   "FlatSymbolRefAttr":$aiv0Kernel, "FlatSymbolRefAttr":$aiv1Kernel,
                   "int64_t":$blockNum, "ValueRange":$tensors,
                   "ArrayRef<ArgDirection>":$directions, "ValueRange":$scalars)>
  ];

  let extraClassDeclaration = [{
    /// Direction of tensor argument `i`.
    ArgDirection getDirection(unsigned i) {
      return ::llvm::cast<ArgDirectionAttr>(getDirections()[i]).getValue();
    }
    /// The block count when it is a compile-time constant (the attribute, or
    /// an operand defined by a constant op); 1 when neither is given.
    std::optional<int64_t> getConstantBlockNum();
    /// Runtime capacities per task (CORE_MAX_TENSOR_ARGS, CORE_MAX_SCALAR_ARGS).
    static constexpr unsigned kMaxTensorArgs = 32;
    static constexpr unsigned kMaxScalarArgs = 16;
    /// set_block_num takes an int16.
    static constexpr int64_t kMaxBlockNum = 32767;
  }];
  let hasVerifier = 1;
}

#endif // PTOATTN_DIALECT_ORCH_IR_ORCHOPS_TD
