//===- AICoreDialect.td - the aicore dialect and base classes -*- tablegen -*-===//
//
// The `aicore` dialect describes the program one AICore (the cube core AIC or
// one vector lane AIV) runs: PTO-ISA tile instructions on typed on-chip tiles
// and views of global memory, one operation per instruction, so that the
// emitter is a table lookup and every hardware rule can be checked before any
// C++ is printed.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICOREDIALECT_TD
#define PTOATTN_DIALECT_AICORE_IR_AICOREDIALECT_TD

include "mlir/IR/OpBase.td"

def AICore_Dialect : Dialect {
  let name = "aicore";
  let cppNamespace = "::mlir::ptoattn::aicore";
  let summary = "Per-core PTO-ISA tile programs";
  let description = [{
    Kernel bodies for the Ascend a2a3 cores. Values of `!aicore.tile` type are
    handles to on-chip buffers (L1, L0A, L0B, L0C, UB); values of `!aicore.gm`
    type are views of global memory in the shape a PTO-ISA `GlobalTensor`
    needs. Instructions take their destination as an operand, exactly like
    the PTO-ISA C++ API, and declare which operands they read and write.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  // Verifies `aicore.kernel` and `aicore.target` wherever they are attached.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the types; lives next to their storage classes.
    void registerTypes();
    /// Registers the attributes (AICoreAttrs.cpp).
    void registerAttributes();

    /// Discardable attribute names the dialect owns.
    static constexpr ::llvm::StringLiteral kKernelAttrName = "aicore.kernel";
    static constexpr ::llvm::StringLiteral kTargetAttrName = "aicore.target";
    static constexpr ::llvm::StringLiteral kMemoryAttrName = "aicore.memory";
  }];
}

/// Base class of every aicore operation.
class AICore_Op<string mnemonic, list<Trait> traits = []>
    : Op<AICore_Dialect, mnemonic, traits>;

#endif // PTOATTN_DIALECT_AICORE_IR_AICOREDIALECT_TD
