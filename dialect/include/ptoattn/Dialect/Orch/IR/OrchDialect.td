//===- OrchDialect.td - the orch dialect and its base classes -*- tablegen -*-===//
//
// The `orch` dialect describes the host-side orchestration function that drives
// the kernels through simpler's `tensormap_and_ringbuffer` runtime. Its ops map
// one to one onto the runtime's orchestration API so that the later EmitC
// lowering is a mechanical rewrite.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ORCH_IR_ORCHDIALECT_TD
#define PTOATTN_DIALECT_ORCH_IR_ORCHDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Orch_Dialect : Dialect {
  let name = "orch";
  let cppNamespace = "::mlir::ptoattn::orch";
  let summary = "Ring-buffer runtime orchestration: scopes, tensors, task submission";
  let description = [{
    Host-side (AICPU) orchestration for simpler's `tensormap_and_ringbuffer`
    runtime. A function of this dialect wraps orchestration arguments into
    runtime tensors (`orch.external`), opens scopes (`orch.scope`, i.e.
    `PTO2_SCOPE`), allocates intermediates on the ring heap (`orch.alloc`),
    cuts views (`orch.view`), reads scalars of runtime tensors
    (`orch.read`, a blocking `get_tensor_data<T>`) and submits AIC, AIV and
    MIX tasks (`orch.submit`).

    Ordering between tasks is never written down: the runtime derives it from
    tensor overlap (read-after-write, and write-after-write for `inout`
    writers). Write-after-read is not tracked, which is why `orch.submit`
    rejects a task that writes a tensor it also reads as `in`.

    The func.func attributes `orch.entry = #orch.entry<...>` (the argument
    counts behind `aicpu_orchestration_config`) and `orch.ring = #orch.ring<...>`
    (ring requirements of the executor's implicit entry scope) are verified
    by the dialect.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;

  let extraClassDeclaration = [{
    /// Name of the func.func attribute holding the entry configuration.
    static constexpr ::llvm::StringLiteral kEntryAttrName = "orch.entry";
    /// Name of the func.func attribute holding the implicit scope's ring needs.
    static constexpr ::llvm::StringLiteral kRingAttrName = "orch.ring";

  private:
    void registerAttributes();
    void registerTypes();

  public:
  }];
}

/// Base class of every orch operation.
class Orch_Op<string mnemonic, list<Trait> traits = []>
    : Op<Orch_Dialect, mnemonic, traits>;

/// Base class of orch attributes with a mnemonic.
class Orch_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Orch_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

/// Base class of orch types with a mnemonic.
class Orch_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Orch_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

#endif // PTOATTN_DIALECT_ORCH_IR_ORCHDIALECT_TD
