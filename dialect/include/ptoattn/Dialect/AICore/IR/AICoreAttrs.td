//===- AICoreAttrs.td - aicore dialect attributes ------------*- tablegen -*-===//
//
// The typed contracts the aicore dialect owns: what one kernel is (core,
// lanes, strategy and its arguments in `add_*` order) and which chip a module
// is compiled for. Both are verified by the dialect wherever they appear.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICOREATTRS_TD
#define PTOATTN_DIALECT_AICORE_IR_AICOREATTRS_TD

include "ptoattn/Dialect/AICore/IR/AICoreDialect.td"
include "ptoattn/Dialect/AICore/IR/AICoreEnums.td"
include "mlir/IR/AttrTypeBase.td"

class AICore_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<AICore_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// KernelArgAttr
//===----------------------------------------------------------------------===//

def AICore_KernelArgAttr : AICore_Attr<"KernelArg", "arg"> {
  let summary = "one argument of a kernel: how it is passed, what it is, its type";
  let description = [{
    `kind` is the `CoreTaskArgs` method the orchestration adds it with (`in`,
    `out`, `inout` for tensors, `scalar` for a raw 64-bit scalar); `role` names
    the logical tensor or scalar (`query`, `scores`, `kv_step`, ...); `type` is
    the tensor's element type, or the scalar's type (`i64`, or `f32` for a
    float carried in the low 32 bits).

    ```mlir
    #aicore.arg<in "query" : bf16>
    #aicore.arg<scalar "scale" : f32>
    ```
  }];
  let parameters = (ins EnumParameter<AICore_ArgKind>:$kind, StringRefParameter<>:$role,
                        "::mlir::Type":$type);
  let assemblyFormat = "`<` $kind $role `:` $type `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isTensor() const { return getKind() != ArgKind::Scalar; }
    /// "in query", "i64 kv_step": the argument as kernel comments spell it.
    std::string describe() const;
  }];
}

/// `spmd` unless given.
def AICore_DefaultStrategyParameter : EnumParameter<AICore_Strategy> {
  let defaultValue = "::mlir::ptoattn::aicore::Strategy::Spmd";
}

//===----------------------------------------------------------------------===//
// KernelAttr
//===----------------------------------------------------------------------===//

def AICore_KernelAttr : AICore_Attr<"Kernel", "kernel"> {
  let summary = "the contract of one kernel function";
  let description = [{
    Attached as `aicore.kernel` to a kernel `func.func` (and kept on the
    `emitc.file` it becomes). `core` is the core type (`aic`, `aiv`), `lanes`
    the AIV lanes that run it together (2 for a MIX task naming it in both
    AIV slots, otherwise 1), `strategy` the addressing it was built for, and
    `args` its arguments in `add_*` order: tensors first, then scalars.
    `lanes` defaults to 1, `strategy` to `spmd`, `args` to none; defaults are
    not printed (`#aicore.kernel<core = aiv>` is a valid hand-written kernel).

    ```mlir
    func.func @mqa_qk_matmul() attributes {aicore.kernel = #aicore.kernel<
        core = aic, lanes = 1, strategy = spmd,
        args = [#aicore.arg<in "query" : bf16>, #aicore.arg<out "scores" : f32>,
                #aicore.arg<scalar "kv_step" : i64>]>} { ... }
    ```
  }];
  let parameters = (ins EnumParameter<AICore_CoreType>:$core,
                        DefaultValuedParameter<"int64_t", "1">:$lanes,
                        AICore_DefaultStrategyParameter:$strategy,
                        OptionalParameter<"::mlir::ArrayAttr">:$args);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The arguments, typed.
    ::llvm::SmallVector<KernelArgAttr> getArguments() const;
    /// Number of tensor arguments (they come first).
    unsigned getNumTensors() const;
  }];
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

def AICore_TargetAttr : AICore_Attr<"Target", "target"> {
  let summary = "the chip a module is compiled for";
  let description = [{
    Attached as `aicore.target` to the module. The chip name selects one
    `TargetInfo` of `ptoattn/Target/A2A3.h` (`910B1`/`910B2`: 24 clusters,
    `910B3`/`910B4`: 20); every pass and verifier that needs a limit asks
    that description. A module without it is compiled for `910B1`.

    ```mlir
    module attributes {aicore.target = #aicore.target<"910B3">} { ... }
    ```
  }];
  let parameters = (ins StringRefParameter<>:$chip);
  let assemblyFormat = "`<` $chip `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The chip's description (the name is verified, so it exists).
    const ::mlir::ptoattn::target::TargetInfo &getInfo() const;
  }];
}

#endif // PTOATTN_DIALECT_AICORE_IR_AICOREATTRS_TD
